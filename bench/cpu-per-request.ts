/**
 * CPU time the API server spends per request of one operation: a figure that stays stable on a
 * shared machine, where wall-clock latencies do not.
 *
 * Starts the real server (`server/main.ts`, or the compiled `dist/server.mjs` with `--compiled`)
 * on a warehouse, warms it up, then sends N requests of the operation (`--operation dashboard`:
 * `CoopDashboard`, the default; `all-progress`: `AllProgress`, the progress of every target) for
 * one year one after another over one keep-alive connection, each with its text changed by a
 * leading comment (`# cpu 17`) so neither the response cache nor an ETag can answer it, and reads
 * the server process's user + system CPU time (`/proc/<pid>/stat`) before and after. Then the
 * same with a document never seen before on every request (an alias that changes per request),
 * the cost of a first-seen operation; then optionally a run with C requests in flight, for req/s.
 * `--cpu-prof DIR` has the server write a V8 CPU profile of its whole run into DIR.
 *
 *   npx tsx bench/cpu-per-request.ts --db /tmp/wh.duckdb [--operation all-progress] [--n 1000]
 *     [--concurrency 8] [--year 2024] [--first-seen 300] [--warmup 200] [--save answer.json]
 *     [--compiled] [--cpu-prof DIR]
 *
 * Prints one line per phase: requests, server CPU ms per request (user / system), wall p50 / p99.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { freePort } from './lib/free-port.ts';
import { announcedUrl } from './lib/server-process.ts';

const SERVER_MAIN = new URL('../server/main.ts', import.meta.url).pathname;
const SERVER_COMPILED = new URL('../dist/server.mjs', import.meta.url).pathname;
/** Each operation measured: its document, and a field that one alias can be put on. */
const OPERATIONS = {
  dashboard: { file: 'coop-dashboard.graphql', aliasable: 'highTech(level' },
  'all-progress': { file: 'all-progress.graphql', aliasable: 'progress(asOf' },
} as const;

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    n: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '0' },
    year: { type: 'string', default: '2024' },
    'first-seen': { type: 'string', default: '300' },
    /** Writes an answer after the warm-up to this file (to compare answers before and after a change). */
    save: { type: 'string' },
    operation: { type: 'string', default: 'dashboard' },
    /** Runs the compiled server (`dist/server.mjs`, built by `npm run build`) instead of tsx. */
    compiled: { type: 'boolean', default: false },
    /** Has the server write a V8 CPU profile (`--cpu-prof`) into this folder when it exits. */
    'cpu-prof': { type: 'string' },
  },
});
if (!values.db) throw new Error('--db <warehouse.duckdb> is required');
const operation = OPERATIONS[values.operation as keyof typeof OPERATIONS];
if (!operation) {
  throw new Error(
    `--operation must be one of ${Object.keys(OPERATIONS).join(', ')}, but got ${values.operation}`,
  );
}
const DOCUMENT = readFileSync(new URL(`./queries/${operation.file}`, import.meta.url), 'utf8');
const n = Number(values.n);
const warmup = Number(values.warmup);
const concurrency = Number(values.concurrency);
const firstSeen = Number(values['first-seen']);
const year = Number(values.year);

const CLOCK_TICKS_PER_MS = 100 / 1000; // USER_HZ is 100 on Linux

/** User and system CPU time of a process, in ms (utime and stime of `/proc/<pid>/stat`). */
function cpuMs(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    user: Number(fields[11]) / CLOCK_TICKS_PER_MS,
    system: Number(fields[12]) / CLOCK_TICKS_PER_MS,
  };
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let sent = 0;
/** The n-th request: the operation behind a comment naming it (same operation, new text). */
function variedComment(): string {
  sent += 1;
  return JSON.stringify({ query: `# cpu ${sent}\n${DOCUMENT}`, variables: { year } });
}
/** A document never seen before: one alias changes per request. */
function newDocument(): string {
  sent += 1;
  const field = operation.aliasable.slice(0, operation.aliasable.indexOf('('));
  const query = DOCUMENT.replace(operation.aliasable, `${field}${sent}: ${operation.aliasable}`);
  return JSON.stringify({ query, variables: { year } });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function phase(
  label: string,
  url: URL,
  pid: number,
  count: number,
  inFlight: number,
  body: () => string,
): Promise<void> {
  if (count <= 0) return;
  const before = cpuMs(pid);
  const started = performance.now();
  const times: number[] = [];
  let next = 0;
  let failures = 0;
  async function client(): Promise<void> {
    while (next < count) {
      next += 1;
      const t = performance.now();
      const res = await post(url, body());
      times.push(performance.now() - t);
      if (res.status !== 200 || res.text.includes('"errors"')) {
        if (failures === 0) console.error(`first failure: ${res.status} ${res.text.slice(0, 600)}`);
        failures += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, client));
  const wall = performance.now() - started;
  const after = cpuMs(pid);
  times.sort((a, b) => a - b);
  const user = (after.user - before.user) / count;
  const system = (after.system - before.system) / count;
  console.log(
    `${label}: ${count} requests, ${Math.max(1, inFlight)} in flight, server CPU ${(user + system).toFixed(2)} ms/request (user ${user.toFixed(2)}, system ${system.toFixed(2)}), ` +
      `${((count / wall) * 1000).toFixed(1)} req/s, p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, ${failures} failed`,
  );
}

const port = await freePort();
const profileArgs = values['cpu-prof']
  ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`]
  : [];
const serverArgs = values.compiled
  ? [...profileArgs, SERVER_COMPILED]
  : [...process.execArgv, ...profileArgs, SERVER_MAIN];
const child = spawn(process.execPath, serverArgs, {
  env: {
    ...process.env,
    NODE_ENV: 'production',
    COOPSTAT_DB: values.db,
    PORT: String(port),
    LOG_LEVEL: 'silent',
    COOPSTAT_WORKERS: '1',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const graphqlUrl = await announcedUrl(child);
  const url = new URL(graphqlUrl);
  const pid = child.pid!;
  const probe = await post(url, variedComment());
  if (probe.status !== 200 || probe.text.includes('"errors"')) {
    throw new Error(`${values.operation} failed: ${probe.status} ${probe.text.slice(0, 500)}`);
  }
  console.log(`answer: ${Buffer.byteLength(probe.text)} bytes; server pid ${pid}`);
  await phase('warm-up', url, pid, warmup, 1, variedComment);
  if (values.save) writeFileSync(values.save, (await post(url, variedComment())).text);
  await phase('comment varied', url, pid, n, 1, variedComment);
  if (firstSeen > 0) await phase('first-seen document', url, pid, firstSeen, 1, newDocument);
  if (concurrency > 0) {
    await phase(`comment varied, c=${concurrency}`, url, pid, n, concurrency, variedComment);
  }
} finally {
  agent.destroy();
  // The server drains and exits; a CPU profile is written on its exit.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
