import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';

import { MEASURE_KEYS } from '../../bench/run.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

// `npm run bench -- --smoke`: 1% of the country, one year, one load of each kind, one dashboard
// request, one-second pulls, one run of each CLI command, all in one process. Checks the
// machinery, not the figures (nothing here is timed). The loads start from the default warehouse
// this run built (`--template`), not from an `init` of their own.
describe('bench smoke run', () => {
  let out: string | undefined;
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('writes results.json with every measure', { timeout: 240_000 }, async () => {
    out = await mkdtemp(join(tmpdir(), 'coopstat-bench-'));
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        TSX,
        'bench/run.ts',
        '--smoke',
        '--quiet',
        '--out',
        out,
        '--template',
        inject('templateWarehouse'),
      ],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, maxBuffer: 10_000_000 },
    );

    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(results.format).toBe('coopstat-bench-2');
    expect(results.profile).toBe('smoke');
    expect(Object.keys(results.measures).sort()).toEqual([...MEASURE_KEYS].sort());
    for (const key of MEASURE_KEYS) expect(results.measures[key], key).toBeTypeOf('object');
    expect(results.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });
    expect(results.machine.duckdb).toMatch(/^v\d/);
    expect(results.options.template).toBe(inject('templateWarehouse'));
    expect(results.data.templateInitMs).toBeNull();

    const m = results.measures;
    expect(m.load_csv_one_year.report.rowsRead).toBeGreaterThan(1000);
    expect(m.load_csv_one_year.floor.rows).toBe(m.load_csv_one_year.report.rowsRead);
    expect(m.load_xlsx_one_year.ms.n).toBe(1);
    expect(m.dashboard_http.errors).toEqual([]);
    expect(m.dashboard_statements.full.provinces).toBe(34);
    expect(m.dashboard_statements.small.provinces).toBe(5);
    expect(m.dashboard_statements.full.statements[0]).toBeGreaterThan(0);
    expect(m.dashboard_cached_304.statusCounts).toEqual({ '304': 1 });
    expect(m.peak_memory.server.maxRssMiB).toBeGreaterThan(0);
    // The server measured is the compiled one, and its RSS at idle is reported.
    expect(results.data.build).toMatchObject({ sources: expect.any(Number) });
    expect(m.cli_start.compiled).toEqual(results.data.build);
    expect(m.peak_memory.serverIdleRssMiB.afterStart).toBeGreaterThan(0);
    expect(m.peak_memory.serverIdleRssMiB.afterPulls).toBeGreaterThan(0);

    // The pulls: three operations at 1, 8 and 32 clients, each request's text different.
    const pulls = m.pulls.runs as { operation: string; connections: number; rss: unknown }[];
    expect(pulls.map((r) => `${r.operation}@${r.connections}`)).toEqual(
      [1, 8, 32].flatMap((c) => [`CoopDashboard@${c}`, `AllProgress@${c}`, `{ __typename }@${c}`]),
    );
    for (const r of pulls) expect(r.rss).toMatchObject({ peakMiB: expect.any(Number) });
    for (const w of m.pulls.warmUps) expect(w).toMatchObject({ status: 200, errors: [] });
    // The API's 252-group pull (81 at this scale: 2030's 34 provinces, some without LHHTX)
    // equals the hand-written SQL in every cell.
    expect(m.pull_floor.groups).toBeGreaterThan(34);
    expect(m.pulls.coopstatAgreesWithFloor.equal).toBe(m.pulls.coopstatAgreesWithFloor.cells);
    expect(m.pull_floor.targets).toBe(m.pulls.targets);
    expect(m.peer).toEqual({ skipped: 'not asked for (--peer)' });
    expect(m.load_first_vs_last.ratio).toBeGreaterThan(0);
    expect(m.cli_start.runs.map((r: { exitCode: number }) => r.exitCode)).toEqual([0, 0]);
    const goals = (results.goals as { goal: string }[]).map((g) => g.goal);
    expect(goals.filter((g) => g.startsWith('CoopDashboard:'))).toHaveLength(5);
    expect(goals.filter((g) => g.startsWith('AllProgress:'))).toHaveLength(5);

    // The printed tables are the JSON's tables.
    for (const row of results.table) expect(stdout).toContain(row.measure);
    expect(stdout).toContain('| coopstat | CoopDashboard | 32 |');
  });
});
