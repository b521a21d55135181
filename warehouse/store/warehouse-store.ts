import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DuckDbHandle } from '../dialect/index.ts';
import { migrate, readSchemaVersion, SCHEMA_VERSION } from '../migrations/migrations.ts';

/**
 * Publishing by snapshot. The warehouse file at `path` is only ever replaced whole: a writer
 * copies it to a private temporary file, changes the copy, checkpoints and closes it, then renames
 * it over `path` (atomic on POSIX). Readers hold the file read-only and never see a half-written
 * state; a writer killed at any point leaves `path` exactly as it was, and its temporary file is
 * swept by the next writer. One writer at a time, by an exclusive lock file next to `path`.
 */

/** Thrown when another live process holds the writer lock. */
export class WarehouseBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holderPid: number,
  ) {
    super(
      `only one load may write the warehouse at a time, but process ${holderPid} is writing ${path}; try again when it has finished`,
    );
    this.name = 'WarehouseBusyError';
  }
}

/** What a writer callback decides: publish its copy, or discard it (dry run, no change). */
export interface WriteOutcome<T> {
  readonly publish: boolean;
  readonly result: T;
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

async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lock = lockPath(path);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
      if (Number.isFinite(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new WarehouseBusyError(path, holder);
      }
      await rm(lock, { force: true }); // stale: its writer died
    }
  }
  throw new Error(`the writer lock ${lock} could not be taken`);
}

/**
 * Removes temporary copies (and their scratch folders) left by writers that were killed. Call
 * only while holding the lock.
 */
async function sweepStaleCopies(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}${TEMP_MARK}`;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Runs `write` on a private, migrated copy of the warehouse and publishes the copy when the
 * callback asks to. The published file is replaced atomically or not at all.
 */
export async function withWriter<T>(
  path: string,
  write: (db: DuckDbHandle) => Promise<WriteOutcome<T>>,
): Promise<T> {
  // Writers in one process take turns; the lock file keeps other processes out.
  const previous = writerQueues.get(path) ?? Promise.resolve();
  const turn = previous.then(() => writeOnce(path, write));
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
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const release = await acquireLock(path);
  const temp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  let db: DuckDbHandle | undefined;
  try {
    await sweepStaleCopies(path);
    if (await exists(path)) await copyFile(path, temp, fsConstants.COPYFILE_FICLONE);
    db = await DuckDbHandle.open(temp);
    await migrate(db);
    const outcome = await write(db);
    if (outcome.publish) await db.run('checkpoint');
    db.close();
    db = undefined;
    if (outcome.publish) {
      await fsyncPath(temp);
      await rename(temp, path);
      await fsyncPath(dirname(path));
    }
    return outcome.result;
  } finally {
    db?.close();
    await rm(temp, { force: true });
    await rm(`${temp}.wal`, { force: true });
    await rm(writerScratchDir(temp), { recursive: true, force: true });
    await release();
  }
}

/**
 * Opens the published warehouse read-only, first bringing its schema up to date through a
 * writer when it is missing or older than this code.
 */
export async function openReader(path: string): Promise<DuckDbHandle> {
  if (!(await exists(path))) {
    throw new Error(
      `a warehouse file must exist before it can be read, but got no file at ${path}; run \`coopstat init --db ${path}\``,
    );
  }
  const db = await DuckDbHandle.open(path, { readOnly: true });
  if ((await readSchemaVersion(db)) === SCHEMA_VERSION) return db;
  db.close();
  await withWriter(path, async () => ({ publish: true, result: undefined }));
  return DuckDbHandle.open(path, { readOnly: true });
}
