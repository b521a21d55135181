import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { DuckDbHandle, SNAPSHOT_LINK_MARK } from '../dialect/index.ts';
import { migrate, readSchemaVersion, SCHEMA_VERSION } from '../migrations/migrations.ts';

/**
 * Publishing by snapshot. The warehouse file at `path` is only ever replaced whole: a writer
 * copies it to a private temporary file, changes the copy, checkpoints and closes it, then renames
 * it over `path` (atomic on POSIX). Readers hold the file read-only and never see a half-written
 * state; a writer killed at any point leaves `path` exactly as it was, and its temporary file is
 * swept by the next writer. One writer at a time, by an exclusive lock file next to `path`.
 */

/** Thrown when another live process holds the writer lock; nothing was written. */
export class WarehouseBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holderPid: number,
  ) {
    super(
      `only one load may write the warehouse at a time, but process ${holderPid} is writing ${path}; nothing was published; try again when it has finished`,
    );
    this.name = 'WarehouseBusyError';
  }
}

/** Why the file system refused a write, in words. */
const FILE_SYSTEM_FAULTS: readonly { pattern: RegExp; codes: readonly string[]; reason: string }[] =
  [
    {
      codes: ['ENOSPC', 'EDQUOT'],
      pattern: /no space left on device|disk quota exceeded|not enough space/i,
      reason: 'the disk is full',
    },
    {
      codes: ['EACCES', 'EPERM'],
      pattern: /permission denied|operation not permitted/i,
      reason: 'this user may not write there (permission denied)',
    },
    {
      codes: ['EROFS'],
      pattern: /read-only file system/i,
      reason: 'the file system is read-only',
    },
  ];

/**
 * Thrown when the disk or the file system refuses a write of the warehouse (full disk, no
 * permission, read-only mount): the published file is as it was.
 */
export class WarehouseWriteError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(
      `the warehouse ${path} could not be written because ${reason}; nothing was published and the warehouse is as it was`,
      options,
    );
    this.name = 'WarehouseWriteError';
  }
}

/**
 * The error as a {@link WarehouseWriteError} when it is a file-system refusal, else itself. A full
 * disk counts wherever it happens; a permission error only where it concerns the warehouse's
 * folder (an unreadable input file is the input's fault, said elsewhere).
 */
function asWriteError(path: string, error: unknown): unknown {
  if (error instanceof WarehouseWriteError || !(error instanceof Error)) return error;
  const { code = '', path: where } = error as NodeJS.ErrnoException;
  const fault = FILE_SYSTEM_FAULTS.find(
    (f) => f.codes.includes(code) || f.pattern.test(error.message),
  );
  if (!fault) return error;
  const folder = dirname(path);
  const concernsWarehouse =
    fault.reason === 'the disk is full' ||
    (where ?? '').startsWith(folder) ||
    error.message.includes(folder);
  return concernsWarehouse ? new WarehouseWriteError(path, fault.reason, { cause: error }) : error;
}

/** What a writer callback decides: publish its copy, or discard it (dry run, no change). */
export interface WriteOutcome<T> {
  readonly publish: boolean;
  readonly result: T;
}

/** Options of {@link withWriter}. */
export interface WriterOptions<T> {
  /**
   * Runs once the writer lock is held, while the warehouse is being copied (a load hashes and
   * peeks at its input there); a failure ends the write, and the copy is removed unused.
   */
  readonly beforeCopy?: () => Promise<void>;
  /**
   * DuckDB's `threads` for the writer's copy (default {@link DEFAULT_WRITER_THREADS}), or a
   * function asked for it once `beforeCopy` has answered: a load sizes its writer by its input
   * ({@link writerThreadsFor}), which it knows only then.
   */
  readonly threads?: number | (() => number);
}

/**
 * DuckDB's `threads` for a writer unless told otherwise: every core, as DuckDB itself would. On
 * the quiet 2-core machine one national register year (194,830 rows) loaded in 4.0–4.3 s with 2
 * threads against 5.2 s with 1 (00:00 UTC, load average ~1); under heavy load (average 26–28)
 * one thread was faster (25.6–28.1 s against 34.9–36.9 s) and used a quarter less CPU. A load
 * beside a busy API server can be given fewer (`threads`; the soak's `--loader-threads`); the
 * snapshot a server reads keeps its own setting (`COOPSTAT_DB_THREADS`).
 */
export const DEFAULT_WRITER_THREADS = Math.max(1, availableParallelism());

/** Inputs smaller than this load on one DuckDB thread ({@link writerThreadsFor}). */
export const ONE_THREAD_INPUT_BYTES = 8 * 1024 * 1024;

/**
 * DuckDB's `threads` for a load of an input of `bytes`: one below {@link ONE_THREAD_INPUT_BYTES},
 * every core above. DuckDB hands a pipeline to its threads a row group (122,880 rows) at a time,
 * so a file of fewer rows gains nothing from a second thread and pays for scheduling it. On the
 * quiet 2-core machine (2026-12-04, `bench/load-profile.ts`, generated register years, each
 * setting twice): 1,075 rows (165 KB) 1.39–1.53 s on one thread against 1.35–1.56 s on two, with
 * 1.41–1.57 s of CPU against 1.60–1.92 s; 5,370 rows (0.8 MB) 1.44–1.67 against 1.60–1.67 s;
 * 21,474 rows (3.3 MB) 2.11–2.18 against 2.01–2.23 s, CPU 2.15–2.23 against 2.43–2.67 s;
 * 107,373 rows (16 MB) 3.46–3.57 against 3.66–3.79 s; 214,749 rows (33 MB) 5.05–5.17 against
 * 4.24–4.25 s, where the second thread pays.
 */
export function writerThreadsFor(bytes: number): number {
  return bytes < ONE_THREAD_INPUT_BYTES ? 1 : DEFAULT_WRITER_THREADS;
}

const lockPath = (path: string) => `${path}.lock`;
const TEMP_MARK = '.writing-';

/**
 * The folder for a writer's temporary files (decoded copies of CSV files, …), beside its private
 * copy of the warehouse at `writingPath`: removed when the writer ends, and swept with the copy
 * by the next writer when the process was killed.
 */
export const writerScratchDir = (writingPath: string) => `${writingPath}.files`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a process started, in clock ticks since boot (field 22 of `/proc/PID/stat`); null where
 * there is no `/proc`. With the PID it names one process for good: PIDs are reused, start times
 * are not.
 */
async function processStart(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

/**
 * The lock file names its holder as `PID START`. A holder is alive when a process with that PID
 * exists and, where the start time is known on both sides, started at that time: a PID reused by
 * an unrelated process after the writer died does not keep the lock.
 */
async function holderAlive(pid: number, start: string | undefined): Promise<boolean> {
  if (!isAlive(pid)) return false;
  if (!start) return true;
  const current = await processStart(pid);
  return current === null || current === start;
}

async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  const start = await processStart(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      try {
        await handle.writeFile(start === null ? String(process.pid) : `${process.pid} ${start}`);
      } finally {
        await handle.close();
      }
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        await rm(lock, { force: true }).catch(() => undefined);
        throw error;
      }
      const [pidText, holderStart] = (await readFile(lock, 'utf8').catch(() => ''))
        .trim()
        .split(/\s+/);
      const holder = Number.parseInt(pidText ?? '', 10);
      if (
        Number.isFinite(holder) &&
        holder > 0 &&
        holder !== process.pid &&
        (await holderAlive(holder, holderStart))
      ) {
        throw new WarehouseBusyError(path, holder);
      }
      await rm(lock, { force: true }); // stale: its writer died
    }
  }
  throw new Error(`the writer lock ${lock} could not be taken; nothing was published`);
}

/**
 * Removes temporary copies (and their scratch folders) left by writers that were killed, and the
 * links of snapshots whose reader was killed while attaching them (`SNAPSHOT_LINK_MARK`). Call
 * only while holding the lock.
 */
async function sweepStaleCopies(path: string): Promise<void> {
  const dir = dirname(path);
  const prefixes = [TEMP_MARK, SNAPSHOT_LINK_MARK].map((mark) => `${basename(path)}${mark}`);
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    const pid = Number.parseInt(name.slice(prefix.length).split('-')[0] ?? '', 10);
    if (pid === process.pid || (Number.isFinite(pid) && isAlive(pid))) continue;
    await rm(join(dir, name), { recursive: true, force: true });
  }
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** What a DuckDB database file begins with: an 8-byte checksum, then these bytes. */
const DUCKDB_MAGIC = Buffer.from('DUCK');
const DUCKDB_MAGIC_AT = 8;

/**
 * What is at a warehouse's path: nothing yet, an empty file (as `mktemp` makes; a writer builds
 * the warehouse there, as where there is nothing) or a DuckDB database. Refuses anything else —
 * a folder, or a file without DuckDB's header, such as a CSV file or a workbook given as the
 * warehouse — with what it got and where, before DuckDB would answer about a writer's private
 * copy or "an in-memory database".
 */
export async function warehouseFileAt(path: string): Promise<'missing' | 'empty' | 'duckdb'> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return 'missing';
  const rule = 'a warehouse must be a DuckDB database file';
  if (info.isDirectory()) throw new Error(`${rule}, but got a folder at ${path}`);
  if (!info.isFile()) throw new Error(`${rule}, but got something that is not a file at ${path}`);
  if (info.size === 0) return 'empty';
  const head = Buffer.alloc(DUCKDB_MAGIC_AT + DUCKDB_MAGIC.length);
  const file = await open(path, 'r');
  try {
    await file.read(head, 0, head.length, 0);
  } finally {
    await file.close();
  }
  if (!head.subarray(DUCKDB_MAGIC_AT).equals(DUCKDB_MAGIC)) {
    throw new Error(
      `${rule}, but got a file without DuckDB's header (a data file given as the warehouse?) at ${path}`,
    );
  }
  return 'duckdb';
}

/**
 * Runs `write` on a private, migrated copy of the warehouse and publishes the copy when the
 * callback asks to. The published file is replaced atomically or not at all.
 */
export async function withWriter<T>(
  path: string,
  write: (db: DuckDbHandle) => Promise<WriteOutcome<T>>,
  options: WriterOptions<T> = {},
): Promise<T> {
  // Writers in one process take turns; the lock file keeps other processes out.
  const previous = writerQueues.get(path) ?? Promise.resolve();
  const turn = previous.then(() => writeOnce(path, write, options));
  const settled = turn.then(
    () => undefined,
    () => undefined,
  );
  writerQueues.set(path, settled);
  try {
    return await turn;
  } finally {
    if (writerQueues.get(path) === settled) writerQueues.delete(path);
  }
}

const writerQueues = new Map<string, Promise<void>>();

async function writeOnce<T>(
  path: string,
  write: (db: DuckDbHandle) => Promise<WriteOutcome<T>>,
  options: WriterOptions<T>,
): Promise<T> {
  let release: () => Promise<void>;
  try {
    await mkdir(dirname(path), { recursive: true });
    release = await acquireLock(path);
  } catch (error) {
    throw asWriteError(path, error);
  }
  try {
    // The copy of the warehouse (which grows with every year loaded) is made while `beforeCopy`
    // hashes and peeks at the input, not after it.
    const copy = startCopy(path);
    copy.catch(() => undefined); // awaited below, or discarded
    try {
      await options.beforeCopy?.();
    } catch (error) {
      await discardCopy(copy);
      throw error;
    }
    const threads = typeof options.threads === 'function' ? options.threads() : options.threads;
    return await writeCopy(path, await copy, write, threads);
  } catch (error) {
    throw asWriteError(path, error);
  } finally {
    await release();
  }
}

/** A writer's private copy of the warehouse, as {@link startCopy} made it. */
interface WriterCopy {
  /** The copy's path (no file when the warehouse did not exist yet). */
  readonly temp: string;
  /** The copy's flush to disk, started once it was made; awaited (and thrown) before a publish. */
  readonly flushed: Promise<void>;
}

/**
 * Sweeps the copies of killed writers, then copies the warehouse to a private temporary file and
 * starts its flush to disk. Holds the lock. A failure removes what it made.
 */
async function startCopy(path: string): Promise<WriterCopy> {
  const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await sweepStaleCopies(path);
    // Nothing to copy: the write builds a new warehouse, published over an empty file.
    if ((await warehouseFileAt(path)) !== 'duckdb') return { temp, flushed: Promise.resolve() };
    await copyFile(path, temp, fsConstants.COPYFILE_FICLONE);
  } catch (error) {
    await removeCopy(temp);
    throw error;
  }
  // The copy holds the whole history: its pages go to disk while the write works, so the
  // fsync before the rename waits only for what the write changed, not for the history.
  // Its error is kept for the publish: a write-back error reaches only the handle open when
  // it happened, so the later fsync could succeed over lost pages.
  const flushed = fsyncPath(temp);
  flushed.catch(() => undefined); // awaited (and thrown) before a publish; else moot
  return { temp, flushed };
}

/** Waits for a copy that will not be used (its error, if any, is moot) and removes it. */
async function discardCopy(copy: Promise<WriterCopy>): Promise<void> {
  const made = await copy.catch(() => undefined);
  if (made) await removeCopy(made.temp);
}

async function removeCopy(temp: string): Promise<void> {
  await rm(temp, { force: true });
  await rm(`${temp}.wal`, { force: true });
  await rm(`${temp}.tmp`, { recursive: true, force: true });
  await rm(writerScratchDir(temp), { recursive: true, force: true });
}

/** Runs `write` on the copy and publishes the copy when asked to. Holds the lock. */
async function writeCopy<T>(
  path: string,
  copy: WriterCopy,
  write: (db: DuckDbHandle) => Promise<WriteOutcome<T>>,
  threads: number | undefined,
): Promise<T> {
  const { temp, flushed: copyFlushed } = copy;
  let db: DuckDbHandle | undefined;
  try {
    db = await DuckDbHandle.attach(temp, { threads: threads ?? DEFAULT_WRITER_THREADS });
    // No row-group merging at this writer's checkpoint. Tables here only grow (a revision closes
    // a row by its `valid_to_version`; history is not deleted), so a merge would only read back,
    // recompress and write again the last, partly filled row groups of earlier loads together
    // with the new rows: up to two row groups of history (~240,000 register rows) at every load,
    // a cost that comes with the history, not with the change. Row groups left whole also keep
    // one load's year each, which the year filters of the next loads' diffs skip.
    await db.run('set max_vacuum_tasks = 0');
    await migrate(db);
    const outcome = await write(db);
    if (outcome.publish) await db.run('checkpoint');
    const closing = db;
    db = undefined;
    await closing.closeAsync();
    if (outcome.publish) {
      await copyFlushed;
      await fsyncPath(temp);
      await rename(temp, path);
      await fsyncPath(dirname(path));
    }
    return outcome.result;
  } finally {
    await db?.closeAsync().catch(() => undefined);
    await removeCopy(temp);
  }
}

/**
 * Opens the published warehouse read-only, first bringing its schema up to date through a
 * writer when it is missing or older than this code.
 */
export async function openReader(path: string): Promise<DuckDbHandle> {
  const found = await warehouseFileAt(path);
  if (found !== 'duckdb') {
    throw new Error(
      `a warehouse file must exist before it can be read, but got ${found === 'missing' ? 'no file' : 'an empty file'} at ${path}; run \`coopstat init --db ${path}\``,
    );
  }
  const db = await DuckDbHandle.open(path, { readOnly: true });
  if ((await readSchemaVersion(db)) === SCHEMA_VERSION) return db;
  db.close();
  await withWriter(path, async () => ({ publish: true, result: undefined }));
  return DuckDbHandle.open(path, { readOnly: true });
}
