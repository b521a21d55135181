import type { PublicationTable } from '../tables/publication.table.ts';
import type { Selectable } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf } from '../database.ts';
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
export function findLoads(db: DuckDbHandle, filter: LoadFilter): Promise<LoadRow[]> {
  let query = kyselyOf(db)
    .selectFrom('load_log')
    .select([
      'load_id',
      'family',
      'file_name',
      'file_sha256',
      'file_bytes',
      'source_code',
      'years',
      'unit_ids',
      'rows_read',
      'rows_accepted',
      'rows_rejected',
      'warnings',
      'values_added',
      'values_changed',
      'values_removed',
      'values_unchanged',
      'started_at',
      'finished_at',
      'outcome',
      'data_version',
      'loaded_by',
    ]);
  if (filter.beforeLoadId !== undefined) query = query.where('load_id', '<', filter.beforeLoadId);
  if (filter.family !== undefined) query = query.where('family', '=', filter.family);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.maxDataVersion !== undefined)
    query = query.where('data_version', '<=', filter.maxDataVersion);
  return query.orderBy('load_id', 'desc').limit(filter.limit).execute();
}

/** One published data version. */
export type PublicationRow = Selectable<PublicationTable>;

/**
 * The newest published data version of the database the handle reads. Every warehouse has at
 * least version 0 (the empty warehouse), so this returns a row for any migrated file.
 */
export function findLatestPublication(
  db: DuckDbHandle,
  maxDataVersion?: number,
): Promise<PublicationRow | undefined> {
  let query = kyselyOf(db)
    .selectFrom('publication')
    .select(['data_version', 'published_at', 'load_id', 'note']);
  if (maxDataVersion !== undefined) query = query.where('data_version', '<=', maxDataVersion);
  return query.orderBy('data_version', 'desc').limit(1).executeTakeFirst();
}
