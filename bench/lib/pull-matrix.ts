import { GOALS, judge, type Verdict } from './goals.ts';
import { postGraphql } from './http.ts';
import { loadAverage } from './machine.ts';
import {
  coopstatOperations,
  benchQuery,
  pullProblems,
  runPull,
  variedBody,
  type PullOperation,
  type PullResult,
} from './pull.ts';
import { formatMs, summarize, type Summary } from './stats.ts';

/**
 * The pulls of issue 9 at several client counts: coopstat's `CoopDashboard` (252 groups in
 * 2024), the progress of every target, `{ __typename }`, and — when the peer runs — the same
 * 252-group pull on PostGraphile, interleaved with coopstat's at each client count so both see
 * the same machine. Every request's text differs (a comment), so no cache answers.
 */

/** A server to pull from, with the processes whose memory counts as its own. */
export interface PullTarget {
  readonly name: 'coopstat' | 'peer';
  readonly url: string;
  readonly rssPids: () => number[];
}

export interface MatrixOptions {
  readonly year: number;
  readonly connections: readonly number[];
  readonly durationS: number;
  /** Ends each run after this many requests per client instead (the smoke run); null: `durationS`. */
  readonly requestsPerClient: number | null;
  /** Requests of each operation before the clock starts (at least 1: its answer is compared). */
  readonly warmups: number;
  readonly coopstat: PullTarget;
  readonly peer: PullTarget | null;
  readonly log: (line: string) => void;
}

/** The peer's one-query version of the 252-group pull. */
export function peerOperation(year: number): PullOperation {
  return {
    name: 'groupedAggregates',
    query: benchQuery('peer-dashboard.graphql'),
    variables: { year },
  };
}

/** One answer of each operation before the clock starts (and the data the comparison reads). */
export interface WarmUp {
  readonly operation: string;
  readonly target: string;
  readonly status: number;
  readonly ms: number;
  readonly bytes: number;
  readonly errors: string[];
  readonly data: unknown;
}

async function warmUp(target: PullTarget, op: PullOperation, times: number): Promise<WarmUp> {
  let last: WarmUp | undefined;
  for (let i = 0; i < times; i++) {
    const r = await postGraphql(target.url, variedBody(op, -1 - i));
    let parsed: { data?: unknown; errors?: { message: string }[] } = {};
    try {
      parsed = JSON.parse(r.body) as typeof parsed;
    } catch {
      parsed = { errors: [{ message: `not JSON: ${r.body.slice(0, 200)}` }] };
    }
    last = {
      operation: op.name,
      target: target.name,
      status: r.status,
      ms: r.ms,
      bytes: r.bytes,
      errors: (parsed.errors ?? []).map((e) => e.message.slice(0, 300)),
      data: parsed.data ?? null,
    };
  }
  return last!;
}

export interface MatrixResult {
  readonly year: number;
  readonly durationS: number;
  readonly warmUps: WarmUp[];
  /** In the order run. */
  readonly runs: PullResult[];
}

/** Runs every pull; `timeoutS` is generous so a slow answer is measured, not dropped. */
export async function runPullMatrix(options: MatrixOptions): Promise<MatrixResult> {
  const ops = coopstatOperations(options.year);
  const coopOps = [ops.dashboard, ops.progress, ops.typename];
  const peerOp = peerOperation(options.year);
  const warmUps: WarmUp[] = [];
  const times = Math.max(1, options.warmups);
  for (const op of coopOps) warmUps.push(await warmUp(options.coopstat, op, times));
  if (options.peer) warmUps.push(await warmUp(options.peer, peerOp, times));
  const runs: PullResult[] = [];
  for (const connections of options.connections) {
    const plan: [PullTarget, PullOperation][] = [
      [options.coopstat, ops.dashboard],
      ...(options.peer ? [[options.peer, peerOp] as [PullTarget, PullOperation]] : []),
      [options.coopstat, ops.progress],
      [options.coopstat, ops.typename],
    ];
    for (const [target, op] of plan) {
      const la = loadAverage();
      const length =
        options.requestsPerClient === null
          ? `${options.durationS} s`
          : `${options.requestsPerClient} requests each`;
      options.log(
        `${target.name} ${op.name}, ${connections} client(s), ${length} (load average ${la})`,
      );
      runs.push(
        await runPull({
          target: target.name,
          url: target.url,
          op,
          connections,
          durationS: options.durationS,
          ...(options.requestsPerClient === null
            ? {}
            : { requests: options.requestsPerClient * connections }),
          timeoutS: 120,
          loadAverage: la,
          // The memory goal is about the 32-client run; sampling every run costs nothing.
          rssPids: target.rssPids(),
        }),
      );
    }
  }
  return { year: options.year, durationS: options.durationS, warmUps, runs };
}

/** One row of the printed pull table. */
export interface PullRow {
  readonly target: string;
  readonly operation: string;
  readonly connections: number;
  readonly reqPerS: string;
  readonly p50: string;
  readonly p99: string;
  readonly problems: string;
  readonly rss: string;
  readonly loadAverage: number;
}

export function pullRows(m: MatrixResult): PullRow[] {
  return m.runs.map((r) => ({
    target: r.target,
    operation: r.operation,
    connections: r.connections,
    reqPerS: `${r.requestsPerSecond.toFixed(1)} (${r.requests}/${r.sent})`,
    p50: r.requests === 0 ? 'no answer' : formatMs(r.latencyMs.p50),
    p99: r.requests === 0 ? 'no answer' : formatMs(r.latencyMs.p99),
    problems: `${r.errors} errors (${r.timeouts} time-outs), ${r.non2xx} non-2xx, ${r.graphqlErrors} GraphQL errors`,
    rss: r.rss ? `${r.rss.peakMiB} / ${r.rss.meanMiB} MiB` : '–',
    loadAverage: r.loadAverage,
  }));
}

const find = (m: MatrixResult, target: string, op: string, c: number) =>
  m.runs.find((r) => r.target === target && r.operation === op && r.connections === c);

/** The goals of the issue for one coopstat operation, with its raw-SQL floor. */
export function pullGoals(m: MatrixResult, op: string, floor: Summary | null): Verdict[] {
  const goals: Verdict[] = [];
  const c1 = find(m, 'coopstat', op, 1);
  const c8 = find(m, 'coopstat', op, 8);
  const c32 = find(m, 'coopstat', op, 32);
  if (c1)
    goals.push(judge(GOALS.c1P50, c1.latencyMs.p50, { subject: op, also: pullProblems(c1) === 0 }));
  if (c8)
    goals.push(
      judge(GOALS.c8Rps, c8.requestsPerSecond, {
        subject: op,
        actual: `${c8.requestsPerSecond.toFixed(1)} req/s, ${pullProblems(c8)} errors`,
        also: pullProblems(c8) === 0,
        condition: '0 errors',
      }),
    );
  if (c32)
    goals.push(
      judge(GOALS.c32P99, c32.requests === 0 ? Number.NaN : c32.latencyMs.p99, {
        subject: op,
        actual:
          c32.requests === 0
            ? `no answer completed in ${c32.durationS} s`
            : `${pullProblems(c32)} errors, p99 ${formatMs(c32.latencyMs.p99)}`,
        also: pullProblems(c32) === 0,
        condition: '0 errors',
      }),
    );
  if (c1 && floor && Number.isFinite(floor.median))
    goals.push(
      judge(GOALS.floorRatio, c1.latencyMs.p50 / floor.median, {
        subject: op,
        detail: formatMs(floor.median),
      }),
    );
  if (c32?.rss)
    goals.push(
      judge(GOALS.serverRss, c32.rss.peakMiB, {
        subject: op,
        detail: `mean ${c32.rss.meanMiB} MiB`,
      }),
    );
  return goals;
}

/** coopstat over the peer at each client count (req/s ratio, p50 ratio): the figure that matters. */
export interface PeerRatio {
  readonly connections: number;
  readonly coopstatRps: number;
  readonly peerRps: number;
  /** coopstat req/s ÷ peer req/s (above 1: coopstat serves more). */
  readonly rpsRatio: number;
  /** coopstat p50 ÷ peer p50 (below 1: coopstat answers sooner). */
  readonly p50Ratio: number;
  readonly coopstatRssPeakMiB: number | null;
  readonly peerRssPeakMiB: number | null;
}

export function peerRatios(m: MatrixResult, connections: readonly number[]): PeerRatio[] {
  const out: PeerRatio[] = [];
  for (const c of connections) {
    const mine = find(m, 'coopstat', 'CoopDashboard', c);
    const theirs = find(m, 'peer', 'groupedAggregates', c);
    if (!mine || !theirs) continue;
    out.push({
      connections: c,
      coopstatRps: mine.requestsPerSecond,
      peerRps: theirs.requestsPerSecond,
      rpsRatio: mine.requestsPerSecond / theirs.requestsPerSecond,
      p50Ratio:
        mine.requests > 0 && theirs.requests > 0
          ? mine.latencyMs.p50 / theirs.latencyMs.p50
          : Number.NaN,
      coopstatRssPeakMiB: mine.rss?.peakMiB ?? null,
      peerRssPeakMiB: theirs.rss?.peakMiB ?? null,
    });
  }
  return out;
}
