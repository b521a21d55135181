import type { DuckDbHandle } from '../dialect/index.ts';

/** How the freshly computed rows of a derived read table replace its current rows. */
export interface DerivedRevision {
  /** The read table, with `valid_from_version` and `valid_to_version` as its last columns. */
  readonly table: string;
  /** Temp table of the recomputed rows: the table's columns without the two version columns. */
  readonly fresh: string;
  /** Temp table naming what was recomputed; its columns are matched with the table's. */
  readonly keys: string;
  readonly keyColumns: readonly string[];
  /** Columns that identify a row. */
  readonly key: readonly string[];
  /** Compared columns: a row whose values are all `is not distinct from` the fresh ones stays. */
  readonly values: readonly string[];
}

/**
 * Applies recomputed rows to a derived read table as data version `version`: current rows within
 * `keys` that are gone or whose values changed are closed at `version`; new and changed rows are
 * inserted from it; unchanged rows stay as they are. Returns the rows closed and inserted.
 */
export async function reviseDerivedRows(
  db: DuckDbHandle,
  spec: DerivedRevision,
  version: number,
): Promise<{ closed: number; inserted: number }> {
  const sameKey = spec.key.map((c) => `f.${c} = r.${c}`).join(' and ');
  const sameValues = spec.values.map((c) => `f.${c} is not distinct from r.${c}`).join(' and ');
  const inKeys = spec.keyColumns.map((c) => `k.${c} = r.${c}`).join(' and ');
  // Without RETURNING, DuckDB answers a data change with one row {Count: n}.
  const [closed] = await db.all<{ Count: number }>(
    `update ${spec.table} set valid_to_version = $1
     where rowid in (
       select r.rowid from ${spec.table} r
       join ${spec.keys} k on ${inKeys}
       left join ${spec.fresh} f on ${sameKey}
       where r.valid_to_version is null and (f.${spec.key[0]} is null or not (${sameValues})))`,
    [version],
  );
  const [inserted] = await db.all<{ Count: number }>(
    `insert into ${spec.table}
     select f.*, $1::integer, null::integer from ${spec.fresh} f
     where not exists (select 1 from ${spec.table} r where r.valid_to_version is null and ${sameKey})`,
    [version],
  );
  return { closed: closed?.Count ?? 0, inserted: inserted?.Count ?? 0 };
}
