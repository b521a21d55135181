import { describe, expect, it } from 'vitest';

import {
  computeProgress,
  openSdgScalingCoefficient,
  type Observation,
  type Progress,
  type TargetSpec,
} from '../../../warehouse/progress/progress-engine.ts';
import { coopTarget } from '../../helpers/progress.ts';

// Every expectation below is worked by hand; the arithmetic is written next to it, and literal
// values are the same arithmetic rounded. Precision: toBeCloseTo(x, n) checks |actual − x| < 10^−n / 2.

function run(
  target: TargetSpec,
  series: Observation[],
  asOfYear: number,
  approxTolerance?: number,
): Progress {
  return computeProgress({ target, series, asOfYear, approxTolerance });
}

const codes = (p: Progress): string[] => p.warnings.map((w) => w.code);

/** A series written as `[year, value]` pairs. */
const points = (...pairs: [number, number][]): Observation[] =>
  pairs.map(([year, value]) => ({ year, value }));

describe('computeProgress — the issue example: 700 (2020) → 820 (2024) against ">= 1,000 by 2030"', () => {
  const p = run(
    coopTarget(),
    [
      { year: 2020, value: 700 },
      { year: 2024, value: 820, source: 'GSO' },
    ],
    2024,
  );

  it('takes the baseline from the plan year and the latest value as of 2024', () => {
    expect(p.baselineKind).toBe('PLAN_YEAR');
    expect(p.baseline).toEqual({ year: 2020, value: 700, kind: 'PLAN_YEAR', source: null });
    expect(p.latest).toMatchObject({ year: 2024, value: 820, source: 'GSO' });
    expect(p.target.direction).toBe('UP');
    expect(p.met).toBe(false);
  });

  it('computes attainment, gap and the straight path', () => {
    // 820 / 1000 = 0.82
    expect(p.attainment).toEqual({
      fraction: 0.82,
      percent: 82,
      definition: 'LATEST_OVER_TARGET',
      bound: 'EXACT',
    });
    // 1000 − 820 = 180
    expect(p.gap).toBe(180);
    // 700 + (1000 − 700) × (2024 − 2020) / (2030 − 2020) = 700 + 300 × 0.4 = 820 → exactly on the path
    expect(p.expectedNow).toBeCloseTo(820, 9);
    expect(p.aheadOfPath).toBeCloseTo(0, 9);
    // (820 − 700) / (1000 − 700) = 0.4
    expect(p.progressShare).toBeCloseTo(0.4, 12);
  });

  it('computes the three growth rates', () => {
    // (820/700)^(1/4) − 1 = 1.171429^0.25 − 1 ≈ 4.03 %/yr
    expect(p.cagrActual).toBeCloseTo((820 / 700) ** (1 / 4) - 1, 12);
    expect(p.cagrActual).toBeCloseTo(0.04035, 5);
    // (1000/700)^(1/10) − 1 ≈ 3.63 %/yr
    expect(p.cagrRequiredFromBaseline).toBeCloseTo((1000 / 700) ** (1 / 10) - 1, 12);
    expect(p.cagrRequiredFromBaseline).toBeCloseTo(0.03631, 5);
    // (1000/820)^(1/6) − 1 ≈ 3.36 %/yr — the "required rate from now"
    expect(p.cagrRequiredFromNow).toBeCloseTo((1000 / 820) ** (1 / 6) - 1, 12);
    expect(p.cagrRequiredFromNow).toBeCloseTo(0.03363, 5);
  });

  it('projects to 2030 by CAGR and by the two-point line', () => {
    // 820 × 1.040349^6 = 700 × (820/700)^(10/4) ≈ 1,039.65
    expect(p.projectedCagr).toBeCloseTo(700 * (820 / 700) ** 2.5, 9);
    expect(p.projectedCagr).toBeCloseTo(1039.65, 2);
    expect(p.projectedCagrMeetsTarget).toBe(true);
    // slope (820 − 700) / 4 = 30 a year; 820 + 30 × 6 = 1,000 ≥ 1,000
    expect(p.linearTrend).toMatchObject({ kind: 'TWO_POINT', slopePerYear: 30 });
    expect(p.projectedLinear).toBeCloseTo(1000, 9);
    expect(p.projectedLinearMeetsTarget).toBe(true);
  });

  it('resolves "P ≈ 1.13": it is the UNSD 2023 progress ratio, not the ratio of growth rates (1.11)', () => {
    const u = p.methods.unsd;
    // UNSD 2023 note: v_e = v_t (1 + CAGR_a)^(T − t) = 820 × 1.040349^6 ≈ 1,039.65
    //                 P = (v_e − v_b) / (v* − v_b) = (1,039.65 − 700) / (1,000 − 700) = 339.65 / 300 ≈ 1.132
    expect(u.expectedValueAtTargetYear).toBeCloseTo(1039.65, 2);
    expect(u.projectionBasis).toBe('CAGR');
    expect(u.progressRatio).toBeCloseTo((700 * (820 / 700) ** 2.5 - 700) / 300, 12);
    expect(u.progressRatio).toBeCloseTo(1.132, 3);
    // Growth-rate ratio CAGR_a / CAGR_r = 4.0349 % / 3.6311 % ≈ 1.111, the figure the "1.11??" found.
    // No span reproduces 1.13 this way: with 9 years CAGR_r = (1000/700)^(1/9) − 1 = 4.043 % → ratio 0.998;
    // with 11 years → 1.224. So 1.13 comes from the projected-value definition above.
    expect(u.growthRateRatio).toBeCloseTo(1.1112, 4);
    expect(((820 / 700) ** 0.25 - 1) / ((1000 / 700) ** (1 / 9) - 1)).toBeCloseTo(0.998, 3);
    expect(u.band).toBe('ON_TRACK_OR_TARGET_MET'); // 1.132 ≥ 0.95
    expect(u.status).toBe('ON_TRACK');
  });

  it('gives Open SDG and ESCAP verdicts with their intermediate numbers', () => {
    const o = p.methods.openSdg;
    // R = d × CAGR_obs / |CAGR_req| = 0.040349 / 0.036311 ≈ 1.111 ≥ 0.95 → substantial progress
    expect(o.ratio).toBeCloseTo(1.1112, 4);
    expect(o.category).toBe('SUBSTANTIAL_PROGRESS');
    // score = min(7.1429 R − 4.2857, 5) = 7.1429 × 1.111193 − 4.2857 ≈ 3.6514
    expect(o.score).toBeCloseTo(3.6514, 4);
    const e = p.methods.escap;
    // projected 1,000 → progress (1000 − 700) / (1000 − 700) = 1, gap 0 → on track
    expect(e.projectedValue).toBeCloseTo(1000, 9);
    expect(e.anticipatedProgress).toBeCloseTo(1, 9);
    expect(e.anticipatedGap).toBeCloseTo(0, 9);
    expect(e.band).toBe('ON_TRACK');
  });

  it('decides ON_TRACK by the UNSD method, all three agreeing, with no warnings', () => {
    expect(p.status).toBe('ON_TRACK');
    expect(p.statusBasis).toBe('UNSD_PROGRESS_CHART');
    expect(p.methodsAgree).toBe(true);
    expect(p.warnings).toEqual([]);
  });
});

describe('computeProgress — a falling series', () => {
  // 700 (2020) → 680 (2022) → 650 (2024), target >= 1,000 by 2030.
  const p = run(coopTarget(), points([2020, 700], [2022, 680], [2024, 650]), 2024);

  it('measures the fall and warns that the series moves away from the target', () => {
    // (650/700)^(1/4) − 1 ≈ −1.836 %/yr
    expect(p.cagrActual).toBeCloseTo(-0.018356, 6);
    // (1000/650)^(1/6) − 1 ≈ 7.44 %/yr now needed
    expect(p.cagrRequiredFromNow).toBeCloseTo(0.074437, 6);
    // 650 − (700 + 300 × 0.4) = 650 − 820 = −170 (behind)
    expect(p.aheadOfPath).toBeCloseTo(-170, 9);
    expect(codes(p)).toContain('MOVING_AWAY_FROM_TARGET');
  });

  it('fits least squares on three points', () => {
    // mean year 2022, mean value 676.667; Sxy = (−2)(23.333) + 0 + (2)(−26.667) = −100; Sxx = 8
    // slope −100 / 8 = −12.5; at 2030: 676.667 − 12.5 × 8 = 576.667
    expect(p.linearTrend?.kind).toBe('LEAST_SQUARES');
    expect(p.linearTrend?.slopePerYear).toBeCloseTo(-12.5, 12);
    expect(p.projectedLinear).toBeCloseTo(576.667, 3);
    // CAGR path: 700 × (650/700)^2.5 ≈ 581.62
    expect(p.projectedCagr).toBeCloseTo(581.616, 3);
  });

  it('is STAGNATION_OR_REGRESSION by all three methods', () => {
    // UNSD: P = (581.616 − 700) / 300 ≈ −0.3946 < 0.10
    expect(p.methods.unsd.progressRatio).toBeCloseTo(-0.39461, 5);
    expect(p.methods.unsd.band).toBe('STAGNATION_OR_REGRESSION');
    // Open SDG: R = −0.018356 / 0.036311 ≈ −0.5055 < 0 → deterioration; score max(4.1667R − 2.5, −5) ≈ −4.6064
    expect(p.methods.openSdg.ratio).toBeCloseTo(-0.50553, 5);
    expect(p.methods.openSdg.category).toBe('DETERIORATION');
    expect(p.methods.openSdg.score).toBeCloseTo(-4.6064, 4);
    // ESCAP: (576.667 − 700) / 300 ≈ −0.4111 → gap 1.4111 ≥ 1 → reverse the trend
    expect(p.methods.escap.anticipatedProgress).toBeCloseTo(-0.41111, 5);
    expect(p.methods.escap.anticipatedGap).toBeCloseTo(1.41111, 5);
    expect(p.methods.escap.band).toBe('REVERSE_TREND');
    expect(p.status).toBe('STAGNATION_OR_REGRESSION');
    expect(p.methodsAgree).toBe(true);
  });
});

describe('computeProgress — a share near its natural limit of 100 %', () => {
  // Share of members covered: 95 % (2020) → 96 % (2024), target >= 98 % by 2030, natural limit 100.
  const share = coopTarget({ value: 98, unit: '%', naturalLimit: 100 });
  const p = run(share, points([2020, 95], [2024, 96]), 2024);

  it('warns that the share is near the limit', () => {
    // 100 − 95 = 5 ≤ 5 % of 100
    expect(codes(p)).toContain('NEAR_NATURAL_LIMIT');
  });

  it('judges the ratio methods as needing acceleration', () => {
    // CAGR_a = (96/95)^(1/4) − 1 ≈ 0.2621 %/yr; CAGR_r = (98/95)^(1/10) − 1 ≈ 0.3114 %/yr
    expect(p.cagrActual).toBeCloseTo(0.0026213, 7);
    expect(p.cagrRequiredFromBaseline).toBeCloseTo(0.0031139, 7);
    // UNSD: v_e = 96 × 1.0026213^6 ≈ 97.520; P = (97.520 − 95) / (98 − 95) ≈ 0.8399 → fair progress
    expect(p.methods.unsd.progressRatio).toBeCloseTo(0.83992, 5);
    expect(p.methods.unsd.band).toBe('FAIR_PROGRESS_ACCELERATION_NEEDED');
    // Open SDG: R = 0.0026213 / 0.0031139 ≈ 0.8418 (0.6 ≤ R < 0.95) → moderate; the limit is ignored with a target
    expect(p.methods.openSdg.ratio).toBeCloseTo(0.84179, 5);
    expect(p.methods.openSdg.category).toBe('MODERATE_PROGRESS');
    // ESCAP: line 95 → 96 is 0.25/yr; 96 + 0.25 × 6 = 97.5; (97.5 − 95) / 3 ≈ 0.8333
    expect(p.methods.escap.anticipatedProgress).toBeCloseTo(0.83333, 5);
    expect(p.status).toBe('ACCELERATION_NEEDED');
  });

  it("applies Open SDG's natural-limit scaling to the no-target trend measure", () => {
    // C = 1 − (95/100)^4.44 = 1 − e^(4.44 × ln 0.95) ≈ 0.20367
    const t = p.methods.openSdg.trendWithoutTarget!;
    expect(t.limit).toBe(100);
    expect(t.scalingCoefficient).toBeCloseTo(1 - 0.95 ** 4.44, 12);
    expect(t.scalingCoefficient).toBeCloseTo(0.20367, 5);
    // thresholds 1.5 % × C ≈ 0.3055 %, 0.5 % × C ≈ 0.1018 %; 0.2621 % falls between → moderate
    // (unscaled, 0.2621 % < 0.5 % would have been "limited progress")
    expect(t.thresholds.high).toBeCloseTo(0.0030551, 7);
    expect(t.thresholds.med).toBeCloseTo(0.0010184, 7);
    expect(t.category).toBe('MODERATE_PROGRESS');
  });

  it('caps projections at the limit and says so', () => {
    // 90 % (2020) → 96 % (2024): CAGR path 96 × (96/90)^(6/4) ≈ 105.76 %, line 96 + 1.5 × 6 = 105 % → both 100
    const q = run(share, points([2020, 90], [2024, 96]), 2024);
    expect(q.projectedCagr).toBe(100);
    expect(q.projectedLinear).toBe(100);
    expect(codes(q)).toContain('PROJECTION_CLAMPED');
    // UNSD with v_e = 100: P = (100 − 90) / (98 − 90) = 1.25 → on track
    expect(q.methods.unsd.progressRatio).toBeCloseTo(1.25, 12);
    expect(q.status).toBe('ON_TRACK');
  });

  it('computes the scaling factor on both sides of the limit as the Open SDG code does', () => {
    expect(openSdgScalingCoefficient(100, 100)).toBe(0); // at the limit
    expect(openSdgScalingCoefficient(50, 100)).toBeCloseTo(1 - 0.5 ** 4.44, 12);
    expect(openSdgScalingCoefficient(150, 100)).toBeCloseTo(1 - 0.5 ** 4.44, 12); // (2 × 100 − 150) / 100
    expect(openSdgScalingCoefficient(250, 100)).toBe(1); // ≥ 2 × limit
  });
});

describe('computeProgress — a target already met', () => {
  const goodFair = coopTarget({ value: 60, unit: '%', naturalLimit: 100 });

  it('is ACHIEVED when the latest value meets it, and warns that it was met at baseline', () => {
    const p = run(goodFair, points([2020, 62], [2024, 65]), 2024);
    expect(p.met).toBe(true);
    expect(p.metAtBaseline).toBe(true);
    expect(p.status).toBe('ACHIEVED');
    expect(p.statusBasis).toBe('TARGET_MET');
    expect(codes(p)).toContain('TARGET_MET_AT_BASELINE');
    // 65 / 60 ≈ 1.0833; gap 60 − 65 = −5 (a surplus)
    expect(p.attainment?.fraction).toBeCloseTo(1.08333, 5);
    expect(p.gap).toBe(-5);
    // P = (v_e − 62) / (60 − 62) would divide by a distance pointing the wrong way: not computed
    expect(p.methods.unsd.progressRatio).toBeNull();
    expect(p.methods.unsd.band).toBe('ON_TRACK_OR_TARGET_MET');
    expect(p.methods.openSdg.category).toBe('TARGET_ACHIEVED');
    expect(p.methods.openSdg.score).toBe(5);
    expect(p.methods.escap.status).toBe('ACHIEVED');
    expect(p.methodsAgree).toBe(true);
  });

  it('is STAGNATION_OR_REGRESSION when it was met at baseline and no longer is', () => {
    const p = run(goodFair, points([2020, 62], [2024, 58]), 2024);
    expect(p.met).toBe(false);
    expect(p.status).toBe('STAGNATION_OR_REGRESSION');
    expect(p.statusBasis).toBe('REGRESSED_FROM_MET_BASELINE');
    expect(codes(p)).toEqual(
      expect.arrayContaining(['TARGET_MET_AT_BASELINE', 'MOVING_AWAY_FROM_TARGET']),
    );
  });
});

describe('computeProgress — one data point only', () => {
  it('is INSUFFICIENT_DATA without a baseline, yet still gives the rate required from now', () => {
    const p = run(coopTarget(), points([2024, 820]), 2024);
    expect(p.baselineKind).toBe('EARLIEST_AVAILABLE'); // the only point, 2024
    expect(p.status).toBe('INSUFFICIENT_DATA');
    expect(p.statusBasis).toBe('NO_BASELINE');
    expect(codes(p)).toEqual(
      expect.arrayContaining(['SINGLE_OBSERVATION', 'BASELINE_NOT_IN_PLAN_YEAR']),
    );
    expect(p.cagrActual).toBeNull();
    expect(p.expectedNow).toBeNull();
    expect(p.projectedCagr).toBeNull();
    expect(p.projectedLinear).toBeNull();
    expect(p.methods.unsd.status).toBe('INSUFFICIENT_DATA');
    expect(p.methods.openSdg.category).toBe('NOT_AVAILABLE');
    expect(p.methods.escap.status).toBe('INSUFFICIENT_DATA');
    expect(p.methodsAgree).toBeNull();
    // (1000/820)^(1/6) − 1 ≈ 3.36 %/yr does not need a baseline
    expect(p.cagrRequiredFromNow).toBeCloseTo(0.03363, 5);
    // 820 / 1000
    expect(p.attainment?.fraction).toBeCloseTo(0.82, 12);
  });

  it('works from the baseline stated in the plan', () => {
    const p = run(
      coopTarget({ statedBaseline: { year: 2020, value: 700 } }),
      points([2024, 820]),
      2024,
    );
    expect(p.baselineKind).toBe('STATED');
    expect(p.baseline?.source).toBeNull();
    // same arithmetic as the issue example: P ≈ 1.132
    expect(p.methods.unsd.progressRatio).toBeCloseTo(1.132, 3);
    expect(p.linearTrend?.points).toEqual(points([2020, 700], [2024, 820]));
    expect(p.status).toBe('ON_TRACK');
  });
});

describe('computeProgress — a baseline of zero', () => {
  // Cooperatives applying high technology: 0 (2020) → 6 (2022) → 12 (2024), target "over 100" by 2030.
  const p = run(
    coopTarget({ comparator: 'GT', value: 100 }),
    points([2020, 0], [2022, 6], [2024, 12]),
    2024,
  );

  it('leaves CAGR undefined and projects linearly', () => {
    expect(p.cagrActual).toBeNull();
    expect(p.cagrRequiredFromBaseline).toBeNull();
    expect(p.projectedCagr).toBeNull();
    // (100/12)^(1/6) − 1 ≈ 42.39 %/yr from now
    expect(p.cagrRequiredFromNow).toBeCloseTo(0.42387, 5);
    // points lie on a line of slope 3; 12 + 3 × 6 = 30
    expect(p.linearTrend).toMatchObject({ kind: 'LEAST_SQUARES' });
    expect(p.linearTrend?.slopePerYear).toBeCloseTo(3, 12);
    expect(p.projectedLinear).toBeCloseTo(30, 9);
    expect(p.projectedLinearMeetsTarget).toBe(false);
    // 0 + 100 × 4/10 = 40 expected now; 12 − 40 = −28
    expect(p.expectedNow).toBeCloseTo(40, 12);
    expect(p.aheadOfPath).toBeCloseTo(-28, 12);
    expect(codes(p)).toEqual(expect.arrayContaining(['BASELINE_ZERO', 'UNSD_LINEAR_FALLBACK']));
  });

  it('falls back to the linear projection for UNSD and flags Open SDG’s 0.001 substitution', () => {
    // UNSD: v_e = 30 (linear); P = (30 − 0) / (100 − 0) = 0.30 → fair progress
    expect(p.methods.unsd.projectionBasis).toBe('LINEAR_FALLBACK');
    expect(p.methods.unsd.progressRatio).toBeCloseTo(0.3, 12);
    // Open SDG: base 0 → 0.001; (12/0.001)^(1/4) − 1 ≈ 9.4664; (100/0.001)^(1/10) − 1 ≈ 2.1623; R ≈ 4.378
    expect(p.methods.openSdg.baseValueUsed).toBe(0.001);
    expect(p.methods.openSdg.cagrObserved).toBeCloseTo(9.46635, 5);
    expect(p.methods.openSdg.cagrRequired).toBeCloseTo(2.16228, 5);
    expect(p.methods.openSdg.ratio).toBeCloseTo(4.37795, 5);
    expect(p.methods.openSdg.status).toBe('ON_TRACK'); // misleading, hence the warning
    // ESCAP: (30 − 0) / 100 = 0.30 → accelerate
    expect(p.methods.escap.band).toBe('ACCELERATE');
    expect(p.status).toBe('ACCELERATION_NEEDED');
    expect(p.methodsAgree).toBe(false);
    expect(codes(p)).toEqual(
      expect.arrayContaining(['OPEN_SDG_ZERO_SUBSTITUTED', 'METHODS_DISAGREE']),
    );
  });
});

describe('computeProgress — a tiny base', () => {
  it('reports the exploding CAGR projection beside the linear one and warns', () => {
    // 2 (2020) → 12 (2024), target over 100 by 2030
    const p = run(
      coopTarget({ comparator: 'GT', value: 100 }),
      points([2020, 2], [2024, 12]),
      2024,
    );
    // (12/2)^(1/4) − 1 = 6^0.25 − 1 ≈ 56.5 %/yr
    expect(p.cagrActual).toBeCloseTo(0.56508, 5);
    // 12 × 6^(6/4) ≈ 176.36 (meets) against 12 + 2.5 × 6 = 27 (far from it)
    expect(p.projectedCagr).toBeCloseTo(176.363, 3);
    expect(p.projectedCagrMeetsTarget).toBe(true);
    expect(p.projectedLinear).toBeCloseTo(27, 9);
    expect(p.projectedLinearMeetsTarget).toBe(false);
    // 100 / 2 = 50 ≥ 10
    expect(codes(p)).toContain('CAGR_EXTREME_RATIO');
    // UNSD: (176.363 − 2) / 98 ≈ 1.779 → on track; ESCAP: (27 − 2) / 98 ≈ 0.255 → accelerate
    expect(p.methods.unsd.progressRatio).toBeCloseTo(1.77922, 5);
    expect(p.methods.escap.anticipatedProgress).toBeCloseTo(0.2551, 5);
    expect(p.status).toBe('ON_TRACK');
    expect(p.methodsAgree).toBe(false);
  });
});

describe('computeProgress — APPROX ("khoảng") targets', () => {
  const about1000 = coopTarget({ comparator: 'APPROX' });
  const withLatest = (value: number): Observation[] => [
    { year: 2020, value: 700 },
    { year: 2024, value },
  ];

  it('is met inside the default ±5 % band, bounds included', () => {
    // |960 − 1000| = 40 ≤ 0.05 × 1000 = 50
    const p = run(about1000, withLatest(960), 2024);
    expect(p.target.approxTolerance).toEqual({ relative: 0.05, low: 950, high: 1050 });
    expect(p.met).toBe(true);
    expect(p.status).toBe('ACHIEVED');
    expect(run(about1000, withLatest(950), 2024).met).toBe(true);
  });

  it('is not met outside the band, and the trend decides', () => {
    // |940 − 1000| = 60 > 50
    const p = run(about1000, withLatest(940), 2024);
    expect(p.met).toBe(false);
    // v_e = 700 × (940/700)^2.5 ≈ 1,462.8; P = (1,462.8 − 700) / 300 ≈ 2.54 → on track
    expect(p.methods.unsd.progressRatio).toBeCloseTo(2.54253, 5);
    expect(p.status).toBe('ON_TRACK');
  });

  it('takes an overridden tolerance', () => {
    // ±10 %: 900–1,100, so 940 is met
    expect(run(about1000, withLatest(940), 2024, 0.1).status).toBe('ACHIEVED');
  });

  it('counts an overshoot on the better side as met, with a warning', () => {
    const p = run(about1000, withLatest(1100), 2024);
    expect(p.met).toBe(true);
    expect(codes(p)).toContain('APPROX_OVERSHOOT');
  });

  it('works for a lower-is-better share ("about 5 % weak")', () => {
    const weak = coopTarget({ comparator: 'APPROX', value: 5, unit: '%', higherIsBetter: false });
    const series = (v: number): Observation[] => [
      { year: 2020, value: 12 },
      { year: 2024, value: v },
    ];
    // band 4.75–5.25
    expect(run(weak, series(5.2), 2024).met).toBe(true);
    expect(run(weak, series(6), 2024).met).toBe(false);
    expect(codes(run(weak, series(4), 2024))).toContain('APPROX_OVERSHOOT');
    expect(run(weak, series(6), 2024).target.direction).toBe('DOWN');
  });
});

describe('computeProgress — RANGE targets ("60–70 %")', () => {
  const range = coopTarget({
    comparator: 'RANGE',
    value: 60,
    valueHigh: 70,
    unit: '%',
    naturalLimit: 100,
  });

  it('approaches the lower bound from below', () => {
    const p = run(range, points([2020, 50], [2024, 55]), 2024);
    expect(p.target.direction).toBe('UP');
    expect(p.target.aimValue).toBe(60);
    expect(p.met).toBe(false);
    // gap 60 − 55 = 5; attainment 55 / 60 ≈ 0.9167
    expect(p.gap).toBe(5);
    expect(p.attainment?.fraction).toBeCloseTo(0.91667, 5);
    // UNSD: v_e = 50 × 1.1^2.5 ≈ 63.453; P = (63.453 − 50) / (60 − 50) ≈ 1.345 → on track
    expect(p.methods.unsd.progressRatio).toBeCloseTo(1.34529, 5);
    // line: 1.25 a year, 55 + 7.5 = 62.5, inside 60–70
    expect(p.projectedLinear).toBeCloseTo(62.5, 9);
    expect(p.projectedLinearMeetsTarget).toBe(true);
    // ESCAP: (62.5 − 50) / 10 = 1.25 → gap −0.25 → on track
    expect(p.methods.escap.anticipatedGap).toBeCloseTo(-0.25, 9);
    expect(p.status).toBe('ON_TRACK');
  });

  it('is met inside the range with a gap of 0', () => {
    const p = run(range, points([2020, 50], [2024, 65]), 2024);
    expect(p.met).toBe(true);
    expect(p.gap).toBe(0);
    expect(p.status).toBe('ACHIEVED');
  });

  it('approaches the upper bound from above', () => {
    const p = run(range, points([2020, 80], [2024, 76]), 2024);
    expect(p.target.direction).toBe('DOWN');
    expect(p.target.aimValue).toBe(70);
    // (80 − 76) / (80 − 70) = 0.4 of the required reduction
    expect(p.attainment).toEqual({
      fraction: 0.4,
      percent: 40,
      definition: 'SHARE_OF_REQUIRED_REDUCTION',
      bound: 'EXACT',
    });
    expect(p.progressShare).toBeCloseTo(0.4, 12);
  });

  it('is NOT_APPLICABLE without an upper bound', () => {
    const p = run(coopTarget({ comparator: 'RANGE', value: 1 }), points([2024, 1.5]), 2024);
    expect(p.status).toBe('NOT_APPLICABLE');
    expect(p.statusBasis).toBe('INVALID_TARGET');
    expect(codes(p)).toContain('INVALID_TARGET');
  });
});

describe('computeProgress — a lower-is-better target: inactive cooperatives → 0 by 2023', () => {
  const dissolveAll = coopTarget({
    comparator: 'LTE',
    value: 0,
    targetYear: 2023,
    higherIsBetter: false,
  });
  const series: Observation[] = points([2020, 40], [2021, 30], [2022, 25]);
  const p = run(dissolveAll, series, 2022);

  it('measures attainment as the share of the required reduction', () => {
    expect(p.target.direction).toBe('DOWN');
    // (40 − 25) / (40 − 0) = 0.375
    expect(p.attainment).toEqual({
      fraction: 0.375,
      percent: 37.5,
      definition: 'SHARE_OF_REQUIRED_REDUCTION',
      bound: 'EXACT',
    });
    // 0 − 25 = −25: 25 still to dissolve
    expect(p.gap).toBe(-25);
    // path 40 → 0 over 3 years: 40 − 40 × 2/3 ≈ 13.333 in 2022; ahead = −(25 − 13.333) ≈ −11.667 (behind)
    expect(p.expectedNow).toBeCloseTo(13.3333, 4);
    expect(p.aheadOfPath).toBeCloseTo(-11.6667, 4);
  });

  it('shows why CAGR misleads for a target of zero', () => {
    // (25/40)^(1/2) − 1 ≈ −20.94 %/yr; reaching 0 needs (0/40)^(1/3) − 1 = −100 %/yr
    expect(p.cagrActual).toBeCloseTo(-0.20943, 5);
    expect(p.cagrRequiredFromBaseline).toBe(-1);
    expect(p.cagrRequiredFromNow).toBe(-1);
    expect(codes(p)).toEqual(expect.arrayContaining(['TARGET_ZERO', 'OPEN_SDG_ZERO_SUBSTITUTED']));
    // CAGR path never reaches 0: 25 × 0.790569 ≈ 19.764 in 2023
    expect(p.projectedCagr).toBeCloseTo(19.7642, 4);
    expect(p.projectedCagrMeetsTarget).toBe(false);
    // least squares: mean (2021, 31.667), slope −15 / 2 = −7.5; 2023: 31.667 − 15 = 16.667
    expect(p.projectedLinear).toBeCloseTo(16.6667, 4);
  });

  it('needs acceleration by all three methods', () => {
    // UNSD: P = (19.764 − 40) / (0 − 40) ≈ 0.5059
    expect(p.methods.unsd.progressRatio).toBeCloseTo(0.50589, 5);
    // Open SDG: target 0 → 0.001; CAGR_r = (0.001/40)^(1/3) − 1 ≈ −0.97076;
    // R = d × CAGR_o / |CAGR_r| = (−1)(−0.20943) / 0.97076 ≈ 0.2157 → limited progress
    expect(p.methods.openSdg.targetValueUsed).toBe(0.001);
    expect(p.methods.openSdg.cagrRequired).toBeCloseTo(-0.97076, 5);
    expect(p.methods.openSdg.ratio).toBeCloseTo(0.21574, 5);
    expect(p.methods.openSdg.category).toBe('LIMITED_PROGRESS');
    // score max(4.1667 × 0.21574 − 2.5, −5) ≈ −1.6011
    expect(p.methods.openSdg.score).toBeCloseTo(-1.6011, 4);
    // ESCAP: (16.667 − 40) / (0 − 40) ≈ 0.5833 → accelerate
    expect(p.methods.escap.anticipatedProgress).toBeCloseTo(0.58333, 5);
    expect(p.status).toBe('ACCELERATION_NEEDED');
    // Open SDG keeps its own category: limited progress is not "acceleration needed".
    expect(p.methods.openSdg.status).toBe('LIMITED_PROGRESS');
    expect(p.methods.unsd.status).toBe('ACCELERATION_NEEDED');
    expect(p.methods.escap.status).toBe('ACCELERATION_NEEDED');
    expect(p.methodsAgree).toBe(false);
    expect([p.statusMethod, p.statusCategory]).toEqual([
      'UNSD',
      'FAIR_PROGRESS_ACCELERATION_NEEDED',
    ]);
  });

  it('is ACHIEVED when the count reaches 0 by the target year', () => {
    const q = run(dissolveAll, [...series, { year: 2023, value: 0 }], 2023);
    expect(q.met).toBe(true);
    expect(q.metAtTargetYear).toBe(true);
    expect(q.status).toBe('ACHIEVED');
    expect(codes(q)).toContain('DEADLINE_PASSED');
  });

  it('is NOT_ACHIEVED once the target year is observed above 0', () => {
    const q = run(
      dissolveAll,
      [...series, { year: 2023, value: 5 }, { year: 2024, value: 3 }],
      2024,
    );
    expect(q.met).toBe(false);
    expect(q.metAtTargetYear).toBe(false);
    expect(q.atTargetYear?.value).toBe(5);
    expect(q.status).toBe('NOT_ACHIEVED');
    // As of 2024 the 2023 deadline is over: judged on the 2023 value, never on the later 3.
    expect(q.statusBasis).toBe('FINAL_AT_DEADLINE');
    expect(q.isFinal).toBe(true);
    expect(q.latest?.year).toBe(2023);
    expect(codes(q)).toContain('OBSERVATIONS_AFTER_DEADLINE_IGNORED');
    expect(q.projectedLinear).toBeNull();
  });
});

describe('computeProgress — comparator semantics', () => {
  const at1000: Observation[] = points([2020, 700], [2024, 1000]);

  it('GT is strict, GTE is not', () => {
    expect(run(coopTarget({ comparator: 'GT' }), at1000, 2024).met).toBe(false);
    expect(run(coopTarget({ comparator: 'GTE' }), at1000, 2024).met).toBe(true);
  });

  it('reads EQ as "at least" for a count, and says so', () => {
    const p = run(coopTarget({ comparator: 'EQ', value: 15000 }), points([2024, 15200]), 2024);
    expect(p.met).toBe(true);
    expect(codes(p)).toContain('EQ_READ_AS_AT_LEAST');
  });

  it('lets the comparator win over a conflicting higherIsBetter', () => {
    const p = run(coopTarget({ higherIsBetter: false }), at1000, 2024);
    expect(p.target.direction).toBe('UP');
    expect(codes(p)).toContain('COMPARATOR_DIRECTION_CONFLICT');
  });

  it('LT is strict, LTE is not', () => {
    const lowShare = coopTarget({ comparator: 'LT', value: 5, unit: '%', higherIsBetter: false });
    expect(run(lowShare, points([2024, 5]), 2024).met).toBe(false);
    expect(run({ ...lowShare, comparator: 'LTE' }, points([2024, 5]), 2024).met).toBe(true);
  });
});

describe('computeProgress — the as-of year and the baseline rules', () => {
  it('is INSUFFICIENT_DATA when asOf is before any data', () => {
    const p = run(coopTarget(), points([2021, 710], [2024, 820]), 2020);
    expect(p.latest).toBeNull();
    expect(p.baseline).toBeNull();
    expect(p.attainment).toBeNull();
    expect(p.gap).toBeNull();
    expect(p.status).toBe('INSUFFICIENT_DATA');
    expect(p.statusBasis).toBe('NO_DATA');
    expect(codes(p)).toEqual(['OBSERVATIONS_AFTER_AS_OF_IGNORED', 'NO_DATA_AS_OF']);
    expect(p.warnings[1].message).toContain('the first value is for 2021');
  });

  it('ignores data after the as-of year and says which years', () => {
    // 2025 would meet the target, but as of 2024 it does not exist
    const p = run(coopTarget(), points([2020, 700], [2024, 820], [2025, 1200]), 2024);
    expect(p.latest?.year).toBe(2024);
    expect(p.status).toBe('ON_TRACK');
    expect(p.warnings).toEqual([
      {
        code: 'OBSERVATIONS_AFTER_AS_OF_IGNORED',
        message:
          'observations after the as-of year 2024 are not used, but the series has values for 2025',
      },
    ]);
  });

  it('uses the nearest earlier year when the plan year has no value', () => {
    const p = run(coopTarget(), points([2019, 690], [2024, 820]), 2024);
    expect(p.baseline).toMatchObject({ year: 2019, value: 690, kind: 'NEAREST_EARLIER' });
    expect(codes(p)).toContain('BASELINE_NOT_IN_PLAN_YEAR');
  });

  it('treats a null value as missing, never as zero', () => {
    const p = run(
      coopTarget(),
      [
        { year: 2020, value: null },
        { year: 2021, value: 710 },
        { year: 2024, value: 820 },
      ],
      2024,
    );
    expect(p.baseline).toMatchObject({ year: 2021, value: 710, kind: 'EARLIEST_AVAILABLE' });
    expect(codes(p)).not.toContain('BASELINE_ZERO');
  });

  it('prefers the stated baseline and warns when the series disagrees', () => {
    const p = run(
      coopTarget({ statedBaseline: { year: 2020, value: 700 } }),
      points([2020, 705], [2024, 820]),
      2024,
    );
    expect(p.baseline?.value).toBe(700);
    expect(codes(p)).toContain('STATED_BASELINE_DIFFERS');
    // the fit uses the series' own point for 2020, not the stated one
    expect(p.linearTrend?.points[0]).toEqual({ year: 2020, value: 705 });
  });

  it('carries numerator, denominator, source and status of the latest observation', () => {
    const latest = {
      year: 2024,
      value: 55,
      numerator: 66,
      denominator: 120,
      source: 'Liên minh HTX',
      status: 'PRELIMINARY',
    } as const;
    const p = run(
      coopTarget({ value: 60, unit: '%' }),
      [{ year: 2020, value: 50, numerator: 50, denominator: 100 }, latest],
      2024,
    );
    expect(p.latest).toEqual({ ...latest, qualifier: 'EXACT' });
  });

  it('rejects caller mistakes with a RangeError', () => {
    expect(() => run(coopTarget(), [], 2024.5)).toThrow(RangeError);
    expect(() => run(coopTarget(), [], 2024, -0.1)).toThrow(
      'approxTolerance must be a finite number ≥ 0, but got -0.1',
    );
  });
});

describe('computeProgress — baseline in the same year as the latest value', () => {
  it('is INSUFFICIENT_DATA and says the baseline is the latest year, not that data is single', () => {
    // plan 2020, as of 2020: the plan-year value is both baseline and latest; 2018 precedes the plan
    const p = run(coopTarget(), points([2018, 650], [2020, 700]), 2020);
    expect(p.baselineKind).toBe('PLAN_YEAR');
    expect(p.status).toBe('INSUFFICIENT_DATA');
    expect(codes(p)).toEqual(['BASELINE_IS_LATEST']);
  });
});

describe('computeProgress — a per-year target: ">= 20 new cooperatives each year 2021–2025"', () => {
  const perYear = coopTarget({ value: 20, planYear: 2021, fromYear: 2021, targetYear: 2025 });
  const basis = (p: Progress) => [p.status, p.statusBasis];
  const warning = (p: Progress, code: string) => p.warnings.find((w) => w.code === code)?.message;

  it('is ACHIEVED after the deadline only when every year of the range is observed and met', () => {
    const p = run(
      perYear,
      points([2021, 22], [2022, 25], [2023, 20], [2024, 31], [2025, 30]),
      2026,
    );
    expect(basis(p)).toEqual(['ACHIEVED', 'EVERY_YEAR_IN_RANGE']);
    expect(p.isFinal).toBe(true);
    expect(codes(p)).not.toContain('YEARS_MISSING_IN_RANGE');
  });

  it('is not ACHIEVED on the last year alone: INSUFFICIENT_DATA naming the missing years', () => {
    // The catalog case: 30 in 2025 and nothing for 2021–2024.
    for (const asOf of [2025, 2026]) {
      const p = run(perYear, points([2025, 30]), asOf);
      expect(basis(p)).toEqual(['INSUFFICIENT_DATA', 'EVERY_YEAR_IN_RANGE']);
      expect(warning(p, 'YEARS_MISSING_IN_RANGE')).toMatch(/no value for 2021, 2022, 2023, 2024;/);
    }
  });

  it('is INSUFFICIENT_DATA after the deadline when one year is missing and the others meet', () => {
    const p = run(perYear, points([2021, 22], [2022, 25], [2024, 31], [2025, 30]), 2026);
    expect(basis(p)).toEqual(['INSUFFICIENT_DATA', 'EVERY_YEAR_IN_RANGE']);
    expect(warning(p, 'YEARS_MISSING_IN_RANGE')).toMatch(/no value for 2023; no final verdict/);
    // The verdict is on the range, not on the nearest earlier year's value.
    expect(codes(p)).not.toContain('FINAL_ON_EARLIER_YEAR');
  });

  it('is NOT_ACHIEVED as soon as one observed year misses, before and after the deadline', () => {
    const series = points([2021, 22], [2022, 19], [2023, 40]);
    for (const asOf of [2022, 2023, 2026]) {
      const p = run(perYear, series, asOf);
      expect(basis(p)).toEqual(['NOT_ACHIEVED', 'EVERY_YEAR_IN_RANGE']);
      expect(warning(p, 'YEARS_NOT_MET_IN_RANGE')).toMatch(/but 2022 \(19\) did not meet it/);
    }
    // A miss decides even when other years are missing.
    expect(basis(run(perYear, points([2023, 12], [2025, 30]), 2026))).toEqual([
      'NOT_ACHIEVED',
      'EVERY_YEAR_IN_RANGE',
    ]);
  });

  it('is ON_TRACK before the deadline when every year so far is observed and met, never ACHIEVED', () => {
    const p = run(perYear, points([2021, 22], [2022, 25], [2023, 20]), 2023);
    expect(basis(p)).toEqual(['ON_TRACK', 'EVERY_YEAR_IN_RANGE']);
    expect(p.met).toBe(true);
    const atDeadline = run(
      perYear,
      points([2021, 22], [2022, 25], [2023, 20], [2024, 31], [2025, 30]),
      2025,
    );
    expect(basis(atDeadline)).toEqual(['ON_TRACK', 'EVERY_YEAR_IN_RANGE']);
  });

  it('is INSUFFICIENT_DATA before the deadline when a year so far is missing', () => {
    const p = run(perYear, points([2021, 22], [2023, 20]), 2023);
    expect(basis(p)).toEqual(['INSUFFICIENT_DATA', 'EVERY_YEAR_IN_RANGE']);
    expect(warning(p, 'YEARS_MISSING_IN_RANGE')).toMatch(/no value for 2022; no verdict/);
  });

  it('gives no verdict before the range begins', () => {
    const p = run(perYear, points([2019, 25], [2020, 30]), 2020);
    expect(basis(p)).toEqual(['INSUFFICIENT_DATA', 'EVERY_YEAR_IN_RANGE']);
    expect(warning(p, 'YEARS_MISSING_IN_RANGE')).toMatch(/as of 2020 none of them is over/);
  });

  it('counts an earlier year given only as a bound as not known unless the bound decides it', () => {
    const series = (qualifier: Observation['qualifier'], value: number): Observation[] => [
      { year: 2021, value: 22 },
      { year: 2022, value, qualifier },
      { year: 2023, value: 25 },
    ];
    // "more than 18" may be 19 or 30: the year is not known.
    const open = run(perYear, series('MORE_THAN', 18), 2023);
    expect(basis(open)).toEqual(['INSUFFICIENT_DATA', 'EVERY_YEAR_IN_RANGE']);
    expect(warning(open, 'YEARS_MISSING_IN_RANGE')).toMatch(
      /only a bound for 2022 \(MORE_THAN 18\)/,
    );
    // "more than 20" meets ≥ 20 whatever it is; "nearly 15" misses it whatever it is.
    expect(run(perYear, series('MORE_THAN', 20), 2023).status).toBe('ON_TRACK');
    expect(run(perYear, series('NEARLY', 15), 2023).status).toBe('NOT_ACHIEVED');
  });

  it('leaves a target without fromYear judged as a level to reach', () => {
    const level = coopTarget({ value: 20, planYear: 2021, targetYear: 2025 });
    expect(basis(run(level, points([2025, 30]), 2026))).toEqual(['ACHIEVED', 'FINAL_AT_DEADLINE']);
  });
});
