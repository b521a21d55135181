import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_source` — one row per series or organisation that publishes figures (the statistics office, the ministry, the cooperative alliance, …).
 */
export const SOURCE_TABLE_COLUMNS = {
  source_code: required('VARCHAR'),
  name_vi: required('VARCHAR'),
  name_en: required('VARCHAR'),
  kind: required('VARCHAR'),
  note: optional('VARCHAR'),
} as const;

/** A row of `dim_source`. */
export type SourceTable = RowOf<typeof SOURCE_TABLE_COLUMNS>;
