/**
 * Small numeric helpers of the progress engine. Pure functions: they return `null` rather than
 * `NaN` or `Infinity`, so that no undefined number can leak into a verdict.
 */

/**
 * Compound annual growth rate from `from` to `to` over `years`: (to ÷ from)^(1/years) − 1.
 *
 * Defined only for `from > 0`, `to ≥ 0` and `years > 0`; otherwise `null` (a zero or negative base
 * has no growth rate, and the caller must fall back to a linear measure and say so).
 */
export function compoundAnnualGrowthRate(from: number, to: number, years: number): number | null {
  if (!(years > 0) || !(from > 0) || !(to >= 0)) return null;
  return finiteOrNull((to / from) ** (1 / years) - 1);
}

/**
 * Value reached after `years` years of growing at `rate` from `start`: start × (1 + rate)^years.
 * `null` when any input is `null` or the result is not finite.
 */
export function compound(start: number, rate: number | null, years: number): number | null {
  if (rate === null) return null;
  return finiteOrNull(start * (1 + rate) ** years);
}

/** A straight line `value = meanValue + slopePerYear × (year − meanYear)`, anchored at the mean. */
export interface FittedLine {
  readonly slopePerYear: number;
  readonly meanYear: number;
  readonly meanValue: number;
}

/**
 * Ordinary least-squares line through the points (with two points, the line through both).
 *
 * Anchored at the mean year rather than at year 0, so that predictions for years around 2030 do
 * not lose precision to a huge intercept. `null` with fewer than two distinct years.
 */
export function fitLeastSquares(
  points: readonly { readonly year: number; readonly value: number }[],
): FittedLine | null {
  if (points.length < 2) return null;
  const meanYear = points.reduce((sum, p) => sum + p.year, 0) / points.length;
  const meanValue = points.reduce((sum, p) => sum + p.value, 0) / points.length;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.year - meanYear) ** 2;
    sxy += (p.year - meanYear) * (p.value - meanValue);
  }
  if (sxx === 0) return null;
  return { slopePerYear: sxy / sxx, meanYear, meanValue };
}

/** The fitted line's value at `year`. */
export function predictLine(line: FittedLine, year: number): number {
  return line.meanValue + line.slopePerYear * (year - line.meanYear);
}

/**
 * `numerator ÷ denominator`, or `null` when the denominator is 0 or the result is not finite.
 * Ratios of distances are only meaningful when the reference distance is not zero.
 */
export function safeDivide(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return finiteOrNull(numerator / denominator);
}

/** `value` when it is a finite number, else `null`. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * Relative epsilon used when comparing a computed value with a target, so that 700 + 30 × 10
 * computed in floating point still "reaches" 1,000. One part in a billion of the larger magnitude.
 */
export function epsilonFor(...values: readonly number[]): number {
  return 1e-9 * Math.max(1, ...values.map((v) => Math.abs(v)));
}
