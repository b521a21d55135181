import { sql, type NotNull } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf, secondsText } from '../database.ts';
import { FACT_MEASURE_NAMES, type FactMeasure } from '../tables/org-annual.table.ts';
import { measureQualifierExpression, measureStatusExpression } from '../domain/measure-flags.ts';

/** Every published data version, oldest first. */
export function findDataVersions(db: DuckDbHandle) {
  return kyselyOf(db)
    .selectFrom('publication')
    .select((eb) => [
      'data_version',
      secondsText(eb.ref('published_at')).as('published_at'),
      'load_id',
    ])
    .orderBy('data_version')
    .execute();
}

/**
 * One published data version: version 0 is the empty warehouse, each load that changed data adds
 * one; `published_at` is `'YYYY-MM-DD HH:MM:SS'` (UTC).
 */
export type DataVersionRow = Awaited<ReturnType<typeof findDataVersions>>[number];

/** Which fact cell to list the revisions of (organisations registered, as the topic reports read). */
export interface FactRevisionFilter {
  readonly unitId: string;
  readonly year: number;
  /** A column of `fct_org_annual` (one of `FACT_MEASURE_NAMES`). */
  readonly measure: string;
  readonly orgType: string | null;
  readonly sector: string;
  readonly source: string | null;
}

/**
 * Every value ever published for a fact measure of one unit, year, organisation type, sector and
 * source, oldest first, with the measure's own status and qualifier: a corrected file closes the old row at its version and adds the new one,
 * so each row here is one revision. A slice that a load removed shows as a range that ends.
 */
export function findFactRevisions(db: DuckDbHandle, filter: FactRevisionFilter) {
  if (!(FACT_MEASURE_NAMES as readonly string[]).includes(filter.measure))
    throw new Error(`'${filter.measure}' is not a fact measure`);
  const measure = filter.measure as FactMeasure;
  // The measure is one of the table's own column names, checked above.
  const named = sql.lit(measure);
  let query = kyselyOf(db)
    .selectFrom('fct_org_annual as f')
    .leftJoin('load_log as l', 'l.load_id', 'f.load_id')
    .select((eb) => [
      'f.source_code',
      sql<string | null>`${eb.ref('f.org_type')}`.as('org_type'),
      sql<string | null>`${eb.ref('f.sector')}`.as('sector'),
      sql<number | null>`${sql.ref(`f.${measure}`)}::double`.as('value'),
      measureStatusExpression('f', named).as('status'),
      measureQualifierExpression('f', named).as('qualifier'),
      'f.valid_from_version as from_version',
      'f.valid_to_version as to_version',
      'f.load_id',
      'l.file_name',
      secondsText(eb.ref('l.finished_at')).as('loaded_at'),
    ])
    .where('f.universe', '=', 'REGISTERED')
    .where('f.unit_id', '=', filter.unitId)
    .where('f.year', '=', filter.year)
    .where('f.sector', '=', filter.sector);
  if (filter.orgType !== null) query = query.where('f.org_type', '=', filter.orgType);
  if (filter.source !== null) query = query.where('f.source_code', '=', filter.source);
  return query
    .orderBy('f.source_code')
    .orderBy('f.org_type')
    .orderBy('f.valid_from_version')
    .execute();
}

/**
 * One published value of a cell over a range of data versions: valid from `from_version`
 * (inclusive) to `to_version` (exclusive; null while it is still the published value), put there by
 * load `load_id` from `file_name`, which finished at `loaded_at` (`'YYYY-MM-DD HH:MM:SS'`, UTC).
 */
export type RevisionRow = Awaited<ReturnType<typeof findFactRevisions>>[number];

/** Which published reference figure to list the revisions of. */
export interface PublishedRevisionFilter {
  readonly unitId: string;
  readonly year: number;
  readonly indicatorCode: string;
  readonly source: string | null;
}

/**
 * Every value ever published as a reference figure of one indicator, unit and year (per source),
 * oldest first, with its qualifier ("khoảng", "trên", "gần" …) as the source worded it.
 */
export function findPublishedValueRevisions(
  db: DuckDbHandle,
  filter: PublishedRevisionFilter,
): Promise<RevisionRow[]> {
  let query = kyselyOf(db)
    .selectFrom('fct_published_value as v')
    .leftJoin('load_log as l', 'l.load_id', 'v.load_id')
    .select((eb) => [
      'v.source_code',
      sql<string | null>`null::varchar`.as('org_type'),
      sql<string | null>`null::varchar`.as('sector'),
      'v.value',
      'v.status',
      'v.qualifier',
      'v.valid_from_version as from_version',
      'v.valid_to_version as to_version',
      'v.load_id',
      'l.file_name',
      secondsText(eb.ref('l.finished_at')).as('loaded_at'),
    ])
    // A published figure always has its source, status, load and first version.
    .$narrowType<{
      source_code: NotNull;
      status: NotNull;
      from_version: NotNull;
      load_id: NotNull;
    }>()
    .where('v.unit_id', '=', filter.unitId)
    .where('v.year', '=', filter.year)
    .where('v.indicator_code', '=', filter.indicatorCode);
  if (filter.source !== null) query = query.where('v.source_code', '=', filter.source);
  return query
    .orderBy('v.source_code')
    .orderBy('v.valid_from_version')
    .orderBy('v.value')
    .execute();
}
