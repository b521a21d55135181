import { Field, Float, Int, ObjectType } from 'type-graphql';
import {
  ATTAINMENT_BOUNDS,
  PROGRESS_STATUSES,
  STATUS_METHODS,
  type AttainmentBound as EngineAttainmentBound,
  type ProgressStatus as EngineProgressStatus,
  type StatusMethod,
} from '../../warehouse/progress/progress-types.ts';
import { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { enumOf, registerEnum, ValueStatus } from '../common/enums.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';
import { IndicatorValue } from '../indicator/indicator.type.ts';
import { LocalDate } from '../scalars.ts';

/** Progress statuses. */
export const ProgressStatus = registerEnum(
  enumOf(PROGRESS_STATUSES),
  'ProgressStatus',
  'Verdict on a target.',
  {
    ACHIEVED:
      'The latest value meets the target; after the target year, final: the value of the target year (or the nearest earlier year, with a warning) met it. A per-year target (`fromYear`): final only, every year of its range observed and met.',
    ON_TRACK:
      'On the current trend the target will be met (UNSD on track, Open SDG substantial progress, ESCAP maintain progress).',
    ACCELERATION_NEEDED:
      'Progress, but too slow to meet the target on the current trend (UNSD fair progress, Open SDG moderate progress, ESCAP accelerate).',
    LIMITED_PROGRESS:
      "Open SDG's own category: the pace is positive but below 60% of the pace required. Not folded into ACCELERATION_NEEDED.",
    STAGNATION_OR_REGRESSION:
      'Little or no progress, or moving away from the target (UNSD stagnation or regression, Open SDG deterioration, ESCAP reverse the trend).',
    NOT_ACHIEVED:
      'Final: the target year is over (or observed) and its value (or the nearest earlier one) missed the target; for a per-year target (`fromYear`), a year of its range missed it.',
    UNDETERMINED_BY_BOUND:
      'The latest value is a bound ("trên", "gần") and values inside it lead to different verdicts: `possibleStatuses` lists them.',
    INSUFFICIENT_DATA: 'Not enough observations (or none) to judge.',
    NOT_APPLICABLE: 'No method applies to this target.',
    BOUNDARY_CHANGED:
      "The target's unit ended (the 2025 mergers): comparing it with the larger successor would be wrong; figures shown are the old unit's.",
  },
);
export type ProgressStatus = EngineProgressStatus;

/** Which method decides the `status` field. */
export const ProgressMethod = registerEnum(
  enumOf(['OVERALL', ...STATUS_METHODS] as const),
  'ProgressMethod',
  'Method whose verdict `status` reports. All three are always exposed in `methods`.',
  {
    OVERALL:
      'The engine’s combined rule: target met, deadline passed, else UNSD, falling back to ESCAP, then Open SDG.',
    UNSD: 'UN Statistics Division SDG Progress Chart: progress ratio P = (projected − baseline) ÷ (target − baseline).',
    OPEN_SDG: 'Open SDG ratio method: observed CAGR ÷ required CAGR, with its thresholds.',
    ESCAP: 'UN ESCAP anticipated gap at the target year on a linear trend.',
  },
);
export type ProgressMethod = 'OVERALL' | StatusMethod;

/** A point of a series used by the engine. */
@ObjectType({
  simpleResolvers: true,
  description: 'An observation used by the progress engine.',
})
export class ProgressPoint {
  @Field(() => Int, { description: 'Year.' })
  year!: number;

  @Field(() => Float, { description: "Value in the target's unit." })
  value!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Numerator of the value, when computed from counts.',
  })
  numerator!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Denominator of the value, when computed from counts.',
  })
  denominator!: number | null;

  @Field(() => String, { nullable: true, description: 'Source series.' })
  source!: string | null;

  @Field(() => ValueStatus, { nullable: true, description: 'How the value was published.' })
  status!: ValueStatus | null;

  @Field(() => String, {
    nullable: true,
    description:
      'For a baseline: STATED (in the plan), PLAN_YEAR, NEAREST_EARLIER or EARLIEST_AVAILABLE.',
  })
  kind!: string | null;

  @Field(() => ValueQualifier, {
    nullable: true,
    description: 'How the source hedged the value (EXACT, ABOUT, MORE_THAN, NEARLY, AT_LEAST).',
  })
  qualifier!: ValueQualifier | null;
}

/** Which side of its number an attainment may claim. */
export const AttainmentBound = registerEnum(
  enumOf(ATTAINMENT_BOUNDS),
  'AttainmentBound',
  'What an attainment computed from a qualified value may claim: the number, about it, or only one side of it.',
  {
    EXACT: 'The latest value is exact: attainment is the number.',
    ABOUT: 'The latest value is "about" (khoảng): attainment is about the number.',
    AT_LEAST: 'Attainment is at least the number ("≥ 77.9%"), e.g. from a "trên" value.',
    AT_MOST: 'Attainment is at most the number ("≤ 75.0%"), e.g. from a "gần" value.',
  },
);
export type AttainmentBound = EngineAttainmentBound;

/** One method's verdict with its numbers. */
@ObjectType({
  simpleResolvers: true,
  description: "One method's verdict with the numbers behind it.",
})
export class MethodVerdict {
  @Field(() => ProgressStatus, {
    description: 'Verdict of the method, mapped to the common statuses.',
  })
  status!: ProgressStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "The method's own band or category (e.g. FAIR_PROGRESS_ACCELERATION_NEEDED, MODERATE_PROGRESS, ACCELERATE).",
  })
  band!: string | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'UNSD: progress ratio P. Open SDG: ratio of observed to required CAGR. ESCAP: anticipated gap (share of the baseline→target distance not covered).',
  })
  score!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Value projected to the target year by the method.',
  })
  projectedValue!: number | null;

  @Field(() => String, { description: 'The method’s thresholds, as text.' })
  thresholds!: string;
}

/** The three methods. */
@ObjectType({
  simpleResolvers: true,
  description: 'Verdicts of the UN Statistics Division, Open SDG and UN ESCAP methods.',
})
export class ProgressMethods {
  @Field(() => MethodVerdict, { description: 'UN Statistics Division SDG Progress Chart.' })
  unsd!: MethodVerdict;

  @Field(() => MethodVerdict, {
    description:
      'Open SDG ratio method (natural-limit adjustment for shares in its trend verdict).',
  })
  openSdg!: MethodVerdict;

  @Field(() => MethodVerdict, {
    description: 'UN ESCAP anticipated progress (gap at the target year).',
  })
  escap!: MethodVerdict;
}

/** A caveat of the engine. */
@ObjectType({
  simpleResolvers: true,
  description: 'A caveat: where a method misleads or data is thin.',
})
export class ProgressWarning {
  @Field(() => String, {
    description:
      'Stable warning code, e.g. CAGR_EXTREME_RATIO, SINGLE_OBSERVATION, NEAR_NATURAL_LIMIT.',
  })
  code!: string;

  @Field(() => String, { description: 'Explanation.' })
  message!: string;
}

/** Boundary caveat of a target. */
@ObjectType({
  simpleResolvers: true,
  description: "How the target's unit relates to today's units.",
})
export class BoundaryInfo {
  @Field(() => Boolean, {
    description: 'True when the unit ended before the end of the as-of year.',
  })
  changed!: boolean;

  @Field(() => LocalDate, { nullable: true, description: 'Last day of the unit, if it ended.' })
  validTo!: string | null;

  /** Resolved from {@link successorUnitIds} only when asked for (`BoundaryInfoResolver`). */
  @Field(() => [AdminUnit], { description: 'Units it became part of.' })
  successors?: AdminUnit[];

  /** Ids of the units it became part of, in the crosswalk's order. */
  successorUnitIds!: readonly string[];
}

/**
 * Every component of a target's progress. Like the plan and target types, the progress types use
 * `simpleResolvers` (see `report/report.type.ts`): their objects are kept as served, and their
 * plain fields are read without a type-graphql wrapper per field.
 */
@ObjectType({
  simpleResolvers: true,
  description: 'Progress of a target as of a year: every component, not just a verdict.',
})
export class TargetProgress {
  @Field(() => Int, { description: 'The year progress is judged as of.' })
  asOfYear!: number;

  @Field(() => ProgressStatus, {
    description: 'Verdict of the method asked for (OVERALL by default).',
  })
  status!: ProgressStatus;

  @Field(() => ProgressMethod, { description: 'The method asked for behind `status`.' })
  method!: ProgressMethod;

  @Field(() => ProgressMethod, {
    nullable: true,
    description:
      'For the OVERALL status, the method it follows (UNSD, OPEN_SDG or ESCAP); null when a rule decided it (target met, final verdict, no data, boundary changed, bound).',
  })
  statusMethod!: ProgressMethod | null;

  @Field(() => String, {
    nullable: true,
    description:
      "That method's own category, e.g. FAIR_PROGRESS_ACCELERATION_NEEDED (UNSD), LIMITED_PROGRESS (Open SDG), ACCELERATE (ESCAP).",
  })
  statusCategory!: string | null;

  @Field(() => Boolean, {
    description:
      "True when the target year is over as of `asOfYear`: the status is a final verdict on the target year's value (or the nearest earlier year's, with a warning), never a projection.",
  })
  isFinal!: boolean;

  @Field(() => [ProgressStatus], {
    description:
      'Statuses that values inside the latest value’s bound lead to; one element unless the status is UNDETERMINED_BY_BOUND.',
  })
  possibleStatuses!: ProgressStatus[];

  @Field(() => String, {
    description:
      'Which rule decided the overall status (TARGET_MET, UNSD_PROGRESS_CHART, NO_DATA…).',
  })
  statusBasis!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Source of the series used (one source per series).',
  })
  source!: string | null;

  @Field(() => [String], {
    description: 'Other sources with figures for the same indicator and area.',
  })
  otherSources!: string[];

  @Field(() => [String], {
    description: 'Organisation types the series covers; years covering fewer are left out.',
  })
  orgTypes!: string[];

  @Field(() => ProgressPoint, {
    nullable: true,
    description: 'Latest observation up to the as-of year.',
  })
  latest!: ProgressPoint | null;

  @Field(() => ProgressPoint, {
    nullable: true,
    description: 'Baseline: stated in the plan, else the plan year, else the nearest earlier year.',
  })
  baseline!: ProgressPoint | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Attainment, percent (latest ÷ target for higher-is-better; share of the required reduction otherwise).',
  })
  attainmentPercent!: number | null;

  @Field(() => AttainmentBound, {
    nullable: true,
    description:
      'Which side of `attainmentPercent` holds: AT_LEAST (≥) or AT_MOST (≤) when the latest value is a bound, ABOUT (≈), or EXACT.',
  })
  attainmentBound!: AttainmentBound | null;

  @Field(() => Float, {
    nullable: true,
    description: "Gap: target − latest, in the target's unit (0 inside a range).",
  })
  gap!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Where a straight path from baseline to target would be at the latest year.',
  })
  expectedNow!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Latest − expectedNow, positive when ahead of the straight path.',
  })
  aheadOfPath!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Actual compound annual growth rate baseline → latest, as a fraction (0.0403 = 4.03% a year).',
  })
  cagrActual!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Growth rate required from the baseline to reach the target, fraction per year.',
  })
  cagrRequiredFromBaseline!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Growth rate required from the latest value to reach the target, fraction per year.',
  })
  cagrRequiredFromNow!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Value projected to the target year at the actual CAGR.',
  })
  projectedCagr!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True when the CAGR projection meets the target.',
  })
  projectedCagrMeetsTarget!: boolean | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'Value projected to the target year on a linear trend (least squares, or the two-point line).',
  })
  projectedLinear!: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True when the linear projection meets the target.',
  })
  projectedLinearMeetsTarget!: boolean | null;

  @Field(() => ProgressMethods, {
    description: 'Verdicts of the three methods with their numbers.',
  })
  methods!: ProgressMethods;

  @Field(() => Boolean, {
    nullable: true,
    description: 'True when every method that could judge agrees.',
  })
  methodsAgree!: boolean | null;

  @Field(() => [ProgressWarning], {
    description: 'Caveats (tiny base, single point, near a natural limit…).',
  })
  warnings!: ProgressWarning[];

  @Field(() => BoundaryInfo, { description: 'Boundary caveat.' })
  boundary!: BoundaryInfo;

  @Field(() => [IndicatorValue], { description: 'The series used, oldest first.' })
  series!: IndicatorValue[];
}
