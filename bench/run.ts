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
import {
  compareCoopPull,
  compareDashboard,
  comparePeerPull,
  type DashboardComparison,
  type PullComparison,
} from './lib/dashboard-floor.ts';
import { timeCli, type CliTiming } from './lib/cli-start.ts';
import { GOALS } from './lib/goals.ts';
import { buildCompiled, type BuildInfo } from './lib/build.ts';
import { processTree, readRssMiB } from './lib/rss.ts';
import {
  peerRatios,
  pullRows,
  pullGoals,
  runPullMatrix,
  type MatrixResult,
  type PeerRatio,
  type PullTarget,
} from './lib/pull-matrix.ts';
import {
  ensurePeerInstalled,
  loadPeerTable,
  startPeerServer,
  startPostgres,
  type PeerServer,
  type Postgres,
} from './peer/peer.ts';
import type { PullFloorResult } from './tasks/dashboard.tasks.ts';
import { ensureRegisterFiles, type DataFile } from './lib/data.ts';
import { closeHttp, getPath, postGraphql } from './lib/http.ts';
import { describeMachine, loadAverage, type Machine } from './lib/machine.ts';
import { parseOptions, USAGE, type BenchOptions } from './lib/options.ts';
import { formatMs, formatSummary, percentile, round, summarize } from './lib/stats.ts';
import type { InProcessResult } from './tasks/dashboard.tasks.ts';
import { DASHBOARD_QUERY } from './lib/dashboard-query.ts';
import type { FloorResult, LoadResult } from './tasks/load.tasks.ts';
import type { FloorNumbers } from './lib/dashboard-floor.ts';

/** The keys of `measures` in results.json: every one is present after any run (skipped parts say so). */
export const MEASURE_KEYS = [
  'load_csv_one_year',
  'load_xlsx_one_year',
  'load_all_years',
  'load_first_vs_last',
  'dashboard_http',
  'dashboard_cached_304',
  'dashboard_statements',
  'pulls',
  'pull_floor',
  'peer',
  'cli_start',
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
  readonly format: 'coopstat-bench-2';
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
  /** The concurrent pulls, one row per server × operation × client count. */
  readonly pullTable: ReturnType<typeof pullRows>;
  /** coopstat over the peer at each client count (empty without `--peer`). */
  readonly peerTable: PeerRatio[];
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
const skipped = (why: string) => ({ skipped: why });

/** Idle time before the server's resident memory is read, so in-flight work has settled. */
const IDLE_SETTLE_MS = 3000;

/** Resident memory of the server's process tree after {@link IDLE_SETTLE_MS} without requests, MiB. */
async function idleRssMiB(serverPid: number): Promise<number | null> {
  await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
  const values = processTree(serverPid).map(readRssMiB);
  if (values.some((v) => v === null)) return null;
  return Math.round(values.reduce((sum: number, v) => sum + (v as number), 0));
}

/** Runs the bench with `options`; returns what it wrote to `options.resultsPath`. */
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
    `${options.profile} run (${options.parts.join(', ')}${options.peer ? ', peer' : ''}): ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart}`,
  );
  const work = join(options.out, 'work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const loadAverages: Record<string, number> = { start: machine.loadAverageAtStart };
  const step = (name: string) => {
    loadAverages[name] = loadAverage();
    log(`${name} (load average ${loadAverages[name]})`);
  };
  const runsLoads = options.parts.includes('loads');
  const runsApi = options.parts.includes('api');
  const runsCli = options.parts.includes('cli');

  const measures = Object.fromEntries(
    MEASURE_KEYS.map((k) => [k, skipped('part not run')]),
  ) as unknown as Record<MeasureKey, Record<string, unknown>>;
  const goals: Goal[] = [];
  const table: TableRow[] = [];
  const data: Record<string, unknown> = { loadAverages };
  const memory: Record<string, unknown> = { unit: 'MiB (maxRSS and VmHWM of the child process)' };
  const memoryLine: string[] = [];
  const describeFile = (f: DataFile) => ({
    path: f.path,
    year: f.year,
    rows: f.rows,
    megabytes: round(f.bytes / 1e6, 1),
    generatedThisRun: f.generated,
  });

  // The server and the CLI are measured as they run in production: compiled (dist/), no tsx.
  let build: BuildInfo | null = null;
  if (runsApi || runsCli) {
    step('compiled build (node scripts/build.mjs, when dist/ is older than a source)');
    build = buildCompiled();
    data.build = build;
  }

  // ================= Loads =================
  let template: string | undefined;
  let allYearsDb: string | undefined = options.warehouse ?? undefined;
  let oneYearDb: string | undefined;
  let smallDb: string | undefined;
  if (runsLoads) {
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
    Object.assign(data, {
      oneYear: describeFile(oneYear),
      xlsx: describeFile(xlsxFile),
      small: describeFile(smallFile),
      allYears: allYearFiles.map(describeFile),
      generationMs: round(csv.generationMs + xlsx.generationMs + small.generationMs),
    });

    // ---- The template warehouse every load starts from (`coopstat init`) ----
    step('template warehouse (init)');
    template = join(work, 'template.duckdb');
    const init = await runTask<{ ms: number; bytes: number }>('init', { db: template }, log);
    data.templateInitMs = round(init.result.ms);

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
      givenFamily: options.givenFamily,
      ...extra,
    });
    step(`load one year, CSV (${oneYear.rows} rows)`);
    oneYearDb = join(work, 'one-year.duckdb');
    const loadCsv = await runTask<LoadResult>(
      'load',
      loadArgs([oneYear], options.warmup, options.reps.loadCsv, {
        keepAs: oneYearDb,
        profile: options.profileStatements,
      }),
      log,
    );
    const loadCsvSummary = summarize(timedRuns(loadCsv.result.runs));
    const loadCsvLa = loadAverage();

    step('load one year, .xlsx');
    const loadXlsx = await runTask<LoadResult>(
      'load',
      loadArgs([xlsxFile], options.warmup, options.reps.loadXlsx, {}),
      log,
    );
    const loadXlsxSummary = summarize(timedRuns(loadXlsx.result.runs));
    const loadXlsxLa = loadAverage();

    step(
      `load all years (${options.allYears[0]}–${options.allYears.at(-1)}, ${allYearFiles.length} files)`,
    );
    const builtAllYears = join(work, 'all-years.duckdb');
    const loadAll = await runTask<LoadResult>(
      'load',
      loadArgs(allYearFiles, 0, 1, { keepAs: builtAllYears }),
      log,
    );
    const loadAllLa = loadAverage();
    const allRun = loadAll.result.runs.at(-1)!;
    allYearsDb = options.warehouse ?? builtAllYears;

    step(`small warehouse (${options.smallProvinces} provinces)`);
    smallDb = join(work, 'small.duckdb');
    await runTask<LoadResult>('load', loadArgs([smallFile], 0, 1, { keepAs: smallDb }), log);

    const loadRatio = loadCsvSummary.median / floorSummary.median;
    const xlsxRatio = loadXlsxSummary.median / loadCsvSummary.median;
    const allFloor = floorSummary.median * allYearFiles.length;
    const allRatio = allRun.ms / allFloor;
    const first = allRun.files[0]!;
    const lastFile = allRun.files.at(-1)!;
    const lastFirst = lastFile.ms / first.ms;
    const perRow = (f: typeof first) => f.ms / Math.max(1, f.rowsRead);
    const lastFirstPerRow = perRow(lastFile) / perRow(first);
    const publishing = (f: typeof first) => f.stages.publishing ?? Number.NaN;
    goals.push(
      {
        goal: 'full ETL of one register year ≤ 2× read_csv floor',
        target: `≤ ${formatMs(GOALS.maxLoadFloorRatio * floorSummary.median)}`,
        actual: `${formatMs(loadCsvSummary.median)} (${ratioText(loadRatio)})`,
        met: loadRatio <= GOALS.maxLoadFloorRatio,
      },
      {
        goal: '.xlsx load ≤ 2× the CSV load of the same rows',
        target: `≤ ${formatMs(GOALS.maxXlsxCsvRatio * loadCsvSummary.median)}`,
        actual: `${formatMs(loadXlsxSummary.median)} (${ratioText(xlsxRatio)})`,
        met: xlsxRatio <= GOALS.maxXlsxCsvRatio,
      },
    );
    const growth = allYearFiles.length > 1;
    if (growth)
      goals.push({
        goal: `the last of ${allYearFiles.length} years' load (on the warehouse holding the years before) costs no more than the first's`,
        target: `≤ ${GOALS.maxLastFirstLoadRatio}×`,
        actual: `${formatMs(lastFile.ms)} vs ${formatMs(first.ms)} (${ratioText(lastFirst)}; per row ${ratioText(lastFirstPerRow)})`,
        met: allYearFiles.length > 1 && lastFirst <= GOALS.maxLastFirstLoadRatio,
      });
    table.push(
      {
        measure: `Load one register year, CSV (${oneYear.rows.toLocaleString('en')} rows, ${options.year}, scale ${options.scale}), full ETL [load avg ${loadCsvLa}]`,
        result: formatSummary(loadCsvSummary),
        floor: `read_csv CTAS ${formatSummary(floorSummary)}`,
        ratio: ratioText(loadRatio),
        goal: `≤ ${GOALS.maxLoadFloorRatio}× ${mark(loadRatio <= GOALS.maxLoadFloorRatio)}`,
      },
      {
        measure: `Load the same year from .xlsx [load avg ${loadXlsxLa}]`,
        result: formatSummary(loadXlsxSummary),
        floor: `CSV load ${formatMs(loadCsvSummary.median)}`,
        ratio: ratioText(xlsxRatio),
        goal: `≤ ${GOALS.maxXlsxCsvRatio}× ${mark(xlsxRatio <= GOALS.maxXlsxCsvRatio)}`,
      },
      {
        measure: `Load all ${allYearFiles.length} years (${options.allYears[0]}–${options.allYears.at(-1)}, ${allYearFiles.reduce((s, f) => s + f.rows, 0).toLocaleString('en')} rows) [load avg ${loadAllLa}]`,
        result: `${formatMs(allRun.ms)} (n=1)`,
        floor: `${allYearFiles.length} × one-year floor = ${formatMs(allFloor)}`,
        ratio: ratioText(allRatio),
        goal: '–',
      },
    );
    if (growth)
      table.push({
        measure: `Last year's load (${lastFile.file}, ${lastFile.rowsRead.toLocaleString('en')} rows, publishing ${formatMs(publishing(lastFile))}) vs the first's (${first.file}, ${first.rowsRead.toLocaleString('en')} rows, publishing ${formatMs(publishing(first))})`,
        result: `${formatMs(lastFile.ms)} vs ${formatMs(first.ms)} (n=1)`,
        floor: 'the first year’s load',
        ratio: `${ratioText(lastFirst)} (per row ${ratioText(lastFirstPerRow)})`,
        goal: `≤ ${GOALS.maxLastFirstLoadRatio}× ${mark(lastFirst <= GOALS.maxLastFirstLoadRatio)}`,
      });
    measures.load_csv_one_year = {
      file: describeFile(oneYear),
      ms: loadCsvSummary,
      loadAverage: loadCsvLa,
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
    };
    measures.load_xlsx_one_year = {
      file: describeFile(xlsxFile),
      ms: loadXlsxSummary,
      loadAverage: loadXlsxLa,
      stagesMedianMs: stageMedians(loadXlsx.result),
      floor: { what: 'the CSV load of the same year', ms: loadCsvSummary },
      ratio: round(xlsxRatio, 3),
    };
    measures.load_all_years = {
      years: options.allYears,
      files: allYearFiles.map(describeFile),
      ms: round(allRun.ms),
      loadAverage: loadAllLa,
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
    };
    measures.load_first_vs_last = {
      first: {
        file: first.file,
        ms: round(first.ms),
        rows: first.rowsRead,
        stages: roundAll(first.stages),
      },
      last: {
        file: lastFile.file,
        ms: round(lastFile.ms),
        rows: lastFile.rowsRead,
        stages: roundAll(lastFile.stages),
      },
      ratio: round(lastFirst, 3),
      perRowRatio: round(lastFirstPerRow, 3),
      publishingRatio: round(publishing(lastFile) / publishing(first), 3),
      goal: `≤ ${GOALS.maxLastFirstLoadRatio}`,
    };
    Object.assign(memory, {
      loadCsvOneYear: loadCsv.memory,
      loadXlsxOneYear: loadXlsx.memory,
      loadAllYears: loadAll.memory,
      readCsvFloor: floor.memory,
    });
    memoryLine.push(
      `CSV load ${mib(loadCsv.memory)}; .xlsx load ${mib(loadXlsx.memory)}; all-years load ${mib(loadAll.memory)}; read_csv floor ${mib(floor.memory)}`,
    );
  }

  // ================= The API over HTTP =================
  if (runsApi) {
    const served = allYearsDb!;
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
    const stmtSmall = smallDb ? await inProcess(smallDb, 2, false) : null;
    const stmtFull = oneYearDb ? await inProcess(oneYearDb, 2, false) : null;
    const stmtAll = await inProcess(
      served,
      Math.max(2, Math.min(5, options.reps.dashboard)),
      options.profileStatements,
    );

    step(`API server (${served})`);
    const server = await startTask<
      { graphqlUrl: string; startMs: number; dataVersion: number; serverPid: number },
      { cpuUserMs: number; cpuSystemMs: number; memory: ProcessMemory; workers: number }
    >('serve', { db: served }, log);
    const url = server.info.graphqlUrl;
    const idleAfterStartMiB = await idleRssMiB(server.info.serverPid);
    let postgres: Postgres | undefined;
    let peerServer: PeerServer | undefined;
    try {
      const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { year: options.year } });
      let httpErrors: string[] = [];
      const dashboardMs: number[] = [];
      let etag: string | undefined;
      let firstBody: string | undefined;
      let bodiesIdentical = true;
      let responseBytes = 0;
      let apiData: unknown = null;
      step('dashboard (test operation, with progress) over HTTP');
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
      const healthMs: number[] = [];
      const healthUrl = new URL('/health', url).href;
      for (let i = 0; i < options.warmup * 3 + options.reps.cached; i++) {
        const r = await getPath(healthUrl);
        if (i >= options.warmup * 3 && r.status === 200) healthMs.push(r.ms);
      }

      step('floor: the dashboard test operation by hand-written SQL');
      const raw = await runTask<{ ms: number[]; statements: number; numbers: FloorNumbers }>(
        'dashboard-raw-sql',
        { db: served, year: options.year, warmup: options.warmup * 3, reps: options.reps.rawSql },
        log,
      );
      const rawSummary = summarize(raw.result.ms);
      let comparison: DashboardComparison | null = null;
      try {
        comparison = compareDashboard(raw.result.numbers, apiData);
      } catch (error) {
        log(`could not compare the floor's numbers with the API's: ${String(error)}`);
      }

      step(`floor: the ${options.pullYear} pulls by hand-written SQL`);
      const pullFloor = await runTask<PullFloorResult>(
        'pull-floor',
        { db: served, year: options.pullYear, warmup: 3, reps: Math.max(5, options.reps.rawSql) },
        log,
      );
      if (machine.duckdb === 'unknown') machine.duckdb = pullFloor.result.duckdbVersion;
      const pullFloorSummary = summarize(pullFloor.result.pullMs);
      const progressFloorSummary = summarize(pullFloor.result.progressMs);

      // ---- The peer, set up beside coopstat's server ----
      let peerInfo: Record<string, unknown> = skipped('not asked for (--peer)');
      if (options.peer) {
        step('peer: PostGraphile + pg-aggregates over PostgreSQL');
        try {
          const versions = await ensurePeerInstalled(log);
          const csv = join(work, 'peer-rows.csv');
          const exported = await runTask<{ rows: number }>('peer-export', { db: served, csv }, log);
          postgres = await startPostgres(log);
          const rows = await loadPeerTable(postgres, csv);
          peerServer = await startPeerServer(postgres.url);
          peerInfo = {
            ...versions,
            postgres: postgres.version,
            rows,
            exportedRows: exported.result.rows,
            table:
              'org_facts: province × year × organisation type × sector (no ALL rows), index on year',
            rss: 'PostGraphile process + every PostgreSQL process (shared memory counted in each)',
          };
        } catch (error) {
          peerInfo = { failed: error instanceof Error ? error.message : String(error) };
          log(`peer could not be started: ${String(peerInfo.failed)}`);
          await peerServer?.stop();
          await postgres?.stop();
          peerServer = undefined;
          postgres = undefined;
        }
      }

      const coopTarget: PullTarget = {
        name: 'coopstat',
        url,
        rssPids: () => processTree(server.info.serverPid),
      };
      const pg = postgres;
      const ps = peerServer;
      const peerTarget: PullTarget | null =
        pg && ps
          ? { name: 'peer', url: ps.graphqlUrl, rssPids: () => [ps.pid, ...pg.pids()] }
          : null;
      step(
        `pulls of ${options.pullYear}: ${options.connections.join('/')} clients × ${options.duration} s${peerTarget ? ', interleaved with the peer' : ''}`,
      );
      const matrix: MatrixResult = await runPullMatrix({
        year: options.pullYear,
        connections: options.connections,
        durationS: options.duration,
        coopstat: coopTarget,
        peer: peerTarget,
        log,
      });
      const coopWarm = matrix.warmUps.find((w) => w.operation === 'CoopDashboard');
      const peerWarm = matrix.warmUps.find((w) => w.target === 'peer');
      const progressWarm = matrix.warmUps.find((w) => w.operation === 'AllProgress');
      let coopAgreement: PullComparison | null = null;
      let peerAgreement: PullComparison | null = null;
      try {
        coopAgreement = compareCoopPull(pullFloor.result.groups, coopWarm?.data);
        if (peerWarm) peerAgreement = comparePeerPull(pullFloor.result.groups, peerWarm.data);
      } catch (error) {
        log(`could not compare the pulls with the floor: ${String(error)}`);
      }
      const progressTargets =
        (progressWarm?.data as { plans?: { targets: unknown[] }[] } | null)?.plans?.reduce(
          (n, p) => n + p.targets.length,
          0,
        ) ?? 0;

      step('stopping the servers');
      await peerServer?.stop();
      await postgres?.stop();
      peerServer = undefined;
      postgres = undefined;
      // What the server keeps once the clients have gone (the pulls filled its caches).
      const idleAfterPullsMiB = await idleRssMiB(server.info.serverPid);
      const serverOutcome = await server.stop();

      // ---- Goals and tables ----
      const statementsAll = stmtAll.statements;
      const allCounts = [
        ...(stmtSmall?.statements ?? []),
        ...(stmtFull?.statements ?? []),
        ...statementsAll,
      ];
      const statementsConstant = new Set(allCounts).size === 1;
      goals.push(
        ...pullGoals(matrix, 'CoopDashboard', pullFloorSummary),
        ...pullGoals(matrix, 'AllProgress', progressFloorSummary),
        {
          goal: 'cached repeat (304) ≤ 2 ms',
          target: '≤ 2 ms',
          actual: formatMs(cachedSummary.median),
          met:
            cachedSummary.median <= 2 &&
            (cachedStatus['304'] ?? 0) === cachedMs.length + options.warmup * 3,
        },
      );
      if (stmtSmall && stmtFull)
        goals.push({
          goal: `statements per request constant (${stmtSmall.provincesWithData} vs ${stmtFull.provincesWithData} provinces with data)`,
          target: 'equal',
          actual: `${stmtSmall.statements[0]} vs ${stmtFull.statements[0]} (${statementsAll[0]} on the served warehouse)`,
          met: statementsConstant,
        });
      const groups = pullFloor.result.groups.length;
      table.push(
        {
          measure: `CoopDashboard ${options.pullYear} (${groups} province × type groups), raw-SQL floor (1 statement)`,
          result: formatSummary(pullFloorSummary),
          floor: '–',
          ratio: '–',
          goal: coopAgreement
            ? `API equals floor in ${coopAgreement.equal}/${coopAgreement.cells} cells`
            : '–',
        },
        {
          measure: `AllProgress as of ${options.pullYear} (${progressTargets} targets), raw-SQL floor (2 statements + progress engine)`,
          result: formatSummary(progressFloorSummary),
          floor: '–',
          ratio: '–',
          goal: '–',
        },
        {
          measure: `Dashboard test operation over HTTP, same text each time (${stmtAll.provinces} provinces, ${stmtAll.targets} targets, ${round(responseBytes / 1024, 1)} KiB)`,
          result: formatSummary(dashboardSummary),
          floor: `raw SQL ${formatSummary(rawSummary)}`,
          ratio: ratioText(dashboardSummary.median / rawSummary.median),
          goal: '–',
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
          result: [
            stmtSmall
              ? `${stmtSmall.provincesWithData} provinces with data: ${stmtSmall.statements[0]}`
              : null,
            stmtFull ? `${stmtFull.provincesWithData}: ${stmtFull.statements[0]}` : null,
            `served warehouse: ${statementsAll[0]}`,
          ]
            .filter(Boolean)
            .join('; '),
          floor: `raw SQL: ${raw.result.statements}`,
          ratio: '–',
          goal: stmtSmall && stmtFull ? `constant ${mark(statementsConstant)}` : '–',
        },
      );
      const workers = serverOutcome.result.workers;
      memoryLine.unshift(
        `server ${mib(serverOutcome.result.memory)}${workers > 1 ? ` (${workers} workers and their primary)` : ''} (compiled dist/server.mjs; RSS at idle after start ${idleAfterStartMiB ?? '–'} MiB, at idle after the pulls ${idleAfterPullsMiB ?? '–'} MiB)`,
      );
      table.push({
        measure:
          'Server RSS at idle (compiled `node dist/server.mjs`): after start → after the pulls',
        result: `${idleAfterStartMiB ?? '–'} MiB → ${idleAfterPullsMiB ?? '–'} MiB`,
        floor: '–',
        ratio: '–',
        goal: '–',
      });
      Object.assign(memory, {
        server: serverOutcome.result.memory,
        serverIdleRssMiB: { afterStart: idleAfterStartMiB, afterPulls: idleAfterPullsMiB },
        serverWorkers: workers,
        serverCpuMs: {
          user: round(serverOutcome.result.cpuUserMs),
          system: round(serverOutcome.result.cpuSystemMs),
        },
        rawSqlFloor: raw.memory,
      });
      measures.dashboard_http = {
        url: '(loopback, port 0)',
        warehouse: served,
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
        serverStartMs: round(server.info.startMs),
        profile: stmtAll.profile,
        batches: stmtAll.batches,
      };
      measures.dashboard_cached_304 = {
        ms: cachedSummary,
        p99: round(percentile(cachedMs, 99)),
        statusCounts: cachedStatus,
        healthRoundTripMs: healthMs.length > 0 ? summarize(healthMs) : null,
      };
      measures.dashboard_statements = {
        small: stmtSmall && {
          provinces: stmtSmall.provincesWithData,
          areas: stmtSmall.provinces,
          statements: stmtSmall.statements,
          errors: stmtSmall.errors,
        },
        full: stmtFull && {
          provinces: stmtFull.provincesWithData,
          areas: stmtFull.provinces,
          statements: stmtFull.statements,
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
      };
      measures.pulls = {
        year: matrix.year,
        durationS: matrix.durationS,
        groups,
        targets: progressTargets,
        warmUps: matrix.warmUps.map(({ data: _data, ...w }) => w),
        coopstatAgreesWithFloor: coopAgreement,
        runs: matrix.runs,
      };
      measures.pull_floor = {
        what: 'the same numbers by hand-written SQL on one read-only DuckDbHandle, per request (rows converted to JS)',
        pullMs: pullFloorSummary,
        progressMs: progressFloorSummary,
        groups,
        targets: pullFloor.result.targets.length,
      };
      measures.peer = options.peer
        ? {
            ...peerInfo,
            agreesWithFloor: peerAgreement,
            ratios: peerRatios(matrix, options.connections),
          }
        : peerInfo;
      Object.assign(data, { pullTable: pullRows(matrix) });
    } finally {
      await peerServer?.stop();
      await postgres?.stop();
      closeHttp();
    }
  }

  // ================= CLI start =================
  if (runsCli) {
    step('CLI start (bin/coopstat.mjs)');
    let db = allYearsDb ?? template;
    if (!db) {
      db = join(work, 'cli.duckdb');
      await runTask('init', { db }, log);
    }
    const env = { ...process.env, LOG_LEVEL: 'silent' };
    const help = await timeCli(['--help'], options.cliReps, env);
    const loads = await timeCli(['loads', '--db', db], options.cliReps, env);
    const cli: CliTiming[] = [help, loads];
    goals.push(
      {
        goal: '`coopstat --help` wall time (median)',
        target: `≤ ${formatMs(GOALS.cliHelpMs)}`,
        actual: formatMs(help.ms.median),
        met: help.exitCode === 0 && help.ms.median <= GOALS.cliHelpMs,
      },
      {
        goal: '`coopstat loads` wall time (median)',
        target: `≤ ${formatMs(GOALS.cliLoadsMs)}`,
        actual: formatMs(loads.ms.median),
        met: loads.exitCode === 0 && loads.ms.median <= GOALS.cliLoadsMs,
      },
    );
    for (const c of cli)
      table.push({
        measure: `\`${c.command.replace(/ --db .*/, '')}\` (node bin/coopstat.mjs, compiled dist/) [load avg ${c.loadAverage}]`,
        result: formatSummary(c.ms),
        floor: '–',
        ratio: '–',
        goal: `exit ${c.exitCode}`,
      });
    measures.cli_start = { bin: 'bin/coopstat.mjs', compiled: build, runs: cli };
  }

  if (memoryLine.length > 0)
    table.push({
      measure: options.inProcess
        ? 'Peak memory (in-process run: the whole bench process, not per measure)'
        : 'Peak memory (maxRSS of the child process)',
      result: memoryLine.join('; '),
      floor: '–',
      ratio: '–',
      goal: '–',
    });
  measures.peak_memory = memory;

  machine.loadAverageAtEnd = loadAverage();
  const pullTable = (data.pullTable as ReturnType<typeof pullRows> | undefined) ?? [];
  delete data.pullTable;
  const results: BenchResults = {
    format: 'coopstat-bench-2',
    profile: options.profile,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    wallSeconds: round((performance.now() - t0) / 1000, 1),
    options,
    machine,
    data,
    measures,
    goals,
    table,
    pullTable,
    peerTable: (measures.peer as { ratios?: PeerRatio[] }).ratios ?? [],
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
    ...(r.pullTable.length === 0
      ? []
      : [
          'Pulls (text changed per request by a comment; RSS peak / mean during the run; load average at its start):',
          '',
          '| server | operation | clients | req/s (answered/sent) | p50 | p99 | errors | RSS | load avg |',
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
          ...r.pullTable.map(
            (p) =>
              `| ${p.target} | ${p.operation} | ${p.connections} | ${p.reqPerS} | ${p.p50} | ${p.p99} | ${p.problems} | ${p.rss} | ${p.loadAverage} |`,
          ),
          '',
        ]),
    ...(r.peerTable.length === 0
      ? []
      : [
          'coopstat over the peer, the same 252-group pull (req/s ratio above 1 and p50 ratio below 1 favour coopstat):',
          '',
          '| clients | coopstat req/s | peer req/s | req/s ratio | p50 ratio | RSS peak coopstat / peer |',
          '| --- | --- | --- | --- | --- | --- |',
          ...r.peerTable.map(
            (p) =>
              `| ${p.connections} | ${p.coopstatRps.toFixed(1)} | ${p.peerRps.toFixed(1)} | ${p.rpsRatio.toFixed(3)}× | ${Number.isFinite(p.p50Ratio) ? `${p.p50Ratio.toFixed(2)}×` : 'no answer'} | ${p.coopstatRssPeakMiB ?? '–'} / ${p.peerRssPeakMiB ?? '–'} MiB |`,
          ),
          '',
        ]),
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
