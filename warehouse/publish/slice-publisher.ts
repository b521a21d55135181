import type { DuckDbHandle } from '../dialect/index.ts';

/**
 * How one versioned table is revised. A load owns whole slices: every current row of a slice it
 * touches is compared with the staged rows of that slice by key; rows that differ or are gone are
 * closed at the new version, new and changed rows are inserted from it. Unchanged rows stay as
 * they are, so history holds only real revisions.
 */
export interface VersionedTable {
  /** Target table, with `load_id`, `valid_from_version` and `valid_to_version` as its last columns. */
  readonly table: string;
  /** Columns that name a slice: a load replaces every slice it touches. */
  readonly slice: readonly string[];
  /** Columns that identify a row within a slice. */
  readonly key: readonly string[];
  /** Compared columns: a row whose values are all `is not distinct from` the current ones is unchanged. */
  readonly values: readonly string[];
}

/** Rows added, changed, removed and unchanged by one publication, per admin unit. */
export interface SliceChange {
  unit_id: string;
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

const list = (columns: readonly string[], alias?: string) =>
  columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');

/**
 * Compares staged rows in `staging` (same columns as the table minus the three version columns)
 * with the current rows of the slices they touch, into the temp table `<staging>_diff`. Writes
 * nothing to the warehouse.
 */
export async function diffSlices(
  db: DuckDbHandle,
  spec: VersionedTable,
  staging: string,
): Promise<SliceChange[]> {
  const all = [...spec.slice, ...spec.key];
  const same = spec.values.map((c) => `s.${c} is not distinct from c.${c}`).join(' and ');
  const sliceMatch = spec.slice.map((c) => `t.${c} = f.${c}`).join(' and ');
  await db.run(`drop table if exists ${staging}_current`);
  await db.run(`drop table if exists ${staging}_diff`);
  // The staged years as constants, so the scan skips the row groups of other years (a table
  // holds every year loaded; this keeps the diff's cost with the load, not with the history).
  const [years] = spec.slice.includes('year')
    ? await db.all<{ low: number | null; high: number | null }>(
        `select min(year) as low, max(year) as high from ${staging}`,
      )
    : [];
  const inYears = years && years.low !== null ? 'and f.year between $1 and $2' : '';
  await db.run(
    `
    create temp table ${staging}_current as
    select f.* from ${spec.table} f
    where f.valid_to_version is null ${inYears}
      and exists (select 1 from (select distinct ${list(spec.slice)} from ${staging}) t where ${sliceMatch})`,
    inYears ? [years!.low, years!.high] : undefined,
  );
  const [current] = await db.all<{ n: number }>(`select count(*) as n from ${staging}_current`);
  // Nothing published in these slices (a year loaded for the first time): every staged row is
  // added, and the comparison below would only join them to nothing.
  await db.run(
    (current?.n ?? 0) === 0
      ? `create temp table ${staging}_diff as select ${all.join(', ')}, 'ADDED' as change from ${staging}`
      : `
    create temp table ${staging}_diff as
    select ${all.map((c) => `coalesce(s.${c}, c.${c}) as ${c}`).join(', ')},
      case when c.${spec.slice[0]} is null then 'ADDED'
           when s.${spec.slice[0]} is null then 'REMOVED'
           when ${same} then 'UNCHANGED'
           else 'CHANGED' end as change
    from ${staging} s
    full outer join ${staging}_current c on ${all.map((k) => `s.${k} is not distinct from c.${k}`).join(' and ')}`,
  );
  return db.all<SliceChange>(`
    select unit_id,
      count(*) filter (where change = 'ADDED') as added,
      count(*) filter (where change = 'CHANGED') as changed,
      count(*) filter (where change = 'REMOVED') as removed,
      count(*) filter (where change = 'UNCHANGED') as unchanged
    from ${staging}_diff group by unit_id order by unit_id`);
}

/**
 * Applies a diff made by {@link diffSlices}: closes changed and removed rows at `version` and
 * inserts added and changed rows with `loadId`. Call inside the load's transaction.
 */
export async function applySlices(
  db: DuckDbHandle,
  spec: VersionedTable,
  staging: string,
  loadId: number,
  version: number,
): Promise<void> {
  const all = [...spec.slice, ...spec.key];
  const match = (a: string, b: string) =>
    all.map((k) => `${a}.${k} is not distinct from ${b}.${k}`).join(' and ');
  const [counts] = await db.all<{ closing: number; unchanged: number }>(
    `select count(*) filter (where change in ('CHANGED', 'REMOVED')) as closing,
            count(*) filter (where change = 'UNCHANGED') as unchanged
     from ${staging}_diff`,
  );
  // Nothing to close (a year loaded for the first time): the table, which holds every year
  // loaded, is not scanned for it, so a new year's cost does not grow with the history.
  if ((counts?.closing ?? 0) > 0)
    await db.run(
      `update ${spec.table} as f set valid_to_version = $1
       from ${staging}_diff d
       where f.valid_to_version is null and d.change in ('CHANGED', 'REMOVED') and ${match('f', 'd')}`,
      [version],
    );
  // Every staged row is added or changed unless its diff says unchanged: a first load of a year
  // (nothing unchanged) inserts the staged rows as they are, without joining them to the diff.
  const unchanged = { n: counts?.unchanged ?? 0 };
  await db.run(
    `insert into ${spec.table}
     select s.*, $1::integer, $2::integer, null::integer
     from ${staging} s
     ${
       (unchanged?.n ?? 0) === 0
         ? ''
         : `anti join (select * from ${staging}_diff where change = 'UNCHANGED') d on ${match('s', 'd')}`
     }`,
    [loadId, version],
  );
}
