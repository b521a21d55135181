import type { DuckDbHandle } from '../dialect/index.ts';
import { reviseDerivedRows } from './derived-rows.ts';
import { indicatorValuesOnEveryBoundariesQuery } from '../queries/indicator.queries.ts';
import { kyselyOf } from '../database.ts';
import { sql } from 'kysely';
import { INDICATOR_VALUE_COLUMNS, INDICATOR_VALUE_KEY } from '../tables/indicator-value.table.ts';

/**
 * What a publication recomputes: the slices (unit × year × source) whose facts or published
 * figures data version `version` added, revised or removed, or every slice with data (`all`: when
 * the table is first built, and when the indicator registry changes).
 */
export type DerivedScope = { readonly version: number } | 'all';

/** Rows closed and inserted in a derived table by one publication. */
export interface DerivedChange {
  readonly keys: number;
  readonly closed: number;
  readonly inserted: number;
}

const KEY = ['boundaries', ...INDICATOR_VALUE_KEY];
const VALUES = INDICATOR_VALUE_COLUMNS.map((c) => c.name).filter(
  (c) => !(INDICATOR_VALUE_KEY as readonly string[]).includes(c),
);
/** The table's columns from a computed row: the row's own field, or its fallback. */
const FROM_ROW = sql.join(
  INDICATOR_VALUE_COLUMNS.map((c) =>
    'fallback' in c
      ? sql`${sql.raw(String(c.fallback))} as ${sql.ref(c.name)}`
      : sql.ref(`v.${c.name}`),
  ),
);

/** Rows of a table valid in data version $1. */
const AT_VERSION = `valid_from_version <= $1 and (valid_to_version is null or valid_to_version > $1)`;

/**
 * Recomputes the indicator values (`rpt_indicator_value`) that a publication changed, as data
 * version `version`, with the steps that compute them on demand (`indicatorValuesQuery`), here
 * on both boundaries in one statement ({@link indicatorValuesOnEveryBoundariesQuery}), restricted
 * to the slices involved: the changed slices on as-reported boundaries; on current boundaries
 * the same slices and their successors' slices, each computed from every unit mapped onto it.
 * Rows whose values did not change stay as they are; changed and vanished rows are closed at
 * `version`, new values inserted from it, so an earlier version still reads its own values. Call
 * inside the publishing transaction, after the facts are applied.
 */
export async function publishIndicatorValues(
  db: DuckDbHandle,
  version: number,
  scope: DerivedScope = { version },
): Promise<DerivedChange> {
  const changed =
    scope === 'all'
      ? `select unit_id, year, source_code from fct_org_annual where ${AT_VERSION}
         union select unit_id, year, source_code from fct_published_value where ${AT_VERSION}
         union select unit_id, year, source_code from rpt_indicator_value where valid_to_version is null`
      : `select unit_id, year, source_code from fct_org_annual
         where valid_from_version = $1 or valid_to_version = $1
         union select unit_id, year, source_code from fct_published_value
         where valid_from_version = $1 or valid_to_version = $1`;
  await db.run(
    `create or replace temp table ivl_keys as
    with changed as (${changed})
    select 'AS_REPORTED' as boundaries, unit_id, year, source_code from changed
    union
    select 'CURRENT', unit_id, year, source_code from changed
    union
    select 'CURRENT', x.to_unit_id, c.year, c.source_code
    from changed c join dim_unit_crosswalk x on x.from_unit_id = c.unit_id`,
    [version],
  );
  // The slices those values are computed from: the keyed ones and, on current boundaries, those
  // of every unit mapped onto a keyed unit.
  await db.run(`create or replace temp table ivl_read as
    select unit_id, year, source_code from ivl_keys
    union
    select x.from_unit_id, k.year, k.source_code from ivl_keys k
    join dim_unit_crosswalk x on x.to_unit_id = k.unit_id and k.boundaries = 'CURRENT'`);
  await db.run(`create or replace temp table ivl_fresh as
    select ''::varchar as boundaries, ${INDICATOR_VALUE_COLUMNS.map((c) => c.name).join(', ')}
    from rpt_indicator_value limit 0`);
  // Both boundaries in one statement: they share every step up to the sums per unit.
  const values = indicatorValuesOnEveryBoundariesQuery({
    asOfVersion: version,
    readSlices: 'ivl_read',
  });
  await sql`insert into ivl_fresh
     select v.boundaries, ${FROM_ROW} from (${values}) v
     where (v.boundaries, v.unit_id, v.year, v.source_code) in
       (select boundaries, unit_id, year, source_code from ivl_keys)`.execute(kyselyOf(db));
  const { closed, inserted } = await reviseDerivedRows(
    db,
    {
      table: 'rpt_indicator_value',
      fresh: 'ivl_fresh',
      keys: 'ivl_keys',
      keyColumns: ['boundaries', 'unit_id', 'year', 'source_code'],
      key: KEY,
      values: VALUES,
    },
    version,
  );
  const [keys] = await db.all<{ n: number }>('select count(*) as n from ivl_keys');
  for (const table of ['ivl_keys', 'ivl_read', 'ivl_fresh']) await db.run(`drop table ${table}`);
  return { keys: keys?.n ?? 0, closed, inserted };
}
