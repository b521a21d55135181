import { AsyncLocalStorage } from 'node:async_hooks';
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { DuckDbHandle } from '../dialect/index.ts';
import { readSchemaVersion } from '../migrations/migrations.ts';
import { openReader } from './warehouse-store.ts';

/**
 * Serving the published warehouse to many concurrent requests while loads replace it.
 *
 * A load never changes the published file: it renames a new file over it (see
 * `warehouse-store.ts`). A reader therefore holds one read-only handle per snapshot and, when it
 * sees a new file at the path, opens it, then swaps. Requests pin the snapshot they started on
 * with a {@link Lease}; the old handle is closed only when its last lease is released, so a
 * request never sees two versions, a half-loaded one, or a handle closed under it.
 */

/** One published version of the warehouse, pinned for the length of a request. */
export interface Lease {
  /** The read-only handle of this snapshot. Do not close it, and do not assign its `onStatement`. */
  readonly handle: DuckDbHandle;
  /** `max(data_version)` of the snapshot's `publication` table. */
  readonly dataVersion: number;
  /** When that version was published, ISO-8601 UTC. */
  readonly publishedAt: string;
  /**
   * The highest `load_id` in the snapshot's load log. A load that finds no change (`NO_CHANGE`)
   * adds a load-log row without a new data version, so the version alone does not identify the
   * snapshot's contents; (dataVersion, lastLoadId) does, and is the same on every replica.
   */
  readonly lastLoadId: number;
  /**
   * Runs `fn` so that the statements it (and everything it awaits) sends on `handle` are
   * attributed to this lease, which is what lets {@link Lease.interrupt} stop them.
   */
  run<T>(fn: () => T): T;
  /**
   * Stops this lease's work: the statement it is running is interrupted (only if it is this
   * lease's: the handle is shared by every lease on the snapshot) and each later statement it
   * sends fails at once with `reason`. Other leases are not affected.
   */
  interrupt(reason: Error): void;
  /** The reason given to `interrupt`, if it was called. */
  readonly interruptedBy: Error | undefined;
  /** Unpins the snapshot; idempotent. The lease must not be used afterwards. */
  release(): void;
}

/** The outcome of {@link WarehouseReader.ready}. */
export interface ReaderReadiness {
  readonly ok: boolean;
  /** The data version being served, or null when no snapshot could be read. */
  readonly dataVersion: number | null;
  /** The schema version of the snapshot being served, or null when it could not be read. */
  readonly schemaVersion: number | null;
  /** Why the reader is not ready (absent when it is). */
  readonly detail?: string;
}

/** How a reader notices new snapshots. */
export interface WarehouseReaderOptions {
  /** `acquire()` checks the file at most this often (default 250 ms). */
  readonly checkIntervalMs?: number;
  /** Also watch the directory for the rename that publishes a snapshot (default true). */
  readonly watch?: boolean;
  /** Told about a snapshot that could not be opened; the reader keeps serving the one it has. */
  readonly onError?: (error: Error) => void;
  /** Told about each swap to a new snapshot. */
  readonly onSwap?: (snapshot: { dataVersion: number; lastLoadId: number }) => void;
}

/** Identity of the file at the path: a rename over it gives a new inode. */
interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

const sameFile = (a: FileIdentity, b: FileIdentity) =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

async function identify(path: string): Promise<FileIdentity> {
  const s = await stat(path);
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

/** Per-lease state the handle's statement hook consults. */
interface LeaseState {
  interruptedBy: Error | undefined;
}

class Snapshot {
  leases = 0;
  retired = false;
  closed = false;
  /** The lease whose statement began last on the handle (the one running, if any is). */
  runningLease: LeaseState | undefined;

  constructor(
    readonly handle: DuckDbHandle,
    readonly identity: FileIdentity,
    readonly dataVersion: number,
    readonly publishedAt: string,
    readonly lastLoadId: number,
    scope: AsyncLocalStorage<LeaseState>,
  ) {
    handle.onStatement = () => {
      const lease = scope.getStore();
      this.runningLease = lease;
      // Throwing here fails the statement before DuckDB runs it.
      if (lease?.interruptedBy) throw lease.interruptedBy;
    };
  }

  closeIfUnused(): void {
    if (this.closed || !this.retired || this.leases > 0) return;
    this.closed = true;
    this.handle.close();
  }
}

/**
 * Serves the published warehouse at `path` read-only, following the snapshots that loads
 * publish there. See the module comment for the guarantees.
 */
export class WarehouseReader {
  /** The published warehouse file. */
  readonly path: string;

  readonly #checkIntervalMs: number;
  readonly #options: WarehouseReaderOptions;
  readonly #scope: AsyncLocalStorage<LeaseState>;
  #current: Snapshot;
  #lastCheck = Date.now();
  #refreshing: Promise<void> | undefined;
  #again = false;
  #watcher: FSWatcher | undefined;
  #closed = false;

  private constructor(
    path: string,
    first: Snapshot,
    scope: AsyncLocalStorage<LeaseState>,
    options: WarehouseReaderOptions,
  ) {
    this.path = path;
    this.#current = first;
    this.#scope = scope;
    this.#options = options;
    this.#checkIntervalMs = options.checkIntervalMs ?? 250;
    if (options.watch ?? true) this.#watch();
  }

  /**
   * Opens the published warehouse (migrating an older schema first, through a writer) and starts
   * following it. Fails when there is no file at `path`.
   */
  static async open(path: string, options: WarehouseReaderOptions = {}): Promise<WarehouseReader> {
    const scope = new AsyncLocalStorage<LeaseState>();
    const first = await openSnapshot(path, scope);
    return new WarehouseReader(path, first, scope, options);
  }

  /** The data version currently served (that new leases get). */
  get dataVersion(): number {
    return this.#current.dataVersion;
  }

  /**
   * Pins the newest snapshot for one request. Checks the file first when the last check is
   * older than the check interval, and waits for a swap already under way, so a request that
   * starts after a load has finished sees it. Never fails because of a load; fails only once the
   * reader is closed.
   */
  async acquire(): Promise<Lease> {
    if (this.#closed) throw new Error(`the warehouse reader for ${this.path} is closed`);
    if (this.#refreshing) await this.#refreshing;
    else if (Date.now() - this.#lastCheck >= this.#checkIntervalMs) await this.refresh();
    if (this.#closed) throw new Error(`the warehouse reader for ${this.path} is closed`);
    return this.#lease(this.#current);
  }

  /**
   * Checks the file now and swaps to it when a new snapshot was published there; resolves once
   * the reader serves the newest file it could open. Never rejects: a snapshot that cannot be
   * opened is reported to `onError` and the current one stays.
   */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    const run = async () => {
      do {
        this.#again = false;
        this.#lastCheck = Date.now();
        await this.#checkOnce();
      } while (this.#again && !this.#closed);
    };
    this.#refreshing = run().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** Runs a trivial query on the current snapshot: is the reader able to answer? */
  async ready(): Promise<ReaderReadiness> {
    if (this.#closed) {
      return { ok: false, dataVersion: null, schemaVersion: null, detail: 'the reader is closed' };
    }
    let lease: Lease;
    try {
      lease = await this.acquire();
    } catch (error) {
      return { ok: false, dataVersion: null, schemaVersion: null, detail: messageOf(error) };
    }
    try {
      const [row] = await lease.handle.all<{ v: number | null }>(
        'select max(data_version) as v from publication',
      );
      const schemaVersion = await readSchemaVersion(lease.handle);
      return { ok: true, dataVersion: row?.v ?? null, schemaVersion };
    } catch (error) {
      return {
        ok: false,
        dataVersion: lease.dataVersion,
        schemaVersion: null,
        detail: messageOf(error),
      };
    } finally {
      lease.release();
    }
  }

  /**
   * Stops following the file and closes the handles; a handle still leased is closed when its
   * last lease is released. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#refreshing;
    this.#current.retired = true;
    this.#current.closeIfUnused();
  }

  #lease(snapshot: Snapshot): Lease {
    snapshot.leases += 1;
    const state: LeaseState = { interruptedBy: undefined };
    const scope = this.#scope;
    let released = false;
    return {
      handle: snapshot.handle,
      dataVersion: snapshot.dataVersion,
      publishedAt: snapshot.publishedAt,
      lastLoadId: snapshot.lastLoadId,
      run: (fn) => scope.run(state, fn),
      interrupt(reason) {
        if (released || state.interruptedBy) return;
        state.interruptedBy = reason;
        if (snapshot.runningLease === state && !snapshot.closed) snapshot.handle.interrupt();
      },
      get interruptedBy() {
        return state.interruptedBy;
      },
      release() {
        if (released) return;
        released = true;
        snapshot.leases -= 1;
        snapshot.closeIfUnused();
      },
    };
  }

  async #checkOnce(): Promise<void> {
    if (this.#closed) return;
    let identity: FileIdentity;
    try {
      identity = await identify(this.path);
    } catch (error) {
      // No file for a moment is not a new snapshot; keep serving the one we have.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.#report(error);
      return;
    }
    if (sameFile(identity, this.#current.identity)) return;
    let next: Snapshot;
    try {
      next = await openSnapshot(this.path, this.#scope, identity);
    } catch (error) {
      this.#report(error);
      return;
    }
    if (this.#closed) {
      next.handle.close();
      return;
    }
    const previous = this.#current;
    this.#current = next;
    previous.retired = true;
    previous.closeIfUnused();
    this.#options.onSwap?.({ dataVersion: next.dataVersion, lastLoadId: next.lastLoadId });
  }

  #watch(): void {
    const name = basename(this.path);
    try {
      this.#watcher = watch(dirname(this.path), { persistent: false }, (_event, filename) => {
        if (filename === null || filename === name) void this.refresh();
      });
      // A directory that can no longer be watched leaves the interval check in acquire().
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch {
      this.#watcher = undefined;
    }
  }

  #report(error: unknown): void {
    this.#options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Opens the file at `path` read-only and reads its version stamp. The identity recorded is the
 * one seen before opening: if the file was replaced in between, the next check sees a different
 * identity and opens it again, which costs one reopen and is never stale.
 */
async function openSnapshot(
  path: string,
  scope: AsyncLocalStorage<LeaseState>,
  seen?: FileIdentity,
): Promise<Snapshot> {
  let identity = seen;
  if (!identity) {
    try {
      identity = await identify(path);
    } catch (error) {
      // openReader says what is missing and how to build it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') (await openReader(path)).close();
      throw error;
    }
  }
  const handle = await openReader(path);
  try {
    const [row] = await handle.all<{
      data_version: number | null;
      published_at: string | null;
      last_load_id: number | null;
    }>(
      `select p.data_version, p.published_at, (select max(load_id) from load_log) as last_load_id
       from publication p
       where p.data_version = (select max(data_version) from publication)`,
    );
    if (!row || row.data_version === null || row.published_at === null) {
      throw new Error(
        `a published warehouse must record at least one data version, but ${path} has none`,
      );
    }
    return new Snapshot(
      handle,
      identity,
      row.data_version,
      row.published_at,
      row.last_load_id ?? 0,
      scope,
    );
  } catch (error) {
    handle.close();
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
