import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { initWarehouse, type InitReport } from '../../../etl/reference/init-warehouse.ts';
import { DuckDbHandle, NEW_FILE_BLOCK_SIZE } from '../../../warehouse/dialect/index.ts';
import {
  createTestWarehouse,
  currentFacts,
  example,
  fileHash,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';

// The real `init` into an empty directory: the one test file that builds the default warehouse
// itself. Every other file copies the one `test/global-setup.ts` built once per run, so this
// file also checks that such a copy is what `init` builds.

let dir: string;
let db: string;
let report: InitReport;
let copy: TestWarehouse;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-init-'));
  db = join(dir, 'warehouse.duckdb');
  report = await initWarehouse(db);
  copy = await createTestWarehouse();
}, 120_000);
afterAll(async () => {
  await copy?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Current row counts of the tables `init` fills. */
const counts = (path: string) =>
  query(
    path,
    `select (select count(*) from dim_admin_unit) as units,
            (select count(*) from dim_admin_unit where level = 'PROVINCE' and valid_to is null) as provinces,
            (select count(*) from fct_population) as population,
            (select count(*) from fct_published_value where valid_to_version is null) as published_values,
            (select count(*) from fct_org_annual where valid_to_version is null) as facts,
            (select count(*) from dim_target) as targets,
            (select list(outcome order by load_id) from load_log) as outcomes`,
  );

describe('coopstat init', () => {
  it('builds the default warehouse from the reference files and the catalog', async () => {
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.currentProvinces).toBe(34);
    expect(report.units).toBeGreaterThan(report.currentProvinces);
    expect(report.publishedValues).toBeGreaterThan(0);
    expect(report.facts).toBeGreaterThan(0);
    expect(report.targets).toBeGreaterThan(0);
    const [row] = await counts(db);
    expect(row).toMatchObject({
      provinces: report.currentProvinces,
      population: report.populationRows,
      published_values: report.publishedValues,
      facts: report.facts,
      targets: report.targets,
      outcomes: ['PUBLISHED', 'PUBLISHED'],
    });
  });

  it('changes nothing when run again on the same reference files', async () => {
    const before = await fileHash(db);
    const again = await initWarehouse(db);
    // No second release: the figures are those of release 1.
    expect(report.releaseNo).toBe(1);
    expect(again).toEqual({ ...report, outcome: 'ALREADY_LOADED', releaseNo: null });
    expect(await fileHash(db)).toBe(before);
  });

  it('builds what the tests copy from the template warehouse', async () => {
    expect(await counts(copy.db)).toEqual(await counts(db));
  });

  it('makes the warehouse file of 64 KiB blocks, not DuckDB’s 256 KiB', async () => {
    expect(NEW_FILE_BLOCK_SIZE).toBe(65_536);
    expect(await blockSize(db)).toBe(NEW_FILE_BLOCK_SIZE);
  });

  it('keeps the 256 KiB blocks of a warehouse made before, through a load', async () => {
    // A warehouse as DuckDB's default made it: the same contents, copied into a 256 KiB file.
    const old = join(dir, 'made-before.duckdb');
    const maker = await DuckDbHandle.open(':memory:');
    try {
      await maker.run(`attach '${db}' as src (read_only)`);
      await maker.run(`attach '${old}' as dst (block_size 262144)`);
      await maker.run('copy from database src to dst');
    } finally {
      maker.close();
    }
    expect(await blockSize(old)).toBe(262_144);
    const loaded = await loadFile(example('aggregates-2024.csv'), { db: old });
    expect(loaded.outcome).toBe('PUBLISHED');
    expect(await blockSize(old)).toBe(262_144);
    // The same facts as the load of that file onto the warehouse of 64 KiB blocks.
    const example64 = await createTestWarehouse('example');
    try {
      const facts = await currentFacts(old, '19:2008-08-01', 'HTX');
      expect(facts.length).toBeGreaterThan(0);
      expect(facts).toEqual(await currentFacts(example64.db, '19:2008-08-01', 'HTX'));
    } finally {
      await example64.cleanup();
    }
  });
});

/** The block size a warehouse file was made with. */
async function blockSize(path: string): Promise<number> {
  const [row] = await query<{ block_size: number }>(
    path,
    'select block_size from pragma_database_size() where database_name = current_database()',
  );
  return Number(row!.block_size);
}
