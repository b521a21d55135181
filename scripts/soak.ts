/**
 * Soak test under load (not part of `npm test`; see docs/hardening.md):
 *
 *   npx tsx scripts/soak.ts [--duration 60] [--clients 32] [--scale 0.1] [--load-every 3]
 *                           [--without-loads] [--same-text] [--loader-nice N] [--loader-threads N]
 *                           [--probe] [--server-prof DIR] [--server-env NAME=VALUE]…
 *                           [--server-bundle PATH] [--keep]
 *
 * Builds a warehouse in a temporary directory from the benchmark generator (`bench/generate/`:
 * province aggregates 2015–2024 at `--scale`), builds and starts the API server as `npm start`
 * does (`node dist/server.mjs`: compiled, no tsx) as a child process on 127.0.0.1, and for
 * `--duration` seconds runs `--clients` concurrent clients on loopback — half on the dashboard
 * operation (test/operations/dashboard.graphql), half on a mix of the other operations — while
 * a loader process of its own (`scripts/soak-loader.ts`, so that the loads' JavaScript does not
 * stall the clients) loads a new generated file (register or aggregates of another year) through
 * the real ETL every `--load-every` seconds. Prints the requests, the errors (there must be
 * none: any non-200 answer or GraphQL error counts), p50 / p90 / p99 / max latency, the loads
 * published and the server's RSS at start, after the warm-up, at the end and at most. Exit code 1
 * when any request failed. `--without-loads` runs the same clients with no load, to tell what
 * the loads cost from what concurrency alone costs.
 *
 * Every request's text is changed by a leading comment (`# soak 17`), so no response cache answers
 * it (`--same-text` sends the same text each time, to see what a cache adds). Every operation also
 * asks for `dataVersion { version loadId }`: an answer mixing two versions would differ from the
 * other answers to the same request that name the same version, so the script keeps the first
 * answer per request × version and counts every later one that differs ("mixed"). It ends with a
 * verdict on the issue's goals (0 errors, p99 ≤ 500 ms, no mixed answer; bench/lib/goals.ts).
 * `--loader-nice N` runs the loader process at that scheduling niceness (0 by default, as the
 * loads ran before): a deployment that loads in batch beside the API would run them so.
 * `--loader-threads N` gives the loads DuckDB's `threads` (default: a core fewer than the machine
 * has, leaving one to the server, as a deployment loading beside the API would; a writer alone
 * uses every core).
 *
 * To see where the server's time goes: `--probe` preloads `scripts/soak-probe.mjs` into the
 * server and prints its event-loop delay and garbage collection by what the loader was doing;
 * `--server-prof DIR` has it write a V8 CPU profile there, printed split the same way (with
 * `--probe`); `--server-env LOG_LEVEL=info` counts its warm-ups and swaps. `--server-env
 * NAME=VALUE` sets any of its settings (e.g. `COOPSTAT_WARM_UP_QUERIES=0`), `--server-bundle
 * PATH` runs another build of it (a copy of `dist/` one folder below the project), to compare
 * two versions back to back.
 */
import 'reflect-metadata';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeYearFiles, type WrittenFile } from '../bench/generate/generate.ts';
import { buildCompiled, SERVER_BUNDLE } from '../bench/lib/build.ts';
import { freePort } from '../bench/lib/free-port.ts';
import { GOALS, judge } from '../bench/lib/goals.ts';
import { loadFile } from '../etl/load/load-file.ts';
import { initWarehouse } from '../etl/reference/init-warehouse.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    clients: { type: 'string', default: '32' },
    scale: { type: 'string', default: '0.1' },
    'load-every': { type: 'string', default: '3' },
    'without-loads': { type: 'boolean', default: false },
    'same-text': { type: 'boolean', default: false },
    'loader-nice': { type: 'string', default: '0' },
    'loader-threads': { type: 'string' },
    'server-bundle': { type: 'string' },
    'server-env': { type: 'string', multiple: true, default: [] },
    probe: { type: 'boolean', default: false },
    'server-prof': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const DURATION_S = Number(args.duration);
const CLIENTS = Number(args.clients);
const SCALE = Number(args.scale);
const LOAD_EVERY_S = Number(args['load-every']);
const LOADER_NICE = Number(args['loader-nice']);
if (!Number.isInteger(LOADER_NICE) || LOADER_NICE < 0 || LOADER_NICE > 19) {
  throw new Error('--loader-nice must be a whole number from 0 to 19');
}
const LOADER_THREADS =
  args['loader-threads'] === undefined
    ? Math.max(1, availableParallelism() - 1)
    : Number(args['loader-threads']);
if (LOADER_THREADS !== undefined && !(Number.isInteger(LOADER_THREADS) && LOADER_THREADS >= 1)) {
  throw new Error('--loader-threads must be a whole number from 1');
}
/** `--server-env NAME=VALUE`, any number of times: more of the server's environment. */
const SERVER_ENV = Object.fromEntries(
  args['server-env'].map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--server-env wants NAME=VALUE, but got '${pair}'`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
for (const [name, value] of Object.entries({ DURATION_S, CLIENTS, SCALE, LOAD_EVERY_S })) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
}
/** Generated years reach 2030; the ETL refuses years after `maxYear`. */
const MAX_YEAR = 2030;

/** An operation of test/operations, asking also for the data version it was answered from. */
const operation = async (name: string) =>
  withVersion(await readFile(join(ROOT, 'test', 'operations', `${name}.graphql`), 'utf8'));

function withVersion(query: string): string {
  const head = /query\s+\w+\s*(\([^)]*\))?\s*\{/.exec(query);
  if (!head) throw new Error(`no named query in ${query.slice(0, 80)}`);
  const at = head.index + head[0].length;
  return `${query.slice(0, at)}\n  dataVersion { version loadId }${query.slice(at)}`;
}

interface Request {
  readonly kind: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => (ms / 1000).toFixed(1);
/** What the loader was doing when a request was sent. */
const PHASES = ['no load', 'load running', 'publish (1 s after a load)'] as const;
type Phase = (typeof PHASES)[number];

const dir = await mkdtemp(join(tmpdir(), 'coopstat-soak-'));
let server: ReturnType<typeof spawn> | undefined;
let loaderChild: ChildProcess | undefined;
try {
  // ---- 1. a warehouse built from generated files, and the files to load during the run
  const db = join(dir, 'warehouse.duckdb');
  let t = performance.now();
  await initWarehouse(db);
  const out = join(dir, 'generated');
  await mkdir(out);
  await mkdir(join(out, 'initial'));
  const initial = await writeYearFiles({
    family: 'aggregates',
    format: 'csv',
    outDir: join(out, 'initial'),
    seed: 42,
    years: range(2015, 2024),
    scale: SCALE,
  });
  const queue: WrittenFile[] = [];
  for (const seed of [42, 43]) {
    const folder = join(out, `seed-${seed}`);
    await mkdir(folder);
    const register = await writeYearFiles({
      family: 'register',
      format: 'csv',
      outDir: folder,
      seed,
      years: range(2015, 2030),
      scale: SCALE,
    });
    const aggregates = await writeYearFiles({
      family: 'aggregates',
      format: 'csv',
      outDir: folder,
      seed,
      years: range(2025, 2030),
      scale: SCALE,
    });
    queue.push(...interleave(register, aggregates));
  }
  const rows = (files: readonly WrittenFile[]) => files.reduce((s, f) => s + f.rows, 0);
  log(
    `generated at scale ${SCALE}: ${initial.length} aggregates files (${rows(initial)} rows) to start from, ` +
      `${queue.length} files (${rows(queue)} rows) to load during the run, in ${seconds(performance.now() - t)} s`,
  );
  t = performance.now();
  for (const file of initial) await loadFile(file.path, { db, maxYear: MAX_YEAR });
  log(`loaded the initial files in ${seconds(performance.now() - t)} s`);

  // ---- 2. the server, as its own process on loopback, compiled as `npm start` runs it
  const bundle = args['server-bundle'] ?? SERVER_BUNDLE;
  if (args['server-bundle']) log(`the server: ${bundle} (as given)`);
  else {
    const build = buildCompiled();
    log(
      `the compiled server: dist/server.mjs, ${build.sources} sources, ${build.rebuilt ? `built in ${seconds(build.buildMs)} s` : 'current'}`,
    );
  }
  const port = await freePort();
  const probeFile = args.probe ? join(dir, 'probe.jsonl') : undefined;
  const nodeArgs = [
    ...(probeFile ? ['--import', join(ROOT, 'scripts', 'soak-probe.mjs')] : []),
    ...(args['server-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['server-prof']] : []),
  ];
  server = spawn(process.execPath, [...nodeArgs, bundle], {
    cwd: ROOT,
    env: {
      ...process.env,
      COOPSTAT_DB: db,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      COOPSTAT_EXPLORER: 'false',
      ...(probeFile ? { COOPSTAT_SOAK_PROBE: probeFile } : {}),
      ...SERVER_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const serverLog: string[] = [];
  server.stderr!.on('data', (chunk: Buffer) => serverLog.push(chunk.toString()));
  // With LOG_LEVEL=info (`--server-env LOG_LEVEL=info`): each warm-up and swap the server logs.
  const warmUps: { t: number; ms: number; queries: number; result: string }[] = [];
  const swaps: number[] = [];
  // Each new snapshot's values carried over from the one it replaces (schema/snapshot-inheritance.ts).
  const kept: { t: number; carried: number }[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    let rest = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      if (text.length < 100_000) {
        text += chunk.toString();
        const match = /coopstat API on (\S+)/.exec(text);
        if (match) resolve(match[1]!);
      }
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        if (!line.includes('warehouse snapshot')) continue;
        const entry = JSON.parse(line) as { time: string; message: string } & Record<
          string,
          unknown
        >;
        const t = Date.parse(entry.time);
        if (entry.message.startsWith('serving')) swaps.push(t);
        else if (entry.message.includes('kept figures'))
          kept.push({ t, carried: Number(entry.carried) });
        else
          warmUps.push({
            t,
            ms: Number(entry.ms),
            queries: Number(entry.queries),
            result: String(entry.result),
          });
      }
    });
    server!.once('exit', (code) =>
      reject(new Error(`the server exited (${code}): ${serverLog.join('')}`)),
    );
  });
  const pid = server.pid!;
  const rssAtStart = await rssOf(pid);
  log(`server pid ${pid} on ${url}, RSS ${mb(rssAtStart)}`);

  // ---- 3. what the clients ask
  const dashboard = await operation('dashboard');
  const mix: Request[] = [
    {
      kind: 'membership',
      query: await operation('membership'),
      variables: { level: 'PROVINCE', year: 2024 },
    },
    {
      kind: 'observations',
      query: await operation('observations'),
      variables: {
        filter: { indicators: ['htx_count', 'htx_members'], level: 'PROVINCE' },
        first: 100,
      },
    },
    { kind: 'series', query: await operation('series'), variables: { indicator: 'htx_count' } },
    {
      kind: 'ranking',
      query: await operation('ranking'),
      variables: { indicator: 'htx_count', year: 2024, level: 'PROVINCE' },
    },
    {
      kind: 'plan-progress',
      query: await operation('plan-progress'),
      variables: { id: 'nq-20-nq-tw-2022', asOf: 2025 },
    },
    {
      kind: 'admin-units',
      query: await operation('admin-units'),
      variables: { level: 'PROVINCE', validOn: '2025-07-01' },
    },
    { kind: 'load-log', query: await operation('loads'), variables: { first: 20 } },
    {
      kind: 'value-chain',
      query: await operation('value-chain'),
      variables: { area: { code: '19', validOn: '2024-12-31' }, year: 2024 },
    },
  ];
  const dashboards: Request[] = [2024, 2025].map((year) => ({
    kind: 'dashboard',
    query: dashboard,
    variables: { year },
  }));

  // Warm-up: every request once, and they must all succeed before the clock starts.
  for (const request of [...dashboards, ...mix]) {
    const result = await send(url, request);
    if (result.error) throw new Error(`warm-up ${request.kind} failed: ${result.error}`);
  }
  const rssAfterWarmup = await rssOf(pid);

  // ---- 4. the run: clients, loads, RSS samples
  const latencies = new Map<string, number[]>();
  // Each request's latency by what the loader was doing when it was sent: the second after a load
  // ended (the server opens, warms and swaps to the new snapshot; the next load may have begun),
  // a load running, or nothing.
  const byPhase = new Map<Phase, number[]>(PHASES.map((phase) => [phase, []]));
  let loading = false;
  let lastLoadEnd = Number.NEGATIVE_INFINITY;
  const phaseNow = (): Phase =>
    performance.now() - lastLoadEnd < 1000
      ? 'publish (1 s after a load)'
      : loading
        ? 'load running'
        : 'no load';
  const errors: string[] = [];
  let requests = 0;
  // The first answer per request × data version (without the version), and the answers that differ.
  const answers = new Map<string, string>();
  const versionsSeen = new Set<number>();
  let compared = 0;
  const mixed: string[] = [];
  const checkVersion = (request: Request, body: unknown) => {
    const data = (body as { data?: { dataVersion?: { version?: number } } } | undefined)?.data;
    const version = data?.dataVersion?.version;
    if (!data || version === undefined) return;
    versionsSeen.add(version);
    const { dataVersion: _version, ...rest } = data;
    const text = JSON.stringify(rest);
    const key = `${request.kind} ${JSON.stringify(request.variables)} @${version}`;
    const first = answers.get(key);
    if (first === undefined) answers.set(key, text);
    else {
      compared += 1;
      if (first !== text) mixed.push(key);
    }
  };
  const deadline = performance.now() + DURATION_S * 1000;
  const client = async (index: number) => {
    const pool = index % 2 === 0 ? dashboards : mix;
    let i = index;
    while (performance.now() < deadline) {
      const request = pool[i++ % pool.length]!;
      const phase = phaseNow();
      const result = await send(url, request, requests);
      byPhase.get(phase)!.push(result.ms);
      requests++;
      if (result.error) errors.push(`${request.kind}: ${result.error}`);
      else checkVersion(request, result.body);
      const list = latencies.get(request.kind) ?? [];
      list.push(result.ms);
      latencies.set(request.kind, list);
    }
  };
  const loads: { file: string; outcome: string; ms: number; startWall: number; endWall: number }[] =
    [];
  // The loads run in a process of their own (scripts/soak-loader.ts): in this one, a load's
  // JavaScript would stall the clients' event loop and be counted in their latencies.
  if (!args['without-loads']) {
    loaderChild = fork(join(ROOT, 'scripts', 'soak-loader.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (LOADER_NICE > 0) setPriority(loaderChild.pid!, LOADER_NICE);
  }
  const loadInChild = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const child = loaderChild!;
      const onExit = (code: number | null) => reject(new Error(`the loader exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (message: { outcome?: string; error?: string }) => {
        child.off('exit', onExit);
        resolve(message.outcome ?? `FAILED: ${message.error}`);
      });
      child.send({ path, db, maxYear: MAX_YEAR, threads: LOADER_THREADS });
    });
  const loader = async () => {
    if (args['without-loads']) return;
    let next = 0;
    while (performance.now() < deadline) {
      const started = performance.now();
      const file = queue[next++ % queue.length]!;
      // Past the queue, reload a copy with one byte more: a new file with the same values.
      let path = file.path;
      if (next > queue.length) {
        path = join(dir, `again-${next}-${file.path.split('/').pop()}`);
        await writeFile(path, `${await readFile(file.path, 'utf8')}\n`);
      }
      loading = true;
      const startWall = Date.now();
      const outcome = await loadInChild(path).finally(() => {
        loading = false;
        lastLoadEnd = performance.now();
      });
      loads.push({
        file: path.split('/').pop()!,
        outcome,
        ms: performance.now() - started,
        startWall,
        endWall: Date.now(),
      });
      const wait = LOAD_EVERY_S * 1000 - (performance.now() - started);
      if (wait > 0) await sleep(Math.min(wait, Math.max(0, deadline - performance.now())));
    }
  };
  const rssSamples: number[] = [];
  const sampler = async () => {
    while (performance.now() < deadline) {
      rssSamples.push(await rssOf(pid));
      await sleep(1000);
    }
  };
  log(
    `running ${CLIENTS} clients for ${DURATION_S} s, ${args['without-loads'] ? 'no loads' : `a load every ${LOAD_EVERY_S} s`} …`,
  );
  const loadAverageAtStart = loadavg()[0]!.toFixed(1);
  const cpuAtStart = {
    server: await cpuMsOf(pid),
    loader: loaderChild ? await cpuMsOf(loaderChild.pid!) : 0,
    clients: process.cpuUsage(),
  };
  const started = performance.now();
  const runStartWall = Date.now();
  await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), loader(), sampler()]);
  const elapsed = (performance.now() - started) / 1000;
  const runEndWall = Date.now();
  const cpu = {
    server: (await cpuMsOf(pid)) - cpuAtStart.server,
    loader: loaderChild ? (await cpuMsOf(loaderChild.pid!)) - cpuAtStart.loader : 0,
    clients: (({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpuAtStart.clients)),
  };
  const rssAtEnd = await rssOf(pid);
  // Idle: no request holds an old snapshot any more, so only the current one stays open.
  await sleep(5000);
  await send(url, { kind: 'version', query: '{ dataVersion { version } }', variables: {} });
  await sleep(1000);
  const rssIdle = await rssOf(pid);
  const version = await send(url, {
    kind: 'version',
    query: '{ dataVersion { version } }',
    variables: {},
  });

  // ---- 5. the report
  log('');
  log(
    `duration ${elapsed.toFixed(1)} s, ${CLIENTS} clients, scale ${SCALE}${LOADER_NICE > 0 ? `, loader at nice ${LOADER_NICE}` : ''}; ` +
      `load average ${loadAverageAtStart} at the start, ${loadavg()[0]!.toFixed(1)} at the end`,
  );
  log(`requests ${requests} (${(requests / elapsed).toFixed(1)}/s), errors ${errors.length}`);
  const byCode = new Map<string, number>();
  for (const e of errors) {
    const code = /HTTP \d+ [A-Z_]*/.exec(e)?.[0] ?? e.split(': ').slice(1).join(': ').slice(0, 60);
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
  }
  if (byCode.size > 0)
    log(`errors by answer: ${[...byCode].map(([code, n]) => `${code} × ${n}`).join(', ')}`);
  log('latency ms          n      p50      p90      p99      max');
  const all: number[] = [];
  for (const [kind, list] of [...latencies].sort(([a], [b]) => a.localeCompare(b))) {
    all.push(...list);
    log(latencyLine(kind, list));
  }
  log(latencyLine('all', all));
  log('latency ms by what the loader was doing when the request was sent');
  for (const [phase, list] of byPhase) if (list.length > 0) log(latencyLine(phase, list));
  log(
    `CPU during the run: server ${seconds(cpu.server)} s (${(cpu.server / Math.max(requests, 1)).toFixed(1)} ms per answer), ` +
      `loader ${seconds(cpu.loader)} s, clients (this process) ${seconds(cpu.clients)} s, of ${seconds(elapsed * 1000 * availableParallelism())} s on ${availableParallelism()} cores`,
  );
  const published = loads.filter((l) => l.outcome === 'PUBLISHED').length;
  const others = loads.filter((l) => l.outcome !== 'PUBLISHED').map((l) => l.outcome);
  const loadTimes = loads.map((l) => l.ms);
  const dataVersion =
    (version.body as { data?: { dataVersion?: { version?: number } } } | undefined)?.data
      ?.dataVersion?.version ?? '?';
  log(
    loads.length === 0
      ? `loads none; data version at the end ${dataVersion}`
      : `loads ${loads.length} (${published} published${others.length ? `, ${others.join(', ')}` : ''}), ` +
          `each ${percentile(loadTimes, 0.5).toFixed(0)} ms median, ${Math.max(...loadTimes).toFixed(0)} ms max; ` +
          `data version at the end ${dataVersion}`,
  );
  log(
    `server RSS: start ${mb(rssAtStart)}, after warm-up ${mb(rssAfterWarmup)}, end ${mb(rssAtEnd)}, ` +
      `max ${mb(Math.max(...rssSamples, rssAtEnd))}, idle 6 s later ${mb(rssIdle)}; first half mean ${mb(mean(rssSamples.slice(0, rssSamples.length >> 1)))}, ` +
      `second half mean ${mb(mean(rssSamples.slice(rssSamples.length >> 1)))}`,
  );
  log(
    `versions answered ${versionsSeen.size}; answers compared with the first of the same request and version ${compared}, different (mixing versions) ${mixed.length}` +
      (mixed.length ? `: ${[...new Set(mixed)].slice(0, 5).join('; ')}` : ''),
  );
  const p99 = percentile(all, 0.99);
  const verdict = [
    [`0 errors`, errors.length === 0, `${errors.length}`],
    (({ goal, target, met }) => [`${goal} ${target}`, met, `${p99.toFixed(0)} ms`])(
      judge(GOALS.soakP99, p99),
    ),
    [
      `no answer mixing two versions`,
      mixed.length === 0 && compared > 0,
      `${mixed.length} of ${compared}`,
    ],
  ] as const;
  log(
    `goals (${args['same-text'] ? 'same text each request' : 'text changed per request'}): ` +
      verdict
        .map(([goal, met, actual]) => `${goal}: ${actual} ${met ? 'met' : 'MISSED'}`)
        .join('; '),
  );
  if (mixed.length > 0) process.exitCode = 1;
  if (errors.length > 0) {
    log('first errors:');
    for (const e of [...new Set(errors)].slice(0, 10)) log(`  ${e}`);
    process.exitCode = 1;
  }

  // ---- 6. inside the server (with --probe, --server-prof, LOG_LEVEL=info): what each phase cost
  const inRun = (t: number) => t >= runStartWall && t <= runEndWall;
  if (warmUps.length > 0 || swaps.length > 0) {
    const ran = warmUps.filter((w) => inRun(w.t));
    log(
      `server: ${swaps.filter(inRun).length} swaps to a new snapshot; ${ran.length} warm-ups, ` +
        `each ${percentile(
          ran.map((w) => w.ms),
          0.5,
        ).toFixed(0)} ms median, ${Math.max(0, ...ran.map((w) => w.ms)).toFixed(0)} ms max, ` +
        `${percentile(
          ran.map((w) => w.queries),
          0.5,
        )} queries median; ${ran.filter((w) => w.result !== 'done').length} not done`,
    );
    const carried = kept.filter((k) => inRun(k.t)).map((k) => k.carried);
    if (carried.length > 0)
      log(
        `server: ${carried.length} new snapshots kept values of the one they replaced, ` +
          `${percentile(carried, 0.5)} median, ${carried.filter((c) => c === 0).length} none`,
      );
  }
  const stopped = stopServer();
  await stopped;
  if (probeFile) {
    const probe = (await readFile(probeFile, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ProbeLine);
    const windows = probe.filter((w): w is ProbeWindow => 't' in w && inRun(w.t));
    log('inside the server, by what the loader was doing (200 ms windows; event-loop delay, GC):');
    log(
      'phase                         windows  delay mean  window max p50 / p99 / max   minor GC ms/s  major GC /s  major GC ms/s',
    );
    for (const phase of PHASES) {
      const list = windows.filter((w) => phaseAt(w.t - 100, loads) === phase);
      if (list.length === 0) continue;
      const secondsIn = (list.length * 200) / 1000;
      const sum = (f: (w: ProbeWindow) => number) => list.reduce((s, w) => s + f(w), 0);
      log(
        `${phase.padEnd(29)} ${String(list.length).padStart(7)} ${(sum((w) => w.meanMs) / list.length).toFixed(1).padStart(8)} ms ` +
          `${[0.5, 0.99]
            .map((p) =>
              percentile(
                list.map((w) => w.maxMs),
                p,
              ).toFixed(0),
            )
            .join(' / ')} / ${Math.max(...list.map((w) => w.maxMs)).toFixed(0)} ms`.padStart(28) +
          `${(sum((w) => w.minorMs) / secondsIn).toFixed(1).padStart(14)} ${(sum((w) => w.major) / secondsIn).toFixed(2).padStart(12)} ${(sum((w) => w.majorMs) / secondsIn).toFixed(1).padStart(14)}`,
      );
    }
    const clock = probe.find((w): w is ProbeClock => 'clock' in w)?.clock;
    if (args['server-prof'] && clock) {
      reportProfileByPhase(args['server-prof'], clock, loads, runStartWall, runEndWall);
    }
  }
} finally {
  // The loader child waits for messages; its channel closing lets it exit.
  if (loaderChild?.connected) loaderChild.disconnect();
  await stopServer();
  if (args.keep) log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}

/** Stops the server (SIGTERM: it drains and exits, writing its CPU profile if asked for). */
async function stopServer(): Promise<void> {
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
  }
}

interface ProbeWindow {
  readonly t: number;
  readonly meanMs: number;
  readonly maxMs: number;
  readonly minorMs: number;
  readonly majorMs: number;
  readonly minor: number;
  readonly major: number;
}
interface ProbeClock {
  readonly clock: { readonly wallMs: number; readonly monotonicUs: number };
}
type ProbeLine = ProbeWindow | ProbeClock;

/** What the loader was doing at wall time `t` (the same rule as the clients' phases). */
function phaseAt(
  t: number,
  loads: readonly { readonly startWall: number; readonly endWall: number }[],
): Phase {
  if (loads.some((l) => t >= l.endWall && t - l.endWall < 1000))
    return 'publish (1 s after a load)';
  if (loads.some((l) => t >= l.startWall && t < l.endWall)) return 'load running';
  return 'no load';
}

/**
 * The server's CPU profile (`--server-prof DIR`) split by what the loader was doing at each
 * sample: the main thread's busy time per second of each phase and the functions it went to.
 */
function reportProfileByPhase(
  profileDir: string,
  clock: ProbeClock['clock'],
  loads: readonly { readonly startWall: number; readonly endWall: number }[],
  from: number,
  to: number,
): void {
  const name = readdirSync(profileDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(profileDir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!name) {
    log(`no .cpuprofile in ${profileDir}`);
    return;
  }
  const profile = JSON.parse(readFileSync(name, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const perPhase = new Map<Phase, { ms: number; idle: number; byFunction: Map<string, number> }>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i]!;
    at += delta;
    const wall = clock.wallMs + (at - clock.monotonicUs) / 1000;
    if (wall < from || wall > to) continue;
    const phase = phaseAt(wall, loads);
    const entry = perPhase.get(phase) ?? { ms: 0, idle: 0, byFunction: new Map() };
    perPhase.set(phase, entry);
    const frame = frames.get(profile.samples[i]!)!;
    const ms = (profile.timeDeltas[i + 1] ?? delta) / 1000;
    entry.ms += ms;
    if (frame.functionName === '(idle)') {
      entry.idle += ms;
      continue;
    }
    const file = frame.url.split('/').slice(-2).join('/');
    const key = `${frame.functionName || '(anonymous)'} ${file}${file ? `:${frame.lineNumber + 1}` : ''}`;
    entry.byFunction.set(key, (entry.byFunction.get(key) ?? 0) + ms);
  }
  log(`the server's main thread by phase (${name.split('/').pop()}; self time, idle left out):`);
  for (const phase of PHASES) {
    const entry = perPhase.get(phase);
    if (!entry) continue;
    const busy = entry.ms - entry.idle;
    log(
      `  ${phase}: ${(entry.ms / 1000).toFixed(1)} s of samples, busy ${((100 * busy) / entry.ms).toFixed(0)}%`,
    );
    for (const [key, ms] of [...entry.byFunction].sort(([, a], [, b]) => b - a).slice(0, 12)) {
      log(`    ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${key}`);
    }
  }
}

/** One POST over loopback: its time, and what was wrong with the answer if anything. */
async function send(
  url: string,
  request: Request,
  n = 0,
): Promise<{ ms: number; error?: string; body?: unknown }> {
  const started = performance.now();
  const query = args['same-text'] ? request.query : `# soak ${n}\n${request.query}`;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: request.variables }),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    const body = JSON.parse(text) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (res.status !== 200 || body.errors) {
      const first = body.errors?.[0];
      return {
        ms,
        body,
        error: `HTTP ${res.status} ${first?.extensions?.code ?? ''} ${first?.message ?? text.slice(0, 200)}`,
      };
    }
    return { ms, body };
  } catch (error) {
    return { ms: performance.now() - started, error: (error as Error).message };
  }
}

/** CPU time (user + system) a process has used so far, ms (Linux /proc; 0 elsewhere). */
async function cpuMsOf(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Resident set size of a process, in bytes (Linux /proc, else `ps`). */
async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status);
    if (kb) return Number(kb[1]) * 1024;
  } catch {
    // not Linux: ask ps
  }
  const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
  let text = '';
  ps.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await new Promise((resolve) => ps.once('exit', resolve));
  return Number(text.trim()) * 1024;
}

function latencyLine(kind: string, list: readonly number[]): string {
  const cells = [0.5, 0.9, 0.99].map((p) => percentile(list, p).toFixed(0).padStart(8));
  return `${kind.padEnd(15)} ${String(list.length).padStart(6)} ${cells.join(' ')} ${Math.max(
    ...list,
  )
    .toFixed(0)
    .padStart(8)}`;
}

function percentile(list: readonly number[], p: number): number {
  if (list.length === 0) return Number.NaN;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function mean(list: readonly number[]): number {
  return list.reduce((s, x) => s + x, 0) / Math.max(list.length, 1);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
