import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../../helpers/cli.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { query } from '../../helpers/warehouse.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('coopstat demo', () => {
  it('builds a scratch warehouse from the reference data and examples/', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coopstat-demo-'));
    dirs.push(dir);
    const db = join(dir, 'demo.duckdb');
    const run = await cli('demo', '--db', db);
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n')).toEqual([
      `${db}: reference data, data version 2`,
      'examples/aggregates-2024.csv: published as load #3, data version 3 (7 rows)',
      'examples/register-2024.csv: published as load #4, data version 4 (8 rows)',
      '',
    ]);
    expect(
      await query(
        db,
        'select file_name, source_code from load_log where load_id > 2 order by load_id',
      ),
    ).toEqual([
      { file_name: 'aggregates-2024.csv', source_code: 'PSO' },
      { file_name: 'register-2024.csv', source_code: 'OTHER' },
    ]);
  }, 120_000);

  it('refuses the default warehouse and writes nothing', async () => {
    const existed = existsSync(join(ROOT, 'data/coopstat.duckdb'));
    const run = await cli('demo', '--db', 'data/coopstat.duckdb');
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      "coopstat demo: --db must name a scratch warehouse, not the real one, but got 'data/coopstat.duckdb'",
    );
    expect(existsSync(join(ROOT, 'data/coopstat.duckdb'))).toBe(existed);
  });
});
