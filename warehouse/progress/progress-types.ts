/**
 * Types of the progress engine: what a plan target looks like, what a series point looks like,
 * and every number the engine returns. Pure declarations (no DB, no GraphQL), so the warehouse
 * can feed the engine and the API can expose its output without either depending on the other.
 */

import type { Qualifier } from '../domain/qualifier.ts';

/**
 * How a plan phrases its target: '>' (trên), '>=' (ít nhất, tối thiểu, đạt), 'khoảng' (about),
 * '=', '<=', '<' and a closed range such as "1 to 2 per commune" or "60–70%".
 * Closed set because every comparator needs its own "met" rule in `target-comparator.ts`.
 */
export const COMPARATORS = ['GT', 'GTE', 'APPROX', 'EQ', 'LTE', 'LT', 'RANGE'] as const;
/** One of {@link COMPARATORS}. */
export type Comparator = (typeof COMPARATORS)[number];

/**
 * The verdict on one target at one "as of" year.
 *
 * `ACCELERATION_NEEDED` is UNSD's "fair progress, acceleration needed", ESCAP's "accelerate" and
 * Open SDG's "moderate progress". `LIMITED_PROGRESS` is Open SDG's own category (a positive pace
 * below 60% of the required one) and is not folded into either neighbour.
 * `NOT_ACHIEVED` means the target year has been observed (or is over) and the target was not met,
 * or, for a per-year target, that a year of its range missed it.
 * `UNDETERMINED_BY_BOUND` means the latest value is a bound ("trên", "gần") and values inside the
 * bound lead to different verdicts: the bound decides, not the data.
 * `BOUNDARY_CHANGED` is never produced by the engine: the warehouse sets it when the unit was
 * merged while the target was still running, and it is listed here so that callers share one set.
 */
export const PROGRESS_STATUSES = [
  'ACHIEVED',
  'ON_TRACK',
  'ACCELERATION_NEEDED',
  'LIMITED_PROGRESS',
  'STAGNATION_OR_REGRESSION',
  'NOT_ACHIEVED',
  'UNDETERMINED_BY_BOUND',
  'INSUFFICIENT_DATA',
  'NOT_APPLICABLE',
  'BOUNDARY_CHANGED',
] as const;
/** One of {@link PROGRESS_STATUSES}. */
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/**
 * Where the baseline came from, in order of preference: stated in the plan, observed in the
 * plan's year, the nearest earlier observed year, else the earliest observed year (after the
 * plan year). A report must say which, because the verdict depends on it.
 */
export const BASELINE_KINDS = [
  'STATED',
  'PLAN_YEAR',
  'NEAREST_EARLIER',
  'EARLIEST_AVAILABLE',
] as const;
/** One of {@link BASELINE_KINDS}. */
export type BaselineKind = (typeof BASELINE_KINDS)[number];

/**
 * Direction in which the series must move to approach the target. Derived from the comparator
 * (and, for two-sided comparators, from where the baseline sits), never guessed from the data.
 */
export const DIRECTIONS = ['UP', 'DOWN'] as const;
/** One of {@link DIRECTIONS}. */
export type Direction = (typeof DIRECTIONS)[number];

/**
 * How `attainment` was computed. Higher-is-better: latest ÷ target. Lower-is-better: the share
 * of the required reduction already made, (baseline − latest) ÷ (baseline − target), which stays
 * defined for a target of 0 ("dissolve all inactive cooperatives"); target ÷ latest only when no
 * usable baseline exists.
 */
export const ATTAINMENT_DEFINITIONS = [
  'LATEST_OVER_TARGET',
  'SHARE_OF_REQUIRED_REDUCTION',
  'TARGET_OVER_LATEST',
] as const;
/** One of {@link ATTAINMENT_DEFINITIONS}. */
export type AttainmentDefinition = (typeof ATTAINMENT_DEFINITIONS)[number];

/** How the straight-line trend was fitted: ordinary least squares on ≥ 3 points, or the line through 2. */
export const LINEAR_TREND_KINDS = ['LEAST_SQUARES', 'TWO_POINT'] as const;
/** One of {@link LINEAR_TREND_KINDS}. */
export type LinearTrendKind = (typeof LINEAR_TREND_KINDS)[number];

/**
 * Which rule decided the overall `status`. Reported so that a reader can trace the verdict.
 */
export const STATUS_BASES = [
  'INVALID_TARGET',
  'NO_DATA',
  'TARGET_MET',
  'DEADLINE_PASSED',
  'FINAL_AT_DEADLINE',
  'BOUND_OF_LATEST_VALUE',
  'NO_BASELINE',
  'REGRESSED_FROM_MET_BASELINE',
  'UNSD_PROGRESS_CHART',
  'ESCAP_ANTICIPATED_PROGRESS',
  'OPEN_SDG_RATIO',
  'NO_METHOD_APPLICABLE',
  'EVERY_YEAR_IN_RANGE',
] as const;
/** One of {@link STATUS_BASES}. */
export type StatusBasis = (typeof STATUS_BASES)[number];

/**
 * Machine-readable reasons a number is missing or a method may mislead. Clients switch on the
 * code; the message is for people and may change.
 */
export const PROGRESS_WARNING_CODES = [
  'INVALID_TARGET',
  'COMPARATOR_DIRECTION_CONFLICT',
  'EQ_READ_AS_AT_LEAST',
  'APPROX_OVERSHOOT',
  'NO_DATA_AS_OF',
  'OBSERVATIONS_AFTER_AS_OF_IGNORED',
  'DUPLICATE_YEAR',
  'NON_FINITE_VALUE_IGNORED',
  'SINGLE_OBSERVATION',
  'BASELINE_IS_LATEST',
  'BASELINE_NOT_IN_PLAN_YEAR',
  'STATED_BASELINE_DIFFERS',
  'BASELINE_ZERO',
  'NON_POSITIVE_VALUES',
  'CAGR_EXTREME_RATIO',
  'TARGET_ZERO',
  'MOVING_AWAY_FROM_TARGET',
  'NEAR_NATURAL_LIMIT',
  'TARGET_BEYOND_NATURAL_LIMIT',
  'PROJECTION_CLAMPED',
  'TARGET_MET_AT_BASELINE',
  'TARGET_YEAR_NOT_AFTER_BASELINE',
  'DEADLINE_PASSED',
  'NO_OBSERVATION_AT_DEADLINE',
  'FINAL_ON_EARLIER_YEAR',
  'OBSERVATIONS_AFTER_DEADLINE_IGNORED',
  'BOUND_DECIDES_STATUS',
  'UNSD_LINEAR_FALLBACK',
  'OPEN_SDG_ZERO_SUBSTITUTED',
  'METHODS_DISAGREE',
  'YEARS_MISSING_IN_RANGE',
  'YEARS_NOT_MET_IN_RANGE',
] as const;
/** One of {@link PROGRESS_WARNING_CODES}. */
export type ProgressWarningCode = (typeof PROGRESS_WARNING_CODES)[number];

/** A warning: a stable code to switch on, and a sentence that states the rule, then what was seen. */
export interface ProgressWarning {
  readonly code: ProgressWarningCode;
  readonly message: string;
}

/**
 * One target of a plan, as the engine needs it.
 *
 * `value` is the number in the plan; for `RANGE` it is the lower bound and `valueHigh` the upper.
 * `higherIsBetter` is the indicator's normative direction; for `GT`/`GTE`/`LT`/`LTE` the comparator
 * is the plan's own word and wins on conflict (with a warning). `naturalLimit` is the upper bound the
 * indicator cannot exceed (100 for a share in percent); it caps projections and feeds Open SDG's
 * near-limit scaling. `fromYear`, when set, makes it a per-year target ("≥ 20 a year 2021–2025",
 * "mỗi năm"): met only when every year from `fromYear` to `targetYear` meets the comparator.
 */
export interface TargetSpec {
  readonly comparator: Comparator;
  readonly value: number;
  readonly valueHigh?: number | null;
  readonly targetYear: number;
  readonly planYear: number;
  readonly statedBaseline?: { readonly year: number; readonly value: number } | null;
  readonly higherIsBetter: boolean;
  readonly naturalLimit?: number | null;
  readonly unit: string;
  readonly fromYear?: number | null;
}

/**
 * One yearly value of the series, as read from the warehouse. `value: null` means not reported
 * (missing is not zero); numerator and denominator travel with ratios so that a report can show them.
 */
export interface Observation {
  readonly year: number;
  readonly value: number | null;
  readonly numerator?: number | null;
  readonly denominator?: number | null;
  readonly source?: string | null;
  readonly status?: string | null;
  /** How the source hedged the value (default `EXACT`): a bound limits what progress can say. */
  readonly qualifier?: Qualifier | null;
}

/** Arguments of `computeProgress`. `approxTolerance` is relative to the target value (0.05 = ±5%). */
export interface ComputeProgressArgs {
  readonly target: TargetSpec;
  readonly series: readonly Observation[];
  readonly asOfYear: number;
  readonly approxTolerance?: number;
}

/** An observation that was used, with every attribute normalised to `null` when absent. */
export interface ObservedPoint {
  readonly year: number;
  readonly value: number;
  readonly numerator: number | null;
  readonly denominator: number | null;
  readonly source: string | null;
  readonly status: string | null;
  readonly qualifier: Qualifier;
}

/** The baseline with its provenance; `source` is `null` for a baseline stated in the plan. */
export interface BaselinePoint {
  readonly year: number;
  readonly value: number;
  readonly kind: BaselineKind;
  readonly source: string | null;
}

/**
 * The target as the engine read it: direction of approach, the single point used by the ratio
 * methods (`aimValue`: the value, or the nearer bound of a range), and the APPROX band.
 */
export interface ResolvedTarget {
  readonly comparator: Comparator;
  readonly value: number;
  readonly valueHigh: number | null;
  readonly targetYear: number;
  readonly planYear: number;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly naturalLimit: number | null;
  readonly direction: Direction;
  readonly aimValue: number;
  readonly approxTolerance: {
    readonly relative: number;
    readonly low: number;
    readonly high: number;
  } | null;
}

/**
 * What attainment computed from a qualified value may claim: the number itself (`EXACT`), about it
 * (`ABOUT`), or only a side — `AT_LEAST` ("≥ 77.9%") from a lower-bound value on a target to
 * raise, `AT_MOST` ("≤ 75.0%") from an upper-bound value ("gần 6 triệu") on a target to raise.
 * On a target to lower the sides swap.
 */
export const ATTAINMENT_BOUNDS = ['EXACT', 'ABOUT', 'AT_LEAST', 'AT_MOST'] as const;
/** One of {@link ATTAINMENT_BOUNDS}. */
export type AttainmentBound = (typeof ATTAINMENT_BOUNDS)[number];

/** Attainment of the target so far, as a fraction and a percent (fraction × 100), with its bound. */
export interface Attainment {
  readonly fraction: number;
  readonly percent: number;
  readonly definition: AttainmentDefinition;
  readonly bound: AttainmentBound;
}

/** The method whose verdict the overall status follows, when a method decided it. */
export const STATUS_METHODS = ['UNSD', 'OPEN_SDG', 'ESCAP'] as const;
/** One of {@link STATUS_METHODS}. */
export type StatusMethod = (typeof STATUS_METHODS)[number];

/**
 * The straight-line trend behind `projectedLinear`: fitted on every point from the baseline year
 * to the latest year (the stated baseline counts as a point when the series has no value that year).
 */
export interface LinearTrend {
  readonly kind: LinearTrendKind;
  readonly slopePerYear: number;
  readonly points: readonly { readonly year: number; readonly value: number }[];
  /** Value of the fitted line at the latest observed year. */
  readonly fittedAtLatestYear: number;
}

/** Bands of the UNSD Progress Chart (2023 technical note) for targets with a numerical value. */
export const UNSD_BANDS = [
  'ON_TRACK_OR_TARGET_MET',
  'FAIR_PROGRESS_ACCELERATION_NEEDED',
  'STAGNATION_OR_REGRESSION',
] as const;
/** One of {@link UNSD_BANDS}. */
export type UnsdBand = (typeof UNSD_BANDS)[number];

/** How the value at the target year was obtained for a method. */
export const PROJECTION_BASES = [
  'CAGR',
  'LINEAR_FALLBACK',
  'LEAST_SQUARES',
  'TWO_POINT',
  'OBSERVED',
] as const;
/** One of {@link PROJECTION_BASES}. */
export type ProjectionBasis = (typeof PROJECTION_BASES)[number];

/**
 * Method 1 — UNSD SDG Progress Chart, with every intermediate number.
 * `progressRatio` is P = (v_e − v_b) / (v* − v_b), the banded measure; `growthRateRatio` is
 * CAGR_a ÷ CAGR_r, given beside it because it is the form most people quote (it equals Open SDG's R
 * for a positive, higher-is-better series).
 */
export interface UnsdProgressChartResult {
  readonly method: 'UNSD_PROGRESS_CHART';
  readonly computable: boolean;
  readonly baseYear: number | null;
  readonly baseValue: number | null;
  readonly latestYear: number | null;
  readonly latestValue: number | null;
  readonly targetValue: number;
  readonly targetYear: number;
  readonly cagrActual: number | null;
  readonly cagrRequired: number | null;
  readonly growthRateRatio: number | null;
  readonly expectedValueAtTargetYear: number | null;
  readonly projectionBasis: ProjectionBasis | null;
  readonly progressRatio: number | null;
  readonly thresholds: { readonly onTrack: number; readonly fairProgress: number };
  readonly band: UnsdBand | null;
  readonly status: ProgressStatus;
  readonly note: string | null;
}

/** Categories of Open SDG's progress measure (Statistics Canada methodology). */
export const OPEN_SDG_CATEGORIES = [
  'TARGET_ACHIEVED',
  'SUBSTANTIAL_PROGRESS',
  'MODERATE_PROGRESS',
  'LIMITED_PROGRESS',
  'DETERIORATION',
  'NOT_AVAILABLE',
] as const;
/** One of {@link OPEN_SDG_CATEGORIES}. */
export type OpenSdgCategory = (typeof OPEN_SDG_CATEGORIES)[number];

/** Three thresholds of an Open SDG classification: at/above `high`, `med`, `low`, else below. */
export interface OpenSdgThresholds {
  readonly high: number;
  readonly med: number;
  readonly low: number;
}

/**
 * Open SDG's "no quantitative target" measure (directed CAGR against fixed growth thresholds),
 * reported beside the ratio because it is where Open SDG applies the natural-limit scaling factor C.
 */
export interface OpenSdgTrendResult {
  readonly cagrDirected: number | null;
  readonly limit: number | null;
  readonly scalingCoefficient: number;
  readonly thresholds: OpenSdgThresholds;
  readonly category: OpenSdgCategory;
  readonly score: number | null;
}

/**
 * Method 2 — Open SDG progress ratio R = sign × d × CAGR_observed ÷ |CAGR_required|, with the
 * substituted values it actually used (0 is replaced by 0.001, as Open SDG does).
 */
export interface OpenSdgRatioResult {
  readonly method: 'OPEN_SDG_RATIO';
  readonly baseValueUsed: number | null;
  readonly targetValueUsed: number;
  readonly cagrObserved: number | null;
  readonly cagrRequired: number | null;
  readonly ratio: number | null;
  readonly thresholds: OpenSdgThresholds;
  readonly targetAchieved: boolean | null;
  readonly category: OpenSdgCategory;
  readonly score: number | null;
  readonly trendWithoutTarget: OpenSdgTrendResult | null;
  readonly status: ProgressStatus;
}

/** ESCAP's dashboard messages: maintain progress (on track), accelerate progress, reverse the trend. */
export const ESCAP_BANDS = ['ON_TRACK', 'ACCELERATE', 'REVERSE_TREND'] as const;
/** One of {@link ESCAP_BANDS}. */
export type EscapBand = (typeof ESCAP_BANDS)[number];

/**
 * Method 3 — UN ESCAP Anticipated Progress: the value projected to the target year, the share of
 * the baseline→target distance it would cover, and the anticipated gap (1 − that share).
 */
export interface EscapAnticipatedProgressResult {
  readonly method: 'ESCAP_ANTICIPATED_PROGRESS';
  readonly projectionBasis: ProjectionBasis | null;
  readonly baseYear: number | null;
  readonly baseValue: number | null;
  readonly targetValue: number;
  readonly targetYear: number;
  readonly projectedValue: number | null;
  readonly anticipatedProgress: number | null;
  readonly anticipatedGap: number | null;
  readonly band: EscapBand | null;
  readonly status: ProgressStatus;
}

/** The three verdicts, each with its intermediate numbers. */
export interface ProgressMethods {
  readonly unsd: UnsdProgressChartResult;
  readonly openSdg: OpenSdgRatioResult;
  readonly escap: EscapAnticipatedProgressResult;
}

/**
 * Everything an analyst needs to defend a verdict on one target as of one year. Every number may be
 * `null`; the reason is then in `warnings` or `status`. Values are in the target's unit, rates are
 * fractions per year (0.0403 = 4.03 %/yr), and nothing is rounded.
 */
export interface Progress {
  readonly asOfYear: number;
  readonly target: ResolvedTarget;
  readonly latest: ObservedPoint | null;
  readonly baseline: BaselinePoint | null;
  readonly baselineKind: BaselineKind | null;
  /** The observation in the target year itself, when it exists and is not after `asOfYear`. */
  readonly atTargetYear: ObservedPoint | null;
  readonly met: boolean | null;
  readonly metAtBaseline: boolean | null;
  readonly metAtTargetYear: boolean | null;
  readonly attainment: Attainment | null;
  /** Share of the baseline→target distance covered by the latest value: (latest − base) ÷ (aim − base). */
  readonly progressShare: number | null;
  /** aim − latest, signed, in the target's unit (0 inside a RANGE). */
  readonly gap: number | null;
  /** Value on the straight line from baseline to target at the latest year. */
  readonly expectedNow: number | null;
  /** Latest minus `expectedNow`, signed so that positive means ahead in the target's direction. */
  readonly aheadOfPath: number | null;
  readonly cagrActual: number | null;
  readonly cagrRequiredFromBaseline: number | null;
  readonly cagrRequiredFromNow: number | null;
  readonly projectedCagr: number | null;
  readonly projectedCagrMeetsTarget: boolean | null;
  readonly projectedLinear: number | null;
  readonly projectedLinearMeetsTarget: boolean | null;
  readonly linearTrend: LinearTrend | null;
  readonly methods: ProgressMethods;
  readonly status: ProgressStatus;
  readonly statusBasis: StatusBasis;
  /** The method the status follows (`null` when a rule decided it: target met, final verdict…). */
  readonly statusMethod: StatusMethod | null;
  /** That method's own category (e.g. Open SDG `LIMITED_PROGRESS`, UNSD `FAIR_PROGRESS_ACCELERATION_NEEDED`). */
  readonly statusCategory: string | null;
  /** True when the target year is over as of `asOfYear`: the status is a final verdict. */
  readonly isFinal: boolean;
  /** The statuses values inside the latest value's bound lead to (one when the bound cannot change it). */
  readonly possibleStatuses: readonly ProgressStatus[];
  /** True when every method that could judge gave the same status; `null` when fewer than two could. */
  readonly methodsAgree: boolean | null;
  readonly warnings: readonly ProgressWarning[];
}
