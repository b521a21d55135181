import { Field, Int, ObjectType } from 'type-graphql';
import { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { Boundaries, OrgType, Sector, ValueStatus } from '../common/enums.ts';
import { IndicatorValue } from '../indicator/indicator.type.ts';
import { SafeInt } from '../scalars.ts';
import { PartialSum } from './partial-sum.ts';

/**
 * Fields every topic report has: where, when, from which source, and the topic's indicators.
 *
 * The report types (and the row, ratio and unit types under them) use `simpleResolvers`: their
 * plain fields are read by graphql's default resolver instead of a type-graphql wrapper per
 * field (the schema has no middlewares or auth checker, so the wrapper only read the property).
 * A dashboard pull resolves thousands of such fields; `@FieldResolver`s are unaffected.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'Fields shared by the topic reports (a base, not emitted in the schema).',
})
export abstract class TopicReport {
  @Field(() => AdminUnit, { description: 'The area reported on.' })
  area!: AdminUnit;

  @Field(() => Int, { description: 'Reporting year (figures as of 31 December).' })
  year!: number;

  @Field(() => Boundaries, { description: 'Boundaries the figures are on.' })
  boundaries!: Boundaries;

  @Field(() => String, {
    nullable: true,
    description: 'Source series of the counts; null when the area has no figures for the year.',
  })
  source!: string | null;

  @Field(() => [IndicatorValue], {
    description:
      "The topic's registered indicators for the area and year (ratios from summed counts).",
  })
  indicators!: IndicatorValue[] | Promise<IndicatorValue[]>;
}

/** Fields of every per-organisation-type row. */
@ObjectType({
  simpleResolvers: true,
  description: 'Fields shared by the per-type rows (a base, not emitted in the schema).',
})
export abstract class OrgTypeRow {
  @Field(() => OrgType, { description: 'Organisation type.' })
  orgType!: OrgType;

  @Field(() => Sector, { description: 'Sector (ALL for the total over sectors).' })
  sector!: Sector;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations, count; null when not reported.',
  })
  organisations!: number | null;

  @Field(() => PartialSum, {
    description:
      'Organisations with their coverage: the count when known (EXACT); when `organisations` is null because parts are missing (sectors on AS_REPORTED boundaries, merged units on CURRENT), the sum of the parts that reported (AT_LEAST) with how many of how many parts.',
  })
  organisationsReported!: PartialSum | Promise<PartialSum>;

  @Field(() => ValueStatus, { description: 'How the row was published.' })
  status!: ValueStatus;
}
