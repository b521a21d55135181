/**
 * A light profile of loads, for working on the ETL without the whole bench: DuckDB's `read_csv`
 * floor of the first file, then every file in order loaded onto one fresh copy of a template
 * warehouse, with the time of each load stage and, with `--statements`, the costliest SQL.
 *
 *   npx tsx bench/load-profile.ts [--template bench/out/template.duckdb] [--statements [--top N]]
 *     [--repeat N] FILE…
 *
 * The template is made by `init` when it does not exist. Files are loaded as the CLI does (the
 * family detected from the file). `--repeat N` loads each file N times, each onto a fresh copy
 * of the template, and keeps the statements of the last (a warm process, as in the tests).
 * `--top N` prints the N costliest statements (default 25). A file the load refuses is timed up
 * to its refusal. Nothing here is a test: the figures are for reading.
 */
import 'reflect-metadata';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LoadRefusedError } from '../etl/load/findings.ts';
import { loadFile } from '../etl/load/load-file.ts';
import { initWarehouse } from '../etl/reference/init-warehouse.ts';
import { DuckDbHandle } from '../warehouse/dialect/index.ts';
import { DuckDBConnection } from '@duckdb/node-api';
import { shortSql } from './lib/statement-timer.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const template = flag('--template') ?? 'bench/out/template.duckdb';
const top = Number(flag('--top') ?? 25);
/** Loads each file this many times, each onto a fresh copy of the template; figures of the last. */
const repeat = Number(flag('--repeat') ?? 1);
const statements = args.includes('--statements');
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) throw new Error('name at least one file to load');

async function removeDb(path: string): Promise<void> {
  for (const suffix of ['', '.wal', '.lock']) await rm(`${path}${suffix}`, { force: true });
}

if (!(await stat(template).catch(() => null))) {
  await mkdir(dirname(template), { recursive: true });
  await initWarehouse(template);
}

const floorDb = join(dirname(template), `floor-${process.pid}.duckdb`);
await removeDb(floorDb);
// The floor is DuckDB's own read of a CSV; a workbook has none.
if (!/\.xlsx$/i.test(files[0]!)) {
  const db = await DuckDbHandle.open(floorDb);
  const cpu = process.cpuUsage();
  const started = performance.now();
  await db.run('create table register as select * from read_csv($1)', [files[0]!]);
  await db.run('checkpoint');
  const used = process.cpuUsage(cpu);
  console.log(
    `read_csv floor ${basename(files[0]!)}: ${(performance.now() - started).toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms)`,
  );
  db.close();
  await removeDb(floorDb);
}

const work = join(dirname(template), `profile-${process.pid}.duckdb`);
await removeDb(work);
await copyFile(template, work);
let stage: string | undefined;
/** Wall and process CPU (all threads) of every statement, by SQL text. */
const costs = new Map<
  string,
  { stage: string | undefined; calls: number; ms: number; cpu: number }
>();
/** Wall milliseconds spent in statements, per stage: the rest of a stage is JavaScript and files. */
const inStatements: Record<string, number> = {};
let enterStage: ((next: string) => void) | undefined;
if (statements) {
  const proto = DuckDbHandle.prototype as unknown as Record<
    'run' | 'all' | 'append',
    (this: DuckDbHandle, ...args: unknown[]) => Promise<unknown>
  >;
  /** Statements timed through the handle now; the driver's own wrapper then stays silent. */
  let viaHandle = 0;
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    try {
      return await work();
    } finally {
      const used = process.cpuUsage(cpu);
      const ms = performance.now() - started;
      if (stage !== undefined) inStatements[stage] = (inStatements[stage] ?? 0) + ms;
      const key = shortSql(label, 140);
      const entry = costs.get(key) ?? { stage, calls: 0, ms: 0, cpu: 0 };
      entry.calls += 1;
      entry.ms += ms;
      entry.cpu += (used.user + used.system) / 1000;
      costs.set(key, entry);
    }
  };
  for (const method of ['run', 'all', 'append'] as const) {
    const original = proto[method];
    proto[method] = async function timedCall(this: DuckDbHandle, ...callArgs: unknown[]) {
      // The snapshot's checkpoint, close, fsync and rename, apart from the publishing's SQL.
      if (callArgs[0] === 'checkpoint') enterStage?.('snapshot');
      viaHandle += 1;
      try {
        return await timed(
          method === 'append' ? `append ${String(callArgs[0])}` : String(callArgs[0]),
          () => original.apply(this, callArgs),
        );
      } finally {
        viaHandle -= 1;
      }
    };
  }
  // Statements sent past run/all (Kysely's, and the BEGIN/COMMIT of a transaction) reach the
  // driver directly: time them there.
  const driver = DuckDBConnection.prototype as unknown as Record<
    'run',
    (this: DuckDBConnection, ...args: unknown[]) => Promise<unknown>
  >;
  const driverRun = driver.run;
  driver.run = function timedRun(this: DuckDBConnection, ...callArgs: unknown[]) {
    if (viaHandle > 0) return driverRun.apply(this, callArgs);
    return timed(`driver ${String(callArgs[0])}`, () => driverRun.apply(this, callArgs));
  };
}
/** Milliseconds spent in each stage `loadFile` announces; the current stage is `stage`. */
function stageClock(): { enter: (next: string) => void; stop: () => Record<string, number> } {
  const spent: Record<string, number> = {};
  let since = performance.now();
  const close = () => {
    const now = performance.now();
    if (stage !== undefined) spent[stage] = (spent[stage] ?? 0) + (now - since);
    since = now;
  };
  return {
    enter: (next) => {
      close();
      stage = next;
    },
    stop: () => {
      close();
      stage = undefined;
      return spent;
    },
  };
}

for (const file of files.flatMap((f) => Array.from({ length: repeat }, () => f))) {
  if (repeat > 1) {
    await removeDb(work);
    await copyFile(template, work);
    costs.clear();
  }
  const clock = stageClock();
  enterStage = clock.enter;
  const cpu = process.cpuUsage();
  const started = performance.now();
  // A refused file is timed as well: the stages up to its refusal are what a refusal costs.
  const report = await loadFile(file, { db: work, maxYear: 2030, onProgress: clock.enter }).catch(
    (error: unknown) => {
      if (!(error instanceof LoadRefusedError)) throw error;
      return { outcome: `REFUSED (${error.totalErrors} errors)`, rowsRead: 'some' };
    },
  );
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  const stages = clock.stop();
  const sql = { ...inStatements };
  for (const k of Object.keys(inStatements)) delete inStatements[k];
  console.log(
    `${basename(file)}: ${(ended - started).toFixed(0)} ms (CPU ${((used.user + used.system) / 1000).toFixed(0)} ms), ${report.outcome}, ${report.rowsRead} rows, warehouse ${((await stat(work)).size / 2 ** 20).toFixed(1)} MiB;`,
    Object.entries(stages)
      .map(
        ([k, v]) => `${k} ${v.toFixed(0)}${statements ? ` (SQL ${(sql[k] ?? 0).toFixed(0)})` : ''}`,
      )
      .join(', '),
  );
}
for (const [sql, c] of [...costs].sort((a, b) => b[1].cpu - a[1].cpu).slice(0, top))
  console.log(
    `CPU ${c.cpu.toFixed(0).padStart(6)} ms, wall ${c.ms.toFixed(0).padStart(6)} ms, ${c.calls}× [${c.stage}] ${sql}`,
  );
await removeDb(work);
