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

function computeAtValues(args: ComputeProgressArgs): Progress {
  const { target, series, asOfYear } = args;
  const tolerance = args.approxTolerance ?? PROGRESS_DEFAULTS.approxTolerance;
  if (!Number.isInteger(asOfYear)) {
    throw new RangeError(`asOfYear must be a whole year, but got ${asOfYear}`);
  }
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`approxTolerance must be a finite number ≥ 0, but got ${tolerance}`);
  }
  const warnings: ProgressWarning[] = [];
  const warn = (code: ProgressWarningCode, message: string): void => {
    warnings.push({ code, message });
  };

  // After the target year the verdict is final, on the target year's value or an earlier one.
  const isFinal = asOfYear > target.targetYear;
  const points = usablePoints(series, isFinal ? target.targetYear : asOfYear, warn, isFinal);
  const latest = points.length > 0 ? points[points.length - 1] : null;
  if (isFinal && latest !== null && latest.year < target.targetYear) {
    warn(
      'FINAL_ON_EARLIER_YEAR',
      `a final verdict is given on the value of the target year ${target.targetYear}, but the series has none; the nearest earlier year ${latest.year} (${fmt(latest.value)}) is used`,
    );
  }
  const baseline = chooseBaseline(target, points, warn);
  const invalid = invalidTargetReason(target);
  if (invalid !== null) warn('INVALID_TARGET', invalid);

  const direction = directionOf(target, baseline?.value ?? latest?.value ?? null);
  const aimValue = aimValueOf(target, direction);
  const sign = direction === 'UP' ? 1 : -1;
  const naturalLimit = target.naturalLimit ?? null;
  const resolved: ResolvedTarget = {
    comparator: target.comparator,
    value: target.value,
    valueHigh: target.valueHigh ?? null,
    targetYear: target.targetYear,
    planYear: target.planYear,
    unit: target.unit,
    higherIsBetter: target.higherIsBetter,
    naturalLimit,
    direction,
    aimValue,
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

  const meets = (value: number): boolean => meetsTarget(value, target, tolerance);
  const met = latest !== null ? meets(latest.value) : null;
  if (latest !== null && isApproxOvershoot(latest.value, target, tolerance)) {
    warn(
      'APPROX_OVERSHOOT',
      `"about ${fmt(target.value)}" is met within ${fmt(resolved.approxTolerance!.low)}–${fmt(resolved.approxTolerance!.high)} and beyond it on the better side, and ${fmt(latest.value)} (${latest.year}) is beyond it; counted as met`,
    );
  }
  const metAtBaseline = baseline !== null ? meets(baseline.value) : null;
  const atTargetYear = points.find((p) => p.year === target.targetYear) ?? null;
  const metAtTargetYear = atTargetYear !== null ? meets(atTargetYear.value) : null;

  const base = baseline !== null ? { year: baseline.year, value: baseline.value } : null;
  const hasTrend = base !== null && latest !== null && base.year < latest.year;
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
  } else if (!hasTrend) {
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
  if (hasTrend && sign * (latest.value - base.value) < 0) {
    warn(
      'MOVING_AWAY_FROM_TARGET',
      `the series must move ${direction === 'UP' ? 'up' : 'down'} toward ${fmt(aimValue)}, but it went from ${fmt(base.value)} (${base.year}) to ${fmt(latest.value)} (${latest.year})`,
    );
  }
  if (base !== null && target.targetYear <= base.year) {
    warn(
      'TARGET_YEAR_NOT_AFTER_BASELINE',
      `required rates need a target year after the baseline year, but the target year is ${target.targetYear} and the baseline ${base.year}`,
    );
  }

  // Level measures.
  const attainment = computeAttainment(
    direction,
    aimValue,
    latest?.value ?? null,
    hasTrend ? base.value : null,
    latest?.qualifier ?? 'EXACT',
  );
  const distance = base !== null ? aimValue - base.value : null;
  const progressShare =
    hasTrend && distance !== null && sign * distance > 0
      ? safeDivide(latest.value - base.value, distance)
      : null;
  const gap =
    latest === null
      ? null
      : target.comparator === 'RANGE' && met === true
        ? 0
        : aimValue - latest.value;
  const span = base !== null ? target.targetYear - base.year : 0;
  const expectedNow =
    hasTrend && span > 0
      ? base.value + (aimValue - base.value) * Math.min(1, (latest.year - base.year) / span)
      : null;
  const aheadOfPath =
    expectedNow !== null && latest !== null ? sign * (latest.value - expectedNow) : null;

  // Growth rates.
  const cagrActual = hasTrend
    ? compoundAnnualGrowthRate(base.value, latest.value, latest.year - base.year)
    : null;
  const cagrRequiredFromBaseline =
    base !== null ? compoundAnnualGrowthRate(base.value, aimValue, span) : null;
  const cagrRequiredFromNow =
    latest !== null
      ? compoundAnnualGrowthRate(latest.value, aimValue, target.targetYear - latest.year)
      : null;

  // Projections to the target year.
  const linearTrend = hasTrend ? fitTrend(points, baseline!, latest) : null;
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

  warnAboutGrowthRates(warn, {
    base,
    latest,
    aimValue,
    hasTrend,
    projectedCagr,
    projectedLinear,
  });
  warnAboutNaturalLimit(warn, target, direction, base?.value ?? null, latest?.value ?? null);

  // The three methods.
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
  if (hasTrend && (base.value === 0 || aimValue === 0) && methods.openSdg.cagrObserved !== null) {
    warn(
      'OPEN_SDG_ZERO_SUBSTITUTED',
      `Open SDG replaces a ${base.value === 0 ? 'baseline' : 'target'} of 0 by 0.001, so its ratio (${methods.openSdg.ratio === null ? 'n/a' : fmt(methods.openSdg.ratio)}) depends on that arbitrary value; read it with care`,
    );
  }

  const verdict = decideStatus({
    isFinal,
    invalid: invalid !== null,
    latest,
    met,
    targetYear: target.targetYear,
    hasTrend,
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

  return {
    asOfYear,
    target: resolved,
    latest,
    baseline,
    baselineKind: baseline?.kind ?? null,
    atTargetYear,
    met,
    metAtBaseline,
    metAtTargetYear,
    attainment,
    progressShare,
    gap,
    expectedNow,
    aheadOfPath,
    cagrActual,
    cagrRequiredFromBaseline,
    cagrRequiredFromNow,
    projectedCagr,
    projectedCagrMeetsTarget: projectedCagr === null ? null : meets(projectedCagr),
    projectedLinear,
    projectedLinearMeetsTarget: projectedLinear === null ? null : meets(projectedLinear),
    linearTrend,
    methods,
    status: verdict.status,
    statusBasis: verdict.basis,
    statusMethod: verdict.method ?? null,
    statusCategory: verdict.category ?? null,
    isFinal,
    possibleStatuses: [verdict.status],
    methodsAgree,
    warnings,
  };
}

type Warn = (code: ProgressWarningCode, message: string) => void;

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

function decideStatus(ctx: {
  isFinal: boolean;
  invalid: boolean;
  latest: ObservedPoint | null;
  met: boolean | null;
  targetYear: number;
  hasTrend: boolean;
  metAtBaseline: boolean | null;
  methods: ProgressMethods;
}): {
  status: ProgressStatus;
  basis: StatusBasis;
  method?: StatusMethod;
  category?: string | null;
} {
  const { methods } = ctx;
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
  if (methods.unsd.computable) {
    const category = methods.unsd.band;
    return { status: methods.unsd.status, basis: 'UNSD_PROGRESS_CHART', method: 'UNSD', category };
  }
  if (methods.escap.band !== null) {
    const category = methods.escap.band;
    return {
      status: methods.escap.status,
      basis: 'ESCAP_ANTICIPATED_PROGRESS',
      method: 'ESCAP',
      category,
    };
  }
  if (methods.openSdg.ratio !== null) {
    const category = methods.openSdg.category;
    return {
      status: methods.openSdg.status,
      basis: 'OPEN_SDG_RATIO',
      method: 'OPEN_SDG',
      category,
    };
  }
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
