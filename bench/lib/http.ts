import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

/**
 * The bench's HTTP clients: one keep-alive connection for timing single requests (node:http, no
 * fetch layer, so a 304 is timed close to the wire), and autocannon for concurrent clients.
 */

export interface HttpTiming {
  readonly status: number;
  readonly ms: number;
  readonly bytes: number;
  readonly etag: string | undefined;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** POSTs a GraphQL request; times from sending to the last byte of the answer. */
export function postGraphql(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<HttpTiming> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        method: 'POST',
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            bytes: Buffer.byteLength(text),
            etag: res.headers.etag,
            body: text,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GETs a path on the same keep-alive connection (the HTTP round trip without GraphQL). */
export function getPath(url: string): Promise<{ status: number; ms: number }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { agent, method: 'GET', hostname: target.hostname, port: target.port, path: target.pathname },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Closes the keep-alive connection so the process can exit. */
export function closeHttp(): void {
  agent.destroy();
}

/** One concurrent-client run. */
export interface LoadTestResult {
  readonly connections: number;
  readonly durationS: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** 2xx answers whose body differed from the expected one (when one was given). */
  readonly mismatches: number;
  readonly statusCodes: Record<string, number>;
}

/** Runs autocannon against `url` with `connections` clients for `durationS` seconds. */
export async function loadTest(
  url: string,
  body: string,
  connections: number,
  durationS: number,
  timeoutS: number,
  expectBody?: string,
): Promise<LoadTestResult> {
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: durationS,
    timeout: timeoutS,
    ...(expectBody === undefined ? {} : { expectBody }),
  });
  return {
    connections,
    durationS: r.duration,
    requests: r['2xx'] + r.non2xx,
    requestsPerSecond: r.duration > 0 ? (r['2xx'] + r.non2xx) / r.duration : 0,
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
    mismatches: r.mismatches ?? 0,
    statusCodes: Object.fromEntries(
      Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s.count]),
    ),
  };
}
