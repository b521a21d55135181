import { Field, Float, ObjectType } from 'type-graphql';
import { Ratio } from '../common/ratio.type.ts';
import { OrgTypeRow, TopicReport } from '../report/report.type.ts';
import { SafeInt } from '../scalars.ts';

/** Organisations and members of one organisation type (and sector). */
@ObjectType({
  simpleResolvers: true,
  description: 'Organisations and members of one organisation type, for all sectors or one.',
})
export class MembershipRow extends OrgTypeRow {
  @Field(() => SafeInt, { nullable: true, description: 'Organisations operating, count.' })
  activeOrganisations!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations founded in the year, count.',
  })
  newlyFounded!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations dissolved, bankrupt or ceased in the year, count.',
  })
  dissolved!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Members: people (member cooperatives for LHHTX), count.',
  })
  members!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Official members (from 1 July 2024; missing before), count.',
  })
  officialMembers!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Capital-contributing associate members (from 1 July 2024), count.',
  })
  capitalAssociates!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Non-contributing associate members (from 1 July 2024), count.',
  })
  otherAssociates!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Regular workers, persons.' })
  employees!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Members per organisation (members ÷ organisations).',
  })
  membersPerOrganisation!: number | null;
}

/** Membership of the collective economy in an area and year. */
@ObjectType({
  simpleResolvers: true,
  description:
    'Organisations and members by type and sector, with the membership indicators (incl. share of population).',
})
export class MembershipReport extends TopicReport {
  @Field(() => [MembershipRow], {
    description: 'One row per organisation type: totals over sectors.',
  })
  byOrgType!: MembershipRow[];

  @Field(() => [MembershipRow], {
    description: 'One row per organisation type and sector, where reported.',
  })
  bySector!: MembershipRow[];

  @Field(() => Ratio, {
    description:
      'Members of THT, HTX and QTDND per 100 inhabitants (population of the year or the latest earlier); an upper bound, as double memberships count twice.',
  })
  populationShare!: Ratio;
}
