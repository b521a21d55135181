import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { initWarehouse } from '../../etl/reference/init-warehouse.ts';
import { loadFile } from '../../etl/load/load-file.ts';
import { readFileChunks } from '../../etl/readers/file-chunks.reader.ts';
import { readAttached } from './read-host.ts';

/** Path of a committed fixture file. */
export const fixture = (...parts: string[]) =>
  fileURLToPath(new URL(`../fixtures/${parts.join('/')}`, import.meta.url));

/** Path of a committed example file. */
export const example = (name: string) =>
  fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

/** The units of the reference figures `init` loads: the nation and the provinces of the plans. */
export const REFERENCE_UNIT_IDS = [
  '06:2008-08-01',
  '12:2008-08-01',
  '19:2008-08-01',
  '19:2025-07-01',
  '89:2008-08-01',
  '91:2008-08-01',
  'VN',
] as const;

/** A temporary directory holding a default warehouse built through the real `init`. */
export interface TestWarehouse {
  readonly dir: string;
  readonly db: string;
  cleanup(): Promise<void>;
}

/**
 * What a test warehouse holds: the reference data `init` loads (`default`), plus
 * `examples/aggregates-2024.csv` (`example`, data version 2), or plus
 * `test/fixtures/api/provinces-2021-2025.csv` then that example (`api`, versions 2 and 3).
 */
export type WarehouseContents = 'default' | 'example' | 'api';

const TEMPLATES = {
  default: 'templateWarehouse',
  example: 'exampleWarehouse',
  api: 'apiWarehouse',
} as const;

/** Builds `contents` at `db` through the real `init` and ETL (a run without the global set-up). */
async function buildWarehouse(db: string, contents: WarehouseContents): Promise<void> {
  await initWarehouse(db);
  if (contents === 'api')
    await loadFile(fixture('api', 'provinces-2021-2025.csv'), { db, maxYear: 2026 });
  if (contents !== 'default') await loadFile(example('aggregates-2024.csv'), { db });
}

/**
 * Creates a fresh warehouse holding `contents` in a temporary directory: a copy of the one the
 * real `init` and ETL built once for this run (`test/global-setup.ts`), byte for byte what they
 * write, at the cost of a file copy. Without that template (a run without the global set-up) it
 * builds it itself.
 */
export async function createTestWarehouse(
  contents: WarehouseContents = 'default',
): Promise<TestWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-test-'));
  const db = join(dir, 'warehouse.duckdb');
  await copyTemplate(db, contents);
  return { dir, db, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Makes the warehouse file at `db` (replaced if there is one) hold `contents`: a copy of the one
 * the real `init` and ETL built for this run, as {@link createTestWarehouse} makes. For a test
 * whose warehouse must start from a load it does not test.
 */
export async function copyTemplate(db: string, contents: WarehouseContents): Promise<void> {
  const template = inject(TEMPLATES[contents]);
  if (template) return copyFile(template, db);
  await rm(db, { force: true });
  await buildWarehouse(db, contents);
}

/**
 * A default warehouse ({@link createTestWarehouse}) for the tests of one file: built before them
 * and removed after them (`per: 'file'`), or fresh for each test (`per: 'test'`, for tests that
 * write). Its `dir` and `db` are those of the current one, valid inside hooks and tests.
 */
export function useTestWarehouse(per: 'file' | 'test' = 'file'): TestWarehouse {
  let current: TestWarehouse | undefined;
  (per === 'file' ? beforeAll : beforeEach)(async () => {
    current = await createTestWarehouse();
  });
  (per === 'file' ? afterAll : afterEach)(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const get = () => {
    if (!current) throw new Error('the test warehouse exists only inside hooks and tests');
    return current;
  };
  return {
    get dir() {
      return get().dir;
    },
    get db() {
      return get().db;
    },
    cleanup: () => get().cleanup(),
  };
}

/**
 * Publishes over the warehouse at `db`, a copy of the default one, what a load of
 * `examples/aggregates-2024.csv` publishes there: the `example` warehouse the real ETL built for
 * this run, copied beside `db` and renamed over it, as a writer publishes its copy. For the tests
 * of readers, which need a publication (data version and load id one higher, the facts that
 * file adds), not a load: a load costs ~0.7 s of CPU, this a file copy. Without that template
 * (a run without the global set-up) it loads the file.
 */
export async function publishExample(db: string): Promise<void> {
  const template = inject(TEMPLATES.example);
  if (!template) {
    await loadFile(example('aggregates-2024.csv'), { db });
    return;
  }
  const next = `${db}.publishing-${process.pid}`;
  await copyFile(template, next);
  await rename(next, db);
}

/** SHA-256 of the warehouse file: equal before and after means nothing at all was written. */
export async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  await readFileChunks(path, (bytes) => hash.update(bytes));
  return hash.digest('hex');
}

/** Runs a read-only query against the published warehouse, as a fresh reader would see it. */
export function query<T = Record<string, unknown>>(
  db: string,
  sql: string,
  params: (string | number | null)[] = [],
): Promise<T[]> {
  return readAttached<T>(db, sql, params);
}

/** The current facts of one unit, year and organisation type, by sector. */
export function currentFacts(
  db: string,
  unitId: string,
  orgType: string,
  year = 2024,
): Promise<{ sector: string; org_count: number | null; members: number | null }[]> {
  return query(
    db,
    `select sector, org_count, members from fct_org_annual
     where valid_to_version is null and unit_id = $1 and year = $2 and org_type = $3 order by sector`,
    [unitId, year, orgType],
  );
}
