import { spawn } from 'node:child_process';
import { graphql } from 'graphql';
import { buildCoopstatSchema, createRequestContext } from '../../schema/index.ts';
import { forgetSnapshot } from '../../schema/snapshot-memo.ts';
import { loadConfig } from '../../server/config.ts';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { WarehouseReader } from '../../warehouse/store/warehouse-reader.ts';
import { DASHBOARD_QUERY } from '../lib/dashboard-query.ts';
import {
  fetchDashboardFloor,
  fetchProgressFloor,
  fetchPullFloor,
  type FloorNumbers,
  type FloorTarget,
  type PullGroup,
} from '../lib/dashboard-floor.ts';
import {
  costliest,
  installStatementTimer,
  replayAlone,
  type StatementCost,
} from '../lib/statement-timer.ts';
import type { ProcessMemory } from '../lib/child.ts';
import { SERVER_BUNDLE } from '../lib/build.ts';
import { freePort } from '../lib/free-port.ts';
import { childrenCpuMs, processTree, readPeakMiB } from '../lib/rss.ts';
import type { TaskContext } from './index.ts';

export interface ServeArgs {
  readonly db: string;
}

/**
 * Serves the warehouse as `npm start` does: `node dist/server.mjs`, the compiled server (the
 * bench builds it first), with no TypeScript loader in the process (`COOPSTAT_WORKERS` from the
 * bench's environment is honoured; one process by default), logging off, until stopped. CPU and
 * peak memory are the server's whole process tree.
 */
export async function serve(
  args: ServeArgs,
  ctx: TaskContext,
): Promise<{
  dataVersion: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  memory: ProcessMemory;
  workers: number;
}> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [SERVER_BUNDLE], {
    env: { ...process.env, COOPSTAT_DB: args.db, PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  const announced = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /coopstat API on (\S+) \(data version (\d+)/.exec(out);
      if (m) resolve(m);
    });
    void exited.then((code) => reject(new Error(`the server exited (code ${code}): ${out}`)));
  });
  const startMs = performance.now() - started;
  const dataVersion = Number(announced[2]);
  ctx.ready({ graphqlUrl: announced[1], startMs, dataVersion, serverPid: child.pid });
  await ctx.stopped;
  const tree = processTree(child.pid!);
  const peak = readPeakMiB(tree);
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`the server exited with code ${code} on SIGTERM: ${out}`);
  const cpu = childrenCpuMs();
  return {
    dataVersion,
    cpuUserMs: cpu.user,
    cpuSystemMs: cpu.system,
    memory: { maxRssMiB: peak ?? 0, vmHwmMiB: peak },
    workers: Math.max(1, tree.length - 1),
  };
}

export interface InProcessArgs {
  readonly db: string;
  readonly year: number;
  readonly reps: number;
  /** Record every statement of one execution and replay each alone. */
  readonly profile: boolean;
}

export interface InProcessResult {
  /** SQL statements each execution sent on the lease's handle (`statementCount`). */
  readonly statements: number[];
  readonly ms: number[];
  readonly errors: string[];
  /** DataLoader batches of the last execution: loader → keys in the batch. */
  readonly batches: { loader: string; keys: number }[];
  /** Areas (provinces) in the response. */
  readonly provinces: number;
  /** Of those, the ones with any figure (the small warehouse has data for a few only). */
  readonly provincesWithData: number;
  readonly targets: number;
  readonly responseBytes: number;
  readonly data: unknown;
  readonly profile: {
    /** The statements as called (waiting in the handle's queue included). */
    readonly asCalledMs: number;
    /** Sum of each statement replayed alone (its own cost). */
    readonly aloneMs: number;
    readonly top: StatementCost[];
  } | null;
}

/**
 * Executes the dashboard in-process against the warehouse's snapshot, as the server does and as
 * `test/helpers/api.ts` `execute()` does, counting the statements sent on the lease's handle.
 * Every run is cold (the snapshot's memo is forgotten first); the HTTP measure shows the warm case.
 */
export async function dashboardInProcess(args: InProcessArgs): Promise<InProcessResult> {
  const reader = await WarehouseReader.open(args.db, { watch: false });
  try {
    const schema = await buildCoopstatSchema();
    const statements: number[] = [];
    const ms: number[] = [];
    const errors: string[] = [];
    let last: Awaited<ReturnType<typeof graphql>> | undefined;
    let batches: InProcessResult['batches'] = [];
    const run = async () => {
      const lease = await reader.acquire();
      try {
        // Cold: what earlier requests kept for this snapshot is forgotten, so every run computes.
        forgetSnapshot(lease.snapshotKey);
        const context = createRequestContext(lease, { maxPageSize: 1000 });
        const before = lease.handle.statementCount;
        const started = performance.now();
        const result = await lease.run(() =>
          graphql({
            schema,
            source: DASHBOARD_QUERY,
            variableValues: { year: args.year },
            contextValue: context,
          }),
        );
        ms.push(performance.now() - started);
        statements.push(lease.handle.statementCount - before);
        for (const e of result.errors ?? []) errors.push(e.message);
        batches = context.loaders.batches.map((b) => ({ loader: b.loader, keys: b.keys.length }));
        last = result;
        return lease;
      } finally {
        lease.release();
      }
    };
    for (let i = 0; i < args.reps; i++) await run();

    let profile: InProcessResult['profile'] = null;
    if (args.profile) {
      const timer = installStatementTimer();
      await run();
      timer.uninstall();
      ms.pop();
      statements.pop();
      const lease = await reader.acquire();
      try {
        const alone = await replayAlone(lease.handle, timer.recorded, 3);
        profile = {
          asCalledMs: timer.recorded.reduce((s, x) => s + x.ms, 0),
          aloneMs: alone.reduce((s, x) => s + x.ms, 0),
          top: costliest(alone, 20),
        };
      } finally {
        lease.release();
      }
    }
    const data = last?.data as
      { membership?: { byOrgType: unknown[] }[]; plans?: { targets: unknown[] }[] } | undefined;
    return {
      statements,
      ms,
      errors: [...new Set(errors)],
      batches,
      provinces: data?.membership?.length ?? 0,
      provincesWithData: (data?.membership ?? []).filter((m) => m.byOrgType.length > 0).length,
      targets: (data?.plans ?? []).reduce((n, p) => n + p.targets.length, 0),
      responseBytes: Buffer.byteLength(JSON.stringify(last ?? {})),
      data: last?.data ?? null,
      profile,
    };
  } finally {
    await reader.close();
  }
}

export interface RawSqlArgs {
  readonly db: string;
  readonly year: number;
  readonly warmup: number;
  readonly reps: number;
}

/** The floor: the same numbers by hand-written SQL on a read-only `DuckDbHandle`. */
export async function dashboardRawSql(
  args: RawSqlArgs,
): Promise<{ ms: number[]; statements: number; numbers: FloorNumbers }> {
  const handle = await DuckDbHandle.open(args.db, { readOnly: true });
  try {
    const ms: number[] = [];
    let numbers: FloorNumbers | undefined;
    for (let i = 0; i < args.warmup + args.reps; i++) {
      const started = performance.now();
      numbers = await fetchDashboardFloor(handle, args.year);
      if (i >= args.warmup) ms.push(performance.now() - started);
    }
    return { ms, statements: numbers!.statements, numbers: numbers! };
  } finally {
    handle.close();
  }
}

export interface PullFloorArgs {
  readonly db: string;
  readonly year: number;
  readonly warmup: number;
  readonly reps: number;
}

export interface PullFloorResult {
  /** The 252-group pull by one statement, each repetition. */
  readonly pullMs: number[];
  /** Every target's progress by two statements and the progress engine, each repetition. */
  readonly progressMs: number[];
  readonly groups: PullGroup[];
  readonly targets: FloorTarget[];
}

/**
 * The raw-SQL floor of the pulls: the same numbers as `CoopDashboard` and `AllProgress`, by
 * hand-written SQL on one read-only `DuckDbHandle`, timed per request (rows converted to JS).
 */
export async function pullFloor(args: PullFloorArgs): Promise<PullFloorResult> {
  const handle = await DuckDbHandle.open(args.db, { readOnly: true });
  try {
    const pullMs: number[] = [];
    const progressMs: number[] = [];
    let groups: PullGroup[] = [];
    let targets: FloorTarget[] = [];
    for (let i = 0; i < args.warmup + args.reps; i++) {
      let started = performance.now();
      groups = await fetchPullFloor(handle, args.year);
      if (i >= args.warmup) pullMs.push(performance.now() - started);
      started = performance.now();
      targets = await fetchProgressFloor(handle, args.year);
      if (i >= args.warmup) progressMs.push(performance.now() - started);
    }
    return { pullMs, progressMs, groups, targets };
  } finally {
    handle.close();
  }
}
