import type { DuckDbHandle, SqlValue } from '../dialect/index.ts';

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
