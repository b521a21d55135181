import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DuckDbHandle } from '../dialect/index.ts';
import { readSchemaVersion, SCHEMA_VERSION } from '../migrations/migrations.ts';
import { openReader } from './warehouse-store.ts';

/**
 * Serving the published warehouse to many concurrent requests while loads replace it.
 *
 * A load never changes the published file: it renames a new file over it (see
 * `warehouse-store.ts`). A reader therefore opens each snapshot read-only with a small pool of
 * connections and, when it sees a new file at the path, opens it, then swaps. A request takes a
 * {@link Lease}: one connection of the current snapshot, its own for the length of the request,
 * so requests run at once, each request's statements run one after another, and interrupting
 * one request stops only its statement. When every connection is taken, requests wait in a
 * queue of bounded length for a bounded time ({@link ReaderBusyError} beyond either). The old
 * snapshot is closed only when its last lease is released, so a request never sees two
 * versions, a half-loaded one, or a connection closed under it.
 *
 * A new snapshot can be warmed before it serves ({@link WarehouseReaderOptions.warm}): the reader
 * hands every connection of it to the warm-up (the server runs the operations it served
 * recently), requests keep being served by the current snapshot meanwhile, and the swap happens
 * only when the warm-up is done (or out of time), so the first requests after a publish do not
 * all pay for a cold snapshot at once.
 */

/** Which published snapshot a lease reads, or a new lease would read. */
export interface SnapshotInfo {
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
   * Counts the snapshots this reader has opened (1, 2, …): a file published again with the same
   * version stamp (a schema migration) is still a new snapshot.
   */
  readonly snapshot: number;
}

/** One published version of the warehouse and one of its connections, pinned for a request. */
export interface Lease extends SnapshotInfo {
  /**
   * This lease's own connection to the snapshot, until `release()`. Do not close it, and do not
   * assign its `onStatement`.
   */
  readonly handle: DuckDbHandle;
  /**
   * The same object for every lease of one snapshot, and a new one for each snapshot: the key
   * for what is kept per snapshot (it is read-only) whichever pooled connection reads it.
   */
  readonly snapshotKey: object;
  /** The highest schema migration applied to the snapshot's file (0 without any). */
  readonly schemaVersion: number;
  /**
   * Runs `fn`. Every statement sent on `handle` is this lease's own, so nothing needs scoping;
   * kept so that code written as "run this as the lease's work" reads the same.
   */
  run<T>(fn: () => T): T;
  /**
   * Stops this lease's work: the statement it is running is interrupted and each later
   * statement it sends fails at once with `reason`. Other leases are not affected.
   */
  interrupt(reason: Error): void;
  /** The reason given to `interrupt`, if it was called. */
  readonly interruptedBy: Error | undefined;
  /** Gives the connection back and unpins the snapshot; idempotent. Do not use the lease after. */
  release(): void;
}

/** Why {@link WarehouseReader.acquire} gave up without a lease: every connection stayed busy. */
export class ReaderBusyError extends Error {
  constructor(
    message: string,
    /** `queue full`: the wait queue was at its limit; `wait too long`: the wait timed out. */
    readonly reason: 'queue full' | 'wait too long',
  ) {
    super(message);
    this.name = 'ReaderBusyError';
  }
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
  readonly onSwap?: (snapshot: SnapshotInfo) => void;
  /** Connections per snapshot: how many leases run at once (default 1). */
  readonly connections?: number;
  /** How many `acquire()` calls may wait for a connection; one more fails (default: no limit). */
  readonly queueLimit?: number;
  /** How long an `acquire()` call may wait for a connection, in ms (default: no limit). */
  readonly queueTimeoutMs?: number;
  /**
   * DuckDB's `memory_limit` for the snapshots, in bytes (default: DuckDB's own, 80% of the
   * machine's memory). It bounds their buffer pool (cached blocks of the file and working memory
   * of the queries), which all connections share: those of every snapshot attached at once (see
   * `attachSnapshots`), or of one snapshot on an instance of its own.
   */
  readonly memoryLimitBytes?: number;
  /** DuckDB's `threads` for each snapshot (default: DuckDB's own, the number of cores). */
  readonly threads?: number;
  /**
   * Attach each snapshot to one DuckDB instance the process keeps for snapshots of this path and
   * these settings (`DuckDbHandle.attachSnapshot`; default true) instead of opening an instance
   * per snapshot. The memory limit is then that instance's, shared by the snapshots open at once
   * (the serving one and one being warmed or drained). Where it cannot (no hard link can be made
   * beside the file, or the file needs migrating), a snapshot gets an instance of its own.
   */
  readonly attachSnapshots?: boolean;
  /**
   * Told when a retired snapshot is closed (its last lease released), with its
   * {@link Lease.snapshotKey}: what was kept for it can be dropped at once.
   */
  readonly onRetire?: (snapshotKey: object) => void;
  /**
   * Warms a new snapshot before it serves, given a lease on each of its connections (not yet
   * served to anyone; do not release them). Requests keep being served by the current snapshot
   * until it resolves, rejects (reported to `onError`; the swap still happens) or runs out of
   * `warmTimeoutMs` (its leases are then interrupted). The first snapshot is not warmed.
   */
  readonly warm?: (leases: readonly Lease[]) => Promise<void>;
  /**
   * Given a lease of a new snapshot (served to no one yet; do not release it) and the snapshot
   * it replaces, before the warm-up: what was kept for the old one and still holds in the new one
   * may be kept for it too (the server's use: `schema/snapshot-inheritance.ts`). A rejection is
   * reported to `onError`, and the swap goes on. The first snapshot replaces none.
   */
  readonly inherit?: (next: Lease, previous: PreviousSnapshot) => Promise<void>;
  /** The longest a warm-up may delay a swap, in ms (default 5000). */
  readonly warmTimeoutMs?: number;
  /** Told how each warm-up went, once its snapshot serves. */
  readonly onWarm?: (snapshot: SnapshotInfo, outcome: WarmUpOutcome) => void;
}

/** The snapshot a new one replaces, as {@link WarehouseReaderOptions.inherit} is told of it. */
export interface PreviousSnapshot {
  /** Its {@link Lease.snapshotKey}. */
  readonly snapshotKey: object;
  readonly dataVersion: number;
  readonly publishedAt: string;
  /** The highest schema migration applied to its file (0 without any). */
  readonly schemaVersion: number;
}

/** How the warm-up of a new snapshot went. */
export interface WarmUpOutcome {
  /** From handing over the connections to the swap, in ms. */
  readonly ms: number;
  /** `done`: it resolved; `failed`: it rejected; `timed out`: its time ran out first. */
  readonly result: 'done' | 'failed' | 'timed out';
}

/** The DuckDB settings each snapshot is opened with. */
interface SnapshotSettings {
  readonly connections: number;
  readonly memoryLimitBytes: number | undefined;
  readonly threads: number | undefined;
  readonly attach: boolean;
  readonly onRetire: ((snapshotKey: object) => void) | undefined;
}

/** How busy the reader is, now. */
export interface ReaderLoad {
  /** Connections of the current snapshot. */
  readonly connections: number;
  /** Of those, how many are leased. */
  readonly busy: number;
  /** `acquire()` calls waiting for a connection. */
  readonly waiting: number;
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

/** One connection of a snapshot's pool, and the lease holding it. */
interface PooledConnection {
  readonly handle: DuckDbHandle;
  owner: { interruptedBy: Error | undefined } | undefined;
}

/**
 * How DuckDB's allocator gives memory back, for every snapshot a reader opens. By default it
 * keeps what a task freed in its caches until a task has peaked past 128 MiB, and returns it only
 * from the threads that allocate: a server reading small slices kept some 10–15 MiB more resident
 * for nothing. Flushing after a task that peaked past 8 MiB, with jemalloc's background threads
 * returning freed pages, gave a peak RSS 4–12 MiB lower under 32 clients pulling the dashboard
 * and 9–15 MiB lower pulling target progress (three alternated pairs, same CPU per answer within
 * the noise; bench/server-memory.ts). `allocator_background_threads` is process-wide.
 */
const SNAPSHOT_ALLOCATOR_SETTINGS = [
  `set allocator_flush_threshold = '8MB'`,
  `set allocator_background_threads = true`,
] as const;

/** The memory limit a retired snapshot is lowered to before it is closed (see `closeIfUnused`). */
const RETIRED_MEMORY_LIMIT = '1MB';

class Snapshot implements SnapshotInfo {
  leases = 0;
  retired = false;
  closed = false;
  readonly idle: PooledConnection[];
  /** See {@link Lease.snapshotKey}. */
  readonly key: object = Object.freeze({});

  constructor(
    readonly connections: readonly PooledConnection[],
    readonly identity: FileIdentity,
    readonly dataVersion: number,
    readonly publishedAt: string,
    readonly lastLoadId: number,
    readonly schemaVersion: number,
    readonly snapshot: number,
    readonly onRetire: ((snapshotKey: object) => void) | undefined,
  ) {
    this.idle = [...connections];
    for (const connection of connections) {
      connection.handle.onStatement = () => {
        // Throwing here fails the statement before DuckDB runs it.
        const interruptedBy = connection.owner?.interruptedBy;
        if (interruptedBy) throw interruptedBy;
      };
    }
  }

  /**
   * Closes a retired snapshot once no lease holds it; resolves when its connections are closed
   * (at once when there is nothing to close yet). What was kept for it is forgotten first
   * (`onRetire`). An attached snapshot is detached, by a statement off the event loop (its
   * instance is shared). Closing an instance of its own runs on the event loop and frees the
   * snapshot's whole buffer pool there (measured 75–250 ms with a 31 MiB pool on a busy 2-core
   * machine, every request of the server waiting meanwhile), so the pool is emptied first by a
   * statement, which DuckDB runs on its own thread (`memory_limit` lowered: it evicts every block,
   * 20–200 ms off the event loop), and the close left to do takes 20–30 ms.
   */
  closeIfUnused(): Promise<void> {
    if (this.closed || !this.retired || this.leases > 0) return Promise.resolve();
    this.closed = true;
    this.onRetire?.(this.key);
    const [first] = this.connections;
    if (first?.handle.attachedSnapshot) {
      // The instance is shared and stays: the detach frees the snapshot's blocks off the event loop.
      return Promise.all(
        this.connections.map((c) => c.handle.closeAsync().catch(() => undefined)),
      ).then(() => undefined);
    }
    return (
      first ? first.handle.run(`set memory_limit = '${RETIRED_MEMORY_LIMIT}'`) : Promise.resolve()
    )
      .catch(() => {
        // Blocks still pinned, or the connection broken: the close frees what is left.
      })
      .then(() => {
        for (const connection of this.connections) connection.handle.close();
      });
  }
}

/** A caller of `acquire()` waiting for a connection. */
interface Waiter {
  resolve(lease: Lease): void;
  reject(error: Error): void;
  /** Stops the waiter's timer and abort listener. */
  done(): void;
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
  readonly #settings: SnapshotSettings;
  readonly #queueLimit: number;
  readonly #queueTimeoutMs: number;
  readonly #waiters: Waiter[] = [];
  #current: Snapshot;
  #lastCheck = Date.now();
  #refreshing: Promise<void> | undefined;
  /**
   * Resolves once a request need not wait for the refresh under way: its new snapshot serves, or
   * is being warmed (the current one serves meanwhile), or there was none.
   */
  #settled: Promise<void> | undefined;
  #settle: (() => void) | undefined;
  #again = false;
  #watcher: FSWatcher | undefined;
  #closed = false;
  /** Retired snapshots being closed; `close()` waits for them. */
  readonly #closing = new Set<Promise<void>>();

  private constructor(
    path: string,
    first: Snapshot,
    options: WarehouseReaderOptions,
    settings: SnapshotSettings,
  ) {
    this.path = path;
    this.#current = first;
    this.#options = options;
    this.#settings = settings;
    this.#checkIntervalMs = options.checkIntervalMs ?? 250;
    this.#queueLimit = options.queueLimit ?? Number.POSITIVE_INFINITY;
    this.#queueTimeoutMs = options.queueTimeoutMs ?? Number.POSITIVE_INFINITY;
    if (options.watch ?? true) this.#watch();
  }

  /**
   * Opens the published warehouse (migrating an older schema first, through a writer) and starts
   * following it. Fails when there is no file at `path`.
   */
  static async open(path: string, options: WarehouseReaderOptions = {}): Promise<WarehouseReader> {
    const connections = options.connections ?? 1;
    if (!Number.isSafeInteger(connections) || connections < 1) {
      throw new Error(
        `a reader needs at least one connection per snapshot, but got ${connections}`,
      );
    }
    const { memoryLimitBytes, threads } = options;
    if (
      memoryLimitBytes !== undefined &&
      (!Number.isSafeInteger(memoryLimitBytes) || memoryLimitBytes < 1)
    ) {
      throw new Error(
        `a reader's DuckDB memory limit must be a positive number of bytes, but got ${memoryLimitBytes}`,
      );
    }
    if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1)) {
      throw new Error(
        `a reader's DuckDB threads must be a positive whole number, but got ${threads}`,
      );
    }
    const settings: SnapshotSettings = {
      connections,
      memoryLimitBytes,
      threads,
      attach: options.attachSnapshots ?? true,
      onRetire: options.onRetire,
    };
    const first = await openSnapshot(path, settings, 1);
    return new WarehouseReader(path, first, options, settings);
  }

  /** The data version currently served (that new leases get). */
  get dataVersion(): number {
    return this.#current.dataVersion;
  }

  /** Connections in use and callers waiting for one, on the current snapshot. */
  get load(): ReaderLoad {
    const current = this.#current;
    return {
      connections: current.connections.length,
      busy: current.connections.length - current.idle.length,
      waiting: this.#waiters.length,
    };
  }

  /**
   * The snapshot a lease taken now would read, after the same check for a newer file as
   * {@link acquire}, without taking a connection (for answers that need only the version).
   */
  async current(): Promise<SnapshotInfo> {
    await this.#checkIfDue();
    const { dataVersion, publishedAt, lastLoadId, snapshot } = this.#current;
    return { dataVersion, publishedAt, lastLoadId, snapshot };
  }

  /**
   * Pins the newest snapshot and one of its connections for one request. Checks the file first
   * when the last check is older than the check interval, and waits for a swap already under
   * way, so a request that starts after a load has finished sees it. When every connection is
   * leased it waits its turn (first come, first served); it fails with {@link ReaderBusyError}
   * when `queueLimit` callers are waiting already or when it has waited `queueTimeoutMs`, with
   * `signal`'s reason when that aborts first, and once the reader is closed. Never fails
   * because of a load. `ahead`: the caller has waited its turn once already for an earlier step
   * of the same piece of work (e.g. checking a request's API key), so it goes to the front of
   * the queue and is not refused for a full one.
   */
  async acquire(options: { signal?: AbortSignal; ahead?: boolean } = {}): Promise<Lease> {
    await this.#checkIfDue();
    const current = this.#current;
    const ahead = options.ahead ?? false;
    const idle = ahead || this.#waiters.length === 0 ? current.idle.pop() : undefined;
    if (idle) return this.#lease(current, idle);
    if (!ahead && this.#waiters.length >= this.#queueLimit) {
      throw new ReaderBusyError(
        `every one of the ${this.#settings.connections} warehouse connections is busy and ${this.#waiters.length} requests are waiting already`,
        'queue full',
      );
    }
    const { signal } = options;
    signal?.throwIfAborted();
    return new Promise<Lease>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (error: Error) => {
        const index = this.#waiters.indexOf(waiter);
        if (index === -1) return;
        this.#waiters.splice(index, 1);
        waiter.done();
        reject(error);
      };
      const onAbort = () => leave(signal!.reason as Error);
      const waiter: Waiter = {
        resolve,
        reject,
        done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      if (Number.isFinite(this.#queueTimeoutMs)) {
        timer = setTimeout(
          () =>
            leave(
              new ReaderBusyError(
                `every one of the ${this.#settings.connections} warehouse connections stayed busy for ${this.#queueTimeoutMs} ms`,
                'wait too long',
              ),
            ),
          this.#queueTimeoutMs,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      if (ahead) this.#waiters.unshift(waiter);
      else this.#waiters.push(waiter);
    });
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
    this.#settled = new Promise<void>((resolve) => (this.#settle = resolve));
    this.#refreshing = run().finally(() => {
      this.#refreshing = undefined;
      this.#settle?.();
    });
    return this.#refreshing;
  }

  /**
   * Runs a trivial query on the current snapshot: is the reader able to answer? A reader whose
   * connections are all busy with a full queue (or past the wait limit) is not ready either.
   */
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
   * Stops following the file, fails the callers still waiting for a connection, and closes the
   * snapshot; a snapshot still leased is closed when its last lease is released. Resolves once
   * every retirement started before it resolves is done, also one started by a lease released
   * while it waits; a later call waits for those started since. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return this.retirements();
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.done();
      waiter.reject(this.#closedError());
    }
    await this.#refreshing;
    this.#retire(this.#current);
    await this.retirements();
  }

  /**
   * Resolves once every retired snapshot that no lease holds any more is closed (its close runs
   * after its buffer pool is emptied, see `Snapshot.closeIfUnused`).
   */
  async retirements(): Promise<void> {
    // A lease released meanwhile starts another retirement: wait for that one too.
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  /** Marks `snapshot` retired and closes it when no lease holds it (see `Snapshot.closeIfUnused`). */
  #retire(snapshot: Snapshot): void {
    snapshot.retired = true;
    this.#closeIfUnused(snapshot);
  }

  #closeIfUnused(snapshot: Snapshot): void {
    const closing = snapshot.closeIfUnused();
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
  }

  #closedError(): Error {
    return new Error(`the warehouse reader for ${this.path} is closed`);
  }

  /** Throws once closed; otherwise swaps to a newer file first when one is due to be checked. */
  async #checkIfDue(): Promise<void> {
    if (this.#closed) throw this.#closedError();
    if (this.#refreshing) await this.#settled;
    else if (Date.now() - this.#lastCheck >= this.#checkIntervalMs) {
      void this.refresh();
      await this.#settled;
    }
    if (this.#closed) throw this.#closedError();
  }

  /** Hands idle connections of the current snapshot to waiting callers, in arrival order. */
  #dispatch(): void {
    const current = this.#current;
    while (this.#waiters.length > 0 && current.idle.length > 0) {
      const waiter = this.#waiters.shift()!;
      waiter.done();
      waiter.resolve(this.#lease(current, current.idle.pop()!));
    }
  }

  #lease(snapshot: Snapshot, connection: PooledConnection): Lease {
    snapshot.leases += 1;
    const state: { interruptedBy: Error | undefined } = { interruptedBy: undefined };
    connection.owner = state;
    let released = false;
    return {
      handle: connection.handle,
      snapshotKey: snapshot.key,
      dataVersion: snapshot.dataVersion,
      publishedAt: snapshot.publishedAt,
      lastLoadId: snapshot.lastLoadId,
      snapshot: snapshot.snapshot,
      schemaVersion: snapshot.schemaVersion,
      run: (fn) => fn(),
      interrupt(reason) {
        if (released || state.interruptedBy) return;
        state.interruptedBy = reason;
        // An interrupt reaches only a statement DuckDB is running; one not started yet is
        // stopped by the statement hook.
        if (!snapshot.closed) connection.handle.interrupt();
      },
      get interruptedBy() {
        return state.interruptedBy;
      },
      release: () => {
        if (released) return;
        released = true;
        connection.owner = undefined;
        snapshot.leases -= 1;
        if (snapshot.retired) {
          this.#closeIfUnused(snapshot);
        } else {
          snapshot.idle.push(connection);
          this.#dispatch();
        }
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
      next = await openSnapshot(this.path, this.#settings, this.#current.snapshot + 1, identity);
    } catch (error) {
      this.#report(error);
      return;
    }
    // With a warm-up, requests go on with the current snapshot while the new one takes what it
    // keeps of the old one and warms; without, they wait for the new one, as they wait for it
    // to open.
    if (this.#options.warm) this.#settle?.();
    if (this.#options.inherit && !this.#closed) await this.#inherit(next, this.#options.inherit);
    if (this.#options.warm && !this.#closed) {
      const outcome = await this.#warmUp(next, this.#options.warm);
      const { dataVersion, publishedAt, lastLoadId, snapshot } = next;
      this.#options.onWarm?.({ dataVersion, publishedAt, lastLoadId, snapshot }, outcome);
    }
    if (this.#closed) {
      this.#retire(next);
      return;
    }
    const previous = this.#current;
    this.#current = next;
    this.#retire(previous);
    // Callers waiting for a connection of the old snapshot get one of the new.
    this.#dispatch();
    const { dataVersion, publishedAt, lastLoadId, snapshot } = next;
    this.#options.onSwap?.({ dataVersion, publishedAt, lastLoadId, snapshot });
  }

  /** Runs `inherit` with a lease of `next` (served to no one yet) and the current snapshot. */
  async #inherit(
    next: Snapshot,
    inherit: (next: Lease, previous: PreviousSnapshot) => Promise<void>,
  ): Promise<void> {
    const previous = this.#current;
    const lease = this.#lease(next, next.idle.pop()!);
    try {
      await inherit(lease, {
        snapshotKey: previous.key,
        dataVersion: previous.dataVersion,
        publishedAt: previous.publishedAt,
        schemaVersion: previous.schemaVersion,
      });
    } catch (error) {
      this.#report(error);
    } finally {
      lease.release();
    }
  }

  /**
   * Leases every connection of `next` (served to no one yet) to `warm`, for at most the warm-up
   * time; interrupts what is still running then, and gives the connections back.
   */
  async #warmUp(
    next: Snapshot,
    warm: (leases: readonly Lease[]) => Promise<void>,
  ): Promise<WarmUpOutcome> {
    const started = performance.now();
    const leases = next.idle.splice(0).map((connection) => this.#lease(next, connection));
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.#options.warmTimeoutMs ?? 5000;
    const outOfTime = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), timeoutMs);
    });
    const warming = Promise.resolve()
      .then(() => warm(leases))
      .then(
        () => 'done' as const,
        (error: unknown) => {
          this.#report(error);
          return 'failed' as const;
        },
      );
    const result = await Promise.race([warming, outOfTime]);
    clearTimeout(timer);
    if (result === 'timed out') {
      const reason = new Error(`the warm-up of a new snapshot took more than ${timeoutMs} ms`);
      for (const lease of leases) lease.interrupt(reason);
      await warming;
    }
    // Given back to the snapshot's idle list; no one waits on a snapshot not yet served.
    for (const lease of leases) lease.release();
    return { ms: performance.now() - started, result };
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
  settings: SnapshotSettings,
  serial: number,
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
  const { handles, schemaVersion } = await openSnapshotHandles(path, settings);
  const handle = handles[0]!;
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
      handles.map((h) => ({ handle: h, owner: undefined })),
      identity,
      row.data_version,
      row.published_at,
      row.last_load_id ?? 0,
      schemaVersion,
      serial,
      settings.onRetire,
    );
  } catch (error) {
    for (const h of handles) h.close();
    throw error;
  }
}

/**
 * The connections of a new snapshot: attached to the instance this process keeps for readers of
 * these settings ({@link WarehouseReaderOptions.attachSnapshots}) when that can be done and the
 * file is of this coopstat's schema; else on an instance of its own (`openReader`, which migrates
 * a file of an older schema first), with the schema version read on them.
 */
async function openSnapshotHandles(
  path: string,
  settings: SnapshotSettings,
): Promise<{ handles: DuckDbHandle[]; schemaVersion: number }> {
  if (settings.attach) {
    const attached = await DuckDbHandle.attachSnapshot(path, settings.connections, {
      memoryLimitBytes: settings.memoryLimitBytes,
      threads: settings.threads,
      settings: SNAPSHOT_ALLOCATOR_SETTINGS,
    }).catch(() => undefined);
    if (attached) {
      const version = await readSchemaVersion(attached[0]!).catch(() => undefined);
      if (version === SCHEMA_VERSION) return { handles: attached, schemaVersion: version };
      await Promise.all(attached.map((h) => h.closeAsync().catch(() => undefined)));
    }
  }
  const handle = await openReader(path);
  const handles = [handle];
  try {
    // Both settings are the instance's (global): set once, they hold for every connection.
    if (settings.memoryLimitBytes !== undefined) {
      await handle.run(`set memory_limit = '${settings.memoryLimitBytes}B'`);
    }
    if (settings.threads !== undefined) await handle.run(`set threads = ${settings.threads}`);
    for (const statement of SNAPSHOT_ALLOCATOR_SETTINGS) await handle.run(statement);
    while (handles.length < settings.connections) handles.push(await handle.connectAnother());
    return { handles, schemaVersion: await readSchemaVersion(handle) };
  } catch (error) {
    for (const h of handles) h.close();
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
