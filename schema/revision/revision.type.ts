import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OrgType, Sector, ValueStatus } from '../common/enums.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';

/** The fact measures whose revisions can be listed, by the names the topic reports use. */
export enum RevisionMeasure {
  ORGANISATIONS = 'org_count',
  ACTIVE_ORGANISATIONS = 'active_count',
  NEWLY_FOUNDED = 'new_count',
  DISSOLVED = 'dissolved_count',
  MEMBERS = 'members',
  OFFICIAL_MEMBERS = 'official_members',
  CAPITAL_ASSOCIATES = 'capital_associates',
  OTHER_ASSOCIATES = 'other_associates',
  EMPLOYEES = 'employees',
  GOOD = 'rated_good',
  FAIR = 'rated_fair',
  AVERAGE = 'rated_average',
  WEAK = 'rated_weak',
  NOT_RATED = 'rated_none',
  EFFECTIVE = 'effective_count',
  IN_VALUE_CHAIN = 'in_value_chain',
  LINKED_ENTERPRISE = 'linked_enterprise',
  GOOD_OR_FAIR_IN_VALUE_CHAIN = 'good_fair_in_value_chain',
  HIGH_TECH = 'high_tech',
  DIGITAL = 'digital',
}
registerEnumType(RevisionMeasure, {
  name: 'RevisionMeasure',
  description:
    'A count of the topic reports (same meaning as the report field of the same name, e.g. ORGANISATIONS = `organisations`), as loaded from files.',
  valuesConfig: {
    ORGANISATIONS: { description: 'Organisations registered (`organisations`).' },
    ACTIVE_ORGANISATIONS: { description: 'Organisations operating (`activeOrganisations`).' },
    NEWLY_FOUNDED: { description: 'Organisations founded in the year (`newlyFounded`).' },
    DISSOLVED: { description: 'Organisations dissolved in the year (`dissolved`).' },
    MEMBERS: { description: 'Members, people or member cooperatives (`members`).' },
    OFFICIAL_MEMBERS: { description: 'Official members (`officialMembers`).' },
    CAPITAL_ASSOCIATES: { description: 'Capital-contributing associates (`capitalAssociates`).' },
    OTHER_ASSOCIATES: { description: 'Non-contributing associates (`otherAssociates`).' },
    EMPLOYEES: { description: 'Employees, persons (`employees`).' },
    GOOD: { description: 'Organisations rated good (`good`).' },
    FAIR: { description: 'Organisations rated fair (`fair`).' },
    AVERAGE: { description: 'Organisations rated average (`average`).' },
    WEAK: { description: 'Organisations rated weak (`weak`).' },
    NOT_RATED: { description: 'Organisations not rated (`notRated`).' },
    EFFECTIVE: { description: 'Organisations operating effectively (`effective`).' },
    IN_VALUE_CHAIN: { description: 'Organisations in value chains (`inValueChain`).' },
    LINKED_ENTERPRISE: {
      description: 'Organisations linked with enterprises (`linkedEnterprise`).',
    },
    GOOD_OR_FAIR_IN_VALUE_CHAIN: {
      description: 'Good or fair organisations in value chains (`goodOrFairInValueChain`).',
    },
    HIGH_TECH: { description: 'Organisations applying high technology (`highTech`).' },
    DIGITAL: { description: 'Organisations in digital transformation (`digital`).' },
  },
});

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
