import { Field, Float, ObjectType } from 'type-graphql';
import { SafeInt } from '../scalars.ts';
import { ValueQualifier } from './qualifier.enum.ts';

/** A share computed from its numerator and denominator, with both exposed. */
@ObjectType({
  simpleResolvers: true,
  description: 'A share in percent, computed from its numerator and denominator (both exposed).',
})
export class Ratio {
  @Field(() => Float, {
    nullable: true,
    description:
      'Percent: 100 × numerator ÷ denominator; null when either is missing or the denominator is 0.',
  })
  percent!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Numerator, a count.' })
  numerator!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Denominator, a count.' })
  denominator!: number | null;

  @Field(() => ValueQualifier, {
    nullable: true,
    description:
      'What follows from the bounds of the counts (a share of "more than 4,000" of an exact count is MORE_THAN; over a lower-bound denominator, NEARLY: at most); EXACT when both are exact; null where the parts are not known.',
  })
  qualifier?: ValueQualifier | Promise<ValueQualifier> | null;
}

/** Builds a {@link Ratio}; missing parts give a missing share, never 0. */
export function ratio(
  numerator: number | null | undefined,
  denominator: number | null | undefined,
): Ratio {
  const n = numerator ?? null;
  const d = denominator ?? null;
  return {
    numerator: n,
    denominator: d,
    percent: n === null || d === null || d === 0 ? null : (100 * n) / d,
  };
}
