import type { PublicationTable } from '../tables/publication.table.ts';
import type { DuckDbHandle, SqlValue } from '../dialect/index.ts';
import type { LoadLogRow } from '../publish/load-log.ts';

/** One load-log entry as the API shows it: timestamps as ISO-8601 UTC strings, counts as numbers. */
export type LoadRow = Omit<LoadLogRow, 'report_json'>;

/** Which load-log entries to list. Absent filters match everything. */
export interface LoadFilter {
  /** At most this many entries (newest first). */
  readonly limit: number;
  /** Only loads with an id below this one: the cursor for the next page. */
  readonly beforeLoadId?: number;
  /** Only loads of this family (`aggregates`, `register`, `reference`, `catalog`). */
  readonly family?: string;
  /** Only loads with this outcome (`PUBLISHED`, `NO_CHANGE`). */
  readonly outcome?: string;
  /** Only loads published at or before this data version (what a release holds). */
  readonly maxDataVersion?: number;
}

/**
 * Lists load-log entries, newest first. The log is small (one row per file ever loaded) and
 * `load_id` is its primary key, so paging by `beforeLoadId` is stable while loads are added.
 */
export async function findLoads(db: DuckDbHandle, filter: LoadFilter): Promise<LoadRow[]> {
  const params: SqlValue[] = [];
  const param = (value: SqlValue) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [
    filter.beforeLoadId === undefined ? 'true' : `load_id < ${param(filter.beforeLoadId)}`,
    filter.family === undefined ? 'true' : `family = ${param(filter.family)}`,
    filter.outcome === undefined ? 'true' : `outcome = ${param(filter.outcome)}`,
    filter.maxDataVersion === undefined
      ? 'true'
      : `data_version <= ${param(filter.maxDataVersion)}`,
  ].join(' and ');
  return db.all<LoadRow>(
    `select load_id, family, file_name, file_sha256, file_bytes, source_code, years, unit_ids,
       rows_read, rows_accepted, rows_rejected, warnings, values_added, values_changed,
       values_removed, values_unchanged, started_at, finished_at, outcome, data_version, loaded_by
     from load_log
     where ${where}
     order by load_id desc
     limit ${param(filter.limit)}`,
    params,
  );
}

/** One published data version. */
export type PublicationRow = PublicationTable;

/**
 * The newest published data version of the database the handle reads. Every warehouse has at
 * least version 0 (the empty warehouse), so this returns a row for any migrated file.
 */
export async function findLatestPublication(
  db: DuckDbHandle,
  maxDataVersion?: number,
): Promise<PublicationRow | undefined> {
  const [row] = await db.all<PublicationRow>(
    `select data_version, published_at, load_id, note
     from publication
     where ${maxDataVersion === undefined ? 'true' : 'data_version <= $1'}
     order by data_version desc
     limit 1`,
    maxDataVersion === undefined ? [] : [maxDataVersion],
  );
  return row;
}
