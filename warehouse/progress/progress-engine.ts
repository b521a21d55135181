/**
 * The progress engine: for one plan target and an "as of" year, every number an analyst needs to
 * defend a verdict (latest value, baseline and where it came from, attainment, gap, path, growth
 * rates, projections, three published methods and an overall status with its warnings).
 *
 * Pure: no database, no GraphQL. The warehouse reads the series from DuckDB and passes it in; the
 * API exposes the result. Same input, same output.
 */

import {
  assessEscapAnticipatedProgress,
  assessOpenSdgRatio,
  assessUnsdProgressChart,
  type MethodInput,
} from './progress-methods.ts';
import {
  compound,
  compoundAnnualGrowthRate,
  fitLeastSquares,
  predictLine,
  safeDivide,
} from './progress-math.ts';
import { boundSideOf, type BoundSide } from '../domain/qualifier.ts';
import type {
  Attainment,
  AttainmentBound,
  BaselinePoint,
  ComputeProgressArgs,
  LinearTrend,
  ObservedPoint,
  Progress,
  ProgressMethods,
  ProgressStatus,
  ProgressWarning,
  ProgressWarningCode,
  ResolvedTarget,
  StatusBasis,
  StatusMethod,
  TargetSpec,
} from './progress-types.ts';
import {
  PROGRESS_DEFAULTS,
  aimValueOf,
  comparatorConflictsWithDirection,
  directionOf,
  invalidTargetReason,
  isApproxOvershoot,
  meetsTarget,
} from './target-comparator.ts';

export * from './progress-types.ts';
export { PROGRESS_DEFAULTS, meetsTarget } from './target-comparator.ts';
export {
  OPEN_SDG_LIMIT_EXPONENT,
  OPEN_SDG_RATIO_THRESHOLDS,
  OPEN_SDG_TREND_THRESHOLDS,
  OPEN_SDG_ZERO_SUBSTITUTE,
  UNSD_THRESHOLDS,
  openSdgScalingCoefficient,
} from './progress-methods.ts';

/**
 * Computes the progress of one target as of `asOfYear` from a yearly series.
 *
 * Only observations with a non-null, finite value and a year ≤ `asOfYear` are used (later ones are
 * reported in a warning, never silently mixed in). The baseline is the plan's stated baseline, else
 * the value in the plan year, else the nearest earlier year, else the earliest available year
 * (`baselineKind` says which). The linear projection is the least-squares line through every point
 * from the baseline year to the latest year (the line through both points when there are only two);
 * the CAGR projection extends the baseline→latest compound rate from the latest value. Projections
 * stay within [0, naturalLimit] for non-negative series.
 *
 * **Deadlines as plans mean them.** Once `asOfYear` is after the target year, the verdict is final:
 * ACHIEVED or NOT_ACHIEVED on the value of the target year, or of the nearest earlier year with a
 * `FINAL_ON_EARLIER_YEAR` warning naming it; values after the target year are never used and no
 * projection status is given (`isFinal`, basis `FINAL_AT_DEADLINE`).
 *
 * **Per-year targets** (`fromYear` set: "≥ 20 a year 2021–2025") are met only when every year from
 * `fromYear` to the target year meets the comparator (basis `EVERY_YEAR_IN_RANGE`): NOT_ACHIEVED as
 * soon as an observed year of the range misses it, before or after the deadline; ACHIEVED only after
 * the deadline with every year observed; ON_TRACK before it when every year up to the as-of year is
 * observed and met; otherwise INSUFFICIENT_DATA with a `YEARS_MISSING_IN_RANGE` warning naming the
 * years. The other measures (attainment, projections, methods) are those of the latest value.
 *
 * Otherwise the overall status, in order: `NOT_APPLICABLE` for an unusable target;
 * `INSUFFICIENT_DATA` with no observation; `ACHIEVED` when the latest value meets the target;
 * `NOT_ACHIEVED` once the target year is observed without meeting it; `INSUFFICIENT_DATA` without a
 * baseline earlier than the latest value; `STAGNATION_OR_REGRESSION` when the baseline met the
 * target and the latest does not; else the UNSD Progress Chart verdict, falling back to ESCAP, then
 * Open SDG, when UNSD cannot judge. `statusBasis` names the rule used, `statusMethod` and
 * `statusCategory` the method followed and its own category, `methodsAgree` whether the three concur.
 *
 * **Bounds.** When the latest value is a bound (qualifier MORE_THAN / AT_LEAST: at least it;
 * NEARLY: at most it), attainment carries the side it may claim, and the status stands only if
 * every value inside the bound gives the same status (checked at the value and at points across
 * the bound up to the natural limit, or down to 0); otherwise it is `UNDETERMINED_BY_BOUND` with the
 * possible statuses listed.
 *
 * @throws RangeError when `asOfYear` is not a whole year or `approxTolerance` is not a finite number ≥ 0
 *   (caller mistakes, not data problems; data problems become warnings).
 */
export function computeProgress(args: ComputeProgressArgs): Progress {
  const result = computeAtValues(args);
  const latest = result.latest;
  const side: BoundSide = latest === null ? 'NONE' : boundSideOf(latest.qualifier);
  if (latest === null || side === 'NONE') return result;
  const statuses = new Set([result.status]);
  for (const value of valuesInsideBound(latest.value, latest.qualifier, side, args.target)) {
    const series = args.series.map((o) =>
      o.year === latest.year && o.value !== null ? { ...o, value, qualifier: 'EXACT' as const } : o,
    );
    statuses.add(computeAtValues({ ...args, series }).status);
  }
  const possibleStatuses = [...statuses];
  if (possibleStatuses.length === 1) return { ...result, possibleStatuses };
  const words = side === 'LOWER' ? 'at least' : 'at most';
  return {
    ...result,
    status: 'UNDETERMINED_BY_BOUND',
    statusBasis: 'BOUND_OF_LATEST_VALUE',
    statusMethod: null,
    statusCategory: null,
    possibleStatuses,
    warnings: [
      ...result.warnings,
      {
        code: 'BOUND_DECIDES_STATUS',
        message: `a status stands only where every value inside the bound gives it, but the latest value is ${words} ${fmt(latest.value)} (${latest.qualifier}, ${latest.year}) and values inside that bound give ${possibleStatuses.join(', ')}; the figure at ${fmt(latest.value)} itself gives ${result.status}`,
      },
    ],
  };
}

/**
 * Values a bounded figure may stand for: just past it, then steps across the bound — up to ten
 * times it (or the natural limit) for a lower bound, down to 0 for an upper bound ("gần" says
 * "below", not how far). Status is monotone between these steps for the comparators used.
 */
function valuesInsideBound(
  value: number,
  qualifier: string,
  side: BoundSide,
  target: TargetSpec,
): number[] {
  const steps = [0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 4, 9];
  const limit = target.naturalLimit ?? Number.POSITIVE_INFINITY;
  const values =
    side === 'LOWER'
      ? [
          ...(qualifier === 'AT_LEAST' ? [value] : []),
          ...steps.map((k) => value + Math.abs(value) * k),
          ...(Number.isFinite(limit) ? [limit] : []),
        ].filter((v) => v <= limit && v >= value)
      : [...steps.filter((k) => k <= 1).map((k) => value - Math.abs(value) * k)].filter(
          (v) => v >= 0 || value < 0,
        );
  return [...new Set(values)];
}

/** The series as read for one as-of year: what every later step measures from. */
interface Reading {
  /** After the target year: the verdict is final, on the target year's value or an earlier one. */
  readonly isFinal: boolean;
  readonly points: readonly ObservedPoint[];
  readonly latest: ObservedPoint | null;
  readonly baseline: BaselinePoint | null;
  /** The baseline's year and value. */
  readonly base: { readonly year: number; readonly value: number } | null;
  /** Baseline and latest value when the baseline is earlier than the latest: what trends need. */
  readonly trend: {
    readonly base: { readonly year: number; readonly value: number };
    readonly latest: ObservedPoint;
  } | null;
}

/** The projections to the target year (null where not projected). */
interface Projections {
  readonly linearTrend: LinearTrend | null;
  readonly projectedCagr: number | null;
  readonly projectedLinear: number | null;
}

function computeAtValues(args: ComputeProgressArgs): Progress {
  const { target, asOfYear } = args;
  const tolerance = checkArguments(args);
  const warnings: ProgressWarning[] = [];
  const warn: Warn = (code, message) => {
    warnings.push({ code, message });
  };

  const reading = readSeries(args, warn);
  const { latest, baseline } = reading;
  const invalid = invalidTargetReason(target);
  if (invalid !== null) warn('INVALID_TARGET', invalid);
  const resolved = resolveTarget(target, tolerance, reading, warn);

  const meets = (value: number): boolean => meetsTarget(value, target, tolerance);
  const met = latest !== null ? meets(latest.value) : null;
  const metAtBaseline = baseline !== null ? meets(baseline.value) : null;
  const atTargetYear = reading.points.find((p) => p.year === target.targetYear) ?? null;
  warnAboutReading(args, tolerance, resolved, reading, metAtBaseline, warn);

  const levels = measureLevels(target, resolved, reading, met);
  const growth = measureGrowth(target, resolved, reading);
  const projections = project(target, resolved, reading, growth.cagrActual, warn);
  warnAboutDeadline(asOfYear, target, latest, met, warn);
  warnAboutGrowthRates(warn, {
    base: reading.base,
    latest,
    aimValue: resolved.aimValue,
    hasTrend: reading.trend !== null,
    projectedCagr: projections.projectedCagr,
    projectedLinear: projections.projectedLinear,
  });
  warnAboutNaturalLimit(
    warn,
    target,
    resolved.direction,
    reading.base?.value ?? null,
    latest?.value ?? null,
  );

  const methods = assessMethods(target, resolved, reading, met, projections, warn);
  const verdict =
    isPerYear(target) && invalid === null && latest !== null
      ? decideEveryYear(target, asOfYear, reading, tolerance, warn)
      : decideStatus({
          isFinal: reading.isFinal,
          invalid: invalid !== null,
          latest,
          met,
          targetYear: target.targetYear,
          hasTrend: reading.trend !== null,
          metAtBaseline,
          methods,
        });
  const methodsAgree = agreementOf(methods);
  if (methodsAgree === false) {
    warn(
      'METHODS_DISAGREE',
      `the methods should agree for a clear verdict, but UNSD says ${methods.unsd.status}, Open SDG ${methods.openSdg.status} and ESCAP ${methods.escap.status}; the status follows ${verdict.basis}`,
    );
  }

  const { projectedCagr, projectedLinear } = projections;
  return {
    asOfYear,
    target: resolved,
    latest,
    baseline,
    baselineKind: baseline?.kind ?? null,
    atTargetYear,
    met,
    metAtBaseline,
    metAtTargetYear: atTargetYear !== null ? meets(atTargetYear.value) : null,
    ...levels,
    ...growth,
    projectedCagr,
    projectedCagrMeetsTarget: projectedCagr === null ? null : meets(projectedCagr),
    projectedLinear,
    projectedLinearMeetsTarget: projectedLinear === null ? null : meets(projectedLinear),
    linearTrend: projections.linearTrend,
    methods,
    status: verdict.status,
    statusBasis: verdict.basis,
    statusMethod: verdict.method ?? null,
    statusCategory: verdict.category ?? null,
    isFinal: reading.isFinal,
    possibleStatuses: [verdict.status],
    methodsAgree,
    warnings,
  };
}

type Warn = (code: ProgressWarningCode, message: string) => void;

/** The APPROX tolerance to use, after refusing an as-of year or a tolerance that cannot be. */
function checkArguments({ asOfYear, approxTolerance }: ComputeProgressArgs): number {
  const tolerance = approxTolerance ?? PROGRESS_DEFAULTS.approxTolerance;
  if (!Number.isInteger(asOfYear)) {
    throw new RangeError(`asOfYear must be a whole year, but got ${asOfYear}`);
  }
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`approxTolerance must be a finite number ≥ 0, but got ${tolerance}`);
  }
  return tolerance;
}

/** The usable points up to the as-of year (or the target year, once final), latest and baseline. */
function readSeries({ target, series, asOfYear }: ComputeProgressArgs, warn: Warn): Reading {
  const isFinal = asOfYear > target.targetYear;
  const points = usablePoints(series, isFinal ? target.targetYear : asOfYear, warn, isFinal);
  const latest = points.length > 0 ? points[points.length - 1] : null;
  if (isFinal && latest !== null && latest.year < target.targetYear && !isPerYear(target)) {
    warn(
      'FINAL_ON_EARLIER_YEAR',
      `a final verdict is given on the value of the target year ${target.targetYear}, but the series has none; the nearest earlier year ${latest.year} (${fmt(latest.value)}) is used`,
    );
  }
  const baseline = chooseBaseline(target, points, warn);
  const base = baseline !== null ? { year: baseline.year, value: baseline.value } : null;
  const trend =
    base !== null && latest !== null && base.year < latest.year ? { base, latest } : null;
  return { isFinal, points, latest, baseline, base, trend };
}

/** The target as the engine reads it: direction, the value aimed at and the APPROX band. */
function resolveTarget(
  target: TargetSpec,
  tolerance: number,
  { baseline, latest }: Reading,
  warn: Warn,
): ResolvedTarget {
  const direction = directionOf(target, baseline?.value ?? latest?.value ?? null);
  const resolved: ResolvedTarget = {
    comparator: target.comparator,
    value: target.value,
    valueHigh: target.valueHigh ?? null,
    targetYear: target.targetYear,
    planYear: target.planYear,
    unit: target.unit,
    higherIsBetter: target.higherIsBetter,
    naturalLimit: target.naturalLimit ?? null,
    direction,
    aimValue: aimValueOf(target, direction),
    approxTolerance:
      target.comparator === 'APPROX'
        ? {
            relative: tolerance,
            low: target.value - tolerance * Math.abs(target.value),
            high: target.value + tolerance * Math.abs(target.value),
          }
        : null,
  };
  if (comparatorConflictsWithDirection(target)) {
    warn(
      'COMPARATOR_DIRECTION_CONFLICT',
      `the comparator decides the direction, and ${target.comparator} means ${direction === 'UP' ? 'higher' : 'lower'} is better, but higherIsBetter is ${target.higherIsBetter}; ${target.comparator} is used`,
    );
  }
  if (target.comparator === 'EQ') {
    warn(
      'EQ_READ_AS_AT_LEAST',
      `an EQ target is read as a level to reach, so "= ${fmt(target.value)}" is met at ${target.higherIsBetter ? 'or above' : 'or below'} ${fmt(target.value)}`,
    );
  }
  return resolved;
}

/** What the reader of the measures must know about the series before reading them. */
function warnAboutReading(
  { target, series, asOfYear }: ComputeProgressArgs,
  tolerance: number,
  resolved: ResolvedTarget,
  { points, latest, baseline, base, trend }: Reading,
  metAtBaseline: boolean | null,
  warn: Warn,
): void {
  if (latest !== null && isApproxOvershoot(latest.value, target, tolerance)) {
    warn(
      'APPROX_OVERSHOOT',
      `"about ${fmt(target.value)}" is met within ${fmt(resolved.approxTolerance!.low)}–${fmt(resolved.approxTolerance!.high)} and beyond it on the better side, and ${fmt(latest.value)} (${latest.year}) is beyond it; counted as met`,
    );
  }
  if (latest === null) {
    const later = series.filter(
      (o) => o.value !== null && Number.isFinite(o.value) && o.year > asOfYear,
    );
    warn(
      'NO_DATA_AS_OF',
      later.length > 0
        ? `a verdict needs a value in or before the as-of year ${asOfYear}, but the first value is for ${Math.min(...later.map((o) => o.year))}`
        : `a verdict needs a value in or before the as-of year ${asOfYear}, but the series has none`,
    );
  } else if (trend === null) {
    warn(
      points.length === 1 ? 'SINGLE_OBSERVATION' : 'BASELINE_IS_LATEST',
      points.length === 1
        ? `trend measures need a baseline earlier than the latest value, but only ${latest.year} (${fmt(latest.value)}) is available and the plan states no earlier baseline; trend numbers are null`
        : `trend measures need a baseline earlier than the latest value, but the baseline year ${baseline?.year ?? 'n/a'} is not before the latest year ${latest.year}; trend numbers are null`,
    );
  }
  if (metAtBaseline === true && baseline !== null) {
    warn(
      'TARGET_MET_AT_BASELINE',
      `ratio methods measure the way from baseline to target, but the baseline ${fmt(baseline.value)} (${baseline.year}) already meets ${target.comparator} ${fmt(target.value)}; their ratios are not meaningful`,
    );
  }
  const { direction, aimValue } = resolved;
  if (trend !== null && signOf(direction) * (trend.latest.value - trend.base.value) < 0) {
    warn(
      'MOVING_AWAY_FROM_TARGET',
      `the series must move ${direction === 'UP' ? 'up' : 'down'} toward ${fmt(aimValue)}, but it went from ${fmt(trend.base.value)} (${trend.base.year}) to ${fmt(trend.latest.value)} (${trend.latest.year})`,
    );
  }
  if (base !== null && target.targetYear <= base.year) {
    warn(
      'TARGET_YEAR_NOT_AFTER_BASELINE',
      `required rates need a target year after the baseline year, but the target year is ${target.targetYear} and the baseline ${base.year}`,
    );
  }
}

/** +1 when the series must rise toward its target, −1 when it must fall. */
const signOf = (direction: ResolvedTarget['direction']): number => (direction === 'UP' ? 1 : -1);

/** Level measures: attainment, share of the way done, gap, and where the path says it should be. */
function measureLevels(
  target: TargetSpec,
  { direction, aimValue }: ResolvedTarget,
  { latest, base, trend }: Reading,
  met: boolean | null,
): Pick<Progress, 'attainment' | 'progressShare' | 'gap' | 'expectedNow' | 'aheadOfPath'> {
  const sign = signOf(direction);
  const attainment = computeAttainment(
    direction,
    aimValue,
    latest?.value ?? null,
    trend !== null ? trend.base.value : null,
    latest?.qualifier ?? 'EXACT',
  );
  const distance = base !== null ? aimValue - base.value : null;
  const progressShare =
    trend !== null && distance !== null && sign * distance > 0
      ? safeDivide(trend.latest.value - trend.base.value, distance)
      : null;
  const gap =
    latest === null
      ? null
      : target.comparator === 'RANGE' && met === true
        ? 0
        : aimValue - latest.value;
  const span = base !== null ? target.targetYear - base.year : 0;
  const expectedNow =
    trend !== null && span > 0
      ? trend.base.value +
        (aimValue - trend.base.value) * Math.min(1, (trend.latest.year - trend.base.year) / span)
      : null;
  const aheadOfPath =
    expectedNow !== null && latest !== null ? sign * (latest.value - expectedNow) : null;
  return { attainment, progressShare, gap, expectedNow, aheadOfPath };
}

/** Growth rates: the compound rate observed, and the rates required from the baseline and now. */
function measureGrowth(
  target: TargetSpec,
  { aimValue }: ResolvedTarget,
  { latest, base, trend }: Reading,
): Pick<Progress, 'cagrActual' | 'cagrRequiredFromBaseline' | 'cagrRequiredFromNow'> {
  const span = base !== null ? target.targetYear - base.year : 0;
  return {
    cagrActual:
      trend !== null
        ? compoundAnnualGrowthRate(
            trend.base.value,
            trend.latest.value,
            trend.latest.year - trend.base.year,
          )
        : null,
    cagrRequiredFromBaseline:
      base !== null ? compoundAnnualGrowthRate(base.value, aimValue, span) : null,
    cagrRequiredFromNow:
      latest !== null
        ? compoundAnnualGrowthRate(latest.value, aimValue, target.targetYear - latest.year)
        : null,
  };
}

/**
 * The linear trend, and the CAGR and linear projections to the target year, kept within
 * [0, natural limit] for a non-negative series (a warning for each projection clamped).
 */
function project(
  target: TargetSpec,
  { aimValue, naturalLimit }: ResolvedTarget,
  { points, latest, baseline, isFinal, trend }: Reading,
  cagrActual: number | null,
  warn: Warn,
): Projections {
  const linearTrend = trend !== null ? fitTrend(points, baseline!, trend.latest) : null;
  const nonNegative =
    aimValue >= 0 &&
    (linearTrend?.points ?? []).every((p) => p.value >= 0) &&
    (latest?.value ?? 0) >= 0;
  const clamp = (name: string, value: number | null): number | null => {
    if (value === null) return null;
    let clamped = value;
    if (naturalLimit !== null && clamped > naturalLimit) clamped = naturalLimit;
    if (nonNegative && clamped < 0) clamped = 0;
    if (clamped !== value) {
      warn(
        'PROJECTION_CLAMPED',
        `projections stay within ${nonNegative ? '0' : '−∞'}–${naturalLimit === null ? '∞' : fmt(naturalLimit)}, but the ${name} projection was ${fmt(value)}; reported as ${fmt(clamped)}`,
      );
    }
    return clamped;
  };
  const projecting = latest !== null && latest.year < target.targetYear && !isFinal;
  const projectedCagr = projecting
    ? clamp('CAGR', compound(latest.value, cagrActual, target.targetYear - latest.year))
    : null;
  const projectedLinear =
    projecting && linearTrend !== null
      ? clamp('linear', predictAt(linearTrend, target.targetYear))
      : null;
  return { linearTrend, projectedCagr, projectedLinear };
}

/** Whether the verdict is an observed value (the target year is reached) or still a projection. */
function warnAboutDeadline(
  asOfYear: number,
  target: TargetSpec,
  latest: ObservedPoint | null,
  met: boolean | null,
  warn: Warn,
): void {
  if (latest !== null && latest.year >= target.targetYear) {
    warn(
      'DEADLINE_PASSED',
      `after the target year the verdict is the observed value, not a projection, and the latest value is for ${latest.year} (target year ${target.targetYear}); it ${met ? 'meets' : 'does not meet'} the target`,
    );
  } else if (latest !== null && asOfYear === target.targetYear) {
    warn(
      'NO_OBSERVATION_AT_DEADLINE',
      `as of ${asOfYear} the target year is not over and has no value yet, the latest being for ${latest.year}; the verdict is still a projection until the year is over`,
    );
  }
}

/** The three published methods on the same input, with what limits their reading. */
function assessMethods(
  target: TargetSpec,
  { direction, aimValue, naturalLimit }: ResolvedTarget,
  { base, latest, trend }: Reading,
  met: boolean | null,
  { linearTrend, projectedCagr, projectedLinear }: Projections,
  warn: Warn,
): ProgressMethods {
  const methodInput: MethodInput = {
    base,
    latest: latest !== null ? { year: latest.year, value: latest.value } : null,
    aimValue,
    targetYear: target.targetYear,
    direction,
    met,
    naturalLimit,
    projectedCagr,
    projectedLinear,
    linearKind: linearTrend?.kind ?? null,
  };
  const methods: ProgressMethods = {
    unsd: assessUnsdProgressChart(methodInput),
    openSdg: assessOpenSdgRatio(methodInput),
    escap: assessEscapAnticipatedProgress(methodInput),
  };
  if (methods.unsd.projectionBasis === 'LINEAR_FALLBACK') {
    warn(
      'UNSD_LINEAR_FALLBACK',
      `the UNSD expected value needs a compound rate, which is undefined from a baseline of ${fmt(base?.value ?? Number.NaN)}; v_e is the linear projection ${fmt(methods.unsd.expectedValueAtTargetYear ?? Number.NaN)}`,
    );
  }
  if (
    trend !== null &&
    (trend.base.value === 0 || aimValue === 0) &&
    methods.openSdg.cagrObserved !== null
  ) {
    warn(
      'OPEN_SDG_ZERO_SUBSTITUTED',
      `Open SDG replaces a ${trend.base.value === 0 ? 'baseline' : 'target'} of 0 by 0.001, so its ratio (${methods.openSdg.ratio === null ? 'n/a' : fmt(methods.openSdg.ratio)}) depends on that arbitrary value; read it with care`,
    );
  }
  return methods;
}

function usablePoints(
  series: ComputeProgressArgs['series'],
  asOfYear: number,
  warn: Warn,
  isFinal: boolean,
): ObservedPoint[] {
  const byYear = new Map<number, ObservedPoint>();
  const after: number[] = [];
  const duplicates: number[] = [];
  for (const o of series) {
    if (o.value === null || o.value === undefined) continue;
    if (!Number.isFinite(o.value)) {
      warn(
        'NON_FINITE_VALUE_IGNORED',
        `values must be finite numbers, but got ${o.value} for ${o.year}; treated as missing`,
      );
      continue;
    }
    if (o.year > asOfYear) {
      after.push(o.year);
      continue;
    }
    if (byYear.has(o.year)) duplicates.push(o.year);
    byYear.set(o.year, {
      year: o.year,
      value: o.value,
      numerator: o.numerator ?? null,
      denominator: o.denominator ?? null,
      source: o.source ?? null,
      status: o.status ?? null,
      qualifier: o.qualifier ?? 'EXACT',
    });
  }
  if (after.length > 0) {
    const years = [...new Set(after)].sort((a, b) => a - b).join(', ');
    if (isFinal) {
      warn(
        'OBSERVATIONS_AFTER_DEADLINE_IGNORED',
        `a target is judged at its deadline, on values up to its year ${asOfYear}, but the series has later values for ${years}; they are not used`,
      );
    } else {
      warn(
        'OBSERVATIONS_AFTER_AS_OF_IGNORED',
        `observations after the as-of year ${asOfYear} are not used, but the series has values for ${years}`,
      );
    }
  }
  if (duplicates.length > 0) {
    warn(
      'DUPLICATE_YEAR',
      `a series has one value a year, but ${[...new Set(duplicates)].sort((a, b) => a - b).join(', ')} appear more than once; the last one given is used`,
    );
  }
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

function chooseBaseline(
  target: TargetSpec,
  points: readonly ObservedPoint[],
  warn: Warn,
): BaselinePoint | null {
  const stated = target.statedBaseline ?? null;
  if (stated !== null) {
    const same = points.find((p) => p.year === stated.year);
    if (same !== undefined && same.value !== stated.value) {
      warn(
        'STATED_BASELINE_DIFFERS',
        `the plan states ${fmt(stated.value)} for ${stated.year} and the series has ${fmt(same.value)} for that year; the stated value is used`,
      );
    }
    return { year: stated.year, value: stated.value, kind: 'STATED', source: null };
  }
  const inPlanYear = points.find((p) => p.year === target.planYear);
  if (inPlanYear !== undefined) {
    return {
      year: inPlanYear.year,
      value: inPlanYear.value,
      kind: 'PLAN_YEAR',
      source: inPlanYear.source,
    };
  }
  const earlier = points.filter((p) => p.year < target.planYear);
  if (earlier.length > 0) {
    const p = earlier[earlier.length - 1];
    warn(
      'BASELINE_NOT_IN_PLAN_YEAR',
      `the baseline is the plan year's value (${target.planYear}), but the series has none; the nearest earlier year ${p.year} (${fmt(p.value)}) is used`,
    );
    return { year: p.year, value: p.value, kind: 'NEAREST_EARLIER', source: p.source };
  }
  if (points.length > 0) {
    const p = points[0];
    warn(
      'BASELINE_NOT_IN_PLAN_YEAR',
      `the baseline is the plan year's value (${target.planYear}), but the series has none before ${p.year}; the earliest available year ${p.year} (${fmt(p.value)}) is used`,
    );
    return { year: p.year, value: p.value, kind: 'EARLIEST_AVAILABLE', source: p.source };
  }
  return null;
}

function computeAttainment(
  direction: ResolvedTarget['direction'],
  aim: number,
  latest: number | null,
  trendBase: number | null,
  qualifier: ObservedPoint['qualifier'],
): Attainment | null {
  if (latest === null) return null;
  const make = (
    fraction: number | null,
    definition: Attainment['definition'],
  ): Attainment | null =>
    fraction === null
      ? null
      : { fraction, percent: fraction * 100, definition, bound: attainmentBound(definition) };
  // latest ÷ target grows with the value; the two reduction measures shrink with it.
  const attainmentBound = (definition: Attainment['definition']): AttainmentBound => {
    const side = boundSideOf(qualifier);
    if (side === 'NONE') return qualifier === 'ABOUT' ? 'ABOUT' : 'EXACT';
    const rising = definition === 'LATEST_OVER_TARGET';
    return (side === 'LOWER') === rising ? 'AT_LEAST' : 'AT_MOST';
  };
  if (direction === 'UP') return make(safeDivide(latest, aim), 'LATEST_OVER_TARGET');
  if (trendBase !== null && trendBase > aim) {
    return make(safeDivide(trendBase - latest, trendBase - aim), 'SHARE_OF_REQUIRED_REDUCTION');
  }
  return latest > 0 ? make(safeDivide(aim, latest), 'TARGET_OVER_LATEST') : null;
}

function fitTrend(
  points: readonly ObservedPoint[],
  baseline: BaselinePoint,
  latest: ObservedPoint,
): LinearTrend | null {
  const used = points
    .filter((p) => p.year >= baseline.year && p.year <= latest.year)
    .map((p) => ({ year: p.year, value: p.value }));
  if (!used.some((p) => p.year === baseline.year)) {
    used.unshift({ year: baseline.year, value: baseline.value });
  }
  const line = fitLeastSquares(used);
  if (line === null) return null;
  return {
    kind: used.length === 2 ? 'TWO_POINT' : 'LEAST_SQUARES',
    slopePerYear: line.slopePerYear,
    points: used,
    fittedAtLatestYear: predictLine(line, latest.year),
  };
}

function predictAt(trend: LinearTrend, year: number): number {
  const last = trend.points[trend.points.length - 1];
  return trend.fittedAtLatestYear + trend.slopePerYear * (year - last.year);
}

function warnAboutGrowthRates(
  warn: Warn,
  ctx: {
    base: { year: number; value: number } | null;
    latest: ObservedPoint | null;
    aimValue: number;
    hasTrend: boolean;
    projectedCagr: number | null;
    projectedLinear: number | null;
  },
): void {
  const { base, latest, aimValue, hasTrend, projectedLinear } = ctx;
  const linear = projectedLinear === null ? 'none' : fmt(projectedLinear);
  if (base !== null && base.value === 0) {
    warn(
      'BASELINE_ZERO',
      `a compound growth rate needs a baseline above 0, but the baseline is 0 (${base.year}); CAGR figures are null and the linear projection (${linear}) is the one to read`,
    );
  } else if (
    (base !== null && base.value < 0) ||
    (latest !== null && latest.value < 0) ||
    aimValue < 0
  ) {
    warn(
      'NON_POSITIVE_VALUES',
      'compound growth rates need positive values, but the baseline, latest value or target is negative; CAGR figures are null where undefined',
    );
  }
  if (aimValue === 0) {
    warn(
      'TARGET_ZERO',
      `a compound rate reaches 0 only by falling 100 %/yr, so CAGR-based figures can never show a target of 0 as reached; read the linear projection (${linear})`,
    );
  }
  if (base !== null && base.value > 0) {
    const ratios: string[] = [];
    const extreme = (r: number): boolean =>
      r >= PROGRESS_DEFAULTS.extremeRatio || (r > 0 && r <= 1 / PROGRESS_DEFAULTS.extremeRatio);
    if (hasTrend && latest !== null && extreme(latest.value / base.value)) {
      ratios.push(`latest ÷ baseline = ${fmt(latest.value / base.value)}`);
    }
    if (extreme(aimValue / base.value))
      ratios.push(`target ÷ baseline = ${fmt(aimValue / base.value)}`);
    if (ratios.length > 0) {
      warn(
        'CAGR_EXTREME_RATIO',
        `compound rates are dominated by a small base when values differ ${PROGRESS_DEFAULTS.extremeRatio}-fold or more from it, and here ${ratios.join(' and ')}; compare the CAGR projection (${ctx.projectedCagr === null ? 'none' : fmt(ctx.projectedCagr)}) with the linear one (${linear})`,
      );
    }
  }
}

function warnAboutNaturalLimit(
  warn: Warn,
  target: TargetSpec,
  direction: ResolvedTarget['direction'],
  base: number | null,
  latest: number | null,
): void {
  const limit = target.naturalLimit ?? null;
  if (limit === null) return;
  const highest = Math.max(target.value, target.valueHigh ?? target.value);
  if (highest > limit) {
    warn(
      'TARGET_BEYOND_NATURAL_LIMIT',
      `a target cannot exceed the natural limit ${fmt(limit)}, but the plan asks for ${fmt(highest)}`,
    );
  }
  if (direction !== 'UP') return;
  const near = (v: number | null): boolean =>
    v !== null && limit - v <= PROGRESS_DEFAULTS.nearLimitShare * Math.abs(limit);
  if (near(base) || near(latest)) {
    warn(
      'NEAR_NATURAL_LIMIT',
      `growth rates shrink by construction within ${PROGRESS_DEFAULTS.nearLimitShare * 100}% of the natural limit ${fmt(limit)}, and the baseline is ${base === null ? 'n/a' : fmt(base)}, the latest ${latest === null ? 'n/a' : fmt(latest)}; see Open SDG's limit-scaled trend verdict`,
    );
  }
}

/** Whether the target holds for every year of a range ("mỗi năm"), not as a level to reach. */
function isPerYear(target: TargetSpec): target is TargetSpec & { readonly fromYear: number } {
  return target.fromYear !== undefined && target.fromYear !== null;
}

/** A verdict and the rule (and method, when one decided it) behind it. */
interface Verdict {
  status: ProgressStatus;
  basis: StatusBasis;
  method?: StatusMethod;
  category?: string | null;
}

/**
 * The verdict on a per-year target: every year from `fromYear` to the target year must meet the
 * comparator, so one observed year that misses it decides NOT_ACHIEVED (it cannot be undone), a year
 * without a value leaves the verdict open (INSUFFICIENT_DATA, the years named), and ACHIEVED needs
 * the whole range observed after the deadline; before it, a range met so far is ON_TRACK. A year
 * other than the latest whose value is a bound counts as met or missed only when every value
 * inside the bound agrees, else as not known (the latest one is checked by {@link computeProgress}).
 */
function decideEveryYear(
  target: TargetSpec & { readonly fromYear: number },
  asOfYear: number,
  { points, latest, isFinal }: Reading,
  tolerance: number,
  warn: Warn,
): Verdict {
  const verdict = (status: ProgressStatus): Verdict => ({ status, basis: 'EVERY_YEAR_IN_RANGE' });
  const meets = (value: number): boolean => meetsTarget(value, target, tolerance);
  const range = `${target.fromYear}–${target.targetYear}`;
  const lastYear = isFinal ? target.targetYear : Math.min(asOfYear, target.targetYear);
  if (lastYear < target.fromYear) {
    warn(
      'YEARS_MISSING_IN_RANGE',
      `a per-year target is judged on every year ${range}, but as of ${asOfYear} none of them is over; no verdict yet`,
    );
    return verdict('INSUFFICIENT_DATA');
  }
  const judged = new Map<number, boolean | null>();
  for (const p of points) {
    if (p.year < target.fromYear || p.year > lastYear) continue;
    judged.set(p.year, p === latest ? meets(p.value) : meetsAcrossBound(p, target, meets));
  }
  const missed = points.filter((p) => judged.get(p.year) === false);
  if (missed.length > 0) {
    warn(
      'YEARS_NOT_MET_IN_RANGE',
      `a per-year target must be met in every year ${range}, but ${missed.map((p) => `${p.year} (${fmt(p.value)})`).join(', ')} did not meet it; not achieved`,
    );
    return verdict('NOT_ACHIEVED');
  }
  const missing: number[] = [];
  const bounded: ObservedPoint[] = [];
  for (let year = target.fromYear; year <= lastYear; year++) {
    if (!judged.has(year)) missing.push(year);
    else if (judged.get(year) === null) bounded.push(points.find((p) => p.year === year)!);
  }
  if (missing.length > 0 || bounded.length > 0) {
    const gaps = [
      ...(missing.length > 0 ? [`no value for ${missing.join(', ')}`] : []),
      ...(bounded.length > 0
        ? [
            `only a bound for ${bounded.map((p) => `${p.year} (${p.qualifier} ${fmt(p.value)})`).join(', ')}`,
          ]
        : []),
    ];
    warn(
      'YEARS_MISSING_IN_RANGE',
      `a per-year target is judged on every year ${range}, and the years observed up to ${lastYear} meet it, but there is ${gaps.join(' and ')}; ${isFinal ? 'no final verdict' : 'no verdict'} without them`,
    );
    return verdict('INSUFFICIENT_DATA');
  }
  return verdict(isFinal ? 'ACHIEVED' : 'ON_TRACK');
}

/** Whether a bounded value meets the target whatever it stands for: `null` when values inside disagree. */
function meetsAcrossBound(
  point: ObservedPoint,
  target: TargetSpec,
  meets: (value: number) => boolean,
): boolean | null {
  const side = boundSideOf(point.qualifier);
  if (side === 'NONE') return meets(point.value);
  const outcomes = new Set(
    valuesInsideBound(point.value, point.qualifier, side, target).map(meets),
  );
  return outcomes.size === 1 ? [...outcomes][0]! : null;
}

function decideStatus(ctx: {
  isFinal: boolean;
  invalid: boolean;
  latest: ObservedPoint | null;
  met: boolean | null;
  targetYear: number;
  hasTrend: boolean;
  metAtBaseline: boolean | null;
  methods: ProgressMethods;
}): Verdict {
  if (ctx.invalid) return { status: 'NOT_APPLICABLE', basis: 'INVALID_TARGET' };
  if (ctx.latest === null) return { status: 'INSUFFICIENT_DATA', basis: 'NO_DATA' };
  if (ctx.isFinal) {
    return { status: ctx.met ? 'ACHIEVED' : 'NOT_ACHIEVED', basis: 'FINAL_AT_DEADLINE' };
  }
  if (ctx.met === true) return { status: 'ACHIEVED', basis: 'TARGET_MET' };
  if (ctx.latest.year >= ctx.targetYear)
    return { status: 'NOT_ACHIEVED', basis: 'DEADLINE_PASSED' };
  if (!ctx.hasTrend) return { status: 'INSUFFICIENT_DATA', basis: 'NO_BASELINE' };
  if (ctx.metAtBaseline === true) {
    return { status: 'STAGNATION_OR_REGRESSION', basis: 'REGRESSED_FROM_MET_BASELINE' };
  }
  const { unsd, escap, openSdg } = ctx.methods;
  const follow = (
    status: ProgressStatus,
    basis: StatusBasis,
    method: StatusMethod,
    category: string | null,
  ) => ({ status, basis, method, category });
  if (unsd.computable) return follow(unsd.status, 'UNSD_PROGRESS_CHART', 'UNSD', unsd.band);
  if (escap.band !== null)
    return follow(escap.status, 'ESCAP_ANTICIPATED_PROGRESS', 'ESCAP', escap.band);
  if (openSdg.ratio !== null)
    return follow(openSdg.status, 'OPEN_SDG_RATIO', 'OPEN_SDG', openSdg.category);
  return { status: 'NOT_APPLICABLE', basis: 'NO_METHOD_APPLICABLE' };
}

function agreementOf(methods: ProgressMethods): boolean | null {
  const judged = [methods.unsd.status, methods.openSdg.status, methods.escap.status].filter(
    (s) => s !== 'INSUFFICIENT_DATA' && s !== 'NOT_APPLICABLE',
  );
  if (judged.length < 2) return null;
  return judged.every((s) => s === judged[0]);
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return String(Number(value.toPrecision(6)));
}
