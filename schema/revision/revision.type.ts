import { Field, Float, Int, ObjectType } from 'type-graphql';
import { OrgType, registerEnum, Sector, ValueStatus } from '../common/enums.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';
import type { FactMeasure } from '../../warehouse/tables/org-annual.table.ts';

/** The fact measures whose revisions can be listed, by the names the topic reports use. */
export const RevisionMeasure = registerEnum(
  {
    ORGANISATIONS: 'org_count',
    ACTIVE_ORGANISATIONS: 'active_count',
    NEWLY_FOUNDED: 'new_count',
    DISSOLVED: 'dissolved_count',
    MEMBERS: 'members',
    OFFICIAL_MEMBERS: 'official_members',
    CAPITAL_ASSOCIATES: 'capital_associates',
    OTHER_ASSOCIATES: 'other_associates',
    EMPLOYEES: 'employees',
    GOOD: 'rated_good',
    FAIR: 'rated_fair',
    AVERAGE: 'rated_average',
    WEAK: 'rated_weak',
    NOT_RATED: 'rated_none',
    EFFECTIVE: 'effective_count',
    IN_VALUE_CHAIN: 'in_value_chain',
    LINKED_ENTERPRISE: 'linked_enterprise',
    GOOD_OR_FAIR_IN_VALUE_CHAIN: 'good_fair_in_value_chain',
    HIGH_TECH: 'high_tech',
    DIGITAL: 'digital',
  } as const satisfies Readonly<Record<string, FactMeasure>>,
  'RevisionMeasure',
  'A count of the topic reports (same meaning as the report field of the same name, e.g. ORGANISATIONS = `organisations`), as loaded from files.',
  {
    ORGANISATIONS: 'Organisations registered (`organisations`).',
    ACTIVE_ORGANISATIONS: 'Organisations operating (`activeOrganisations`).',
    NEWLY_FOUNDED: 'Organisations founded in the year (`newlyFounded`).',
    DISSOLVED: 'Organisations dissolved in the year (`dissolved`).',
    MEMBERS: 'Members, people or member cooperatives (`members`).',
    OFFICIAL_MEMBERS: 'Official members (`officialMembers`).',
    CAPITAL_ASSOCIATES: 'Capital-contributing associates (`capitalAssociates`).',
    OTHER_ASSOCIATES: 'Non-contributing associates (`otherAssociates`).',
    EMPLOYEES: 'Employees, persons (`employees`).',
    GOOD: 'Organisations rated good (`good`).',
    FAIR: 'Organisations rated fair (`fair`).',
    AVERAGE: 'Organisations rated average (`average`).',
    WEAK: 'Organisations rated weak (`weak`).',
    NOT_RATED: 'Organisations not rated (`notRated`).',
    EFFECTIVE: 'Organisations operating effectively (`effective`).',
    IN_VALUE_CHAIN: 'Organisations in value chains (`inValueChain`).',
    LINKED_ENTERPRISE: 'Organisations linked with enterprises (`linkedEnterprise`).',
    GOOD_OR_FAIR_IN_VALUE_CHAIN:
      'Good or fair organisations in value chains (`goodOrFairInValueChain`).',
    HIGH_TECH: 'Organisations applying high technology (`highTech`).',
    DIGITAL: 'Organisations in digital transformation (`digital`).',
  },
);
export type RevisionMeasure = (typeof RevisionMeasure)[keyof typeof RevisionMeasure];

/** One published value of a cell over a range of data versions. */
@ObjectType({
  description:
    'One value a cell had over a range of data versions: the load and file that published it, and the version that replaced it (null while it is the current value).',
})
export class Revision {
  @Field(() => String, { description: 'Source series of the value (PSO, MINISTRY, VCA, OTHER).' })
  source!: string;

  @Field(() => OrgType, {
    nullable: true,
    description: 'Organisation type of a fact measure; null for a published reference value.',
  })
  orgType!: OrgType | null;

  @Field(() => Sector, {
    nullable: true,
    description: 'Sector of a fact measure (ALL = the total row); null for a published value.',
  })
  sector!: Sector | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "The value published (the measure's unit: organisations, members or persons; a reference figure in its indicator's unit). Null when the file left it empty.",
  })
  value!: number | null;

  @Field(() => ValueStatus, { description: 'How the value was published.' })
  status!: ValueStatus;

  @Field(() => ValueQualifier, {
    nullable: true,
    description:
      "How the source hedged the value ('khoảng', 'trên', 'gần' …): a reference figure's hedge word, or a fact measure's own qualifier (from the figure it was read from, or a load file's qualifier column); EXACT when there is none.",
  })
  qualifier!: ValueQualifier | null;

  @Field(() => Int, { description: 'First data version in which this value was published.' })
  fromVersion!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      'Data version that replaced or removed it (the value is read by `asOfVersion` from `fromVersion` up to this version, exclusive); null while it is the current value.',
  })
  toVersion!: number | null;

  @Field(() => Boolean, { description: 'True while this is the value published now.' })
  isCurrent!: boolean;

  @Field(() => Int, { description: 'The load that published the value (see `loads`).' })
  loadId!: number;

  @Field(() => String, { nullable: true, description: 'File name of that load.' })
  file!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "When that load finished, 'YYYY-MM-DD HH:MM:SS' UTC.",
  })
  loadedAt!: string | null;
}
