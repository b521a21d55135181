import { optional, required, type RowOf } from './columns.ts';

/**
 * `release` — one row per release: the data version the public reads from it on, and the years it released; a correction after a release is a new release, earlier ones stay.
 */
export const RELEASE_TABLE_COLUMNS = {
  release_no: required('INTEGER'),
  data_version: required('INTEGER'),
  years: required('INTEGER[]'),
  released_at: required('TIMESTAMP'),
  released_by: optional('VARCHAR'),
  note: optional('VARCHAR'),
  notes_md_vi: optional('VARCHAR'),
  notes_md_en: optional('VARCHAR'),
  automatic: required('BOOLEAN'),
} as const;

/** A row of `release`. */
export type ReleaseTable = RowOf<typeof RELEASE_TABLE_COLUMNS>;
