import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ValueQualifier } from '../common/qualifier.enum.ts';
import { IndicatorKind, Topic, ValueOrigin, ValueStatus } from '../common/enums.ts';

/** A registered indicator. */
@ObjectType({
  description:
    'An indicator of the registry: defined once, with labels in both languages, unit and formula.',
})
export class Indicator {
  @Field(() => String, { description: 'Stable indicator code (English, snake_case).' })
  code!: string;

  @Field(() => String, { description: 'Label in Vietnamese.' })
  labelVi!: string;

  @Field(() => String, { description: 'Label in English.' })
  labelEn!: string;

  @Field(() => Topic, { description: 'Topic.' })
  topic!: Topic;

  @Field(() => String, {
    description: "Unit of measure, e.g. 'cooperatives', 'members', 'percent'.",
  })
  unit!: string;

  @Field(() => IndicatorKind, {
    description: 'How the value is computed from numerator and denominator.',
  })
  kind!: IndicatorKind;

  @Field(() => Boolean, { description: 'True when a higher value is better.' })
  higherIsBetter!: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'Natural limit of the value (100 for a share in percent), if any.',
  })
  naturalLimit!: number | null;

  @Field(() => Boolean, {
    description: 'True when no fact computes it: values come only from published figures.',
  })
  publishedOnly!: boolean;

  @Field(() => String, { description: 'What is counted, and caveats.' })
  description!: string;
}

/** One value of an indicator for a unit, year and source. */
@ObjectType({
  description:
    'A value of an indicator for an area, year and source, with the parts it was computed from.',
})
export class IndicatorValue {
  indicatorCode!: string;
  unitId!: string;

  @Field(() => Int, { description: 'Reporting year (figures as of 31 December).' })
  year!: number;

  @Field(() => Float, {
    nullable: true,
    description: "Value in the indicator's unit; null when missing (never 0 for missing).",
  })
  value!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Numerator: summed counts (or the value itself for a count).',
  })
  numerator!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Denominator: summed counts, or the population; null for counts.',
  })
  denominator!: number | null;

  @Field(() => String, {
    description:
      'Source series: PSO (provincial statistics office), MINISTRY, VCA (cooperative alliance), OTHER.',
  })
  source!: string;

  @Field(() => ValueStatus, {
    description: 'How the figure was published (the weakest status of its parts).',
  })
  status!: ValueStatus;

  @Field(() => ValueOrigin, {
    description: 'Computed from counts, or taken from a published figure.',
  })
  origin!: ValueOrigin;

  @Field(() => ValueQualifier, {
    description:
      "How far the value holds as a number: the source's hedge (gần → NEARLY), or what follows from the parts it was computed from (a share over a lower-bound count is NEARLY: at most).",
  })
  qualifier!: ValueQualifier;

  @Field(() => Boolean, {
    description: 'True when the source gave a rounded or bounded figure (khoảng, hơn, gần…).',
    deprecationReason: 'Use `qualifier`, which also says which way a bound points.',
  })
  approximate!: boolean;

  @Field(() => [String], {
    description:
      'Organisation types the value covers (types that did not report both parts are left out).',
  })
  orgTypes!: string[];
}
