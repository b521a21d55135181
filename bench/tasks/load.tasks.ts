import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { initWarehouse } from '../../etl/reference/init-warehouse.ts';
import { loadFile } from '../../etl/load/load-file.ts';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { costliest, installStatementTimer, type StatementCost } from '../lib/statement-timer.ts';
import type { TaskContext } from './index.ts';

/** Removes a DuckDB file and its companions. */
async function removeDb(path: string): Promise<void> {
  for (const suffix of ['', '.wal', '.lock', '.tmp']) await rm(`${path}${suffix}`, { force: true });
}

/** `init` once: the default warehouse (admin units, reference figures, catalog) every load starts from. */
export async function initTemplate(args: { db: string }): Promise<{ ms: number; bytes: number }> {
  await removeDb(args.db);
  await mkdir(join(args.db, '..'), { recursive: true });
  const started = performance.now();
  await initWarehouse(args.db);
  return { ms: performance.now() - started, bytes: (await stat(args.db)).size };
}

/** One file's load inside one run. */
export interface FileLoad {
  readonly file: string;
  readonly ms: number;
  /** Milliseconds per stage named by `loadFile`'s `onProgress` (`hashing`, `reading`, …). */
  readonly stages: Record<string, number>;
  readonly outcome: string;
  readonly rowsRead: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly warnings: number;
}

/** One run: a fresh copy of the template, then every file in order. */
export interface LoadRun {
  readonly warmup: boolean;
  /** The template the run started from (see {@link LoadArgs.templates}). */
  readonly template: string;
  readonly ms: number;
  readonly files: FileLoad[];
  /** Bytes of the warehouse after the run. */
  readonly warehouseBytes: number;
}

export interface LoadArgs {
  readonly template: string;
  /**
   * Templates taken in turn instead, run by run: run `i` starts from a copy of
   * `templates[i % templates.length]`. Two starting points measured side by side this way, one
   * run of each after the other, share the machine's drift (its load, its caches) instead of one
   * of them taking all of it.
   */
  readonly templates?: readonly string[];
  readonly files: readonly string[];
  readonly workDir: string;
  readonly warmup: number;
  readonly reps: number;
  /** Latest reporting year accepted (the generator writes up to 2030). */
  readonly maxYear: number;
  /** Move the last run's warehouse here (for the dashboard measures). */
  readonly keepAs?: string;
  /**
   * Copy the last run's warehouse here just before its last file is loaded (the warehouse
   * holding every year but the last); the copy is not timed.
   */
  readonly keepBeforeLastAs?: string;
  /** Time every SQL statement of the first run (the warm-up when there is one). */
  readonly profile: boolean;
  /** Tell `loadFile` the family; by default it detects it from the file, as the CLI does. */
  readonly givenFamily?: boolean;
}

export interface LoadResult {
  readonly runs: LoadRun[];
  /** The costliest statements of the profiled run, when profiled. */
  readonly profile: {
    readonly run: number;
    readonly statements: number;
    readonly sqlMs: number;
    readonly runMs: number;
    readonly byStage: Record<string, { ms: number; statements: number }>;
    readonly top: StatementCost[];
  } | null;
}

/**
 * The full ETL (`loadFile`: family detection, hashing, staging, SQL validation, diff, snapshot
 * publish) of each file in order onto a fresh copy of the template, `warmup + reps` times; only
 * `loadFile` is timed. The family is detected from the file as `coopstat load` does, unless
 * `givenFamily` (as `coopstat load --family register`).
 */
export async function loadFiles(args: LoadArgs, ctx: TaskContext): Promise<LoadResult> {
  await mkdir(args.workDir, { recursive: true });
  const runs: LoadRun[] = [];
  let profile: LoadResult['profile'] = null;
  const total = args.warmup + args.reps;
  for (let i = 0; i < total; i++) {
    const db = join(args.workDir, `load-${process.pid}-${i}.duckdb`);
    const template = args.templates?.[i % args.templates.length] ?? args.template;
    await removeDb(db);
    await copyFile(template, db);
    let stage: string | undefined;
    const timer = args.profile && i === 0 ? installStatementTimer(() => stage) : undefined;
    const files: FileLoad[] = [];
    const runStarted = performance.now();
    let untimedMs = 0;
    for (const [index, file] of args.files.entries()) {
      if (args.keepBeforeLastAs && i === total - 1 && index === args.files.length - 1) {
        const copyStarted = performance.now();
        await removeDb(args.keepBeforeLastAs);
        await copyFile(db, args.keepBeforeLastAs);
        untimedMs += performance.now() - copyStarted;
      }
      const stages: Record<string, number> = {};
      let last = performance.now();
      const started = last;
      const report = await loadFile(file, {
        db,
        ...(args.givenFamily ? { family: 'register' as const } : {}),
        maxYear: args.maxYear,
        loadedBy: 'bench',
        onProgress: (next) => {
          const now = performance.now();
          if (stage !== undefined) stages[stage] = (stages[stage] ?? 0) + now - last;
          stage = next;
          last = now;
        },
      });
      const ended = performance.now();
      if (stage !== undefined) stages[stage] = (stages[stage] ?? 0) + ended - last;
      stage = undefined;
      if (report.outcome !== 'PUBLISHED')
        throw new Error(`${basename(file)} was not published: ${report.outcome}`);
      files.push({
        file: basename(file),
        ms: ended - started,
        stages,
        outcome: report.outcome,
        rowsRead: report.rowsRead,
        added: report.totals.added,
        changed: report.totals.changed,
        removed: report.totals.removed,
        warnings: report.warningCount,
      });
      ctx.progress(
        `${i < args.warmup ? 'warm-up' : `run ${i - args.warmup + 1}/${args.reps}`}: ${basename(file)} ${(ended - started).toFixed(0)} ms`,
      );
    }
    const runMs = performance.now() - runStarted - untimedMs;
    if (timer) {
      timer.uninstall();
      const byStage: Record<string, { ms: number; statements: number }> = {};
      for (const s of timer.recorded) {
        const key = s.stage ?? '(none)';
        const entry = (byStage[key] ??= { ms: 0, statements: 0 });
        entry.ms += s.ms;
        entry.statements += 1;
      }
      profile = {
        run: i,
        statements: timer.recorded.length,
        sqlMs: timer.recorded.reduce((s, x) => s + x.ms, 0),
        runMs,
        byStage,
        top: costliest(timer.recorded, 15),
      };
    }
    runs.push({
      warmup: i < args.warmup,
      template,
      ms: runMs,
      files,
      warehouseBytes: (await stat(db)).size,
    });
    if (i === total - 1 && args.keepAs) {
      await removeDb(args.keepAs);
      await rename(db, args.keepAs);
    } else {
      await removeDb(db);
    }
  }
  return { runs, profile };
}

export interface FloorArgs {
  readonly file: string;
  /** Also read all of these in one statement, once (an extra, measured floor for many years). */
  readonly allFiles?: readonly string[];
  readonly workDir: string;
  readonly warmup: number;
  readonly reps: number;
}

export interface FloorResult {
  readonly runs: { warmup: boolean; ms: number; rows: number }[];
  readonly allFiles: { ms: number; rows: number; files: number } | null;
}

/** Opens a fresh database file, `CREATE TABLE … AS SELECT * FROM read_csv(…)`, checkpoints, closes. */
async function ctasOnce(
  db: string,
  files: readonly string[],
): Promise<{ ms: number; rows: number }> {
  await removeDb(db);
  const started = performance.now();
  const handle = await DuckDbHandle.open(db);
  let rows = 0;
  try {
    await handle.run(
      files.length === 1
        ? `create table register as select * from read_csv($1)`
        : `create table register as select * from read_csv([${files.map((_, i) => `$${i + 1}`).join(', ')}], union_by_name = true)`,
      [...files],
    );
    await handle.run('checkpoint');
  } finally {
    handle.close();
  }
  const ms = performance.now() - started;
  const check = await DuckDbHandle.open(db, { readOnly: true });
  try {
    rows = (await check.all<{ n: number }>('select count(*) as n from register'))[0]!.n;
  } finally {
    check.close();
  }
  await removeDb(db);
  return { ms, rows };
}

/** The floor: DuckDB's own `read_csv` of the same file into a bare table, through `DuckDbHandle`. */
export async function floorCsv(args: FloorArgs, ctx: TaskContext): Promise<FloorResult> {
  await mkdir(args.workDir, { recursive: true });
  const db = join(args.workDir, `floor-${process.pid}.duckdb`);
  const runs: FloorResult['runs'] = [];
  for (let i = 0; i < args.warmup + args.reps; i++) {
    const { ms, rows } = await ctasOnce(db, [args.file]);
    runs.push({ warmup: i < args.warmup, ms, rows });
    ctx.progress(`read_csv floor ${i + 1}: ${ms.toFixed(0)} ms`);
  }
  let allFiles: FloorResult['allFiles'] = null;
  if (args.allFiles && args.allFiles.length > 1) {
    const { ms, rows } = await ctasOnce(db, args.allFiles);
    allFiles = { ms, rows, files: args.allFiles.length };
    ctx.progress(`read_csv of ${args.allFiles.length} files in one statement: ${ms.toFixed(0)} ms`);
  }
  return { runs, allFiles };
}
