import { describe, expect, it } from 'vitest';
import { GOALS, judge, targetOf, verdictCell } from '../../../bench/lib/goals.ts';

describe('the goals table', () => {
  it('judges a figure on the rule’s side of its limit, the limit included', () => {
    expect(judge(GOALS.c8Rps, 270).met).toBe(true);
    expect(judge(GOALS.c8Rps, 269.9).met).toBe(false);
    expect(judge(GOALS.serverRss, 300).met).toBe(true);
    expect(judge(GOALS.serverRss, 301).met).toBe(false);
    expect(judge(GOALS.statementGrowth, 0).met).toBe(true);
    expect(judge(GOALS.statementGrowth, 1).met).toBe(false);
  });

  it('never meets a goal with no figure or with its other condition false', () => {
    expect(judge(GOALS.c32P99, Number.NaN).met).toBe(false);
    expect(judge(GOALS.c1P50, 2, { also: false }).met).toBe(false);
  });

  it('prints the same target in the summary and in the table', () => {
    const verdict = judge(GOALS.loadFloorRatio, 9.57, {
      subject: 'register',
      detail: 'floor 564 ms',
    });
    expect(verdict).toEqual({
      goal: 'register: full ETL of one register year over the read_csv floor (floor 564 ms)',
      target: '≤ 2×',
      actual: '9.57×',
      met: false,
    });
    expect(verdictCell(verdict)).toBe('≤ 2× ✗ missed');
    expect(verdictCell(judge(GOALS.c8Rps, 332.9))).toBe('≥ 270 req/s ✓');
    expect(targetOf(GOALS.c1P50)).toBe('≤ 10.0 ms');
    expect(targetOf(GOALS.cliHelp)).toBe('≤ 1.00 s');
    expect(targetOf(GOALS.statementGrowth)).toBe('≤ 0 more statements');
    expect(judge(GOALS.c8Rps, 300, { condition: '0 errors' }).target).toBe('≥ 270 req/s, 0 errors');
  });
});
