import { AsyncLocalStorage } from 'node:async_hooks';
import { link, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import {
  DuckDBInstance,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBMaterializedResult,
  type DuckDBPreparedStatement,
  type DuckDBResult,
  type DuckDBType,
  type DuckDBValue,
  type StatementType,
  version,
} from '@duckdb/node-api';
import { SerialQueue } from './serial-queue.ts';
import {
  convertRows,
  describeUnsupported,
  toBoundValue,
  type Row,
  type SqlValue,
} from './value-policy.ts';

/** How to open a database file. */
export interface OpenOptions {
  /** Open with DuckDB `access_mode=READ_ONLY`; several processes may then share the file. */
  readOnly?: boolean;
  /**
   * DuckDB's `threads` for the instance: how many threads one statement may use (default
   * DuckDB's own, the number of cores).
   */
  threads?: number;
}

/** What one executed statement produced, before any dialect-specific shaping. */
export interface ExecutedStatement {
  readonly rows: Row[];
  readonly columnNames: readonly string[];
  readonly statementType: StatementType;
  readonly rowsChanged: number;
}

/**
 * Exclusive use of a handle's connection until `release()`, for the Kysely driver.
 *
 * Not exported from the module index: only `kysely-dialect.ts` needs it.
 */
export interface HandleSession {
  execute(sql: string, params: readonly unknown[]): Promise<ExecutedStatement>;
  stream(sql: string, params: readonly unknown[], chunkSize: number): AsyncIterableIterator<Row[]>;
  release(): void;
}

let openSession: (handle: DuckDbHandle) => Promise<HandleSession>;

/**
 * Waits until no other caller holds the handle's connection, then holds it for the Kysely driver.
 *
 * Inside `handle.transaction(fn)` the connection already belongs to the caller, so this returns at
 * once and `release()` does nothing.
 */
export function acquireSession(handle: DuckDbHandle): Promise<HandleSession> {
  return openSession(handle);
}

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** How often an interrupt is asked again until its statement ends (see `DuckDbHandle.interrupt`). */
const INTERRUPT_REPEAT_MS = 5;

/** How many prepared statements a read-only handle keeps (see `DuckDbHandle.#runPrepared`). */
const PREPARED_PER_HANDLE = 64;

/** Database instances opened by {@link DuckDbHandle.open} in this process and not yet closed. */
let openInstances = 0;

/**
 * The block size of a database file this process creates (DuckDB's `default_block_size`; a file
 * that exists keeps the size it was made with): 64 KiB instead of DuckDB's 256 KiB.
 *
 * Every column a write appends to starts a transient segment of one block, its validity mask set
 * in full, and the checkpoint writes it again. A load appends to six tables of up to 42 columns,
 * so a 7-row file cost ~120 ms of `COMMIT` and ~60 ms of checkpoint on 256 KiB blocks. Measured
 * (bench/RESULTS.md, 2026-12-04): one row committed into a 42-column table 64 ms on 256 KiB,
 * 23 ms on 64 KiB, 12 ms on 16 KiB; its checkpoint 110, 47 and 20 ms. The default warehouse is
 * 15.7 MB on 256 KiB, 8.7 MB on 64 KiB. 16 KiB would cost the national register space (DuckDB
 * compresses a segment, at most a block, on its own): the sixteen-year warehouse took 208 MB on
 * 16 KiB, 138 MB on 64 KiB, 135 MB on 256 KiB.
 */
export const NEW_FILE_BLOCK_SIZE = 65_536;

/** A database instance shared by the handles opened on it; closed with the last of them. */
interface SharedInstance {
  readonly instance: DuckDBInstance;
  handles: number;
  /** The attach host: counted in {@link DuckDbHandle.openInstances} by its files, not itself. */
  readonly host?: true;
}

/**
 * The in-memory instance that {@link DuckDbHandle.attach} attaches files to, one at a time, kept
 * for the life of the process (a handle count of its own keeps it open).
 *
 * Why: closing a DuckDB instance hands all its memory back to the system (DuckDB purges its
 * allocator then), so the next instance starts by page-faulting its way back, and creating one
 * registers its whole catalog of functions (~22 ms). A writer that opened an instance per load
 * paid both at every load: a 9-row load took 705–976 ms on its own instance against 505–689 ms
 * attached (bench/load-profile.ts, six loads a run, two runs each, alternating), with 40% fewer
 * page faults.
 */
let attachHost: SharedInstance | undefined;
/** Whether a file is attached to {@link attachHost} now (another one gets an instance of its own). */
let attachHostBusy = false;
/** Numbers the aliases of attached files. */
let attachments = 0;

/**
 * Closes the attach host, releasing whatever is still attached to it; the next attach makes a new
 * one. For a host DuckDB refused to set up for a file (it will not move a temporary directory it
 * has used once a load spilled to disk) or to detach a file from.
 */
function replaceAttachHost(): void {
  const host = attachHost;
  attachHost = undefined;
  attachHostBusy = false;
  if (!host) return;
  host.handles -= 1; // its own count (see `attachHost`)
  if (host.handles === 0) host.instance.closeSync();
}

/** How the snapshots of {@link DuckDbHandle.attachSnapshot} share an instance. */
export interface SnapshotHostOptions {
  /** DuckDB's `memory_limit` of the host, in bytes: what all its snapshots share (default DuckDB's). */
  readonly memoryLimitBytes?: number;
  /** DuckDB's `threads` of the host (default DuckDB's own, the number of cores). */
  readonly threads?: number;
  /** Statements that set the host's other settings, run once when it is made. */
  readonly settings?: readonly string[];
}

/** An instance that {@link DuckDbHandle.attachSnapshot} attaches snapshots to. */
interface SnapshotHost extends SharedInstance {
  /** Its key in `snapshotHosts`: the path and settings it was made for. */
  readonly key: string;
  /** Snapshots attached (or being attached) and not yet detached; the last one out closes it. */
  snapshots: number;
}

/**
 * The in-memory instances that {@link DuckDbHandle.attachSnapshot} attaches snapshots to, one per
 * published path and set of settings, each kept while a snapshot is attached to it. A reader
 * attaches its new snapshot before it detaches the old one, so one instance serves the reader
 * from its first snapshot to its close. Why: as for `attachHost`; a reader that opened an
 * instance per snapshot also closed the old one on the event loop (`closeSync`, 7–30 ms), which
 * purged the allocator of the whole process, the snapshot that serves included.
 */
const snapshotHosts = new Map<string, SnapshotHost>();
/**
 * What names the hard link a snapshot is attached through: `<path>.snapshot-<pid>-<n>`, removed
 * once attached. A process killed in between leaves it; writers sweep those of dead processes.
 */
export const SNAPSHOT_LINK_MARK = '.snapshot-';

/** Numbers the links and aliases of attached snapshots. */
let snapshotAttachments = 0;

/** One snapshot attached to a host, and how many of its handles are still open. */
interface SnapshotAttachment {
  readonly alias: string;
  readonly host: SnapshotHost;
  open: number;
  /** The detach, started when the last handle closed. */
  detached?: Promise<void>;
}

/**
 * Detaches `alias` from `host` on a connection of its own (DuckDB refuses a detach on the
 * connection that used the file once a failed checkpoint invalidated it); rejects when it cannot.
 */
async function detachOn(host: SharedInstance, alias: string): Promise<void> {
  const connection = await host.instance.connect();
  try {
    await connection.run(`detach ${alias}`);
  } finally {
    connection.disconnectSync();
  }
}

/** Counts a snapshot out of `host`; the last one out closes it (see `snapshotHosts`). */
function releaseSnapshotHost(host: SnapshotHost): void {
  host.snapshots -= 1;
  if (host.snapshots > 0) return;
  if (snapshotHosts.get(host.key) === host) snapshotHosts.delete(host.key);
  host.handles -= 1; // its own count
  if (host.handles === 0) host.instance.closeSync();
}

/**
 * One DuckDB database file opened with one connection.
 *
 * The one connection means one statement at a time: calls queue in JS. More handles on the same
 * database instance (each with a connection of its own, so their statements run at once) come
 * from {@link DuckDbHandle.connectAnother}. A transaction (through
 * `transaction()` or Kysely) holds the connection for its whole length, so other callers wait
 * rather than run inside it. Code inside `transaction(fn)` may use the handle (and Kysely over it)
 * freely; code inside a Kysely transaction must use only its `trx`, or it waits for itself.
 */
export class DuckDbHandle {
  /** The file given to `open`, or ':memory:'. */
  readonly path: string;
  /** Whether the file was opened read-only. */
  readonly readOnly: boolean;
  /**
   * Counts SQL texts sent to DuckDB through this handle (run, all, Kysely, and the BEGIN / COMMIT /
   * ROLLBACK that `transaction()` and `append()` issue), so tests can assert batching.
   *
   * A multi-statement `run` counts once. Assign 0 to reset.
   */
  statementCount = 0;
  /** Called with each SQL text just before it is executed (also counted by `statementCount`). */
  onStatement?: (sql: string) => void;

  readonly #shared: SharedInstance;
  readonly #connection: DuckDBConnection;
  /** Held for a whole transaction, Kysely connection or append. */
  readonly #session = new SerialQueue();
  /** Held for each statement, so nothing overlaps on the connection even inside a transaction. */
  readonly #statements = new SerialQueue();
  /** Marks the async context of a running `transaction(fn)`, which owns the session. */
  readonly #owner = new AsyncLocalStorage<true>();
  /** Statements sent to DuckDB and not finished (0 or 1: statements queue in JS). */
  #inFlight = 0;
  /** The number of the statement in flight or last run (they run one at a time). */
  #statementNo = 0;
  /** Repeats an interrupt until the statement it was asked for ends (see `interrupt`). */
  #interrupting: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** The file's alias in the attach host, for a handle from {@link DuckDbHandle.attach}. */
  #attachedAs: string | undefined;
  /** The detach {@link DuckDbHandle.closeAsync} started, until the handle is closed. */
  #detaching: Promise<void> | undefined;
  /** The snapshot this handle reads, for a handle from {@link DuckDbHandle.attachSnapshot}. */
  #snapshot: SnapshotAttachment | undefined;
  /**
   * A read-only handle's prepared statements by SQL text, least recently used first (see
   * {@link DuckDbHandle.#runPrepared}); texts of several statements are marked `null`.
   */
  readonly #prepared = new Map<string, DuckDBPreparedStatement | null>();

  static {
    openSession = (handle) => handle.#openSession();
  }

  private constructor(
    path: string,
    readOnly: boolean,
    shared: SharedInstance,
    connection: DuckDBConnection,
  ) {
    this.path = path;
    this.readOnly = readOnly;
    this.#shared = shared;
    this.#connection = connection;
    shared.handles += 1;
  }

  /**
   * Opens (or creates) a database file; ':memory:' gives a private in-memory database.
   *
   * Extension auto-install is switched off, so a missing extension fails at once instead of after
   * a network timeout. While a process holds a file read-write, no other process can open it.
   */
  static async open(path: string, options: OpenOptions = {}): Promise<DuckDbHandle> {
    const readOnly = options.readOnly ?? false;
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      default_block_size: String(NEW_FILE_BLOCK_SIZE),
    };
    if (readOnly) config.access_mode = 'READ_ONLY';
    if (options.threads !== undefined) config.threads = String(checkedThreads(options.threads));
    const instance = await DuckDBInstance.create(path, config);
    try {
      const handle = new DuckDbHandle(
        path,
        readOnly,
        { instance, handles: 0 },
        await instance.connect(),
      );
      openInstances += 1;
      return handle;
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /**
   * Opens (or creates) a database file read-write, as {@link DuckDbHandle.open} does, by attaching
   * it to the in-memory instance this process keeps for that (see `attachHost`); when another file
   * is attached there now, it opens an instance of its own instead. Close it with
   * {@link DuckDbHandle.closeAsync}, which detaches the file (`close()` starts the same).
   *
   * The host's settings are global to it, so this sets them for the file: `threads`, and DuckDB's
   * temporary directory `<path>.tmp` beside the file, as an instance opened on the file would use.
   * A host DuckDB will not set up for a file (it refuses to move a temporary directory it has used,
   * after a load that spilled to disk) is closed and the file attached to a new one (an instance
   * of its own if that fails too).
   */
  static async attach(path: string, options: { threads?: number } = {}): Promise<DuckDbHandle> {
    if (attachHostBusy) return DuckDbHandle.open(path, options);
    const threads = checkedThreads(options.threads ?? availableParallelism());
    attachHostBusy = true;
    const reused = attachHost !== undefined;
    let handle: DuckDbHandle | undefined;
    try {
      attachHost ??= {
        instance: await DuckDBInstance.create(':memory:', {
          autoinstall_known_extensions: 'false',
          default_block_size: String(NEW_FILE_BLOCK_SIZE),
        }),
        handles: 1,
        host: true,
      };
      handle = new DuckDbHandle(path, false, attachHost, await attachHost.instance.connect());
      await handle.run(`set threads = ${threads}; set temp_directory = ${sqlText(`${path}.tmp`)}`);
    } catch {
      handle?.close();
      replaceAttachHost();
      // A new host, once; a new host that fails too leaves the file an instance of its own.
      return reused ? DuckDbHandle.attach(path, options) : DuckDbHandle.open(path, options);
    }
    const alias = `attached_${++attachments}`;
    try {
      await handle.run(`attach ${sqlText(path)} as ${alias}`);
    } catch (error) {
      handle.close();
      attachHostBusy = false;
      throw error;
    }
    handle.#attachedAs = alias;
    openInstances += 1;
    try {
      await handle.run(`use ${alias}`);
    } catch (error) {
      await handle.closeAsync().catch(() => undefined);
      throw error;
    }
    return handle;
  }

  /**
   * Opens a published warehouse file read-only as a snapshot with `connections` handles (each a
   * connection of its own, as {@link DuckDbHandle.connectAnother} gives), by attaching it to the
   * in-memory instance this process keeps for snapshots of this path and these `options` (see
   * `snapshotHosts`; its temporary directory is `<path>.tmp`, as for an instance on the file).
   * The snapshot keeps reading the file it attached when a new one is renamed over the path. It
   * is detached when the last of its handles is closed (`closeAsync()` waits for that), off the
   * event loop; the instance stays while another snapshot is attached to it (a reader's next one).
   *
   * DuckDB attaches a path once per instance, and the path stays attached as long as the snapshot
   * that serves: the file is attached through a hard link made for it beside the file
   * (`<path>.snapshot-<pid>-<n>`), removed once attached (DuckDB holds the file open). Fails
   * where no link can be made there (a read-only folder, a file system without links): open an
   * instance of its own then.
   */
  static async attachSnapshot(
    path: string,
    connections: number,
    options: SnapshotHostOptions = {},
  ): Promise<DuckDbHandle[]> {
    if (!Number.isSafeInteger(connections) || connections < 1) {
      throw new Error(`a snapshot needs at least one connection, but got ${connections}`);
    }
    const key = JSON.stringify([
      path,
      options.memoryLimitBytes ?? null,
      options.threads ?? null,
      options.settings ?? [],
    ]);
    let host = snapshotHosts.get(key);
    if (host) host.snapshots += 1;
    else {
      const config: Record<string, string> = {
        autoinstall_known_extensions: 'false',
        // Where a large query spills, as an instance opened on the file would (its default).
        temp_directory: `${path}.tmp`,
      };
      if (options.threads !== undefined) config.threads = String(checkedThreads(options.threads));
      if (options.memoryLimitBytes !== undefined) {
        config.memory_limit = `${options.memoryLimitBytes}B`;
      }
      const instance = await DuckDBInstance.create(':memory:', config);
      try {
        const connection = await instance.connect();
        try {
          for (const statement of options.settings ?? []) await connection.run(statement);
        } finally {
          connection.disconnectSync();
        }
      } catch (error) {
        instance.closeSync();
        throw error;
      }
      // Another call may have made one meanwhile: use the first.
      host = snapshotHosts.get(key);
      if (host) {
        instance.closeSync();
        host.snapshots += 1;
      } else {
        host = { instance, handles: 1, host: true, key, snapshots: 1 };
        snapshotHosts.set(key, host);
      }
    }
    const n = ++snapshotAttachments;
    const linked = `${path}${SNAPSHOT_LINK_MARK}${process.pid}-${n}`;
    const snapshot: SnapshotAttachment = { alias: `snapshot_${n}`, host, open: 0 };
    const handles: DuckDbHandle[] = [];
    try {
      await link(path, linked);
      const first = new DuckDbHandle(path, true, host, await host.instance.connect());
      handles.push(first);
      try {
        await first.run(`attach ${sqlText(linked)} as ${snapshot.alias} (read_only)`);
      } finally {
        await unlink(linked).catch(() => undefined);
      }
      openInstances += 1;
      first.#snapshot = snapshot;
      snapshot.open += 1;
      while (handles.length < connections) {
        const handle = new DuckDbHandle(path, true, host, await host.instance.connect());
        handle.#snapshot = snapshot;
        snapshot.open += 1;
        handles.push(handle);
      }
      for (const handle of handles) await handle.run(`use ${snapshot.alias}`);
      return handles;
    } catch (error) {
      // Once attached, the last handle closed detaches it and counts it out of the host.
      const attached = snapshot.open > 0;
      await Promise.all(handles.map((h) => h.closeAsync().catch(() => undefined)));
      if (!attached) releaseSnapshotHost(host);
      throw error;
    }
  }

  /**
   * Whether this handle reads a snapshot attached to an instance the process keeps
   * ({@link DuckDbHandle.attachSnapshot}): its settings are that instance's, shared with other
   * snapshots, and closing it frees no instance.
   */
  get attachedSnapshot(): boolean {
    return this.#snapshot !== undefined;
  }

  /**
   * How many databases this process has opened and not closed (each with all its handles): what
   * the tests check is back to nothing at the end of every file.
   */
  static get openInstances(): number {
    return openInstances;
  }

  /**
   * A new handle on this handle's database instance, with a connection of its own: its
   * statements run at the same time as this handle's, it sees the same data (a read-only file
   * never changes), and its `interrupt()` stops only its own statement. The instance is closed
   * with the last handle on it, whichever that is.
   */
  async connectAnother(): Promise<DuckDbHandle> {
    if (this.#closed) throw new Error(`the DuckDB handle for ${this.path} is closed`);
    // A connection on the host would read the host's own database, and outlive the file's detach.
    if (this.#attachedAs !== undefined) {
      throw new Error(`a file opened by DuckDbHandle.attach has one connection (${this.path})`);
    }
    if (this.#snapshot !== undefined) {
      throw new Error(
        `a snapshot from DuckDbHandle.attachSnapshot has the connections it was attached with (${this.path})`,
      );
    }
    const connection = await this.#shared.instance.connect();
    if (this.#shared.handles === 0) {
      // Every handle on the instance was closed while connecting: so is the instance.
      connection.disconnectSync();
      throw new Error(`the DuckDB handle for ${this.path} is closed`);
    }
    return new DuckDbHandle(this.path, this.readOnly, this.#shared, connection);
  }

  /**
   * Runs one or more statements (no params) or one statement with positional params ($1, $2 … or ?).
   *
   * Whole-number params bind as INTEGER/BIGINT, other numbers as DOUBLE; pass dates as strings.
   */
  async run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    await this.#withSession(() => this.#execute(sql, params));
  }

  /**
   * Runs a query and returns its rows converted by the value policy (see `toJsValue`).
   *
   * Duplicate column names are de-duplicated as `@duckdb/node-api` does ('a', 'a:1').
   */
  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const { rows } = await this.#withSession(() => this.#execute(sql, params));
    return rows as T[];
  }

  /**
   * Bulk-appends rows to an existing table (`'table'` or `'schema.table'`), each row an array of
   * values in table column order; returns the number of rows appended.
   *
   * All or nothing: outside `transaction()` it runs in a transaction of its own. DuckDB casts each
   * value to its column's type, so dates go in as 'YYYY-MM-DD' strings. The `rows` iterable must not
   * query this handle while the append runs.
   */
  async append(
    table: string,
    rows: Iterable<readonly SqlValue[]> | AsyncIterable<readonly SqlValue[]>,
  ): Promise<number> {
    return this.#withSession(async () => {
      const ownTransaction = this.#owner.getStore() !== true;
      if (ownTransaction) await this.#execute('BEGIN TRANSACTION');
      try {
        const count = await this.#appendRows(table, rows);
        if (ownTransaction) await this.#execute('COMMIT');
        return count;
      } catch (error) {
        if (ownTransaction) await this.#rollbackQuietly();
        throw error;
      }
    });
  }

  /**
   * Runs `fn` between BEGIN and COMMIT, rolling back and rethrowing if it throws; returns fn's result.
   *
   * `fn` receives this same handle. Transactions cannot nest (DuckDB has no savepoints).
   */
  async transaction<T>(fn: (h: DuckDbHandle) => Promise<T>): Promise<T> {
    if (this.#owner.getStore() === true) {
      throw new Error('transaction() cannot be nested: DuckDB has no savepoints');
    }
    return this.#withSession(() =>
      this.#owner.run(true, async () => {
        await this.#execute('BEGIN TRANSACTION');
        let result: T;
        try {
          result = await fn(this);
        } catch (error) {
          await this.#rollbackQuietly();
          throw error;
        }
        try {
          await this.#execute('COMMIT');
        } catch (error) {
          await this.#rollbackQuietly();
          throw error;
        }
        return result;
      }),
    );
  }

  /** Whether a statement of this handle is executing in DuckDB now (not just queued in JS). */
  get running(): boolean {
    return this.#inFlight > 0;
  }

  /**
   * Interrupts the running query (`connection.interrupt()`); it then fails with an INTERRUPT error.
   * DuckDB forgets an interrupt that comes before the statement starts executing: one asked for
   * while the statement still waits for a thread of Node's pool, or between its prepare and its
   * run, and the statement then runs to its end. So while the statement in flight now has not
   * ended, the interrupt is repeated every few milliseconds; it never reaches a later statement.
   */
  interrupt(): void {
    if (this.#closed) return;
    this.#connection.interrupt();
    clearInterval(this.#interrupting);
    this.#interrupting = undefined;
    if (this.#inFlight === 0) return;
    const statement = this.#statementNo;
    this.#interrupting = setInterval(() => {
      if (this.#closed || this.#inFlight === 0 || this.#statementNo !== statement) {
        clearInterval(this.#interrupting);
        this.#interrupting = undefined;
        return;
      }
      this.#connection.interrupt();
    }, INTERRUPT_REPEAT_MS);
    this.#interrupting.unref();
  }

  /**
   * Closes the connection, and the database with the last handle on it; idempotent. Later calls
   * fail with a clear error. A file from {@link DuckDbHandle.attach} is detached first, without
   * waiting ({@link DuckDbHandle.closeAsync} waits).
   */
  close(): void {
    if (this.#attachedAs !== undefined || this.#detaching || this.#snapshot) {
      void this.closeAsync().catch(() => undefined);
      return;
    }
    this.#closeConnection();
  }

  #closeConnection(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Disconnecting destroys the connection's prepared statements.
    this.#prepared.clear();
    this.#connection.disconnectSync();
    this.#shared.handles -= 1;
    if (this.#shared.handles === 0) {
      this.#shared.instance.closeSync();
      if (!this.#shared.host) openInstances -= 1;
    }
  }

  /**
   * Closes the handle as `close()` does, and detaches a file from {@link DuckDbHandle.attach}
   * (DuckDB checkpoints it then, as it does when it closes an instance of its own). The detach runs
   * on a connection of its own, once this one is closed (a transaction left open on it is rolled
   * back): DuckDB refuses the file's own connection a detach when a failed checkpoint invalidated
   * it. When the detach fails all the same, the host is closed, which releases the file; the
   * returned promise then rejects. Calls while it detaches share its end.
   */
  closeAsync(): Promise<void> {
    if (this.#detaching) return this.#detaching;
    if (this.#snapshot) return this.#closeSnapshotHandle(this.#snapshot);
    const alias = this.#attachedAs;
    const host = this.#shared;
    if (alias === undefined) {
      this.close();
      return Promise.resolve();
    }
    this.#attachedAs = undefined;
    this.#detaching = (async () => {
      this.#closeConnection();
      openInstances -= 1;
      let detached = false;
      try {
        await detachOn(host, alias);
        detached = true;
      } finally {
        if (!detached && attachHost === host) replaceAttachHost();
        else if (attachHost === host) attachHostBusy = false;
      }
    })();
    return this.#detaching;
  }

  /**
   * Closes a handle of an attached snapshot; the last one detaches the snapshot, on a connection
   * of its own, and counts it out of its host. A host that fails to detach takes no new snapshot.
   */
  #closeSnapshotHandle(snapshot: SnapshotAttachment): Promise<void> {
    if (this.#closed) return snapshot.detached ?? Promise.resolve();
    this.#closeConnection();
    snapshot.open -= 1;
    if (snapshot.open > 0) return Promise.resolve();
    const { host } = snapshot;
    // Counted open until the detach has ended, so that a caller that awaits no close sees it.
    snapshot.detached = (async () => {
      let detached = false;
      try {
        await detachOn(host, snapshot.alias);
        detached = true;
      } finally {
        openInstances -= 1;
        if (!detached && snapshotHosts.get(host.key) === host) snapshotHosts.delete(host.key);
        releaseSnapshotHost(host);
      }
    })();
    return snapshot.detached;
  }

  async #withSession<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#owner.getStore() === true) return fn();
    const release = await this.#session.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  async #openSession(): Promise<HandleSession> {
    const release =
      this.#owner.getStore() === true ? () => undefined : await this.#session.acquire();
    return {
      execute: (sql, params) => this.#execute(sql, params),
      stream: (sql, params, chunkSize) => this.#stream(sql, params, chunkSize),
      release,
    };
  }

  #connectionOrThrow(): DuckDBConnection {
    if (this.#closed) throw new Error(`the DuckDB handle for ${this.path} is closed`);
    return this.#connection;
  }

  #begin(sql: string): DuckDBConnection {
    const connection = this.#connectionOrThrow();
    this.statementCount += 1;
    this.onStatement?.(sql);
    return connection;
  }

  /**
   * Waits for the statement slot, then counts the statement and marks it in flight; `end` gives
   * both back. Nothing is marked when the handle is closed (the slot is given back at once).
   */
  async #startStatement(sql: string): Promise<{ connection: DuckDBConnection; end: () => void }> {
    const release = await this.#statements.acquire();
    let connection: DuckDBConnection;
    try {
      connection = this.#begin(sql);
    } catch (error) {
      release();
      throw error;
    }
    this.#inFlight += 1;
    this.#statementNo += 1;
    return {
      connection,
      end: () => {
        this.#inFlight -= 1;
        release();
      },
    };
  }

  async #execute(sql: string, params?: readonly unknown[]): Promise<ExecutedStatement> {
    const { connection, end } = await this.#startStatement(sql);
    try {
      const result =
        (this.readOnly && (await this.#runPrepared(connection, sql, params ?? []))) ||
        (params !== undefined && params.length > 0
          ? await connection.run(sql, ...bindParams(params))
          : await connection.run(sql));
      const columnNames = result.deduplicatedColumnNames();
      const rows = convertRows(columnNames, result.columnTypes(), await result.getRows());
      return {
        rows,
        columnNames,
        statementType: result.statementType,
        rowsChanged: result.rowsChanged,
      };
    } finally {
      end();
    }
  }

  /**
   * Runs `sql` on a read-only handle through the prepared statement it keeps for that text,
   * preparing it the first time; undefined for a text of several statements (run it as usual).
   * A server asks the same few queries of a snapshot over and over: each time, DuckDB's node API
   * would split the text, prepare (parse, bind, plan) and run it, three calls that each go through
   * Node's thread pool, where a kept statement is bound and run. What a read-only file holds never
   * changes, and DuckDB prepares a statement again itself if the catalog did. At most
   * {@link PREPARED_PER_HANDLE} texts are kept; a statement that fails is dropped.
   */
  async #runPrepared(
    connection: DuckDBConnection,
    sql: string,
    params: readonly unknown[],
  ): Promise<DuckDBMaterializedResult | undefined> {
    let prepared = this.#prepared.get(sql);
    if (prepared === null) return undefined;
    if (prepared) {
      this.#prepared.delete(sql); // to the end: the most recently used
    } else {
      const extracted = await connection.extractStatements(sql);
      if (extracted.count !== 1) {
        this.#keepPrepared(sql, null);
        return undefined;
      }
      prepared = await extracted.prepare(0);
    }
    this.#keepPrepared(sql, prepared);
    try {
      if (params.length > 0) prepared.bind(...bindParams(params));
      return await prepared.run();
    } catch (error) {
      this.#prepared.delete(sql);
      prepared.destroySync();
      throw error;
    }
  }

  #keepPrepared(sql: string, prepared: DuckDBPreparedStatement | null): void {
    this.#prepared.set(sql, prepared);
    if (this.#prepared.size <= PREPARED_PER_HANDLE) return;
    const [oldest, statement] = this.#prepared.entries().next().value!;
    this.#prepared.delete(oldest);
    statement?.destroySync();
  }

  async *#stream(
    sql: string,
    params: readonly unknown[],
    chunkSize: number,
  ): AsyncIterableIterator<Row[]> {
    const { connection, end } = await this.#startStatement(sql);
    try {
      const result: DuckDBResult =
        params.length > 0
          ? await connection.stream(sql, ...bindParams(params))
          : await connection.stream(sql);
      const columnNames = result.deduplicatedColumnNames();
      const columnTypes = result.columnTypes();
      let buffer: Row[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        buffer.push(...convertRows(columnNames, columnTypes, chunk.getRows()));
        while (buffer.length >= chunkSize) {
          yield buffer.slice(0, chunkSize);
          buffer = buffer.slice(chunkSize);
        }
      }
      if (buffer.length > 0) yield buffer;
    } finally {
      end();
    }
  }

  async #rollbackQuietly(): Promise<void> {
    try {
      await this.#execute('ROLLBACK');
    } catch {
      // DuckDB already ended the transaction (e.g. a failed COMMIT); nothing is left to undo.
    }
  }

  async #appendRows(
    table: string,
    rows: Iterable<readonly SqlValue[]> | AsyncIterable<readonly SqlValue[]>,
  ): Promise<number> {
    const release = await this.#statements.acquire();
    try {
      const dot = table.indexOf('.');
      const appender =
        dot === -1
          ? await this.#connectionOrThrow().createAppender(table)
          : await this.#connectionOrThrow().createAppender(
              table.slice(dot + 1),
              table.slice(0, dot),
            );
      const width = appender.columnCount;
      let rowNumber = 0;
      const appendRow = (row: readonly SqlValue[]): void => {
        rowNumber += 1;
        if (row.length !== width) {
          throw new RowShapeError(
            `each row appended to ${table} must have ${width} values (one per column), ` +
              `but got ${row.length} at row ${rowNumber}`,
          );
        }
        for (let column = 0; column < width; column++) {
          appendValue(appender, row[column], table, rowNumber, column + 1);
        }
        appender.endRow();
      };
      try {
        if (Symbol.asyncIterator in rows) {
          for await (const row of rows) appendRow(row);
        } else {
          for (const row of rows) appendRow(row);
        }
      } catch (error) {
        discard(appender);
        if (error instanceof RowShapeError || error instanceof TypeError) throw error;
        throw new Error(`appending to ${table} failed at row ${rowNumber}: ${messageOf(error)}`, {
          cause: error,
        });
      }
      try {
        appender.closeSync();
      } catch (error) {
        throw new Error(
          `appending ${rowNumber} rows to ${table} failed while flushing: ${messageOf(error)}`,
          { cause: error },
        );
      }
      return rowNumber;
    } finally {
      release();
    }
  }
}

/** `threads` for DuckDB's `threads` setting, or an error saying what it must be. */
function checkedThreads(threads: number): number {
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new Error(`DuckDB threads must be a positive whole number, but got ${threads}`);
  }
  return threads;
}

/** `text` as a SQL string literal. */
function sqlText(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A row whose length does not match the table; its message is already complete. */
class RowShapeError extends Error {}

function discard(appender: DuckDBAppender): void {
  try {
    appender.clear();
    appender.closeSync();
  } catch {
    // The appender is unusable anyway; the surrounding transaction is rolled back.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function bindParams(params: readonly unknown[]): [DuckDBValue[], DuckDBType[]] {
  const values: DuckDBValue[] = new Array(params.length);
  const types: DuckDBType[] = new Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const bound = toBoundValue(params[i], i + 1);
    values[i] = bound.value;
    types[i] = bound.type;
  }
  return [values, types];
}

function appendValue(
  appender: DuckDBAppender,
  value: unknown,
  table: string,
  rowNumber: number,
  column: number,
): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (typeof value) {
    case 'string':
      return appender.appendVarchar(value);
    case 'boolean':
      return appender.appendBoolean(value);
    case 'number':
      if (Number.isInteger(value)) {
        if (value >= INT32_MIN && value <= INT32_MAX) return appender.appendInteger(value);
        if (Number.isSafeInteger(value)) return appender.appendBigInt(BigInt(value));
      }
      return appender.appendDouble(value);
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX
        ? appender.appendBigInt(value)
        : appender.appendHugeInt(value);
  }
  if (value instanceof Uint8Array) return appender.appendBlob(value);
  throw new TypeError(
    describeUnsupported(value, `the value at row ${rowNumber}, column ${column} of ${table}`),
  );
}

/** The version of the DuckDB library this process runs, e.g. `v1.5.5`. */
export function duckDbVersion(): string {
  return version();
}
