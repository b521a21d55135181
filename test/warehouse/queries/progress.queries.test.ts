import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { findIndicatorValues } from '../../../warehouse/queries/indicator.queries.ts';
import { computeTargetProgress, findTargets } from '../../../warehouse/queries/progress.queries.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

let wh: TestWarehouse;
let db: DuckDbHandle;

beforeAll(async () => {
  wh = await createTestWarehouse();
  // Province figures on the old boundaries (2021, 2023, 2024) and on the new ones (2025).
  const file = join(wh.dir, 'provinces.csv');
  await writeFile(
    file,
    [
      'year,province_code,org_type,sector,org_count,members,rated_good,rated_fair,in_value_chain,good_fair_in_value_chain',
      '2021,91,HTX,,240,21000,40,90,40,30',
      '2021,89,HTX,,260,24000,50,100,55,45',
      '2023,19,HTX,,690,20100,100,250,110,90',
      '2024,19,HTX,,705,19760,110,240,130,100',
      '2024,19,THT,,1240,14900,,,,',
      '2025,19,HTX,,930,26000,150,330,170,140',
    ].join('\n'),
  );
  await loadFile(file, { db: wh.db });
  db = await DuckDbHandle.open(wh.db, { readOnly: true });
});
afterAll(async () => {
  db.close();
  await wh.cleanup();
});

describe('indicator values', () => {
  it('recomputes a share from summed numerators and denominators on current boundaries', async () => {
    const rows = await findIndicatorValues(db, {
      indicatorCodes: ['htx_count', 'htx_value_chain_share'],
      fromYear: 2021,
      toYear: 2021,
      boundaries: 'CURRENT',
    });
    // Kiên Giang (91) and the old An Giang (89) are the new An Giang (91) on current boundaries.
    expect(rows.filter((r) => r.unit_id === '91:2025-07-01')).toEqual([
      expect.objectContaining({
        indicator_code: 'htx_count',
        year: 2021,
        value: 500,
        unit_count: 2,
      }),
      expect.objectContaining({
        indicator_code: 'htx_value_chain_share',
        numerator: 95,
        denominator: 500,
        value: 19, // 100 × (40 + 55) / (240 + 260), not the mean of 16.7% and 21.2%
      }),
    ]);
    const reported = await findIndicatorValues(db, {
      indicatorCodes: ['htx_count'],
      fromYear: 2021,
      toYear: 2021,
    });
    // The loaded file's figures (the provincial reference figures of 2021 are another source).
    expect(
      reported.filter((r) => r.source_code === 'PSO').map((r) => [r.unit_id, r.value]),
    ).toEqual([
      ['89:2008-08-01', 260],
      ['91:2008-08-01', 240],
    ]);
  });

  it('computes a nested share over its own denominator and keeps missing parts missing', async () => {
    const rows = await findIndicatorValues(db, {
      indicatorCodes: ['value_chain_share_of_good_fair', 'ktt_members_total'],
      unitIds: ['19:2008-08-01'],
      fromYear: 2024,
      toYear: 2024,
    });
    expect(
      rows.map((r) => [r.indicator_code, r.numerator, r.denominator, r.value, r.org_types]),
    ).toEqual([
      ['ktt_members_total', 34660, null, 34660, 'THT,HTX'], // THT 14,900 + HTX 19,760; no QTDND reported
      // The groups report no ratings, so the share covers the cooperatives only, on both sides.
      ['value_chain_share_of_good_fair', 100, 350, (100 * 100) / 350, 'HTX'],
    ]);
  });

  it('reads the national series with their source and status', async () => {
    const rows = await findIndicatorValues(db, {
      indicatorCodes: ['htx_count'],
      unitIds: ['VN'],
      fromYear: 2024,
    });
    // VCA's 33,557 is its reported end-2024 count; the estimated members of the same row do not
    // make it an estimate (status per measure).
    expect(rows.map((r) => [r.year, r.source_code, r.value, r.status])).toEqual([
      [2024, 'MINISTRY', 33335, 'REPORTED'],
      [2024, 'VCA', 33557, 'REPORTED'],
      [2025, 'MINISTRY', 35041, 'PROVISIONAL'],
    ]);
  });
});

describe('progress of the national 20-NQ/TW targets from the published figures', () => {
  it('works out each component from the ministry series', async () => {
    const targets = await findTargets(db, { planIds: ['nq-20-nq-tw-2022'] });
    const results = await computeTargetProgress(db, targets, { asOfYear: 2025 });
    const byId = new Map(results.map((r) => [r.target.target_id, r]));

    // HTX: ≈45,000 by 2030. Baseline = the plan year 2022: 29,378 (ministry, estimate); latest
    // 2025: 35,041 (provisional).
    const htx = byId.get('htx-count-2030')!;
    expect(htx.source).toBe('MINISTRY');
    expect(htx.otherSources).toEqual(['VCA', 'OTHER']);
    expect(htx.progress.baseline).toMatchObject({ year: 2022, value: 29378, kind: 'PLAN_YEAR' });
    expect(htx.progress.latest).toMatchObject({ year: 2025, value: 35041, status: 'PROVISIONAL' });
    // CAGR = (35,041 / 29,378)^(1/3) − 1 = 6.05%
    expect(htx.progress.cagrActual).toBeCloseTo(Math.pow(35041 / 29378, 1 / 3) - 1, 10);
    expect(htx.progress.cagrActual).toBeCloseTo(0.0605, 4);
    // Required from now = (45,000 / 35,041)^(1/5) − 1 = 5.13% a year
    expect(htx.progress.cagrRequiredFromNow).toBeCloseTo(0.0513, 4);
    // Projected by CAGR to 2030: 35,041 × 1.0605^5 ≈ 47,007
    expect(htx.progress.projectedCagr).toBeCloseTo(35041 * Math.pow(35041 / 29378, 5 / 3), 0);
    // UNSD P = (47,007 − 29,378) / (45,000 − 29,378) ≈ 1.13 ≥ 0.95
    expect(htx.progress.status).toBe('ON_TRACK');
    expect(htx.progress.attainment?.percent).toBeCloseTo((100 * 35041) / 45000, 6);

    // Cooperative groups: ≈140,000 by 2030, but 71,000 (2022) → 63,650 (2024): falling.
    const tht = byId.get('tht-count-2030')!;
    expect(tht.progress.cagrActual).toBeCloseTo(Math.sqrt(63650 / 71000) - 1, 10); // −5.32%
    expect(tht.progress.status).toBe('STAGNATION_OR_REGRESSION');

    // Unions: ≈340 by 2030, 125 (2022) → 164 (2025): CAGR 9.47% against 15.70% needed a year.
    const unions = byId.get('lhhtx-count-2030')!;
    expect(unions.progress.cagrActual).toBeCloseTo(Math.pow(164 / 125, 1 / 3) - 1, 10);
    expect(unions.progress.cagrRequiredFromNow).toBeCloseTo(Math.pow(340 / 164, 1 / 5) - 1, 10);
    expect(unions.progress.status).toBe('ACCELERATION_NEEDED');

    // Share of the population in collective organisations: 2024 covers groups and cooperatives,
    // (944,587 + 5,800,000) / 101,112,656 = 6.67%; the 2025 figure covers cooperatives only and is
    // left out of the series rather than read as a fall.
    const population = byId.get('population-share-2045')!;
    expect(population.orgTypes).toBe('THT,HTX');
    expect(population.narrowerYears).toEqual([2025]);
    expect(population.progress.latest?.value).toBeCloseTo(
      (100 * (944587 + 5800000)) / 101112656,
      10,
    );
    // "hơn 5,8 triệu" members: the share is more than 6.67%, and the bound reaches the target.
    expect(population.progress.latest?.qualifier).toBe('MORE_THAN');
    expect(population.progress.status).toBe('UNDETERMINED_BY_BOUND');

    // Good/fair share of all collective organisations: no rating counts are published.
    expect(byId.get('ktt-good-fair-2030')!.progress.status).toBe('INSUFFICIENT_DATA');
  });
});

describe('targets and boundaries', () => {
  it('keeps a target on the unit as it was when the plan was issued, and says when it ended', async () => {
    const targets = await findTargets(db, {
      planIds: ['thai-nguyen-03-kh-ubnd-2023'],
      indicatorCodes: ['htx_count'],
    });
    expect(targets.map((t) => t.unit_id)).toEqual(['19:2008-08-01']);
    const [before] = await computeTargetProgress(db, targets.slice(0, 1), { asOfYear: 2024 });
    expect(before!.boundary.changed).toBe(false);
    expect(before!.progress.latest).toMatchObject({ year: 2024, value: 705 });
    const [after] = await computeTargetProgress(db, targets.slice(0, 1), { asOfYear: 2025 });
    // The 2025 figure (930) is the larger province that absorbed Bắc Kạn: it is not compared.
    expect(after!.progress.latest).toMatchObject({ year: 2024, value: 705 });
    expect(after!.progress.status).toBe('BOUNDARY_CHANGED');
    expect(after!.boundary).toEqual({
      changed: true,
      validTo: '2025-06-30',
      successorUnitIds: ['19:2025-07-01'],
    });
  });

  it('reads the other wordings of a target unless asked not to, and nothing else differs', async () => {
    const withWordings = await findTargets(db);
    const without = await findTargets(db, {}, { wordings: false });
    expect(withWordings.filter((t) => t.wordings_json).length).toBeGreaterThan(0);
    expect(without.some((t) => 'wordings_json' in t)).toBe(false);
    expect(without).toEqual(withWordings.map(({ wordings_json: _, ...t }) => t));
  });

  it('runs the same number of statements for one target and for every target', async () => {
    const all = await findTargets(db);
    expect(all.length).toBeGreaterThan(70);
    const count = async (targets: typeof all) => {
      const before = db.statementCount;
      await computeTargetProgress(db, targets, { asOfYear: 2025 });
      return db.statementCount - before;
    };
    expect(await count(all)).toBe(await count(all.slice(0, 1)));
  });
});
