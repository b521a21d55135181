import { describe, expect, it } from 'vitest';
import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../../warehouse/domain/years.ts';

describe('the years coopstat speaks of', () => {
  it('are the whole years from 1990 to 2100, ends included', () => {
    expect([FIRST_YEAR, LAST_YEAR]).toEqual([1990, 2100]);
    expect([1990, 2025, 2100].map(isYearInRange)).toEqual([true, true, true]);
    expect([1989, 2101, 25, 2205, 2025.5, Number.NaN].map(isYearInRange)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
