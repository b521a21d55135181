import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runsFrom } from '../../../bench/steps/loads.step.ts';
import { loadFiles } from '../../../bench/tasks/load.tasks.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { query, useTestWarehouse } from '../../helpers/warehouse.ts';

const wh = useTestWarehouse();

describe('the bench load task', () => {
  it('takes its templates in turn, run by run, and tells each run its template', async () => {
    // Two starting warehouses told apart by a table only the second has.
    const other = join(wh.dir, 'other.duckdb');
    await copyFile(wh.db, other);
    const handle = await DuckDbHandle.open(other);
    await handle.run('create table marker (x integer)');
    await handle.run('checkpoint');
    handle.close();

    const kept = join(wh.dir, 'kept.duckdb');
    const result = await loadFiles(
      {
        template: wh.db,
        templates: [wh.db, other],
        files: [join('examples', 'aggregates-2024.csv')],
        workDir: join(wh.dir, 'work'),
        warmup: 0,
        reps: 2,
        maxYear: 2026,
        keepAs: kept,
        profile: false,
      },
      { progress: () => {}, ready: () => {}, stopped: new Promise<void>(() => {}) },
    );

    expect(result.runs.map((r) => r.template)).toEqual([wh.db, other]);
    for (const run of result.runs) expect(run.files[0]!.outcome).toBe('PUBLISHED');
    // The last run started from the second template: its warehouse has the marker.
    const marker = await query<{ n: number }>(
      kept,
      "select count(*)::integer as n from duckdb_tables() where table_name = 'marker'",
    );
    expect(marker).toEqual([{ n: 1 }]);
    // Split by template, as the sixteenth-year measure reads them.
    expect(runsFrom(result, other).runs).toEqual([result.runs[1]]);
    expect(runsFrom(result, wh.db).runs).toEqual([result.runs[0]]);
  });
});
