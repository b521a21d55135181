import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  sql,
  type ColumnMetadata,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type: string;
  is_nullable: boolean;
  column_default: string | null;
  comment: string | null;
  is_view: boolean;
}

/**
 * Lists schemas, tables and columns of the open database from DuckDB's own catalog functions.
 *
 * Kysely's `PostgresIntrospector` cannot be reused: it calls `pg_get_serial_sequence` and
 * `has_schema_privilege`, which DuckDB's pg_catalog emulation lacks.
 */
export class DuckDbIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select schema_name as name from information_schema.schemata
      where catalog_name = current_database() order by schema_name`.execute(this.#db);
    return rows.map((row) => ({ name: row.name }));
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.schema_name as schema, c.table_name as "table", c.column_name as "column",
        c.data_type as type, c.is_nullable, c.column_default, c.comment,
        v.view_name is not null as is_view
      from duckdb_columns() c
      left join duckdb_views() v on v.database_name = c.database_name
        and v.schema_name = c.schema_name and v.view_name = c.table_name
      where not c.internal and c.database_name = current_database()
      order by c.schema_name, c.table_name, c.column_index`.execute(this.#db);
    const hidden = options.withInternalKyselyTables
      ? new Set<string>()
      : new Set([DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE]);
    const tables = new Map<string, TableMetadata & { columns: ColumnMetadata[] }>();
    for (const row of rows) {
      if (hidden.has(row.table)) continue;
      const key = `${row.schema}.${row.table}`;
      let table = tables.get(key);
      if (table === undefined) {
        table = { name: row.table, schema: row.schema, isView: row.is_view, columns: [] };
        tables.set(key, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        isNullable: row.is_nullable,
        hasDefaultValue: row.column_default !== null,
        isAutoIncrementing: row.column_default?.startsWith('nextval(') ?? false,
        comment: row.comment ?? undefined,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
