import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { computeProgress, type Observation } from '../../warehouse/progress/progress-engine.ts';
import {
  computeTargetProgress,
  findTargets,
  type TargetProgress,
} from '../../warehouse/queries/progress.queries.ts';
import { buildCoopstatSchema } from '../../schema/index.ts';
import { startCoopstatServer } from '../../server/coopstat-server.ts';
import { execute, operation } from '../helpers/api.ts';
import { coopTarget } from '../helpers/progress.ts';
import { createTestWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import type * as Ops from '../operations/generated.ts';
import { testConfig } from '../helpers/server.ts';

// Bounds, deadlines and method categories: first on the engine alone (hand-worked series), then
// on the default warehouse built by the real `init` from the reference files and the catalog.

const target = coopTarget;
const codes = (p: { warnings: readonly { code: string }[] }) => p.warnings.map((w) => w.code);

describe('a bounded latest value limits what progress says', () => {
  const series = (qualifier: Observation['qualifier'], latest = 800): Observation[] => [
    { year: 2020, value: 700 },
    { year: 2024, value: latest, qualifier },
  ];

  it('gives attainment as "at least" from a lower bound and "at most" from an upper bound', () => {
    const more = computeProgress({ target: target(), series: series('MORE_THAN'), asOfYear: 2024 });
    expect([more.attainment?.percent, more.attainment?.bound]).toEqual([80, 'AT_LEAST']);
    const nearly = computeProgress({ target: target(), series: series('NEARLY'), asOfYear: 2024 });
    expect([nearly.attainment?.percent, nearly.attainment?.bound]).toEqual([80, 'AT_MOST']);
    const about = computeProgress({ target: target(), series: series('ABOUT'), asOfYear: 2024 });
    expect(about.attainment?.bound).toBe('ABOUT');
    // On a target to lower (share of the required reduction), the sides swap.
    const down = computeProgress({
      target: target({ comparator: 'EQ', value: 0, higherIsBetter: false }),
      series: [
        { year: 2020, value: 40 },
        { year: 2022, value: 20, qualifier: 'MORE_THAN' },
      ],
      asOfYear: 2022,
    });
    expect([down.attainment?.percent, down.attainment?.bound]).toEqual([50, 'AT_MOST']);
  });

  it('keeps a status every value inside the bound agrees on', () => {
    // "gần 800" against ≥ 1,000 by 2024: any value up to 800 misses the target at its deadline.
    const p = computeProgress({
      target: target({ targetYear: 2024 }),
      series: series('NEARLY'),
      asOfYear: 2025,
    });
    expect(p.status).toBe('NOT_ACHIEVED');
    expect(p.possibleStatuses).toEqual(['NOT_ACHIEVED']);
    expect(codes(p)).not.toContain('BOUND_DECIDES_STATUS');
  });

  it('says the bound decides when values inside it lead to different statuses', () => {
    // "trên 800" against ≥ 1,000: 800 is not met, 1,000 and above would be.
    const p = computeProgress({ target: target(), series: series('MORE_THAN'), asOfYear: 2024 });
    expect(p.status).toBe('UNDETERMINED_BY_BOUND');
    expect(p.statusBasis).toBe('BOUND_OF_LATEST_VALUE');
    expect(p.possibleStatuses).toContain('ACHIEVED');
    expect(p.possibleStatuses.length).toBeGreaterThan(1);
    expect(p.warnings.find((w) => w.code === 'BOUND_DECIDES_STATUS')?.message).toMatch(
      /latest value is at least 800 \(MORE_THAN, 2024\)/,
    );
    // The same figure, exact, has one status.
    const exact = computeProgress({ target: target(), series: series('EXACT'), asOfYear: 2024 });
    expect(exact.status).not.toBe('UNDETERMINED_BY_BOUND');
  });
});

describe('deadlines as the plans mean them', () => {
  const rising: Observation[] = [
    { year: 2020, value: 700 },
    { year: 2022, value: 800 },
    { year: 2024, value: 990 },
  ];

  it('after the target year, judges the target year value and never a later one', () => {
    const p = computeProgress({
      target: target({ targetYear: 2022 }),
      series: rising,
      asOfYear: 2025,
    });
    expect(p.isFinal).toBe(true);
    expect(p.latest?.year).toBe(2022);
    expect(p.status).toBe('NOT_ACHIEVED');
    expect(p.statusBasis).toBe('FINAL_AT_DEADLINE');
    expect(codes(p)).toContain('OBSERVATIONS_AFTER_DEADLINE_IGNORED');
  });

  it('falls back to the nearest earlier year with a warning naming it, never a projection', () => {
    // On track by 2030 on the trend, but as of 2040 the last value before 2030 is 2024's.
    const p = computeProgress({ target: target(), series: rising, asOfYear: 2040 });
    expect(p.status).toBe('NOT_ACHIEVED');
    expect(p.projectedLinear).toBeNull();
    expect(p.warnings.find((w) => w.code === 'FINAL_ON_EARLIER_YEAR')?.message).toMatch(
      /target year 2030.*nearest earlier year 2024 \(990\)/,
    );
    const asOf2024 = computeProgress({ target: target(), series: rising, asOfYear: 2024 });
    expect(asOf2024.status).toBe('ON_TRACK');
    expect(asOf2024.isFinal).toBe(false);
  });
});

let wh: TestWarehouse;
let db: DuckDbHandle;
const progressOf = async (planId: string, asOfYear: number) => {
  const targets = await findTargets(db, { planIds: [planId] });
  const results = await computeTargetProgress(db, targets, { asOfYear });
  return new Map(results.map((r) => [r.target.target_id, r]));
};
const verdict = (r: TargetProgress | undefined) => [r?.progress.status, r?.progress.isFinal];

describe('progress on the default warehouse', () => {
  beforeAll(async () => {
    wh = await createTestWarehouse();
    db = await DuckDbHandle.open(wh.db, { readOnly: true });
  });
  afterAll(async () => {
    db.close();
    await wh.cleanup();
  });

  it('judges vca-target-2018/htx-count-2020 on 2020, not on the 2025 figure', async () => {
    const r = (await progressOf('vca-target-2018', 2025)).get('htx-count-2020')!;
    expect(r.progress.isFinal).toBe(true);
    // The alliance's own 2020 count, the value of the target year (the ministry has none for 2020).
    expect([r.source, r.progress.latest?.year, r.progress.latest?.value]).toEqual([
      'VCA',
      2020,
      26040,
    ]);
    expect(r.progress.status).toBe('NOT_ACHIEVED'); // 26,040 against 38,000–45,000
    expect(codes(r.progress)).toContain('OBSERVATIONS_AFTER_DEADLINE_IGNORED');
  });

  it('gives no 2030 target a projection status as of 2040', async () => {
    const all = await progressOf('nq-20-nq-tw-2022', 2040);
    const of2030 = [...all.values()].filter((r) => r.target.target_year === 2030);
    expect(of2030.length).toBeGreaterThan(0);
    for (const r of of2030) {
      expect(['ACHIEVED', 'NOT_ACHIEVED', 'INSUFFICIENT_DATA', 'UNDETERMINED_BY_BOUND']).toContain(
        r.progress.status,
      );
      expect(r.progress.isFinal).toBe(true);
    }
    const htx = all.get('htx-count-2030')!;
    expect(htx.progress.status).toBe('NOT_ACHIEVED');
    expect(htx.progress.warnings.find((w) => w.code === 'FINAL_ON_EARLIER_YEAR')?.message).toMatch(
      /nearest earlier year 2025/,
    );
  });

  it('judges targets that fell due before the 2025 merger on their own unit, not BOUNDARY_CHANGED', async () => {
    const kienGiang = await progressOf('kien-giang-1558-ct-ubnd-2018', 2025);
    expect([...kienGiang.values()].map((r) => r.progress.status)).not.toContain('BOUNDARY_CHANGED');
    for (const r of kienGiang.values()) expect(r.progress.isFinal).toBe(true);
    const thaiNguyen = await progressOf('thai-nguyen-03-kh-ubnd-2023', 2025);
    expect(verdict(thaiNguyen.get('dissolve-inactive-2023'))).toEqual(['INSUFFICIENT_DATA', true]);
    // Still running across the merger: the 2030 targets of the old unit lose their verdict.
    expect(thaiNguyen.get('htx-count-2030')!.progress.status).toBe('BOUNDARY_CHANGED');
    expect(thaiNguyen.get('htx-count-2030')!.boundary.successorUnitIds).toEqual(['19:2025-07-01']);
  });

  it('shows "nearly 6 million" members as at most 75.0% of the 8 million target', async () => {
    const r = (await progressOf('nq-20-nq-tw-2022', 2025)).get('htx-members-2030')!;
    expect(r.progress.latest).toMatchObject({ year: 2025, value: 6_000_000, qualifier: 'NEARLY' });
    expect(r.progress.attainment).toMatchObject({ percent: 75, bound: 'AT_MOST' });
    // Every value up to 6 million stagnates against the 2022 baseline: the status stands.
    expect(r.progress.possibleStatuses).toEqual([r.progress.status]);
  });

  it('shows the Thái Nguyên plan progress from the real provincial figures, with their bounds', async () => {
    const all = await progressOf('thai-nguyen-03-kh-ubnd-2023', 2024);
    const tht = all.get('tht-count-2030')!;
    expect(tht.source).toBe('PROVINCIAL');
    expect(tht.progress.latest).toMatchObject({ year: 2021, value: 4500, qualifier: 'NEARLY' });
    expect(tht.progress.attainment).toMatchObject({ percent: 90, bound: 'AT_MOST' });
    const members = all.get('tht-members-2030')!;
    // "hơn 73.000" against "khoảng 77.000": at 73,150 and above the target is met.
    expect(members.progress.latest).toMatchObject({ value: 73000, qualifier: 'MORE_THAN' });
    expect(members.progress.status).toBe('UNDETERMINED_BY_BOUND');
    expect(members.progress.possibleStatuses).toContain('ACHIEVED');
  });

  it('exposes the qualifier, the attainment bound, the final verdict and the method in the API', async () => {
    const server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
    try {
      const schema = await buildCoopstatSchema();
      const asOf = async (year: number) => {
        const r = await execute<Ops.ProgressBoundsQuery>(
          schema,
          server.reader,
          operation('progress-bounds'),
          { id: 'nq-20-nq-tw-2022', asOf: year },
        );
        expect(r.errors).toEqual([]);
        return new Map(r.data.plan!.targets.map((t) => [t.id, t.progress]));
      };
      const now = await asOf(2025);
      expect(now.get('htx-members-2030')).toMatchObject({
        latest: { year: 2025, value: 6_000_000, qualifier: 'NEARLY' },
        // The baseline read from the series keeps the qualifier of its value.
        baseline: { year: 2022, kind: 'PLAN_YEAR', qualifier: 'EXACT' },
        attainmentPercent: 75,
        attainmentBound: 'AT_MOST',
        isFinal: false,
        statusMethod: 'UNSD',
      });
      const later = await asOf(2040);
      expect(later.get('htx-count-2030')).toMatchObject({
        status: 'NOT_ACHIEVED',
        isFinal: true,
        statusMethod: null,
        possibleStatuses: ['NOT_ACHIEVED'],
      });
    } finally {
      await server.close();
    }
  });
});
