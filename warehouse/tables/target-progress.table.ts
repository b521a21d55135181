import { optional, required, type TableColumns } from './columns.ts';

/**
 * `rpt_target_progress` — one row per plan target × as-of year, per range of published data
 * versions: the target's progress as the API reports it by default (sources in the default order
 * of preference, the engine's default tolerance, as-reported boundaries), computed when a load
 * publishes for every as-of year from the first year with data to the year after the last year
 * with data or a target. `progress_json` holds the computed result without the target itself.
 */
export interface TargetProgressTable {
  plan_id: string;
  target_id: string;
  as_of_year: number;
  progress_json: string;
  valid_from_version: number;
  valid_to_version: number | null;
}

/** The columns of `rpt_target_progress`, in table order. */
export const TARGET_PROGRESS_TABLE_COLUMNS = {
  plan_id: required('VARCHAR'),
  target_id: required('VARCHAR'),
  as_of_year: required('INTEGER'),
  progress_json: required('VARCHAR'),
  valid_from_version: required('INTEGER'),
  valid_to_version: optional('INTEGER'),
} as const satisfies TableColumns<TargetProgressTable>;
