import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_unit_crosswalk` — one row per old unit → new unit edge of a boundary change, through which figures are re-aggregated onto current boundaries.
 */
export const UNIT_CROSSWALK_TABLE_COLUMNS = {
  from_unit_id: required('VARCHAR'),
  to_unit_id: required('VARCHAR'),
  effective_on: required('DATE'),
  relation: required('VARCHAR'),
  source_url: optional('VARCHAR'),
} as const;

/** A row of `dim_unit_crosswalk`. */
export type UnitCrosswalkTable = RowOf<typeof UNIT_CROSSWALK_TABLE_COLUMNS>;
