import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { indicatorValuesMigration } from '../../../warehouse/migrations/009-indicator-values.migration.ts';
import { migrate } from '../../../warehouse/migrations/migrations.ts';
import { progressYears } from '../../../warehouse/publish/target-progress.ts';
import {
  computeIndicatorValues,
  findIndicatorValues,
} from '../../../warehouse/queries/indicator.queries.ts';
import {
  computeTargetProgress,
  findTargetProgress,
  findTargets,
} from '../../../warehouse/queries/progress.queries.ts';
import { BOUNDARIES } from '../../../warehouse/domain/vocabulary.ts';
import {
  loadBacKanRevision,
  loadGeneratedProvinces,
  type GeneratedYear,
} from '../../helpers/generated.ts';
import { createTestWarehouse, query, type TestWarehouse } from '../../helpers/warehouse.ts';

/**
 * The indicator values and target progress computed at publish (`rpt_indicator_value`,
 * `rpt_target_progress`) against the same figures computed on demand from the facts, by the
 * registry's formulas, without the tables.
 */

let dir: string;
let plain: TestWarehouse;
let generated: TestWarehouse;
let files: GeneratedYear[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-indicator-values-'));
  [plain, generated] = await Promise.all([createTestWarehouse(), createTestWarehouse()]);
  files = await loadGeneratedProvinces(generated.db, dir, 7);
});
afterAll(async () => {
  await Promise.all([plain?.cleanup(), generated?.cleanup()]);
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` on a read-only handle of the warehouse. */
async function reading<T>(db: string, fn: (h: DuckDbHandle) => Promise<T>): Promise<T> {
  const handle = await DuckDbHandle.open(db, { readOnly: true });
  try {
    return await fn(handle);
  } finally {
    handle.close();
  }
}

const versionsOf = async (db: string) =>
  (await query<{ v: number }>(db, 'select data_version as v from publication order by 1')).map(
    (r) => r.v,
  );

/** Precomputed and on-demand values agree for both boundaries, now and as of `asOfVersion`. */
async function expectValuesAgree(db: string, asOfVersion?: number) {
  await reading(db, async (h) => {
    for (const boundaries of BOUNDARIES) {
      const filter = { boundaries, ...(asOfVersion === undefined ? {} : { asOfVersion }) };
      const onDemand = await computeIndicatorValues(h, filter);
      expect(onDemand.length).toBeGreaterThan(0);
      expect(await findIndicatorValues(h, filter)).toEqual(onDemand);
      // A filtered read is the same slice of both.
      const some = {
        ...filter,
        indicatorCodes: [...new Set(onDemand.map((r) => r.indicator_code))].slice(0, 3),
        unitIds: [...new Set(onDemand.map((r) => r.unit_id))].slice(0, 5),
        fromYear: 2020,
        toYear: 2025,
      };
      expect(await findIndicatorValues(h, some)).toEqual(await computeIndicatorValues(h, some));
    }
  });
}

/** Stored default progress equals progress computed from on-demand values, for every kept year. */
async function expectProgressAgrees(db: string, asOfVersion?: number) {
  await reading(db, async (h) => {
    const targets = await findTargets(h);
    expect(targets.length).toBeGreaterThan(0);
    const [years] = await h.all<{ first: number; last: number }>(
      `select min(year) as first, max(year) as last from rpt_indicator_value
       where boundaries = 'AS_REPORTED' and valid_from_version <= $1
         and (valid_to_version is null or valid_to_version > $1)`,
      [asOfVersion ?? 1e9],
    );
    const kept = [...new Set(targets.flatMap((t) => progressYears(t, years!)))].sort();
    expect(kept.length).toBeGreaterThan(5);
    // The first and last kept years, the years around the data's end and the 2025 merger.
    const asOfYears = kept.filter(
      (y, i) => i === 0 || i === kept.length - 1 || [2023, 2025, 2026, 2030, 2031].includes(y),
    );
    const stored = await h.all<{ n: number }>(
      `select count(*) as n from rpt_target_progress where valid_to_version is null`,
    );
    expect(stored[0]!.n).toBe(targets.reduce((n, t) => n + progressYears(t, years!).length, 0));
    for (const asOfYear of asOfYears) {
      const options = { asOfYear, ...(asOfVersion === undefined ? {} : { asOfVersion }) };
      const onDemand = await computeTargetProgress(h, targets, options, computeIndicatorValues);
      // The API serialises progress as JSON: the stored answer must serialise to the same text.
      expect(JSON.stringify(await findTargetProgress(h, targets, options))).toBe(
        JSON.stringify(onDemand),
      );
    }
  });
}

describe('indicator values computed at publish', () => {
  it('equal the on-demand computation on the default warehouse', async () => {
    await expectValuesAgree(plain.db);
  });

  it('equal the on-demand computation on generated provinces across the 2025 merger', async () => {
    const merged = await query<{ n: number }>(
      generated.db,
      `select count(*) as n from rpt_indicator_value
       where boundaries = 'CURRENT' and unit_count > 1 and valid_to_version is null`,
    );
    expect(merged[0]!.n).toBeGreaterThan(0);
    await expectValuesAgree(generated.db);
  });

  it('give the default progress of every target for every kept year, as computed on demand', async () => {
    await expectProgressAgrees(plain.db);
    await expectProgressAgrees(generated.db);
  });

  it('a revision recomputes only its slices, and the version before still reads its own values', async () => {
    const before = await query<Record<string, unknown>>(
      generated.db,
      `select * from rpt_indicator_value order by all`,
    );
    const oldVersion = Math.max(...(await versionsOf(generated.db)));
    // Bắc Kạn (06), merged into Thái Nguyên (19) in 2025: its 2023 figures, organisation and
    // member counts revised.
    const { report, rows } = await loadBacKanRevision(generated.db, dir, files, (cell) => {
      for (const column of ['org_count', 'active_count', 'members']) cell(column, (n) => n + 3);
    });
    expect(rows).toBeGreaterThan(0);
    expect(report.outcome).toBe('PUBLISHED');
    const version = report.dataVersion;

    const touched = await query<{ boundaries: string; unit_id: string; year: number }>(
      generated.db,
      `select distinct boundaries, unit_id, year from rpt_indicator_value
       where valid_from_version = $1 or valid_to_version = $1 order by all`,
      [version],
    );
    expect(touched.map((t) => [t.boundaries, t.unit_id.slice(0, 2), t.year])).toEqual([
      ['AS_REPORTED', '06', 2023],
      ['CURRENT', '19', 2023],
    ]);
    const after = await query<Record<string, unknown>>(
      generated.db,
      `select * from rpt_indicator_value order by all`,
    );
    const outside = (rows: Record<string, unknown>[]) =>
      rows.filter(
        (r) =>
          !touched.some(
            (t) => t.boundaries === r.boundaries && t.unit_id === r.unit_id && t.year === r.year,
          ),
      );
    expect(after.length).toBeGreaterThan(before.length);
    expect(outside(after)).toEqual(outside(before));

    await expectValuesAgree(generated.db);
    await expectValuesAgree(generated.db, oldVersion);
    await expectProgressAgrees(generated.db, oldVersion);
    await expectProgressAgrees(generated.db);
  });

  it('are built by the migration for a warehouse published before the tables existed', async () => {
    const copy = join(dir, 'older.duckdb');
    await copyFile(generated.db, copy);
    const handle = await DuckDbHandle.open(copy);
    try {
      // The warehouse as it was before migration 9: its data and history, neither table.
      const { version } = indicatorValuesMigration;
      await handle.run('drop table rpt_indicator_value');
      await handle.run('drop table rpt_target_progress');
      await handle.run('delete from schema_migration where version = $1', [version]);
      expect(await migrate(handle)).toEqual([version]);
    } finally {
      handle.close();
    }
    // Replayed version by version, both tables read as each publication wrote them, from the
    // version that published the registry on (before it, the live warehouse had no indicators;
    // the replay computes those versions with today's registry).
    const [catalog] = await query<{ v: number }>(
      generated.db,
      `select min(data_version) as v from load_log where family = 'catalog'`,
    );
    const versions = (await versionsOf(generated.db)).filter((v) => v >= catalog!.v);
    expect(versions.length).toBeGreaterThan(2);
    for (const v of versions)
      for (const name of ['rpt_indicator_value', 'rpt_target_progress']) {
        const asOf = (db: string) =>
          query<Record<string, unknown>>(
            db,
            `select * exclude (valid_from_version, valid_to_version) from ${name}
             where valid_from_version <= $1 and (valid_to_version is null or valid_to_version > $1)
             order by all`,
            [v],
          );
        expect(await asOf(copy)).toEqual(await asOf(generated.db));
      }
  });
});
