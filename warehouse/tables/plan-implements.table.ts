import { required, type RowOf } from './columns.ts';

/**
 * `dim_plan_implements` — one row per plan × plan it implements (a provincial plan implementing a national resolution).
 */
export const PLAN_IMPLEMENTS_TABLE_COLUMNS = {
  plan_id: required('VARCHAR'),
  implements_plan_id: required('VARCHAR'),
} as const;

/** A row of `dim_plan_implements`. */
export type PlanImplementsTable = RowOf<typeof PLAN_IMPLEMENTS_TABLE_COLUMNS>;
