import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../../warehouse/dialect/index.ts';
import {
  openReader,
  warehouseFileAt,
  withWriter,
} from '../../../../warehouse/store/warehouse-store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-not-a-warehouse-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A write that publishes one table (what `init` or a load would do, smaller). */
const publishTable = (db: DuckDbHandle) =>
  db.run('create table t as select 42 as x').then(() => ({ publish: true, result: undefined }));

describe('a warehouse path that holds no warehouse', () => {
  it('is refused by readers and writers when it is a folder, naming it, and is left as it was', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    const refusal = `a warehouse must be a DuckDB database file, but got a folder at ${folder}`;
    await expect(openReader(folder)).rejects.toThrow(refusal);
    await expect(withWriter(folder, publishTable)).rejects.toThrow(refusal);
    expect(await readdir(folder)).toEqual([]);
  });

  it('is refused by readers and writers when it is a data file, which stays as it was', async () => {
    const csv = join(dir, 'aggregates.csv');
    const text = 'year,province_code,org_type,org_count\n2024,19,HTX,705\n';
    await writeFile(csv, text);
    const refusal = `a warehouse must be a DuckDB database file, but got a file without DuckDB's header (a data file given as the warehouse?) at ${csv}`;
    await expect(openReader(csv)).rejects.toThrow(refusal);
    await expect(withWriter(csv, publishTable)).rejects.toThrow(refusal);
    expect(await readFile(csv, 'utf8')).toBe(text);
    // No writer's copy or lock is left beside it.
    expect((await readdir(dir)).filter((n) => n.startsWith('aggregates.csv'))).toEqual([
      'aggregates.csv',
    ]);
  });

  it('is built on when it is an empty file (as mktemp makes), which a reader takes for none', async () => {
    const empty = join(dir, 'empty.duckdb');
    await writeFile(empty, '');
    expect(await warehouseFileAt(empty)).toBe('empty');
    await expect(openReader(empty)).rejects.toThrow(
      `a warehouse file must exist before it can be read, but got an empty file at ${empty}; run \`coopstat init --db ${empty}\``,
    );
    await withWriter(empty, publishTable);
    expect(await warehouseFileAt(empty)).toBe('duckdb');
    const db = await DuckDbHandle.open(empty, { readOnly: true });
    try {
      expect(await db.all('select x from t')).toEqual([{ x: 42 }]);
    } finally {
      db.close();
    }
    expect(await warehouseFileAt(join(dir, 'missing.duckdb'))).toBe('missing');
  });
});
