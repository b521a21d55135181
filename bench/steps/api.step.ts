import { join } from 'node:path';
import { runTask, startTask, type ProcessMemory, type RunningTask } from '../lib/child.ts';
import {
  compareCoopPull,
  compareDashboard,
  comparePeerPull,
  type DashboardComparison,
  type FloorNumbers,
  type PullComparison,
} from '../lib/dashboard-floor.ts';
import { DASHBOARD_QUERY } from '../lib/dashboard-query.ts';
import { GOALS, judge } from '../lib/goals.ts';
import { closeHttp, getPath, postGraphql } from '../lib/http.ts';
import {
  peerRatios,
  pullGoals,
  pullRows,
  runPullMatrix,
  type MatrixResult,
  type PullTarget,
} from '../lib/pull-matrix.ts';
import { processTree, readRssMiB } from '../lib/rss.ts';
import { describeCounts, statementGrowth } from '../lib/statements.ts';
import {
  formatMs,
  formatSummary,
  percentile,
  round,
  summarize,
  type Summary,
} from '../lib/stats.ts';
import {
  ensurePeerInstalled,
  loadPeerTable,
  startPeerServer,
  startPostgres,
  type PeerServer,
  type Postgres,
} from '../peer/peer.ts';
import type { InProcessResult, PullFloorResult } from '../tasks/dashboard.tasks.ts';
import { goalCell, mib, ratioText, skipped, type BenchContext } from './context.ts';

/**
 * The API part of the bench: SQL statements per dashboard request (in-process, on warehouses
 * with few and many provinces with data), then the compiled server over HTTP — the dashboard
 * test operation, its `304` repeat, the raw-SQL floors, the concurrent pulls (with the peer
 * interleaved when asked) — and the server's memory at idle after start and after the pulls.
 */

/** The warehouses the API part reads. */
export interface ApiWarehouses {
  /** The warehouse the server serves (every year). */
  readonly served: string;
  /** One year, every province (absent when the loads part did not run). */
  readonly oneYear?: string;
  /** One year, a few provinces (absent when the loads part did not run). */
  readonly small?: string;
}

/** Idle time before the server's resident memory is read, so in-flight work has settled. */
const IDLE_SETTLE_MS = 3000;

/** Resident memory of the server's process tree after {@link IDLE_SETTLE_MS} without requests, MiB. */
async function idleRssMiB(serverPid: number, settleMs = IDLE_SETTLE_MS): Promise<number | null> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const values = processTree(serverPid).map(readRssMiB);
  if (values.some((v) => v === null)) return null;
  return Math.round(values.reduce((sum: number, v) => sum + (v as number), 0));
}

type ServerTask = RunningTask<
  { graphqlUrl: string; startMs: number; dataVersion: number; serverPid: number },
  { cpuUserMs: number; cpuSystemMs: number; memory: ProcessMemory; workers: number }
>;

/** Statements per request on each warehouse, in order of provinces with data. */
interface StatementCounts {
  readonly small: InProcessResult | null;
  readonly full: InProcessResult | null;
  readonly all: InProcessResult;
}

/** The dashboard test operation over HTTP, and its repeat answered 304. */
interface DashboardHttp {
  readonly ms: number[];
  readonly summary: Summary;
  readonly errors: string[];
  readonly bodiesIdentical: boolean;
  readonly responseBytes: number;
  readonly data: unknown;
  readonly cachedMs: number[];
  readonly cachedSummary: Summary;
  readonly cachedStatus: Record<string, number>;
  readonly healthMs: number[];
}

/** The hand-written SQL the API is compared with. */
interface Floors {
  readonly raw: Awaited<
    ReturnType<typeof runTask<{ ms: number[]; statements: number; numbers: FloorNumbers }>>
  >;
  readonly rawSummary: Summary;
  readonly comparison: DashboardComparison | null;
  readonly pull: PullFloorResult;
  readonly pullSummary: Summary;
  readonly progressSummary: Summary;
}

/** The peer, when it runs. */
interface Peer {
  postgres?: Postgres;
  server?: PeerServer;
  info: Record<string, unknown>;
}

/** The pulls, and how their answers compare with the floor. */
interface Pulls {
  readonly matrix: MatrixResult;
  readonly coopAgreement: PullComparison | null;
  readonly peerAgreement: PullComparison | null;
  readonly progressTargets: number;
}

/** Runs the API part. */
export async function measureApi(ctx: BenchContext, warehouses: ApiWarehouses): Promise<void> {
  const statements = await countStatements(ctx, warehouses);

  ctx.step(`API server (${warehouses.served})`);
  const server: ServerTask = await startTask('serve', { db: warehouses.served }, ctx.log);
  // The smoke run checks that the idle RSS is read, not what it settles to.
  const settleMs = ctx.options.profile === 'smoke' ? 300 : IDLE_SETTLE_MS;
  const idleAfterStartMiB = await idleRssMiB(server.info.serverPid, settleMs);
  const peer: Peer = { info: skipped('not asked for (--peer)') };
  try {
    const dashboard = await measureDashboardHttp(ctx, server.info.graphqlUrl);
    const floors = await measureFloors(ctx, warehouses.served, dashboard.data);
    if (ctx.options.peer) await startPeer(ctx, warehouses.served, peer);
    const pulls = await runPulls(ctx, server, floors, peer);

    ctx.step('stopping the servers');
    await stopPeer(peer);
    // What the server keeps once the clients have gone (the pulls filled its caches).
    const idleAfterPullsMiB = await idleRssMiB(server.info.serverPid, settleMs);
    const serverOutcome = await server.stop();

    recordStatements(ctx, statements, floors);
    recordHttp(ctx, warehouses.served, server, statements, dashboard, floors);
    recordPulls(ctx, floors, pulls, peer);
    const workers = serverOutcome.result.workers;
    ctx.memoryLine.unshift(
      `server ${mib(serverOutcome.result.memory)}${workers > 1 ? ` (${workers} workers and their primary)` : ''} (compiled dist/server.mjs; RSS at idle after start ${idleAfterStartMiB ?? '–'} MiB, at idle after the pulls ${idleAfterPullsMiB ?? '–'} MiB)`,
    );
    ctx.table.push({
      measure:
        'Server RSS at idle (compiled `node dist/server.mjs`): after start → after the pulls',
      result: `${idleAfterStartMiB ?? '–'} MiB → ${idleAfterPullsMiB ?? '–'} MiB`,
      floor: '–',
      ratio: '–',
      goal: '–',
    });
    Object.assign(ctx.memory, {
      server: serverOutcome.result.memory,
      serverIdleRssMiB: { afterStart: idleAfterStartMiB, afterPulls: idleAfterPullsMiB },
      serverWorkers: workers,
      serverCpuMs: {
        user: round(serverOutcome.result.cpuUserMs),
        system: round(serverOutcome.result.cpuSystemMs),
      },
      rawSqlFloor: floors.raw.memory,
    });
  } finally {
    await stopPeer(peer);
    closeHttp();
  }
}

/** Statements per dashboard request in-process (as test/helpers/api.ts `execute()` runs it). */
async function countStatements(
  ctx: BenchContext,
  warehouses: ApiWarehouses,
): Promise<StatementCounts> {
  ctx.step('statements per dashboard request (in-process)');
  const inProcess = async (db: string, reps: number, profile: boolean) =>
    (
      await runTask<InProcessResult>(
        'dashboard-in-process',
        { db, year: ctx.options.year, reps, profile },
        ctx.log,
      )
    ).result;
  const reps = ctx.options.statementReps;
  const small = warehouses.small ? await inProcess(warehouses.small, reps, false) : null;
  const full = warehouses.oneYear ? await inProcess(warehouses.oneYear, reps, false) : null;
  const allReps = Math.max(reps, Math.min(5, ctx.options.reps.dashboard));
  // The warehouse served is the one-year one when the all-years load was the one-year load
  // (`allYearsFromOneYear`): the same requests on the same file are not run twice.
  const sameAsFull =
    full !== null &&
    warehouses.served === warehouses.oneYear &&
    allReps === reps &&
    !ctx.options.profileStatements;
  return {
    small,
    full,
    all: sameAsFull
      ? full
      : await inProcess(warehouses.served, allReps, ctx.options.profileStatements),
  };
}

/** The dashboard test operation over HTTP (same text each time), its 304 repeat and `/health`. */
async function measureDashboardHttp(ctx: BenchContext, url: string): Promise<DashboardHttp> {
  const { options } = ctx;
  const body = JSON.stringify({ query: DASHBOARD_QUERY, variables: { year: options.year } });
  const errors: string[] = [];
  const ms: number[] = [];
  let etag: string | undefined;
  let firstBody: string | undefined;
  let bodiesIdentical = true;
  let responseBytes = 0;
  let data: unknown = null;
  ctx.step('dashboard (test operation, with progress) over HTTP');
  for (let i = 0; i < options.warmup * 3 + options.reps.dashboard; i++) {
    const r = await postGraphql(url, body);
    if (r.status !== 200) errors.push(`HTTP ${r.status}: ${r.body.slice(0, 200)}`);
    const parsed = JSON.parse(r.body) as { data?: unknown; errors?: { message: string }[] };
    for (const e of parsed.errors ?? []) errors.push(e.message);
    if (firstBody === undefined) {
      firstBody = r.body;
      data = parsed.data ?? null;
    } else if (r.body !== firstBody) bodiesIdentical = false;
    etag = r.etag ?? etag;
    responseBytes = r.bytes;
    if (i >= options.warmup * 3) ms.push(r.ms);
  }

  ctx.step('dashboard repeated with If-None-Match');
  const cachedMs: number[] = [];
  const cachedStatus: Record<string, number> = {};
  for (let i = 0; i < options.warmup * 3 + options.reps.cached; i++) {
    const r = await postGraphql(url, body, etag ? { 'if-none-match': etag } : {});
    cachedStatus[r.status] = (cachedStatus[r.status] ?? 0) + 1;
    if (i >= options.warmup * 3) cachedMs.push(r.ms);
  }
  const healthMs: number[] = [];
  const healthUrl = new URL('/health', url).href;
  for (let i = 0; i < options.warmup * 3 + options.reps.cached; i++) {
    const r = await getPath(healthUrl);
    if (i >= options.warmup * 3 && r.status === 200) healthMs.push(r.ms);
  }
  return {
    ms,
    summary: summarize(ms),
    errors: [...new Set(errors)],
    bodiesIdentical,
    responseBytes,
    data,
    cachedMs,
    cachedSummary: summarize(cachedMs),
    cachedStatus,
    healthMs,
  };
}

/** The dashboard and the pulls by hand-written SQL, and the API's answer compared with them. */
async function measureFloors(ctx: BenchContext, served: string, apiData: unknown): Promise<Floors> {
  const { options } = ctx;
  ctx.step('floor: the dashboard test operation by hand-written SQL');
  const raw = await runTask<{ ms: number[]; statements: number; numbers: FloorNumbers }>(
    'dashboard-raw-sql',
    { db: served, year: options.year, warmup: options.warmup * 3, reps: options.reps.rawSql },
    ctx.log,
  );
  let comparison: DashboardComparison | null = null;
  try {
    comparison = compareDashboard(raw.result.numbers, apiData);
  } catch (error) {
    ctx.log(`could not compare the floor's numbers with the API's: ${String(error)}`);
  }

  ctx.step(`floor: the ${options.pullYear} pulls by hand-written SQL`);
  const pull = await runTask<PullFloorResult>(
    'pull-floor',
    {
      db: served,
      year: options.pullYear,
      warmup: options.pullFloorWarmup,
      reps: Math.max(options.pullFloorReps, options.reps.rawSql),
    },
    ctx.log,
  );
  return {
    raw,
    rawSummary: summarize(raw.result.ms),
    comparison,
    pull: pull.result,
    pullSummary: summarize(pull.result.pullMs),
    progressSummary: summarize(pull.result.progressMs),
  };
}

/** PostGraphile + pg-aggregates over PostgreSQL, serving the same rows; `peer.info` says how. */
async function startPeer(ctx: BenchContext, served: string, peer: Peer): Promise<void> {
  ctx.step('peer: PostGraphile + pg-aggregates over PostgreSQL');
  try {
    const versions = await ensurePeerInstalled(ctx.log);
    const csv = join(ctx.work, 'peer-rows.csv');
    const exported = await runTask<{ rows: number }>('peer-export', { db: served, csv }, ctx.log);
    peer.postgres = await startPostgres(ctx.log);
    const rows = await loadPeerTable(peer.postgres, csv);
    peer.server = await startPeerServer(peer.postgres.url);
    peer.info = {
      ...versions,
      postgres: peer.postgres.version,
      rows,
      exportedRows: exported.result.rows,
      table: 'org_facts: province × year × organisation type × sector (no ALL rows), index on year',
      rss: 'PostGraphile process + every PostgreSQL process (shared memory counted in each)',
    };
  } catch (error) {
    peer.info = { failed: error instanceof Error ? error.message : String(error) };
    ctx.log(`peer could not be started: ${String(peer.info.failed)}`);
    await stopPeer(peer);
  }
}

async function stopPeer(peer: Peer): Promise<void> {
  await peer.server?.stop();
  await peer.postgres?.stop();
  peer.server = undefined;
  peer.postgres = undefined;
}

/** The concurrent pulls (interleaved with the peer's when it runs). */
async function runPulls(
  ctx: BenchContext,
  server: ServerTask,
  floors: Floors,
  peer: Peer,
): Promise<Pulls> {
  const { options } = ctx;
  const coopTarget: PullTarget = {
    name: 'coopstat',
    url: server.info.graphqlUrl,
    rssPids: () => processTree(server.info.serverPid),
  };
  const pg = peer.postgres;
  const ps = peer.server;
  const peerTarget: PullTarget | null =
    pg && ps ? { name: 'peer', url: ps.graphqlUrl, rssPids: () => [ps.pid, ...pg.pids()] } : null;
  ctx.step(
    `pulls of ${options.pullYear}: ${options.connections.join('/')} clients × ${options.pullRequestsPerClient === null ? `${options.duration} s` : `${options.pullRequestsPerClient} requests`}${peerTarget ? ', interleaved with the peer' : ''}`,
  );
  const matrix = await runPullMatrix({
    year: options.pullYear,
    connections: options.connections,
    durationS: options.duration,
    requestsPerClient: options.pullRequestsPerClient,
    warmups: options.pullWarmups,
    coopstat: coopTarget,
    peer: peerTarget,
    log: ctx.log,
  });
  const coopWarm = matrix.warmUps.find((w) => w.operation === 'CoopDashboard');
  const peerWarm = matrix.warmUps.find((w) => w.target === 'peer');
  const progressWarm = matrix.warmUps.find((w) => w.operation === 'AllProgress');
  let coopAgreement: PullComparison | null = null;
  let peerAgreement: PullComparison | null = null;
  try {
    coopAgreement = compareCoopPull(floors.pull.groups, coopWarm?.data);
    if (peerWarm) peerAgreement = comparePeerPull(floors.pull.groups, peerWarm.data);
  } catch (error) {
    ctx.log(`could not compare the pulls with the floor: ${String(error)}`);
  }
  const progressTargets =
    (progressWarm?.data as { plans?: { targets: unknown[] }[] } | null)?.plans?.reduce(
      (n, p) => n + p.targets.length,
      0,
    ) ?? 0;
  return { matrix, coopAgreement, peerAgreement, progressTargets };
}

/** The statements goal: the count per request does not grow with the provinces with data. */
function recordStatements(ctx: BenchContext, counts: StatementCounts, floors: Floors): void {
  const { small, full, all } = counts;
  const compared = [small, full, all].filter((c): c is InProcessResult => c !== null);
  const growth = statementGrowth(compared.map((c) => c.statements));
  const described = [
    small
      ? `${small.provincesWithData} provinces with data: ${describeCounts(small.statements)}`
      : null,
    full ? `${full.provincesWithData}: ${describeCounts(full.statements)}` : null,
    `served warehouse: ${describeCounts(all.statements)}`,
  ]
    .filter(Boolean)
    .join('; ');
  const verdict =
    small && full
      ? ctx.judged(
          judge(GOALS.statementGrowth, growth, {
            detail: `${small.provincesWithData} vs ${full.provincesWithData} provinces with data, request by request`,
            actual: `${described} (the first request on a connection also reads the release list)`,
          }),
        )
      : null;
  ctx.table.push({
    measure: 'SQL statements per dashboard request (each request in order, on a fresh reader)',
    result: described,
    floor: `raw SQL: ${floors.raw.result.statements}`,
    ratio: '–',
    goal: verdict ? goalCell(verdict) : '–',
  });
  const describe = (c: InProcessResult) => ({
    provinces: c.provincesWithData,
    areas: c.provinces,
    statements: c.statements,
    errors: c.errors,
  });
  ctx.measures.dashboard_statements = {
    small: small && describe(small),
    full: full && describe(full),
    allYears: describe(all),
    growth: Number.isFinite(growth) ? growth : null,
    constant: Number.isFinite(growth) && growth <= GOALS.statementGrowth.limit,
    rawSqlStatements: floors.raw.result.statements,
  };
}

/** The dashboard over HTTP against its floor, and the 304 repeat. */
function recordHttp(
  ctx: BenchContext,
  served: string,
  server: ServerTask,
  counts: StatementCounts,
  dashboard: DashboardHttp,
  floors: Floors,
): void {
  const cachedAll304 =
    (dashboard.cachedStatus['304'] ?? 0) === dashboard.cachedMs.length + ctx.options.warmup * 3;
  const cached = ctx.judged(
    judge(GOALS.cached304, dashboard.cachedSummary.median, { also: cachedAll304 }),
  );
  const all = counts.all;
  ctx.table.push(
    {
      measure: `Dashboard test operation over HTTP, same text each time (${all.provinces} provinces, ${all.targets} targets, ${round(dashboard.responseBytes / 1024, 1)} KiB)`,
      result: formatSummary(dashboard.summary),
      floor: `raw SQL ${formatSummary(floors.rawSummary)}`,
      ratio: ratioText(dashboard.summary.median / floors.rawSummary.median),
      goal: '–',
    },
    {
      measure: 'Same query repeated, If-None-Match → 304',
      result: formatSummary(dashboard.cachedSummary),
      floor:
        dashboard.healthMs.length > 0
          ? `GET /health ${formatMs(summarize(dashboard.healthMs).median)}`
          : '–',
      ratio: '–',
      goal: goalCell(cached),
    },
  );
  ctx.measures.dashboard_http = {
    url: '(loopback, port 0)',
    warehouse: served,
    year: ctx.options.year,
    ms: dashboard.summary,
    p99: round(percentile(dashboard.ms, 99)),
    errors: dashboard.errors,
    responseBytes: dashboard.responseBytes,
    bodiesIdentical: dashboard.bodiesIdentical,
    inProcessMs: summarize(all.ms),
    floor: {
      what: 'hand-written SQL (3 statements) through a read-only DuckDbHandle, progress by the same engine',
      ms: floors.rawSummary,
      statements: floors.raw.result.statements,
      agreement: floors.comparison,
    },
    ratio: round(dashboard.summary.median / floors.rawSummary.median, 3),
    serverStartMs: round(server.info.startMs),
    profile: all.profile,
    batches: all.batches,
  };
  ctx.measures.dashboard_cached_304 = {
    ms: dashboard.cachedSummary,
    p99: round(percentile(dashboard.cachedMs, 99)),
    statusCounts: dashboard.cachedStatus,
    healthRoundTripMs: dashboard.healthMs.length > 0 ? summarize(dashboard.healthMs) : null,
  };
}

/** The pulls' goals, the floors' rows, and the pull and peer measures. */
function recordPulls(ctx: BenchContext, floors: Floors, pulls: Pulls, peer: Peer): void {
  const { options } = ctx;
  const { matrix } = pulls;
  ctx.goals.push(
    ...pullGoals(matrix, 'CoopDashboard', floors.pullSummary),
    ...pullGoals(matrix, 'AllProgress', floors.progressSummary),
  );
  const groups = floors.pull.groups.length;
  ctx.table.push(
    {
      measure: `CoopDashboard ${options.pullYear} (${groups} province × type groups), raw-SQL floor (1 statement)`,
      result: formatSummary(floors.pullSummary),
      floor: '–',
      ratio: '–',
      goal: pulls.coopAgreement
        ? `API equals floor in ${pulls.coopAgreement.equal}/${pulls.coopAgreement.cells} cells`
        : '–',
    },
    {
      measure: `AllProgress as of ${options.pullYear} (${pulls.progressTargets} targets), raw-SQL floor (2 statements + progress engine)`,
      result: formatSummary(floors.progressSummary),
      floor: '–',
      ratio: '–',
      goal: '–',
    },
  );
  ctx.measures.pulls = {
    year: matrix.year,
    durationS: matrix.durationS,
    groups,
    targets: pulls.progressTargets,
    warmUps: matrix.warmUps.map(({ data: _data, ...w }) => w),
    coopstatAgreesWithFloor: pulls.coopAgreement,
    runs: matrix.runs,
  };
  ctx.measures.pull_floor = {
    what: 'the same numbers by hand-written SQL on one read-only DuckDbHandle, per request (rows converted to JS)',
    pullMs: floors.pullSummary,
    progressMs: floors.progressSummary,
    groups,
    targets: floors.pull.targets.length,
  };
  ctx.measures.peer = options.peer
    ? {
        ...peer.info,
        agreesWithFloor: pulls.peerAgreement,
        ratios: peerRatios(matrix, options.connections),
      }
    : peer.info;
  ctx.data.pullTable = pullRows(matrix);
}
