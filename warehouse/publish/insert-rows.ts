import type { DuckDbHandle, SqlValue } from '../dialect/index.ts';
import { DATABASE_COLUMNS, type Database } from '../database.ts';

/**
 * Inserts small reference rows (units, catalog entries) with parameterised multi-row `values`,
 * 100 rows a statement. Bulk data goes through staging tables instead.
 */
export async function insertRows(
  db: DuckDbHandle,
  table: string,
  rows: readonly (readonly SqlValue[])[],
): Promise<void> {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  for (let i = 0; i < rows.length; i += 100) {
    const part = rows.slice(i, i + 100);
    const values = part
      .map(
        (_, r) =>
          `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
      )
      .join(', ');
    await db.run(`insert into ${table} values ${values}`, part.flat());
  }
}

/**
 * Inserts rows of a warehouse table given as records of its columns, sent in the table's column
 * order (`DATABASE_COLUMNS`): the compiler checks that each record gives every column its type.
 */
export async function insertTableRows<T extends keyof Database>(
  db: DuckDbHandle,
  table: T,
  rows: readonly Database[T][],
): Promise<void> {
  const columns = Object.keys(DATABASE_COLUMNS[table]) as (keyof Database[T])[];
  await insertRows(
    db,
    table,
    rows.map((row) => columns.map((column) => row[column] as SqlValue)),
  );
}
