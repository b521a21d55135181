/**
 * `npm run bench [-- --quick | --smoke]`: the coopstat benchmarks (DESIGN §7), in one process
 * tree. Prints a table and writes it, with every figure behind it, to `bench/out/results.json`.
 * See bench/README.md.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  runTask,
  runTasksInProcess,
  startTask,
  type ProcessMemory,
  type TaskOutcome,
} from './lib/child.ts';
import { compareDashboard, type DashboardComparison } from './lib/dashboard-floor.ts';
import { ensureRegisterFiles, type DataFile } from './lib/data.ts';
import { closeHttp, getPath, loadTest, postGraphql, type LoadTestResult } from './lib/http.ts';
import { describeMachine, loadAverage, type Machine } from './lib/machine.ts';
import { parseOptions, USAGE, type BenchOptions } from './lib/options.ts';
import { formatMs, formatSummary, percentile, round, summarize } from './lib/stats.ts';
import type { InProcessResult } from './tasks/dashboard.tasks.ts';
import { DASHBOARD_QUERY } from './lib/dashboard-query.ts';
import type { FloorResult, LoadResult } from './tasks/load.tasks.ts';
import type { FloorNumbers } from './lib/dashboard-floor.ts';

/** The keys of `measures` in results.json: every one is present after any complete run. */
export const MEASURE_KEYS = [
  'load_csv_one_year',
  'load_xlsx_one_year',
  'load_all_years',
  'dashboard_http',
  'dashboard_cached_304',
  'dashboard_statements',
  'throughput',
  'peak_memory',
] as const;
export type MeasureKey = (typeof MEASURE_KEYS)[number];

/** One goal of the issue, reported (not asserted). */
export interface Goal {
  readonly goal: string;
  readonly target: string;
  readonly actual: string;
  readonly met: boolean;
}

/** One line of the printed table. */
export interface TableRow {
  readonly measure: string;
  readonly result: string;
  readonly floor: string;
  readonly ratio: string;
  readonly goal: string;
}

export interface BenchResults {
  readonly format: 'coopstat-bench-1';
  readonly profile: BenchOptions['profile'];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallSeconds: number;
  readonly options: BenchOptions;
  readonly machine: Machine;
  readonly data: Record<string, unknown>;
  readonly measures: Record<MeasureKey, Record<string, unknown>>;
  readonly goals: Goal[];
  readonly table: TableRow[];
}

const timedRuns = (runs: readonly { warmup: boolean; ms: number }[]) =>
  runs.filter((r) => !r.warmup).map((r) => r.ms);

/** Median per stage over the measured runs (one file per run). */
function stageMedians(result: LoadResult): Record<string, number> {
  const measured = result.runs.filter((r) => !r.warmup);
  const names = [
    ...new Set(measured.flatMap((r) => r.files.flatMap((f) => Object.keys(f.stages)))),
  ];
  return Object.fromEntries(
    names.map((n) => [
      n,
      summarize(measured.map((r) => r.files.reduce((s, f) => s + (f.stages[n] ?? 0), 0))).median,
    ]),
  );
}

const ratioText = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');
const mark = (met: boolean) => (met ? '✓' : '✗ missed');
const mib = (m: ProcessMemory) => `${m.maxRssMiB.toFixed(0)} MiB`;

/** Runs the whole bench with `options`; returns what it wrote to `options.resultsPath`. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date();
  const t0 = performance.now();
  const log = (line: string) => {
    if (options.verbose)
      process.stderr.write(
        `[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
      );
  };
  runTasksInProcess(options.inProcess);
  const machine = describeMachine();
  log(
    `${options.profile} run: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart}`,
  );
  const work = join(options.out, 'work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const loadAverages: Record<string, number> = { start: machine.loadAverageAtStart };
  const step = (name: string) => {
    loadAverages[name] = loadAverage();
    log(`${name} (load average ${loadAverages[name]})`);
  };

  // ---- Input files (generated once per seed, scale and generator version; reused after) ----
  step('input files');
  const yearsNeeded = [...new Set([...options.allYears, options.year])];
  const csv = await ensureRegisterFiles(
    {
      out: options.out,
      seed: options.seed,
      scale: options.scale,
      years: yearsNeeded,
      format: 'csv',
    },
    log,
  );
  const xlsx = await ensureRegisterFiles(
    {
      out: options.out,
      seed: options.seed,
      scale: options.scale,
      years: [options.year],
      format: 'xlsx',
    },
    log,
  );
  const small = await ensureRegisterFiles(
    {
      out: options.out,
      seed: options.seed,
      scale: options.scale,
      provinces: options.smallProvinces,
      years: [options.year],
      format: 'csv',
    },
    log,
  );
  const byYear = new Map(csv.files.map((f) => [f.year, f]));
  const oneYear = byYear.get(options.year)!;
  const allYearFiles = options.allYears.map((y) => byYear.get(y)!);
  const xlsxFile = xlsx.files[0]!;
  const smallFile = small.files[0]!;
  const describeFile = (f: DataFile) => ({
    path: f.path,
    year: f.year,
    rows: f.rows,
    megabytes: round(f.bytes / 1e6, 1),
    generatedThisRun: f.generated,
  });

  // ---- The template warehouse every load starts from (`coopstat init`) ----
  step('template warehouse (init)');
  const template = join(work, 'template.duckdb');
  const init = await runTask<{ ms: number; bytes: number }>('init', { db: template }, log);

  // ---- Load floor: read_csv into a bare table ----
  step('floor: read_csv of the one-year file');
  const floor = await runTask<FloorResult>(
    'floor-csv',
    {
      file: oneYear.path,
      allFiles: allYearFiles.length > 1 ? allYearFiles.map((f) => f.path) : undefined,
      workDir: work,
      warmup: options.warmup,
      reps: options.reps.floorCsv,
    },
    log,
  );
  machine.duckdb = floor.result.duckdbVersion;
  const floorSummary = summarize(timedRuns(floor.result.runs));

  // ---- Loads through the full ETL ----
  const loadArgs = (files: readonly DataFile[], warmup: number, reps: number, extra: object) => ({
    template,
    files: files.map((f) => f.path),
    workDir: work,
    warmup,
    reps,
    maxYear: Math.max(...files.map((f) => f.year)),
    profile: false,
    ...extra,
  });
  step(`load one year, CSV (${oneYear.rows} rows)`);
  const oneYearDb = join(work, 'one-year.duckdb');
  const loadCsv = await runTask<LoadResult>(
    'load',
    loadArgs([oneYear], options.warmup, options.reps.loadCsv, {
      keepAs: oneYearDb,
      profile: options.profileStatements,
    }),
    log,
  );
  const loadCsvSummary = summarize(timedRuns(loadCsv.result.runs));

  step('load one year, .xlsx');
  const loadXlsx = await runTask<LoadResult>(
    'load',
    loadArgs([xlsxFile], options.warmup, options.reps.loadXlsx, {}),
    log,
  );
  const loadXlsxSummary = summarize(timedRuns(loadXlsx.result.runs));

  step(
    `load all years (${options.allYears[0]}–${options.allYears.at(-1)}, ${allYearFiles.length} files)`,
  );
  const allYearsDb = join(work, 'all-years.duckdb');
  const loadAll = await runTask<LoadResult>(
    'load',
    loadArgs(allYearFiles, 0, 1, { keepAs: allYearsDb }),
    log,
  );
  const allRun = loadAll.result.runs.at(-1)!;

  step(`small warehouse (${options.smallProvinces} provinces)`);
  const smallDb = join(work, 'small.duckdb');
  await runTask<LoadResult>('load', loadArgs([smallFile], 0, 1, { keepAs: smallDb }), log);

  // ---- Statements per dashboard request, in-process (as test/helpers/api.ts execute()) ----
  step('statements per dashboard request (in-process)');
  const inProcess = async (db: string, reps: number, profile: boolean) =>
    (
      await runTask<InProcessResult>(
        'dashboard-in-process',
        { db, year: options.year, reps, profile },
        log,
      )
    ).result;
  const stmtSmall = await inProcess(smallDb, 2, false);
  const stmtFull = await inProcess(oneYearDb, 2, false);
  const stmtAll = await inProcess(
    allYearsDb,
    Math.max(2, Math.min(5, options.reps.dashboard)),
    options.profileStatements,
  );

  // ---- The API over HTTP, on the all-years warehouse ----
  step('API server (all-years warehouse)');
  const server = await startTask<
    { graphqlUrl: string; startMs: number; dataVersion: number },
    { cpuUserMs: number; cpuSystemMs: number }
  >('serve', { db: allYearsDb }, log);
  const url = server.info.graphqlUrl;
  const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { year: options.year } });
  let httpErrors: string[] = [];
  const dashboardMs: number[] = [];
  let etag: string | undefined;
  let firstBody: string | undefined;
  let bodiesIdentical = true;
  let responseBytes = 0;
  let apiData: unknown = null;
  step('dashboard over HTTP');
  for (let i = 0; i < options.warmup * 3 + options.reps.dashboard; i++) {
    const r = await postGraphql(url, body);
    if (r.status !== 200) httpErrors.push(`HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    const parsed = JSON.parse(r.body) as { data?: unknown; errors?: { message: string }[] };
    for (const e of parsed.errors ?? []) httpErrors.push(e.message);
    if (firstBody === undefined) {
      firstBody = r.body;
      apiData = parsed.data ?? null;
    } else if (r.body !== firstBody) bodiesIdentical = false;
    etag = r.etag ?? etag;
    responseBytes = r.bytes;
    if (i >= options.warmup * 3) dashboardMs.push(r.ms);
  }
  httpErrors = [...new Set(httpErrors)];
  const dashboardSummary = summarize(dashboardMs);

  step('dashboard repeated with If-None-Match');
  const cachedMs: number[] = [];
  const cachedStatus: Record<string, number> = {};
  for (let i = 0; i < options.warmup * 3 + options.reps.cached; i++) {
    const r = await postGraphql(url, body, etag ? { 'if-none-match': etag } : {});
    cachedStatus[r.status] = (cachedStatus[r.status] ?? 0) + 1;
    if (i >= options.warmup * 3) cachedMs.push(r.ms);
  }
  const cachedSummary = summarize(cachedMs);
  // What a 304 decided before execution could cost: the same connection's round trip to /health.
  const healthMs: number[] = [];
  const healthUrl = new URL('/health', url).href;
  for (let i = 0; i < options.warmup * 3 + options.reps.cached; i++) {
    const r = await getPath(healthUrl);
    if (i >= options.warmup * 3 && r.status === 200) healthMs.push(r.ms);
  }

  step('floor: the same numbers by hand-written SQL');
  const raw = await runTask<{ ms: number[]; statements: number; numbers: FloorNumbers }>(
    'dashboard-raw-sql',
    { db: allYearsDb, year: options.year, warmup: options.warmup * 3, reps: options.reps.rawSql },
    log,
  );
  const rawSummary = summarize(raw.result.ms);
  let comparison: DashboardComparison | null = null;
  try {
    comparison = compareDashboard(raw.result.numbers, apiData);
  } catch (error) {
    log(`could not compare the floor's numbers with the API's: ${String(error)}`);
  }

  const throughput: LoadTestResult[] = [];
  for (const connections of options.connections) {
    step(`${connections} concurrent client(s) for ${options.duration} s`);
    // Generous client timeout: a slow answer is measured, not dropped (the server's own query
    // timeout, 15 s by default, still applies and would show as errors in the responses).
    throughput.push(
      await loadTest(
        url,
        body,
        connections,
        options.duration,
        120,
        bodiesIdentical ? firstBody : undefined,
      ),
    );
  }
  step('stopping the server');
  const serverOutcome: TaskOutcome<{ cpuUserMs: number; cpuSystemMs: number }> =
    await server.stop();
  closeHttp();

  // ---- Goals and table ----
  const loadRatio = loadCsvSummary.median / floorSummary.median;
  const xlsxRatio = loadXlsxSummary.median / loadCsvSummary.median;
  const allFloor = floorSummary.median * allYearFiles.length;
  const allRatio = allRun.ms / allFloor;
  const dashboardGoalMs = 1.5 * rawSummary.median + 5;
  const statementsSmall = stmtSmall.statements;
  const statementsFull = stmtFull.statements;
  const statementsAll = stmtAll.statements;
  const allCounts = [...statementsSmall, ...statementsFull, ...statementsAll];
  const statementsConstant = new Set(allCounts).size === 1;
  const last = throughput.at(-1);
  const problems = (t: LoadTestResult) => t.errors + t.non2xx + t.mismatches;
  const clean = (t: LoadTestResult) => t.requests > 0 && problems(t) === 0;
  const goals: Goal[] = [
    {
      goal: 'full ETL of one register year ≤ 2× read_csv floor',
      target: `≤ ${formatMs(2 * floorSummary.median)}`,
      actual: `${formatMs(loadCsvSummary.median)} (${ratioText(loadRatio)})`,
      met: loadRatio <= 2,
    },
    {
      goal: 'dashboard p50 ≤ 1.5× raw-SQL floor + 5 ms',
      target: `≤ ${formatMs(dashboardGoalMs)}`,
      actual: formatMs(dashboardSummary.median),
      met: dashboardSummary.median <= dashboardGoalMs,
    },
    {
      goal: 'cached repeat (304) ≤ 2 ms',
      target: '≤ 2 ms',
      actual: formatMs(cachedSummary.median),
      met:
        cachedSummary.median <= 2 &&
        (cachedStatus['304'] ?? 0) === cachedMs.length + options.warmup * 3,
    },
    {
      goal: `statements per request constant (${stmtSmall.provincesWithData} vs ${stmtFull.provincesWithData} provinces with data)`,
      target: 'equal',
      actual: `${statementsSmall[0]} vs ${statementsFull[0]} (${stmtAll.statements[0]} on ${allYearFiles.length} years)`,
      met: statementsConstant,
    },
    {
      goal: `no error under ${last?.connections ?? '–'} clients`,
      target: '0 errors, 0 non-2xx',
      actual: last
        ? `${last.requests} answers; ${last.errors} errors (${last.timeouts} timeouts), ${last.non2xx} non-2xx, ${last.mismatches} wrong bodies`
        : '–',
      met: last !== undefined && clean(last),
    },
  ];

  const table: TableRow[] = [
    {
      measure: `Load one register year, CSV (${oneYear.rows.toLocaleString('en')} rows, ${options.year}, scale ${options.scale}), full ETL`,
      result: formatSummary(loadCsvSummary),
      floor: `read_csv CTAS ${formatSummary(floorSummary)}`,
      ratio: ratioText(loadRatio),
      goal: `≤ 2× ${mark(loadRatio <= 2)}`,
    },
    {
      measure: 'Load the same year from .xlsx',
      result: formatSummary(loadXlsxSummary),
      floor: `CSV load ${formatMs(loadCsvSummary.median)}`,
      ratio: ratioText(xlsxRatio),
      goal: '–',
    },
    {
      measure: `Load all ${allYearFiles.length} years (${options.allYears[0]}–${options.allYears.at(-1)}, ${allYearFiles.reduce((s, f) => s + f.rows, 0).toLocaleString('en')} rows)`,
      result: `${formatMs(allRun.ms)} (n=1)`,
      floor: `${allYearFiles.length} × one-year floor = ${formatMs(allFloor)}`,
      ratio: ratioText(allRatio),
      goal: '–',
    },
    {
      measure: `Dashboard over HTTP (${stmtAll.provinces} provinces, ${stmtAll.targets} targets, ${round(responseBytes / 1024, 1)} KiB)`,
      result: formatSummary(dashboardSummary),
      floor: `raw SQL ${formatSummary(rawSummary)}`,
      ratio: ratioText(dashboardSummary.median / rawSummary.median),
      goal: `≤ ${formatMs(dashboardGoalMs)} ${mark(dashboardSummary.median <= dashboardGoalMs)}`,
    },
    {
      measure: 'Same query repeated, If-None-Match → 304',
      result: formatSummary(cachedSummary),
      floor: healthMs.length > 0 ? `GET /health ${formatMs(summarize(healthMs).median)}` : '–',
      ratio: '–',
      goal: `≤ 2 ms ${mark(cachedSummary.median <= 2)}`,
    },
    {
      measure: 'SQL statements per dashboard request',
      result: `${stmtSmall.provincesWithData} provinces with data: ${statementsSmall[0]}; ${stmtFull.provincesWithData}: ${statementsFull[0]}; ${stmtAll.provincesWithData} × ${allYearFiles.length} years: ${statementsAll[0]}`,
      floor: `raw SQL: ${raw.result.statements}`,
      ratio: '–',
      goal: `constant ${mark(statementsConstant)}`,
    },
    ...throughput.map((t) => ({
      measure: `${t.connections} concurrent client${t.connections === 1 ? '' : 's'}, ${t.durationS} s (autocannon)`,
      result:
        t.requests === 0
          ? 'no answer completed within the run'
          : `${t.requestsPerSecond.toFixed(2)} req/s (${t.requests} answers); p50 ${formatMs(t.latencyMs.p50)}, p99 ${formatMs(t.latencyMs.p99)}`,
      floor: '–',
      ratio: '–',
      goal:
        t === last
          ? `no error ${mark(clean(t))}${problems(t) ? ` (${problems(t)})` : ''}`
          : `${problems(t)} errors`,
    })),
    {
      measure: options.inProcess
        ? 'Peak memory (in-process run: the whole bench process, not per measure)'
        : 'Peak memory (maxRSS of the child process)',
      result: `server ${mib(serverOutcome.memory)}; CSV load ${mib(loadCsv.memory)}; .xlsx load ${mib(loadXlsx.memory)}; all-years load ${mib(loadAll.memory)}`,
      floor: `read_csv ${mib(floor.memory)}`,
      ratio: '–',
      goal: '–',
    },
  ];

  machine.loadAverageAtEnd = loadAverage();
  const measures: BenchResults['measures'] = {
    load_csv_one_year: {
      file: describeFile(oneYear),
      ms: loadCsvSummary,
      warmupMs: loadCsv.result.runs.filter((r) => r.warmup).map((r) => round(r.ms)),
      stagesMedianMs: stageMedians(loadCsv.result),
      floor: {
        what: 'CREATE TABLE AS SELECT * FROM read_csv(file) on a fresh DB file, checkpoint, close (DuckDbHandle)',
        ms: floorSummary,
        rows: floor.result.runs[0]?.rows,
      },
      ratio: round(loadRatio, 3),
      report: loadCsv.result.runs.at(-1)?.files[0],
      warehouseBytes: loadCsv.result.runs.at(-1)?.warehouseBytes,
      profile: loadCsv.result.profile,
    },
    load_xlsx_one_year: {
      file: describeFile(xlsxFile),
      ms: loadXlsxSummary,
      stagesMedianMs: stageMedians(loadXlsx.result),
      floor: { what: 'the CSV load of the same year', ms: loadCsvSummary },
      ratio: round(xlsxRatio, 3),
    },
    load_all_years: {
      years: options.allYears,
      files: allYearFiles.map(describeFile),
      ms: round(allRun.ms),
      perFile: allRun.files.map((f) => ({
        file: f.file,
        ms: round(f.ms),
        rows: f.rowsRead,
        stages: roundAll(f.stages),
      })),
      floor: {
        what: `${allYearFiles.length} × the one-year read_csv floor`,
        ms: round(allFloor),
        measuredOneStatementMs: floor.result.allFiles ? round(floor.result.allFiles.ms) : null,
        measuredOneStatementRows: floor.result.allFiles?.rows ?? null,
      },
      ratio: round(allRatio, 3),
      warehouseBytes: allRun.warehouseBytes,
    },
    dashboard_http: {
      url: '(loopback, port 0)',
      warehouse: `all years (${options.allYears[0]}–${options.allYears.at(-1)})`,
      year: options.year,
      ms: dashboardSummary,
      p99: round(percentile(dashboardMs, 99)),
      errors: httpErrors,
      responseBytes,
      bodiesIdentical,
      inProcessMs: summarize(stmtAll.ms),
      floor: {
        what: 'hand-written SQL (3 statements) through a read-only DuckDbHandle, progress by the same engine',
        ms: rawSummary,
        statements: raw.result.statements,
        agreement: comparison,
      },
      ratio: round(dashboardSummary.median / rawSummary.median, 3),
      goalMs: round(dashboardGoalMs),
      serverStartMs: round(server.info.startMs),
      profile: stmtAll.profile,
      batches: stmtAll.batches,
    },
    dashboard_cached_304: {
      ms: cachedSummary,
      p99: round(percentile(cachedMs, 99)),
      statusCounts: cachedStatus,
      healthRoundTripMs: healthMs.length > 0 ? summarize(healthMs) : null,
    },
    dashboard_statements: {
      small: {
        provinces: stmtSmall.provincesWithData,
        areas: stmtSmall.provinces,
        statements: statementsSmall,
        errors: stmtSmall.errors,
      },
      full: {
        provinces: stmtFull.provincesWithData,
        areas: stmtFull.provinces,
        statements: statementsFull,
        errors: stmtFull.errors,
      },
      allYears: {
        provinces: stmtAll.provincesWithData,
        areas: stmtAll.provinces,
        statements: statementsAll,
        errors: stmtAll.errors,
      },
      constant: statementsConstant,
      rawSqlStatements: raw.result.statements,
    },
    throughput: Object.fromEntries(throughput.map((t) => [`c${t.connections}`, t])),
    peak_memory: {
      unit: 'MiB (maxRSS and VmHWM of the child process)',
      server: serverOutcome.memory,
      serverCpuMs: {
        user: round(serverOutcome.result.cpuUserMs),
        system: round(serverOutcome.result.cpuSystemMs),
      },
      loadCsvOneYear: loadCsv.memory,
      loadXlsxOneYear: loadXlsx.memory,
      loadAllYears: loadAll.memory,
      readCsvFloor: floor.memory,
      rawSqlFloor: raw.memory,
    },
  };
  const results: BenchResults = {
    format: 'coopstat-bench-1',
    profile: options.profile,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    wallSeconds: round((performance.now() - t0) / 1000, 1),
    options,
    machine,
    data: {
      oneYear: describeFile(oneYear),
      xlsx: describeFile(xlsxFile),
      small: describeFile(smallFile),
      allYears: allYearFiles.map(describeFile),
      generationMs: round(csv.generationMs + xlsx.generationMs + small.generationMs),
      templateInitMs: round(init.result.ms),
      loadAverages,
    },
    measures,
    goals,
    table,
  };
  await mkdir(dirname(options.resultsPath), { recursive: true });
  await writeFile(options.resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  // The scratch warehouses are large; the results are what is kept (unless --keep-work).
  if (!options.keepWork) await rm(work, { recursive: true, force: true });
  log(`wrote ${options.resultsPath} (${results.wallSeconds} s)`);
  return results;
}

function roundAll(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, round(v)]));
}

/** The results as Markdown: machine, table, goals. */
export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `coopstat bench (${r.profile}), ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${r.wallSeconds} s`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; DuckDB ${m.duckdb} (@duckdb/node-api ${m.duckdbNodeApi}); autocannon ${m.autocannon}; load average ${m.loadAverageAtStart} → ${m.loadAverageAtEnd}; commit ${m.gitCommit ?? '?'}${m.gitDirty ? ' (with local changes)' : ''}`,
    '',
    '| measure | median (min–max, n) | floor | ratio | goal |',
    '| --- | --- | --- | --- | --- |',
    ...r.table.map((t) => `| ${t.measure} | ${t.result} | ${t.floor} | ${t.ratio} | ${t.goal} |`),
    '',
    '| goal | target | actual | met |',
    '| --- | --- | --- | --- |',
    ...r.goals.map((g) => `| ${g.goal} | ${g.target} | ${g.actual} | ${g.met ? 'yes' : 'NO'} |`),
  ];
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const results = await runBench(parsed);
  process.stdout.write(renderMarkdown(results));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
