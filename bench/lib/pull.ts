import { readFileSync } from 'node:fs';
import autocannon, { type AutocannonResult } from 'autocannon';
import { readRssMiB } from './rss.ts';

/**
 * Concurrent pulls of one GraphQL operation with autocannon, its text changed on every request by
 * a leading comment (`# pull 17`), so neither a response cache nor an ETag can answer it: every
 * request is parsed, validated and executed. The same settings serve coopstat and the peer.
 */

/** One operation to pull: a `.graphql` file of `bench/queries/` and its variables. */
export interface PullOperation {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/** Reads `bench/queries/<file>`. */
export function benchQuery(file: string): string {
  return readFileSync(new URL(`../queries/${file}`, import.meta.url), 'utf8');
}

/** The operations of the issue, on coopstat. */
export function coopstatOperations(year: number): {
  dashboard: PullOperation;
  progress: PullOperation;
  typename: PullOperation;
} {
  return {
    dashboard: {
      name: 'CoopDashboard',
      query: benchQuery('coop-dashboard.graphql'),
      variables: { year },
    },
    progress: {
      name: 'AllProgress',
      query: benchQuery('all-progress.graphql'),
      variables: { year },
    },
    typename: { name: '{ __typename }', query: '{ __typename }', variables: {} },
  };
}

/** The request body of the `n`-th request: the operation behind a comment naming `n`. */
export function variedBody(op: PullOperation, n: number): string {
  return JSON.stringify({ query: `# pull ${n}\n${op.query}`, variables: op.variables });
}

/** Resident memory of some processes, sampled during a run. */
export interface RssSamples {
  readonly pids: readonly number[];
  readonly samples: number;
  /** Highest sum over the processes, MiB. */
  readonly peakMiB: number;
  /** Mean of the sums, MiB. */
  readonly meanMiB: number;
}

/** One concurrent-client run of one operation. */
export interface PullResult {
  readonly target: string;
  readonly operation: string;
  readonly connections: number;
  readonly durationS: number;
  /** Answers received within the run. */
  readonly requests: number;
  /** Requests sent (those still unanswered when the run ended are not in the latencies). */
  readonly sent: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly ok2xx: number;
  readonly non2xx: number;
  /** Connection errors and client time-outs (autocannon's `errors`). */
  readonly errors: number;
  readonly timeouts: number;
  /** 2xx answers carrying a GraphQL `errors` member, or no `data`. */
  readonly graphqlErrors: number;
  readonly statusCodes: Record<string, number>;
  /** 1-minute load average when the run started. */
  readonly loadAverage: number;
  readonly rss: RssSamples | null;
}

export interface PullOptions {
  readonly target: string;
  readonly url: string;
  readonly op: PullOperation;
  readonly connections: number;
  readonly durationS: number;
  /** Ends the run after this many requests in all instead of after `durationS`. */
  readonly requests?: number;
  /** Client time-out per request, seconds: a slow answer is measured, not dropped. */
  readonly timeoutS: number;
  /** Sample the resident memory of these processes every 250 ms during the run. */
  readonly rssPids?: readonly number[];
  readonly loadAverage: number;
}

/** Runs autocannon for `durationS` seconds (or `requests` requests) with `connections` clients. */
export async function runPull(options: PullOptions): Promise<PullResult> {
  let n = 0;
  let graphqlErrors = 0;
  const sums: number[] = [];
  const pids = options.rssPids ?? [];
  const sample = () => {
    const values = pids.map(readRssMiB);
    if (values.every((v) => v !== null))
      sums.push(values.reduce((s: number, v) => s + (v as number), 0));
  };
  const timer = pids.length > 0 ? setInterval(sample, 250) : undefined;
  if (timer) sample();
  let r: AutocannonResult;
  try {
    r = await autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.durationS,
      // autocannon ends a run at its next sample after the last answer: every second by default,
      // so a run of a few requests (the smoke run) took a second whatever its requests took.
      ...(options.requests === undefined ? {} : { amount: options.requests, sampleInt: 50 }),
      timeout: options.timeoutS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: variedBody(options.op, n++) }),
          onResponse: (status, body) => {
            if (
              status >= 200 &&
              status < 300 &&
              (body.includes('"errors"') || !body.includes('"data"'))
            )
              graphqlErrors += 1;
          },
        },
      ],
    });
  } finally {
    if (timer) clearInterval(timer);
  }
  const requests = r['2xx'] + r.non2xx;
  return {
    target: options.target,
    operation: options.op.name,
    connections: options.connections,
    durationS: r.duration,
    requests,
    sent: r.requests.sent,
    requestsPerSecond: r.duration > 0 ? requests / r.duration : 0,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
      mean: r.latency.mean,
    },
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    graphqlErrors,
    statusCodes: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
    ),
    loadAverage: options.loadAverage,
    rss:
      pids.length === 0
        ? null
        : {
            pids,
            samples: sums.length,
            peakMiB: sums.length ? Math.round(Math.max(...sums)) : Number.NaN,
            meanMiB: sums.length
              ? Math.round(sums.reduce((s, x) => s + x, 0) / sums.length)
              : Number.NaN,
          },
  };
}

/** Everything that went wrong in a run (errors, time-outs, non-2xx, GraphQL errors). */
export const pullProblems = (p: PullResult) => p.errors + p.non2xx + p.graphqlErrors;
