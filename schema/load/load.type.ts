import { Field, Int, ObjectType } from 'type-graphql';
import { enumOf, registerEnum } from '../common/enums.ts';
import { DateTime, SafeInt } from '../scalars.ts';

/** The kinds of input a load brings, as `load_log.family` records them. */
export const LoadFamily = registerEnum(
  {
    AGGREGATES: 'aggregates',
    REGISTER: 'register',
    REFERENCE: 'reference',
    CATALOG: 'catalog',
  } as const,
  'LoadFamily',
  'The kind of input a load brought into the warehouse.',
  {
    AGGREGATES: 'Province aggregates: one row per province × year × organisation type × sector.',
    REGISTER: 'Organisation register: one row per organisation × year.',
    REFERENCE:
      'Reference data built in: administrative units, population and the published national series.',
    CATALOG: 'The plan catalog and indicator registry (targets with their sources).',
  },
);
export type LoadFamily = (typeof LoadFamily)[keyof typeof LoadFamily];

/** What a recorded load did, as `load_log.outcome` records it. */
export const LoadOutcome = registerEnum(
  enumOf(['PUBLISHED', 'NO_CHANGE'] as const),
  'LoadOutcome',
  'What a recorded load did to the published data.',
  {
    PUBLISHED: 'The load changed values and published a new data version.',
    NO_CHANGE:
      'The file was new but every value in it was already published: logged, no new data version.',
  },
);
export type LoadOutcome = keyof typeof LoadOutcome;

/** One entry of the load log. */
@ObjectType({
  description:
    'One entry of the load log: a file (or the built-in reference data) that was validated and recorded. ' +
    'A file is loaded whole or not at all, so refused files never appear here.',
})
export class Load {
  @Field(() => Int, { description: 'The load number, increasing with each load.' })
  id!: number;

  @Field(() => LoadFamily, { description: 'The kind of input this load brought.' })
  family!: LoadFamily;

  @Field(() => String, { description: 'The file name as given to the loader (no directory).' })
  fileName!: string;

  @Field(() => String, {
    description: 'SHA-256 of the file, lower-case hex: the same file is never loaded twice.',
  })
  sha256!: string;

  @Field(() => SafeInt, { description: 'Size of the file, in bytes.' })
  fileBytes!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The source series assigned to rows that did not name one (for example `PSO`); null when not applicable.',
  })
  sourceCode!: string | null;

  @Field(() => [Int], { description: 'The years the file covers, ascending.' })
  years!: number[];

  @Field(() => [String], {
    description:
      'The administrative units whose values this load touched, as unit ids (`code:valid-from`, or `VN` for the nation).',
  })
  unitIds!: string[];

  @Field(() => SafeInt, { description: 'Data rows read from the file (header excluded).' })
  rowsRead!: number;

  @Field(() => SafeInt, { description: 'Rows accepted after validation.' })
  rowsAccepted!: number;

  @Field(() => SafeInt, {
    description:
      'Rows rejected by validation (0 for a recorded load: any error refuses the whole file).',
  })
  rowsRejected!: number;

  @Field(() => SafeInt, { description: 'Validation warnings reported (they do not block a load).' })
  warnings!: number;

  @Field(() => SafeInt, { description: 'Values added: not published before.' })
  valuesAdded!: number;

  @Field(() => SafeInt, { description: 'Values changed: published before with another value.' })
  valuesChanged!: number;

  @Field(() => SafeInt, {
    description:
      'Values removed: published before in a slice this file replaced, and absent from it.',
  })
  valuesRemoved!: number;

  @Field(() => SafeInt, { description: 'Values the file repeated unchanged.' })
  valuesUnchanged!: number;

  @Field(() => DateTime, { description: 'When the load started (UTC).' })
  startedAt!: string;

  @Field(() => DateTime, { description: 'When the load finished and was recorded (UTC).' })
  finishedAt!: string;

  @Field(() => LoadOutcome, { description: 'What the load did to the published data.' })
  outcome!: LoadOutcome;

  @Field(() => Int, {
    description:
      'The data version current after this load: a new one when it published, the previous one for NO_CHANGE.',
  })
  dataVersion!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Who ran the load (the `--by` option or the user name); null when not recorded.',
  })
  loadedBy!: string | null;
}

/** The published data version a response was computed from. */
@ObjectType({
  description:
    'A published data version. Every load that changes values publishes a new one; a response is ' +
    'always computed from exactly one version, never from a half-loaded state.',
})
export class DataVersion {
  @Field(() => Int, { description: 'The version number (0 is the empty warehouse).' })
  version!: number;

  @Field(() => DateTime, { description: 'When this version was published (UTC).' })
  publishedAt!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The load that published this version; null for version 0.',
  })
  loadId!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'What was published, for example `aggregates aggregates-2024.csv`.',
  })
  note!: string | null;
}
