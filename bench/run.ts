/**
 * `npm run bench [-- --quick | --smoke]`: the coopstat benchmarks (DESIGN §7), in one process
 * tree. Prints a table and writes it, with every figure behind it, to `bench/out/results.json`.
 * See bench/README.md. The run is three parts, each a step of its own (`steps/`): the loads, the
 * API over HTTP, the CLI's start; every goal is judged against the one table in `lib/goals.ts`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCompiled, type BuildInfo } from './lib/build.ts';
import { runTasksInProcess } from './lib/child.ts';
import { loadAverage, type Machine } from './lib/machine.ts';
import { parseOptions, USAGE, type BenchOptions } from './lib/options.ts';
import type { PeerRatio, pullRows } from './lib/pull-matrix.ts';
import { round } from './lib/stats.ts';
import { measureApi } from './steps/api.step.ts';
import { measureCli } from './steps/cli.step.ts';
import {
  startBench,
  type BenchContext,
  type Goal,
  type MeasureKey,
  type TableRow,
} from './steps/context.ts';
import { measureLoads, type LoadedWarehouses } from './steps/loads.step.ts';

export { MEASURE_KEYS, type Goal, type MeasureKey, type TableRow } from './steps/context.ts';

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

/** Runs the bench with `options`; returns what it wrote to `options.resultsPath`. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const startedAt = new Date();
  runTasksInProcess(options.inProcess);
  const ctx = await startBench(options);
  const runs = (part: BenchOptions['parts'][number]) => options.parts.includes(part);

  // The server and the CLI are measured as they run in production: compiled (dist/), no tsx.
  let build: BuildInfo | null = null;
  if (runs('api') || runs('cli')) {
    ctx.step('compiled build (node scripts/build.mjs, when dist/ is older than a source)');
    build = buildCompiled();
    ctx.data.build = build;
  }
  const built: LoadedWarehouses | null = runs('loads') ? await measureLoads(ctx) : null;
  const served = options.warehouse ?? built?.allYears;
  if (runs('api')) {
    if (!served) throw new Error('the api part needs the loads part or --warehouse');
    await measureApi(ctx, {
      served,
      ...(built ? { oneYear: built.oneYear, small: built.small } : {}),
    });
  }
  if (runs('cli')) await measureCli(ctx, build, served ?? built?.template);
  return finishBench(ctx, startedAt);
}

/** Adds the memory line, writes results.json and removes the scratch warehouses. */
async function finishBench(ctx: BenchContext, startedAt: Date): Promise<BenchResults> {
  const { options, machine, data, measures } = ctx;
  if (ctx.memoryLine.length > 0)
    ctx.table.push({
      measure: options.inProcess
        ? 'Peak memory (in-process run: the whole bench process, not per measure)'
        : 'Peak memory (maxRSS of the child process)',
      result: ctx.memoryLine.join('; '),
      floor: '–',
      ratio: '–',
      goal: '–',
    });
  measures.peak_memory = ctx.memory;

  machine.loadAverageAtEnd = loadAverage();
  const pullTable = (data.pullTable as ReturnType<typeof pullRows> | undefined) ?? [];
  delete data.pullTable;
  const results: BenchResults = {
    format: 'coopstat-bench-2',
    profile: options.profile,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    wallSeconds: round((performance.now() - ctx.t0) / 1000, 1),
    options,
    machine,
    data,
    measures,
    goals: ctx.goals,
    table: ctx.table,
    pullTable,
    peerTable: (measures.peer as { ratios?: PeerRatio[] }).ratios ?? [],
  };
  await mkdir(dirname(options.resultsPath), { recursive: true });
  await writeFile(options.resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  // The scratch warehouses are large; the results are what is kept (unless --keep-work).
  if (!options.keepWork) await rm(ctx.work, { recursive: true, force: true });
  ctx.log(`wrote ${options.resultsPath} (${results.wallSeconds} s)`);
  return results;
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
