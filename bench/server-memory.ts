/**
 * Where the API server's memory goes under the pulls, one server per run:
 *
 *   npx tsx bench/server-memory.ts --warehouse WH.duckdb [--pulls dashboard:8,dashboard:32,progress:32]
 *                                  [--duration 10] [--year 2024]
 *
 * Starts the compiled server (`node dist/server.mjs`, built first when stale) on the warehouse
 * with `bench/lib/memory-log.mjs` preloaded, runs each pull (text changed per request), and
 * prints per pull: req/s, p50, p99, errors, the server's CPU per answer and peak RSS, then the
 * heap after the pull; at the end the RSS at idle and the live heap after a full collection. The
 * server's environment is this process's: set `COOPSTAT_HEAP_GROWING_PERCENT`,
 * `COOPSTAT_RESPONSE_CACHE_BYTES`, … to compare settings. Prints the load average beside each
 * pull: figures from a busy machine do not compare with a quiet one's.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCompiled, SERVER_BUNDLE } from './lib/build.ts';
import { freePort } from './lib/free-port.ts';
import { loadAverage } from './lib/machine.ts';
import { coopstatOperations, pullProblems, runPull } from './lib/pull.ts';
import { announcedUrl } from './lib/server-process.ts';

const { values: args } = parseArgs({
  options: {
    warehouse: { type: 'string' },
    pulls: { type: 'string', default: 'dashboard:8,dashboard:32,progress:32' },
    duration: { type: 'string', default: '10' },
    year: { type: 'string', default: '2024' },
  },
});
if (!args.warehouse) throw new Error('--warehouse WH.duckdb is required');
const operations = coopstatOperations(Number(args.year));
const pulls = args.pulls.split(',').map((spec) => {
  const [name, clients] = spec.split(':');
  const op = { dashboard: operations.dashboard, progress: operations.progress }[name ?? ''];
  if (!op || !Number(clients)) throw new Error(`a pull is dashboard:N or progress:N, not ${spec}`);
  return { op, clients: Number(clients) };
});

/** The server's CPU time so far (user + system), ms. */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface MemoryLine {
  gc: boolean;
  rss: number;
  hwm: number | null;
  rssAnon: number | null;
  rssFile: number | null;
  heapTotal: number;
  heapUsed: number;
  spaces: Record<string, number>;
}

const describe = (m: MemoryLine | undefined) =>
  m
    ? `RSS ${m.rss} MiB (peak ${m.hwm}; anonymous ${m.rssAnon}, file-backed ${m.rssFile}), heap ${m.heapUsed} used of ${m.heapTotal} (old ${m.spaces.old}, new ${m.spaces.new})`
    : '–';

const dir = await mkdtemp(join(tmpdir(), 'coopstat-memory-'));
const log = join(dir, 'memory.jsonl');
const lastLine = async (gc = false) => {
  const lines = (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MemoryLine);
  return lines.filter((l) => l.gc === gc).at(-1);
};
buildCompiled();
const port = await freePort();
const preload = fileURLToPath(new URL('lib/memory-log.mjs', import.meta.url));
const server = spawn(process.execPath, ['--expose-gc', '--import', preload, SERVER_BUNDLE], {
  env: {
    ...process.env,
    COOPSTAT_DB: args.warehouse,
    PORT: String(port),
    LOG_LEVEL: 'silent',
    COOPSTAT_MEMORY_LOG: log,
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const url = await announcedUrl(server);
  const pid = server.pid!;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  process.stdout.write(`start: ${describe(await lastLine())}\n`);
  for (const { op, clients } of pulls) {
    const la = loadAverage();
    const before = await cpuMs(pid);
    const r = await runPull({
      target: 'coopstat',
      url,
      op,
      connections: clients,
      durationS: Number(args.duration),
      timeoutS: 60,
      rssPids: [pid],
      loadAverage: la,
    });
    const perAnswer = (await cpuMs(pid)) - before;
    process.stdout.write(
      `${op.name} × ${clients} [load avg ${la}]: ${r.requestsPerSecond.toFixed(1)} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, ${pullProblems(r)} errors, ` +
        `CPU ${(perAnswer / Math.max(1, r.requests)).toFixed(2)} ms per answer, RSS peak ${r.rss?.peakMiB} MiB\n` +
        `  after: ${describe(await lastLine())}\n`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));
  process.stdout.write(`idle 3 s later: ${describe(await lastLine())}\n`);
  server.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.stdout.write(`after a full collection: ${describe(await lastLine(true))}\n`);
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
}
