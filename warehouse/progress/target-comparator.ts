/**
 * Comparator semantics of plan targets: when a value "meets" a target, which way the series must
 * move, and which single number the ratio methods aim at. Kept apart from the engine so that the
 * API can reuse the same "met" rule for a single value.
 */

import { epsilonFor } from './progress-math.ts';
import type { Direction, TargetSpec } from './progress-types.ts';

/**
 * Defaults of the engine, with the reason for each.
 *
 * - `approxTolerance` 0.05: "khoảng 1,000" is met within ±5 % of 1,000 (950–1,050) unless the
 *   caller overrides it; no legal text fixes this band, so it is a documented convention.
 * - `extremeRatio` 10: when the latest or target value is ≥ 10 × (or ≤ 1/10 of) the baseline, a
 *   compound rate is dominated by the small base and the engine warns.
 * - `nearLimitShare` 0.05: a value within 5 % of the natural limit (≥ 95 when the limit is 100)
 *   is "near the limit", where growth rates shrink by construction.
 */
export const PROGRESS_DEFAULTS = {
  approxTolerance: 0.05,
  extremeRatio: 10,
  nearLimitShare: 0.05,
} as const;

/**
 * Whether `value` meets the target.
 *
 * - `GT` strictly above, `GTE` at or above, `LT` strictly below, `LTE` at or below.
 * - `EQ` ("15,000 effective cooperatives") is read as "at least" when higher is better and "at
 *   most" when lower is better: a plan count is a level to reach, not a value to hit exactly.
 * - `APPROX` ("khoảng") is met within ±`tolerance` × |value| of the value, and also beyond it on
 *   the better side (1,100 against "about 1,000" with higher-is-better counts as met; the engine
 *   flags it as an overshoot). It is therefore "at least value × (1 − tolerance)" for higher-is-better.
 * - `RANGE` is met inside [value, valueHigh], bounds included, on either side strictly two-sided.
 *
 * Comparisons allow a one-in-a-billion relative epsilon so that computed projections that land on
 * the target in exact arithmetic are not rejected by floating point.
 */
export function meetsTarget(value: number, target: TargetSpec, tolerance: number): boolean {
  const v = target.value;
  const eps = epsilonFor(value, v);
  switch (target.comparator) {
    case 'GT':
      return value > v + eps;
    case 'GTE':
      return value >= v - eps;
    case 'LT':
      return value < v - eps;
    case 'LTE':
      return value <= v + eps;
    case 'EQ':
      return target.higherIsBetter ? value >= v - eps : value <= v + eps;
    case 'APPROX': {
      const band = tolerance * Math.abs(v);
      if (Math.abs(value - v) <= band + eps) return true;
      return target.higherIsBetter ? value > v : value < v;
    }
    case 'RANGE': {
      const high = target.valueHigh ?? v;
      return value >= v - eps && value <= high + epsilonFor(value, high);
    }
  }
}

/**
 * True when an APPROX target is met only because the value lies beyond the tolerance band on the
 * better side — worth a warning, since "about" may have meant a ceiling as well.
 */
export function isApproxOvershoot(value: number, target: TargetSpec, tolerance: number): boolean {
  if (target.comparator !== 'APPROX') return false;
  const band = tolerance * Math.abs(target.value);
  const eps = epsilonFor(value, target.value);
  return Math.abs(value - target.value) > band + eps && meetsTarget(value, target, tolerance);
}

/**
 * The direction in which the series must move to approach the target.
 *
 * Directional comparators decide by themselves (`GT`/`GTE` up, `LT`/`LTE` down); `EQ` and `APPROX`
 * follow `higherIsBetter`; `RANGE` moves toward the band from `reference` (the baseline, else the
 * latest value), and follows `higherIsBetter` when the reference is already inside.
 */
export function directionOf(target: TargetSpec, reference: number | null): Direction {
  switch (target.comparator) {
    case 'GT':
    case 'GTE':
      return 'UP';
    case 'LT':
    case 'LTE':
      return 'DOWN';
    case 'EQ':
    case 'APPROX':
      return target.higherIsBetter ? 'UP' : 'DOWN';
    case 'RANGE': {
      const high = target.valueHigh ?? target.value;
      if (reference !== null && reference < target.value) return 'UP';
      if (reference !== null && reference > high) return 'DOWN';
      return target.higherIsBetter ? 'UP' : 'DOWN';
    }
  }
}

/**
 * True when a directional comparator contradicts `higherIsBetter` (e.g. `GTE` with
 * `higherIsBetter: false`); the comparator is the plan's own wording, so it wins.
 */
export function comparatorConflictsWithDirection(target: TargetSpec): boolean {
  switch (target.comparator) {
    case 'GT':
    case 'GTE':
      return !target.higherIsBetter;
    case 'LT':
    case 'LTE':
      return target.higherIsBetter;
    default:
      return false;
  }
}

/**
 * The single number the ratio methods aim at: the target value, or for a `RANGE` the bound nearer
 * to where the series comes from (lower bound when moving up, upper bound when moving down).
 */
export function aimValueOf(target: TargetSpec, direction: Direction): number {
  if (target.comparator === 'RANGE' && direction === 'DOWN')
    return target.valueHigh ?? target.value;
  return target.value;
}

/**
 * Why a target cannot be assessed at all, or `null` when it can: a non-finite value or year, a
 * RANGE without an upper bound or with bounds reversed, a target year before the plan year.
 */
export function invalidTargetReason(target: TargetSpec): string | null {
  if (!Number.isFinite(target.value))
    return `target value must be a finite number, but got ${target.value}`;
  if (!Number.isInteger(target.targetYear) || !Number.isInteger(target.planYear)) {
    return `target and plan years must be whole years, but got ${target.targetYear} and ${target.planYear}`;
  }
  if (target.targetYear < target.planYear) {
    return `target year must not precede the plan year, but got ${target.targetYear} < ${target.planYear}`;
  }
  if (target.comparator === 'RANGE') {
    const high = target.valueHigh;
    if (high === null || high === undefined || !Number.isFinite(high)) {
      return 'a RANGE target needs a finite upper bound (valueHigh), but got none';
    }
    if (high < target.value)
      return `a RANGE target needs valueHigh ≥ value, but got ${target.value}–${high}`;
  }
  if (
    target.naturalLimit !== null &&
    target.naturalLimit !== undefined &&
    !Number.isFinite(target.naturalLimit)
  ) {
    return `natural limit must be a finite number, but got ${target.naturalLimit}`;
  }
  return null;
}
