import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_target` — one row per plan × target: the indicator, unit, year, comparator and value the plan sets, with its verbatim quote and source.
 */
export const TARGET_TABLE_COLUMNS = {
  plan_id: required('VARCHAR'),
  target_id: required('VARCHAR'),
  indicator_code: required('VARCHAR'),
  unit_id: required('VARCHAR'),
  target_year: required('INTEGER'),
  target_date: optional('DATE'),
  from_year: optional('INTEGER'),
  comparator: required('VARCHAR'),
  value: required('DOUBLE'),
  value_high: optional('DOUBLE'),
  unit: required('VARCHAR'),
  per_unit: optional('VARCHAR'),
  of_target_id: optional('VARCHAR'),
  denominator_note: optional('VARCHAR'),
  baseline_year: optional('INTEGER'),
  baseline_value: optional('DOUBLE'),
  quote_lang: required('VARCHAR'),
  quote: required('VARCHAR'),
  source_url: optional('VARCHAR'),
  source_file: optional('VARCHAR'),
  source_line: optional('INTEGER'),
  wording_note: optional('VARCHAR'),
  note: optional('VARCHAR'),
  is_inferred: required('BOOLEAN'),
  inferred_reason: optional('VARCHAR'),
} as const;

/** A row of `dim_target`. */
export type TargetTable = RowOf<typeof TARGET_TABLE_COLUMNS>;
