/**
 * The three published progress methods, each returning its intermediate numbers so that a report
 * can show how the verdict was reached. Sources are cited on each function; where the public text
 * could not be read, the doc says so and names the assumption.
 */

import { compoundAnnualGrowthRate, epsilonFor, finiteOrNull, safeDivide } from './progress-math.ts';
import type {
  Direction,
  EscapAnticipatedProgressResult,
  EscapBand,
  LinearTrendKind,
  OpenSdgCategory,
  OpenSdgRatioResult,
  OpenSdgThresholds,
  OpenSdgTrendResult,
  ProgressStatus,
  UnsdBand,
  UnsdProgressChartResult,
} from './progress-types.ts';

/**
 * What every method needs, already resolved by the engine: the baseline and latest points, the
 * single target value aimed at, the direction, whether the latest value meets the target, and the
 * two projections to the target year (already capped at the natural limit / floored at 0).
 */
export interface MethodInput {
  readonly base: { readonly year: number; readonly value: number } | null;
  readonly latest: { readonly year: number; readonly value: number } | null;
  readonly aimValue: number;
  readonly targetYear: number;
  readonly direction: Direction;
  readonly met: boolean | null;
  readonly naturalLimit: number | null;
  readonly projectedCagr: number | null;
  readonly projectedLinear: number | null;
  readonly linearKind: LinearTrendKind | null;
}

/**
 * Bands of the UNSD Progress Chart for targets with a numerical value: P ≥ 0.95 on track or target
 * met; 0.10 ≤ P < 0.95 fair progress, acceleration needed; P < 0.10 stagnation or regression.
 */
export const UNSD_THRESHOLDS = { onTrack: 0.95, fairProgress: 0.1 } as const;

/**
 * Method 1 — UN Statistics Division, SDG Progress Chart, indicators with an explicit numerical target.
 *
 * Source: UNSD "SDG Progress Chart 2023 — Technical Note",
 * https://unstats.un.org/sdgs/files/report/2023/Progress_Chart_Technical_Note_2023.pdf. The PDF itself
 * was not readable through the search tool (only the table of contents of the 2022 note was, at
 * https://www.scribd.com/document/870374529/Progress-Chart-Technical-Note-2022, section II.b
 * "Measuring the trend for indicators with an explicit numerical target"). The formulas and bands
 * below are as restated, with a link to that 2023 note, by the Basque statistics office's methodology
 * page (github.com/EUSTAT-DES/site, `_pages/en/metodologia.md`):
 *
 * - CAGR_a = (v_t ÷ v_b)^(1/(t − b)) − 1, from the base year b to the latest year t;
 * - v_e = v_t × (1 + CAGR_a)^(T − t), the value expected in the target year T at the current pace;
 * - P = (v_e − v_b) ÷ (v* − v_b), the share of the required progress that the current pace delivers;
 * - P ≥ 0.95 "On track or target met", 0.10 ≤ P < 0.95 "Fair progress, but acceleration needed",
 *   P < 0.10 "Stagnation or regression"; a latest value that already meets the target is "met"
 *   whatever the trend.
 *
 * This P is what reproduces the "P ≈ 1.13" for 700 → 820 (2020 → 2024) against ≥ 1,000 by
 * 2030. The ratio of growth rates CAGR_a ÷ CAGR_r (≈ 1.11 there) is reported beside it as
 * `growthRateRatio`: it is the form of the Open SDG method (method 2), and we could not confirm
 * from the search whether older UNSD notes banded it.
 *
 * Engine choices, stated: the base is the plan's baseline (not 2015) and T the plan's target year;
 * when CAGR_a is undefined (base ≤ 0) v_e falls back to the linear projection and the result says so
 * (`projectionBasis: 'LINEAR_FALLBACK'`); when the latest year is at or after T, v_e is the observed
 * value; v_e is capped at the natural limit; P is not computed when the baseline already meets or
 * passes the target (the distance v* − v_b would point the wrong way).
 */
export function assessUnsdProgressChart(input: MethodInput): UnsdProgressChartResult {
  const { base, latest, aimValue, targetYear, direction, met } = input;
  const sign = direction === 'UP' ? 1 : -1;
  const empty = {
    method: 'UNSD_PROGRESS_CHART' as const,
    baseYear: base?.year ?? null,
    baseValue: base?.value ?? null,
    latestYear: latest?.year ?? null,
    latestValue: latest?.value ?? null,
    targetValue: aimValue,
    targetYear,
    thresholds: UNSD_THRESHOLDS,
  };
  if (latest === null) {
    return {
      ...empty,
      computable: false,
      cagrActual: null,
      cagrRequired: null,
      growthRateRatio: null,
      expectedValueAtTargetYear: null,
      projectionBasis: null,
      progressRatio: null,
      band: null,
      status: 'INSUFFICIENT_DATA',
      note: 'no observation up to the as-of year',
    };
  }
  const hasTrend = base !== null && base.year < latest.year;
  const cagrActual = hasTrend
    ? compoundAnnualGrowthRate(base.value, latest.value, latest.year - base.year)
    : null;
  const cagrRequired =
    base !== null ? compoundAnnualGrowthRate(base.value, aimValue, targetYear - base.year) : null;
  const growthRateRatio =
    cagrActual !== null && cagrRequired !== null ? safeDivide(cagrActual, cagrRequired) : null;

  let expected: number | null = null;
  let projectionBasis: UnsdProgressChartResult['projectionBasis'] = null;
  if (hasTrend) {
    if (latest.year >= targetYear) {
      expected = latest.value;
      projectionBasis = 'OBSERVED';
    } else if (cagrActual !== null && input.projectedCagr !== null) {
      expected = input.projectedCagr;
      projectionBasis = 'CAGR';
    } else if (input.projectedLinear !== null) {
      expected = input.projectedLinear;
      projectionBasis = 'LINEAR_FALLBACK';
    }
  }

  const distance = base !== null ? aimValue - base.value : null;
  const distanceUsable = distance !== null && sign * distance > 0;
  const progressRatio =
    expected !== null && base !== null && distanceUsable
      ? safeDivide(expected - base.value, distance)
      : null;

  // What every verdict below reports, computable or not.
  const measured = {
    cagrActual,
    cagrRequired,
    growthRateRatio,
    expectedValueAtTargetYear: expected,
    projectionBasis,
  };
  if (met === true) {
    return {
      ...empty,
      computable: true,
      ...measured,
      progressRatio,
      band: 'ON_TRACK_OR_TARGET_MET',
      status: 'ACHIEVED',
      note: 'the latest value meets the target, whatever the trend',
    };
  }
  const note = unsdNote(hasTrend, distanceUsable, expected, projectionBasis);
  if (progressRatio === null) {
    return {
      ...empty,
      computable: false,
      ...measured,
      progressRatio: null,
      band: null,
      status: hasTrend ? 'NOT_APPLICABLE' : 'INSUFFICIENT_DATA',
      note,
    };
  }
  const band = unsdBandOf(progressRatio);
  const status: ProgressStatus =
    latest.year >= targetYear ? 'NOT_ACHIEVED' : STATUS_OF_UNSD_BAND[band];
  return { ...empty, computable: true, ...measured, progressRatio, band, status, note };
}

/** Why a UNSD verdict could not be computed, or how its expected value was found. */
function unsdNote(
  hasTrend: boolean,
  distanceUsable: boolean,
  expected: number | null,
  projectionBasis: UnsdProgressChartResult['projectionBasis'],
): string | null {
  if (!hasTrend) return 'needs a baseline earlier than the latest observation';
  if (!distanceUsable)
    return 'the baseline already meets or passes the target, so P = (v_e − v_b) ÷ (v* − v_b) is undefined';
  if (expected === null) return 'no projection to the target year could be made';
  if (projectionBasis === 'LINEAR_FALLBACK')
    return 'CAGR undefined for this base; v_e taken from the linear projection';
  return null;
}

/** UNSD band of a progress ratio P, with the thresholds of {@link UNSD_THRESHOLDS}. */
export function unsdBandOf(progressRatio: number): UnsdBand {
  if (progressRatio >= UNSD_THRESHOLDS.onTrack) return 'ON_TRACK_OR_TARGET_MET';
  if (progressRatio >= UNSD_THRESHOLDS.fairProgress) return 'FAIR_PROGRESS_ACCELERATION_NEEDED';
  return 'STAGNATION_OR_REGRESSION';
}

const STATUS_OF_UNSD_BAND: Record<UnsdBand, ProgressStatus> = {
  ON_TRACK_OR_TARGET_MET: 'ON_TRACK',
  FAIR_PROGRESS_ACCELERATION_NEEDED: 'ACCELERATION_NEEDED',
  STAGNATION_OR_REGRESSION: 'STAGNATION_OR_REGRESSION',
};

/**
 * Open SDG thresholds for a ratio against a quantitative target: R ≥ 0.95 substantial progress
 * ("on track"), 0.6 ≤ R < 0.95 moderate ("progress made but acceleration needed"), 0 ≤ R < 0.6
 * limited, R < 0 deterioration.
 */
export const OPEN_SDG_RATIO_THRESHOLDS: OpenSdgThresholds = { high: 0.95, med: 0.6, low: 0 };

/**
 * Open SDG thresholds for a directed growth rate when no target is used: ≥ 1.5 %/yr substantial,
 * ≥ 0.5 %/yr moderate, ≥ 0 limited, < 0 deterioration; the positive ones are multiplied by the
 * natural-limit scaling factor C.
 */
export const OPEN_SDG_TREND_THRESHOLDS: OpenSdgThresholds = { high: 0.015, med: 0.005, low: 0 };

/** Exponent of Open SDG's natural-limit scaling factor C = 1 − (y0 ÷ y_lim)^4.44. */
export const OPEN_SDG_LIMIT_EXPONENT = 4.44;

/** The value Open SDG substitutes for a base or target of exactly 0 (its growth model cannot use 0). */
export const OPEN_SDG_ZERO_SUBSTITUTE = 0.001;

/**
 * Method 2 — Open SDG "ratio" progress measure (Statistics Canada's methodology, built into Open SDG).
 *
 * Sources: https://open-sdg.readthedocs.io/en/latest/progress-methodology/ (repository
 * open-sdg/open-sdg, `docs/progress-methodology.md`), https://open-sdg.readthedocs.io/en/latest/progress/,
 * and the implementation open-sdg/sdg-build `sdg/ProgressMeasure.py`. They say:
 *
 * - CAGR_i = (y_i ÷ y_0)^(1/(t_i − t_0)) − 1 observed; CAGR_T = (y_T ÷ y_0)^(1/(t_T − t_0)) − 1 required;
 *   R = d × CAGR_i ÷ |CAGR_T| with d = +1 (increase desired) or −1 (decrease desired); the code also
 *   multiplies by the sign of the base value (all-negative series);
 * - "Target achieved" when the latest value is at/above (at/below) the target, whatever R is;
 *   R ≥ 95 % on track, 60 % ≤ R < 95 % progress made but acceleration needed, 0 ≤ R < 60 % limited
 *   progress, R < 0 deterioration (code labels: substantial / moderate / limited / deterioration);
 * - a base or target of 0 is replaced by 0.001 ("Calculating progress with base value = 0.001"),
 *   and a result must then "be interpreted carefully";
 * - scores: R ↦ 7.1429 R − 4.2857 (capped at 5) from R ≥ 0.6, else 4.1667 R − 2.5 (floored at −5);
 *   target achieved scores 5;
 * - natural limits: "Progress thresholds greater than 0% are reduced by a factor" C, with, in the code,
 *   C = 1 − (y0 ÷ lim)^4.44 for y0 ≤ lim, C = 1 − ((2 lim − y0) ÷ lim)^4.44 for lim < y0 < 2 lim, and
 *   C = 1 for y0 ≥ 2 lim. This scaling applies to the no-target growth thresholds only: with a target
 *   the code warns "Ignoring limit … as target … already provided". So the ratio R below is not
 *   limit-adjusted (faithful to Open SDG), and `trendWithoutTarget` reports the limit-scaled
 *   no-target verdict beside it, which is where a share near 100 % is judged fairly.
 *
 * Engine choices, stated: the base is the engine's baseline (Open SDG defaults to 2015 and, failing
 * that, the next later year); "target achieved" uses the comparator's own rule (strict for `GT`,
 * the tolerance for `APPROX`, the band for `RANGE`); the natural limit is an upper limit, used only
 * when the target is approached upward (for a downward target the relevant limit is 0, where the
 * code's formula gives C = 1).
 */
export function assessOpenSdgRatio(input: MethodInput): OpenSdgRatioResult {
  const { base, latest, aimValue, targetYear, direction, met } = input;
  const d = direction === 'UP' ? 1 : -1;
  const targetValueUsed = aimValue === 0 ? OPEN_SDG_ZERO_SUBSTITUTE : aimValue;
  const none = {
    method: 'OPEN_SDG_RATIO' as const,
    targetValueUsed,
    thresholds: OPEN_SDG_RATIO_THRESHOLDS,
    targetAchieved: met,
  };
  if (latest === null || base === null || latest.year - base.year < 1) {
    const achieved = met === true;
    return {
      ...none,
      baseValueUsed:
        base === null ? null : base.value === 0 ? OPEN_SDG_ZERO_SUBSTITUTE : base.value,
      cagrObserved: null,
      cagrRequired: null,
      ratio: null,
      category: achieved ? 'TARGET_ACHIEVED' : 'NOT_AVAILABLE',
      score: achieved ? 5 : null,
      trendWithoutTarget: null,
      status: achieved ? 'ACHIEVED' : 'INSUFFICIENT_DATA',
    };
  }
  const baseValueUsed = base.value === 0 ? OPEN_SDG_ZERO_SUBSTITUTE : base.value;
  const baseSign = baseValueUsed < 0 ? -1 : 1;
  const mixedSigns =
    (baseValueUsed > 0 && latest.value < 0) || (baseValueUsed < 0 && latest.value > 0);
  const cagrObserved = mixedSigns
    ? null
    : openSdgGrowth(latest.value, baseValueUsed, latest.year - base.year);
  const cagrRequired = openSdgGrowth(targetValueUsed, baseValueUsed, targetYear - base.year);
  const ratio =
    cagrObserved !== null && cagrRequired !== null && cagrRequired !== 0
      ? finiteOrNull((baseSign * d * cagrObserved) / Math.abs(cagrRequired))
      : null;
  const trendWithoutTarget = assessOpenSdgTrend(
    cagrObserved === null ? null : baseSign * d * cagrObserved,
    baseValueUsed,
    direction === 'UP' ? input.naturalLimit : null,
  );
  const measured = { ...none, baseValueUsed, cagrObserved, cagrRequired };
  if (met === true) {
    const category = 'TARGET_ACHIEVED';
    return { ...measured, ratio, category, score: 5, trendWithoutTarget, status: 'ACHIEVED' };
  }
  if (ratio === null) {
    const category = 'NOT_AVAILABLE';
    return {
      ...measured,
      ratio,
      category,
      score: null,
      trendWithoutTarget,
      status: 'NOT_APPLICABLE',
    };
  }
  const category = classifyOpenSdg(ratio, OPEN_SDG_RATIO_THRESHOLDS);
  const score =
    ratio >= OPEN_SDG_RATIO_THRESHOLDS.med
      ? Math.min(7.1429 * ratio - 4.2857, 5)
      : Math.max(4.1667 * ratio - 2.5, -5);
  return {
    ...measured,
    ratio,
    category,
    score,
    trendWithoutTarget,
    status: latest.year >= targetYear ? 'NOT_ACHIEVED' : STATUS_OF_OPEN_SDG[category],
  };
}

/**
 * Open SDG's natural-limit scaling factor C for a base value and a limit, exactly as in
 * `sdg/ProgressMeasure.py`: 1 when base ≥ 2 × limit, 1 − (base ÷ limit)^4.44 when base ≤ limit,
 * else 1 − ((2 × limit − base) ÷ limit)^4.44. C is near 0 next to the limit and near 1 far from it.
 */
export function openSdgScalingCoefficient(baseValue: number, limit: number): number {
  const b = Math.abs(baseValue);
  const lim = Math.abs(limit);
  if (b >= 2 * lim) return 1;
  if (b <= lim) return 1 - (b / lim) ** OPEN_SDG_LIMIT_EXPONENT;
  return 1 - ((2 * lim - b) / lim) ** OPEN_SDG_LIMIT_EXPONENT;
}

function assessOpenSdgTrend(
  cagrDirected: number | null,
  baseValueUsed: number,
  limit: number | null,
): OpenSdgTrendResult {
  const scalingCoefficient = limit === null ? 1 : openSdgScalingCoefficient(baseValueUsed, limit);
  const thresholds: OpenSdgThresholds = {
    high: OPEN_SDG_TREND_THRESHOLDS.high * scalingCoefficient,
    med: OPEN_SDG_TREND_THRESHOLDS.med * scalingCoefficient,
    low: OPEN_SDG_TREND_THRESHOLDS.low,
  };
  if (cagrDirected === null) {
    return {
      cagrDirected: null,
      limit,
      scalingCoefficient,
      thresholds,
      category: 'NOT_AVAILABLE',
      score: null,
    };
  }
  const category = classifyOpenSdg(cagrDirected, thresholds);
  const c = scalingCoefficient;
  let score: number;
  if (cagrDirected < thresholds.low) score = Math.max(125 * cagrDirected - 2.5, -5);
  else if (c === 0) score = 5;
  else if (cagrDirected >= thresholds.high) score = Math.min((500 * cagrDirected) / c - 5, 5);
  else if (cagrDirected >= thresholds.med) score = (250 * cagrDirected) / c - 1.25;
  else score = (500 * cagrDirected) / c - 2.5;
  return { cagrDirected, limit, scalingCoefficient, thresholds, category, score };
}

function openSdgGrowth(value: number, baseValue: number, years: number): number | null {
  if (!(years > 0)) return null;
  return finiteOrNull((value / baseValue) ** (1 / years) - 1);
}

function classifyOpenSdg(value: number, thresholds: OpenSdgThresholds): OpenSdgCategory {
  if (value >= thresholds.high) return 'SUBSTANTIAL_PROGRESS';
  if (value >= thresholds.med) return 'MODERATE_PROGRESS';
  if (value >= thresholds.low) return 'LIMITED_PROGRESS';
  return 'DETERIORATION';
}

const STATUS_OF_OPEN_SDG: Record<OpenSdgCategory, ProgressStatus> = {
  TARGET_ACHIEVED: 'ACHIEVED',
  SUBSTANTIAL_PROGRESS: 'ON_TRACK',
  MODERATE_PROGRESS: 'ACCELERATION_NEEDED',
  LIMITED_PROGRESS: 'LIMITED_PROGRESS',
  DETERIORATION: 'STAGNATION_OR_REGRESSION',
  NOT_AVAILABLE: 'INSUFFICIENT_DATA',
};

/**
 * Method 3 — UN ESCAP "Anticipated Progress" (Asia and the Pacific SDG Progress Report).
 *
 * Sources: https://data.unescap.org/resource-guides/progress-assessment-methodology ("The Anticipated
 * Progress Index measures the gap between predicted value of the indicator and the specified target
 * value"; it answers "How likely will the targets be achieved by 2030?"); UNECE's restatement of the
 * same ESCAP method, https://w3.unece.org/sdg2023/technical-notes.html ("Recent data are given more
 * weight than earlier data in estimating anticipated indicator values for 2030", by "time-weighted
 * linear regression"; "For targets that will not be achieved, the Index reports the anticipated gap
 * between the target value and the projected value for 2030 relative to the progress required
 * between 2015 and 2030"); and UNECA's dashboard built on it,
 * https://iprt.uneca.org/eca-progress/ProgressAssessment.html, whose three messages are "MAINTAIN
 * progress to achieve target", "ACCELERATE progress to achieve target" and "REVERSE trend to achieve
 * target" (on-track indicators are "expected to achieve the target value by 2030").
 *
 * Computed here: anticipatedProgress = (v̂_T − v_b) ÷ (v* − v_b) and anticipatedGap = 1 − that
 * = (v* − v̂_T) ÷ (v* − v_b), with v̂_T the value projected to the target year T.
 *
 * Not found by the search, so assumed and named: (a) the weights of ESCAP's time-weighted regression —
 * the engine uses the unweighted least-squares line of `projectedLinear` (identical when there are
 * only two points); (b) numeric band limits — the engine uses the ones implied by the three messages:
 * gap ≤ 0 (projected value reaches the target) ON_TRACK, 0 < gap < 1 (moving toward it, too slowly)
 * ACCELERATE, gap ≥ 1 (projected no better than the baseline) REVERSE_TREND. A latest value that
 * already meets the target is ON_TRACK; at or after the target year the observed value replaces the
 * projection.
 */
export function assessEscapAnticipatedProgress(input: MethodInput): EscapAnticipatedProgressResult {
  const { base, latest, aimValue, targetYear, direction, met } = input;
  const sign = direction === 'UP' ? 1 : -1;
  let projectedValue: number | null = null;
  let projectionBasis: EscapAnticipatedProgressResult['projectionBasis'] = null;
  if (latest !== null && latest.year >= targetYear) {
    projectedValue = latest.value;
    projectionBasis = 'OBSERVED';
  } else if (input.projectedLinear !== null && input.linearKind !== null) {
    projectedValue = input.projectedLinear;
    projectionBasis = input.linearKind;
  }
  const distance = base !== null ? aimValue - base.value : null;
  const anticipatedProgress =
    projectedValue !== null && base !== null && distance !== null && sign * distance > 0
      ? safeDivide(projectedValue - base.value, distance)
      : null;
  const anticipatedGap = anticipatedProgress === null ? null : 1 - anticipatedProgress;
  const common = {
    method: 'ESCAP_ANTICIPATED_PROGRESS' as const,
    projectionBasis,
    baseYear: base?.year ?? null,
    baseValue: base?.value ?? null,
    targetValue: aimValue,
    targetYear,
    projectedValue,
    anticipatedProgress,
    anticipatedGap,
  };
  if (met === true) return { ...common, band: 'ON_TRACK', status: 'ACHIEVED' };
  if (anticipatedProgress === null) {
    const insufficient = latest === null || base === null || base.year >= latest.year;
    return { ...common, band: null, status: insufficient ? 'INSUFFICIENT_DATA' : 'NOT_APPLICABLE' };
  }
  const band = escapBandOf(anticipatedProgress);
  const status: ProgressStatus =
    latest !== null && latest.year >= targetYear ? 'NOT_ACHIEVED' : STATUS_OF_ESCAP_BAND[band];
  return { ...common, band, status };
}

/** ESCAP band of an anticipated-progress share (see {@link assessEscapAnticipatedProgress}). */
export function escapBandOf(anticipatedProgress: number): EscapBand {
  if (anticipatedProgress >= 1 - epsilonFor(anticipatedProgress)) return 'ON_TRACK';
  if (anticipatedProgress > 0) return 'ACCELERATE';
  return 'REVERSE_TREND';
}

const STATUS_OF_ESCAP_BAND: Record<EscapBand, ProgressStatus> = {
  ON_TRACK: 'ON_TRACK',
  ACCELERATE: 'ACCELERATION_NEEDED',
  REVERSE_TREND: 'STAGNATION_OR_REGRESSION',
};
