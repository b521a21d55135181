import { required, type RowOf } from './columns.ts';

/**
 * `schema_migration` — one row per migration applied to the warehouse (`warehouse/migrations/`), by version.
 */
export const SCHEMA_MIGRATION_TABLE_COLUMNS = {
  version: required('INTEGER'),
  name: required('VARCHAR'),
  applied_at: required('TIMESTAMP'),
} as const;

/** A row of `schema_migration`. */
export type SchemaMigrationTable = RowOf<typeof SCHEMA_MIGRATION_TABLE_COLUMNS>;
