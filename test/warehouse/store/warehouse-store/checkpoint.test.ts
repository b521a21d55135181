import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withWriter } from '../../../../warehouse/store/warehouse-store.ts';
import { query } from '../../../helpers/warehouse.ts';

let dir: string;
let db: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-checkpoint-'));
  db = join(dir, 'warehouse.duckdb');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One more row than DuckDB's row group holds, plus a partly filled one: 122,880 + 7,120. */
const ROWS = 130_000;

interface RowGroup {
  row_group_id: number;
  rows: number;
  block_id: number;
  block_offset: number;
}

/** The row groups of `history` as stored: their row counts and where their first column lies. */
const rowGroups = () =>
  query<RowGroup>(
    db,
    `select row_group_id, count::integer as rows, block_id::integer as block_id,
       block_offset::integer as block_offset
     from pragma_storage_info('history')
     where column_id = 0 and column_path = '[0]' and segment_id = 0
     order by row_group_id`,
  );

describe("a writer's checkpoint", () => {
  it('writes the rows a write appended and leaves the row groups of earlier writes where they are, partly filled or not', async () => {
    await withWriter(db, async (w) => {
      await w.run(`create table history as select range::integer as i from range(${ROWS})`);
      return { publish: true, result: undefined };
    });
    const before = await rowGroups();
    expect(before.map((g) => g.rows)).toEqual([122_880, ROWS - 122_880]);

    await withWriter(db, async (w) => {
      await w.run(`insert into history select ${ROWS} + range::integer from range(${ROWS})`);
      return { publish: true, result: undefined };
    });
    const after = await rowGroups();
    // Merging the earlier partly filled row group with the new ones would give 122,880 + 137,120
    // rows in two row groups, both written again.
    expect(after.map((g) => g.rows)).toEqual([122_880, ROWS - 122_880, 122_880, ROWS - 122_880]);
    expect(after.slice(0, 2)).toEqual(before);
    const [all] = await query<{ n: number; low: number; high: number; distinct_values: number }>(
      db,
      'select count(*)::integer as n, min(i) as low, max(i) as high, count(distinct i)::integer as distinct_values from history',
    );
    expect(all).toEqual({ n: 2 * ROWS, low: 0, high: 2 * ROWS - 1, distinct_values: 2 * ROWS });
  });
});
