import { optional, required, type RowOf } from './columns.ts';

/**
 * `load_log` — one row per load that changed or was recorded in the warehouse: the file, its years and units, what it added, changed and removed, and the data version it published.
 */
export const LOAD_LOG_TABLE_COLUMNS = {
  load_id: required('INTEGER'),
  family: required('VARCHAR'),
  file_name: required('VARCHAR'),
  file_sha256: required('VARCHAR'),
  file_bytes: required('BIGINT'),
  source_code: optional('VARCHAR'),
  years: required('INTEGER[]'),
  unit_ids: required('VARCHAR[]'),
  rows_read: required('BIGINT'),
  rows_accepted: required('BIGINT'),
  rows_rejected: required('BIGINT'),
  warnings: required('BIGINT'),
  values_added: required('BIGINT'),
  values_changed: required('BIGINT'),
  values_removed: required('BIGINT'),
  values_unchanged: required('BIGINT'),
  started_at: required('TIMESTAMP'),
  finished_at: required('TIMESTAMP'),
  outcome: required('VARCHAR'),
  data_version: required('INTEGER'),
  loaded_by: optional('VARCHAR'),
  report_json: optional('VARCHAR'),
} as const;

/** A row of `load_log`. */
export type LoadLogTable = RowOf<typeof LOAD_LOG_TABLE_COLUMNS>;
