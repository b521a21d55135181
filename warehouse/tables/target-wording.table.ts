import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_target_wording` — one row per alternative wording of a target (quoting plan × wording id): a paraphrase or a citation, linked to the one target it words and never counted as a target.
 */
export const TARGET_WORDING_TABLE_COLUMNS = {
  plan_id: required('VARCHAR'),
  wording_id: required('VARCHAR'),
  of_plan_id: required('VARCHAR'),
  of_target_id: required('VARCHAR'),
  kind: required('VARCHAR'),
  quote_lang: required('VARCHAR'),
  quote: required('VARCHAR'),
  source_url: optional('VARCHAR'),
  source_file: optional('VARCHAR'),
  source_line: optional('INTEGER'),
  note: optional('VARCHAR'),
} as const;

/** A row of `dim_target_wording`. */
export type TargetWordingTable = RowOf<typeof TARGET_WORDING_TABLE_COLUMNS>;
