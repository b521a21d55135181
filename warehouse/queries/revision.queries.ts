import type { DuckDbHandle } from '../dialect/index.ts';
import { FACT_MEASURE_NAMES } from '../tables/org-annual.table.ts';
import { QueryParams } from './query-params.ts';
import { measureQualifierSql, measureStatusSql } from '../domain/measure-flags.ts';

/** One published data version: version 0 is the empty warehouse, each load that changed data adds one. */
export interface DataVersionRow {
  data_version: number;
  /** `'YYYY-MM-DD HH:MM:SS'` (UTC). */
  published_at: string;
  load_id: number | null;
}

/** Every published data version, oldest first. */
export function findDataVersions(db: DuckDbHandle): Promise<DataVersionRow[]> {
  return db.all(
    `select data_version, strftime(published_at, '%Y-%m-%d %H:%M:%S') as published_at, load_id
     from publication order by data_version`,
  );
}

/**
 * One published value of a cell over a range of data versions: valid from `from_version`
 * (inclusive) to `to_version` (exclusive; null while it is still the published value), put there by
 * load `load_id` from `file_name`.
 */
export interface RevisionRow {
  source_code: string;
  org_type: string | null;
  sector: string | null;
  value: number | null;
  status: string;
  qualifier: string | null;
  from_version: number;
  to_version: number | null;
  load_id: number;
  file_name: string | null;
  /** When the load finished, `'YYYY-MM-DD HH:MM:SS'` (UTC). */
  loaded_at: string | null;
}

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
export function findFactRevisions(
  db: DuckDbHandle,
  filter: FactRevisionFilter,
): Promise<RevisionRow[]> {
  if (!(FACT_MEASURE_NAMES as readonly string[]).includes(filter.measure))
    throw new Error(`'${filter.measure}' is not a fact measure`);
  const p = new QueryParams();
  return db.all(
    `select f.source_code, f.org_type, f.sector, f.${filter.measure}::double as value,
       ${measureStatusSql('f', `'${filter.measure}'`)} as status,
       ${measureQualifierSql('f', `'${filter.measure}'`)} as qualifier, f.valid_from_version as from_version,
       f.valid_to_version as to_version, f.load_id, l.file_name,
       strftime(l.finished_at, '%Y-%m-%d %H:%M:%S') as loaded_at
     from fct_org_annual f left join load_log l on l.load_id = f.load_id
     where f.universe = 'REGISTERED' and f.unit_id = ${p.add(filter.unitId)}
       and f.year = ${p.add(filter.year)} and f.sector = ${p.add(filter.sector)}
       and ${filter.orgType === null ? 'true' : `f.org_type = ${p.add(filter.orgType)}`}
       and ${filter.source === null ? 'true' : `f.source_code = ${p.add(filter.source)}`}
     order by f.source_code, f.org_type, f.valid_from_version`,
    p.values,
  );
}

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
  const p = new QueryParams();
  return db.all(
    `select v.source_code, null::varchar as org_type, null::varchar as sector, v.value, v.status,
       v.qualifier, v.valid_from_version as from_version, v.valid_to_version as to_version,
       v.load_id, l.file_name, strftime(l.finished_at, '%Y-%m-%d %H:%M:%S') as loaded_at
     from fct_published_value v left join load_log l on l.load_id = v.load_id
     where v.unit_id = ${p.add(filter.unitId)} and v.year = ${p.add(filter.year)}
       and v.indicator_code = ${p.add(filter.indicatorCode)}
       and ${filter.source === null ? 'true' : `v.source_code = ${p.add(filter.source)}`}
     order by v.source_code, v.valid_from_version, v.value`,
    p.values,
  );
}
