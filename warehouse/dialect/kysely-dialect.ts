import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { StatementType } from '@duckdb/node-api';
import { DuckDbIntrospector } from './duckdb-introspector.ts';
import { acquireSession, type DuckDbHandle, type HandleSession } from './duckdb-handle.ts';

const DATA_CHANGES = new Set<StatementType>([
  StatementType.INSERT,
  StatementType.UPDATE,
  StatementType.DELETE,
  StatementType.MERGE_INTO,
]);

/**
 * Kysely's Postgres adapter with the migration lock made a no-op.
 *
 * Postgres takes an advisory lock that DuckDB lacks; here the single connection already serialises
 * every transaction, and only one process can hold the file read-write.
 */
class DuckDbAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}

  override async releaseMigrationLock(): Promise<void> {}
}

/** One turn on the handle's connection, as Kysely sees it. */
class DuckDbConnection implements DatabaseConnection {
  readonly #session: HandleSession;

  constructor(session: HandleSession) {
    this.#session = session;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#session.execute(compiledQuery.sql, compiledQuery.parameters);
    if (!DATA_CHANGES.has(result.statementType)) return { rows: result.rows as R[] };
    // Without RETURNING, DuckDB answers a data change with one row {Count: n}; with RETURNING it
    // answers the returned rows and reports rowsChanged = 0.
    const [first] = result.rows;
    const countOnly =
      result.rows.length === 1 &&
      result.columnNames.length === 1 &&
      result.columnNames[0] === 'Count' &&
      first?.Count === result.rowsChanged;
    return countOnly
      ? { rows: [], numAffectedRows: BigInt(result.rowsChanged) }
      : { rows: result.rows as R[], numAffectedRows: BigInt(result.rows.length) };
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 1000,
  ): AsyncIterableIterator<QueryResult<R>> {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) {
      throw new Error(`chunkSize must be a positive integer, but got ${chunkSize}`);
    }
    for await (const rows of this.#session.stream(
      compiledQuery.sql,
      compiledQuery.parameters,
      chunkSize,
    )) {
      yield { rows: rows as R[] };
    }
  }

  release(): void {
    this.#session.release();
  }
}

/** Hands Kysely the handle's one connection, one caller (query or transaction) at a time. */
class DuckDbDriver implements Driver {
  readonly #handle: DuckDbHandle;

  constructor(handle: DuckDbHandle) {
    this.#handle = handle;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new DuckDbConnection(await acquireSession(this.#handle));
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    if (settings.isolationLevel !== undefined) {
      throw new Error(
        `DuckDB transactions are always snapshot-isolated, so an isolation level cannot be set, ` +
          `but got '${settings.isolationLevel}'`,
      );
    }
    const sql =
      settings.accessMode === 'read only' ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION';
    await connection.executeQuery(CompiledQuery.raw(sql));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as DuckDbConnection).release();
  }

  /** Leaves the handle open: whoever opened it closes it. */
  async destroy(): Promise<void> {}
}

/**
 * A Kysely dialect over one `DuckDbHandle`, reusing Kysely's Postgres query compiler and adapter.
 *
 * DuckDB accepts Postgres's `$1` parameters and double-quoted identifiers; rows come back converted
 * by the value policy, and INSERT / UPDATE / DELETE report `numAffectedRows` as a bigint.
 */
export class DuckDbDialect implements Dialect {
  readonly #handle: DuckDbHandle;

  constructor(handle: DuckDbHandle) {
    this.#handle = handle;
  }

  createDriver(): Driver {
    return new DuckDbDriver(this.#handle);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new DuckDbAdapter();
  }

  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new DuckDbIntrospector(db);
  }
}

/**
 * A Kysely instance over the handle: our own dialect reusing Kysely's Postgres query compiler and
 * adapter.
 *
 * `destroy()` on it leaves the handle open. Inside a Kysely transaction use only `trx`.
 */
export function createKysely<DB>(handle: DuckDbHandle): Kysely<DB> {
  return new Kysely<DB>({ dialect: new DuckDbDialect(handle) });
}
