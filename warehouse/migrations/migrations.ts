import type { DuckDbHandle } from '../dialect/index.ts';
import { initialMigration } from './001-initial.migration.ts';
import { catalogMigration } from './002-catalog.migration.ts';
import { apiKeyMigration } from './003-api-key.migration.ts';
import { valueQualifierMigration } from './004-value-qualifier.migration.ts';
import { targetWordingMigration } from './005-target-wording.migration.ts';
import { reportRowsMigration } from './006-report-rows.migration.ts';
import { measureFlagsMigration } from './007-measure-flags.migration.ts';
import { releaseMigration } from './008-release.migration.ts';
import { indicatorValuesMigration } from './009-indicator-values.migration.ts';

/** One schema step: applied once, in version order, recorded in `schema_migration`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Work after the SQL, in the same transaction (e.g. filling a new table from existing data). */
  readonly after?: (db: DuckDbHandle) => Promise<void>;
}

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  initialMigration,
  catalogMigration,
  apiKeyMigration,
  valueQualifierMigration,
  targetWordingMigration,
  reportRowsMigration,
  measureFlagsMigration,
  releaseMigration,
  indicatorValuesMigration,
];

/** The schema version this code expects. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Reads the schema version recorded in the database (0 when it has none yet). */
export async function readSchemaVersion(db: DuckDbHandle): Promise<number> {
  const [table] = await db.all<{ n: number }>(
    `select count(*) as n from information_schema.tables
     where table_catalog = current_database() and table_name = 'schema_migration'`,
  );
  if (!table || table.n === 0) return 0;
  const [row] = await db.all<{ v: number | null }>(
    'select max(version) as v from schema_migration',
  );
  return row?.v ?? 0;
}

/**
 * Applies the migrations the database lacks, each in its own transaction, and returns the
 * versions applied. A database newer than this code is refused rather than touched.
 */
export async function migrate(db: DuckDbHandle): Promise<number[]> {
  const current = await readSchemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the warehouse schema must be at most version ${SCHEMA_VERSION} for this coopstat, but got version ${current} at ${db.path}`,
    );
  }
  const applied: number[] = [];
  if (current === 0) {
    await db.run(
      `create table schema_migration (version integer primary key, name varchar not null, applied_at timestamp not null)`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    await db.transaction(async (tx) => {
      await tx.run(migration.sql);
      await migration.after?.(tx);
      await tx.run(`insert into schema_migration values ($1, $2, current_timestamp)`, [
        migration.version,
        migration.name,
      ]);
    });
    applied.push(migration.version);
  }
  return applied;
}
