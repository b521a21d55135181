import { describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import {
  asOfYearsToRevise,
  progressYears,
  publishTargetProgress,
  targetsToRevise,
} from '../../../warehouse/publish/target-progress.ts';
import { createTestWarehouse } from '../../helpers/warehouse.ts';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the as-of years a publication revises for a target', () => {
  it('a new last year: the years that read it (from that year on, or all up to a later target year) and the years newly kept', () => {
    const before = { first: 2015, last: 2029 };
    const after = { first: 2015, last: 2030 };
    const early = { target_year: 2025 };
    const stored = new Set(progressYears(early, before));
    expect([...stored]).toEqual(range(2015, 2030));
    // As of 2015–2029 a 2025 target reads values up to 2029 at most: unchanged by 2030's data.
    expect(asOfYearsToRevise(early, progressYears(early, after), stored, 2030)).toEqual([
      { year: 2030, kept: true },
      { year: 2031, kept: true },
    ]);
    // A 2030 target reads its values up to 2030 whatever the as-of year: every year is revised.
    const late = { target_year: 2030 };
    expect(
      asOfYearsToRevise(
        late,
        progressYears(late, after),
        new Set(progressYears(late, before)),
        2030,
      ),
    ).toEqual(range(2015, 2031).map((year) => ({ year, kept: true })));
  });

  it('a revision of an old year reaches the as-of years from it on, and no earlier ones', () => {
    const years = { first: 2015, last: 2030 };
    const target = { target_year: 2020 };
    const kept = progressYears(target, years);
    expect(asOfYearsToRevise(target, kept, new Set(kept), 2023).map((a) => a.year)).toEqual(
      range(2023, 2031),
    );
    expect(asOfYearsToRevise(target, kept, new Set(kept), 2018).map((a) => a.year)).toEqual(
      range(2015, 2031),
    );
  });

  it('closes stored years no longer kept, and computes kept years with nothing stored', () => {
    const target = { target_year: 2020 };
    const kept = progressYears(target, { first: 2016, last: 2024 });
    const stored = new Set(range(2015, 2024));
    expect(asOfYearsToRevise(target, kept, stored, null)).toEqual([
      { year: 2025, kept: true },
      { year: 2015, kept: false },
    ]);
  });
});

describe('the targets a publication revises', () => {
  const target = (
    target_id: string,
    indicator_code: string,
    unit_id: string,
    target_year: number,
  ) => ({
    plan_id: 'P',
    target_id,
    indicator_code,
    unit_id,
    target_year,
  });
  const storedFor = (
    targets: readonly ReturnType<typeof target>[],
    years: { first: number; last: number },
  ) => new Map(targets.map((t) => [`P|${t.target_id}`, new Set(progressYears(t, years))]));

  it('a new last year for one key: the other targets get only their newly kept years, nothing recomputed', () => {
    const changed = target('a', 'HTX_COUNT', 'VN', 2030);
    const untouched = target('b', 'HTX_COUNT', '19', 2030);
    const early = target('c', 'THT_COUNT', '12', 2025);
    const targets = [changed, untouched, early];
    const stored = storedFor(targets, { first: 2015, last: 2029 });
    const revised = targetsToRevise(
      targets,
      { first: 2015, last: 2030 },
      stored,
      new Map([['HTX_COUNT|VN', 2030]]),
    );
    // The changed key's 2030 target reads 2030 whatever the as-of year: every year.
    expect(revised.map((r) => [r.target.target_id, r.asOf.map((a) => a.year)])).toEqual([
      ['a', range(2015, 2031)],
      // A 2025 target's kept years now reach 2031: that new year is computed, none revised.
      ['c', [2031]],
    ]);
  });

  it("each target's years run from its own key's first changed year, not another key's", () => {
    const early = target('a', 'HTX_COUNT', '19', 2020);
    const late = target('b', 'HTX_COUNT', '12', 2020);
    const years = { first: 2015, last: 2030 };
    const stored = storedFor([early, late], years);
    const revised = targetsToRevise(
      [early, late],
      years,
      stored,
      new Map([
        ['HTX_COUNT|19', 2018],
        ['HTX_COUNT|12', 2028],
      ]),
    );
    expect(revised.map((r) => [r.target.target_id, r.asOf.map((a) => a.year)])).toEqual([
      ['a', range(2015, 2031)],
      ['b', range(2028, 2031)],
    ]);
  });
});

describe('publishing target progress', () => {
  it('a full rebuild closes every stored row when no year has data left, though nothing is computed', async () => {
    const warehouse = await createTestWarehouse();
    const db = await DuckDbHandle.open(warehouse.db);
    try {
      const open = async () =>
        (
          await db.all<{ n: number }>(
            'select count(*) as n from rpt_target_progress where valid_to_version is null',
          )
        )[0]!.n;
      expect(await open()).toBeGreaterThan(0);
      const [{ v }] = (await db.all<{ v: number }>(
        'select max(data_version) + 1 as v from publication',
      )) as [{ v: number }];
      await db.transaction(async (tx) => {
        await tx.run(
          'update rpt_indicator_value set valid_to_version = $1 where valid_to_version is null',
          [v],
        );
        const change = await publishTargetProgress(tx, v, 'all');
        expect(change.inserted).toBe(0);
        expect(change.closed).toBeGreaterThan(0);
        expect(await open()).toBe(0);
      });
    } finally {
      db.close();
      await warehouse.cleanup();
    }
  });
});
