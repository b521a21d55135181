import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_plan` — one row per plan, strategy, resolution or directive that sets targets, with its document number, issuer and source.
 */
export const PLAN_TABLE_COLUMNS = {
  plan_id: required('VARCHAR'),
  document_number: optional('VARCHAR'),
  title_vi: required('VARCHAR'),
  title_en: required('VARCHAR'),
  issuer_vi: required('VARCHAR'),
  issuer_en: required('VARCHAR'),
  issued_on: required('DATE'),
  issued_on_precision: required('VARCHAR'),
  unit_id: required('VARCHAR'),
  source_url: optional('VARCHAR'),
  source_file: optional('VARCHAR'),
  source_line: optional('INTEGER'),
  note: optional('VARCHAR'),
} as const;

/** A row of `dim_plan`. */
export type PlanTable = RowOf<typeof PLAN_TABLE_COLUMNS>;
