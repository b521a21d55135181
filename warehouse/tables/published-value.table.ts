import { optional, required, type RowOf } from './columns.ts';

/**
 * `fct_published_value` — one row per published figure that is not a fact count (shares, quotes of the national series) × unit × indicator × year × source, per range of published data versions, with its qualifier. The columns other than `qualifier` accept null in the catalog (the table was rebuilt with `create table as`); the loads fill the key, value and version columns.
 */
export const PUBLISHED_VALUE_TABLE_COLUMNS = {
  unit_id: optional('VARCHAR'),
  indicator_code: optional('VARCHAR'),
  year: optional('INTEGER'),
  value: optional('DOUBLE'),
  unit_text: optional('VARCHAR'),
  source_code: optional('VARCHAR'),
  status: optional('VARCHAR'),
  is_approximate: optional('BOOLEAN'),
  qualifier: required('VARCHAR'),
  is_preferred: optional('BOOLEAN'),
  source_url: optional('VARCHAR'),
  quote: optional('VARCHAR'),
  confidence: optional('VARCHAR'),
  note: optional('VARCHAR'),
  load_id: optional('INTEGER'),
  valid_from_version: optional('INTEGER'),
  valid_to_version: optional('INTEGER'),
} as const;

/** A row of `fct_published_value`. */
export type PublishedValueTable = RowOf<typeof PUBLISHED_VALUE_TABLE_COLUMNS>;
