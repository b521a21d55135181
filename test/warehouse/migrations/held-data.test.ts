import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { holdsData } from '../../../warehouse/migrations/held-data.ts';
import { migrate } from '../../../warehouse/migrations/migrations.ts';
import { createTestWarehouse } from '../../helpers/warehouse.ts';

/** The statements of the derived tables' publishing steps (report rows, values, progress). */
const DERIVING = /\b(rpt|ivl|tpg)_(keys|read|fresh)\b/;

describe('the migrations that build derived tables', () => {
  it('derive nothing in a new warehouse, which holds no data yet', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coopstat-held-'));
    const db = await DuckDbHandle.open(join(dir, 'new.duckdb'));
    try {
      const statements: string[] = [];
      db.onStatement = (sql) => statements.push(sql);
      await migrate(db);
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.filter((sql) => DERIVING.test(sql))).toEqual([]);
      expect(await holdsData(db)).toBe(false);
    } finally {
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('see the data of a warehouse that init has loaded', async () => {
    const wh = await createTestWarehouse();
    const db = await DuckDbHandle.open(wh.db, { readOnly: true });
    try {
      expect(await holdsData(db)).toBe(true);
    } finally {
      db.close();
      await wh.cleanup();
    }
  });
});
