import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_unit_alias` — one row per name a unit was known by, with its own validity: former names stay as aliases, so files that keep using them still resolve.
 */
export const UNIT_ALIAS_TABLE_COLUMNS = {
  unit_id: required('VARCHAR'),
  name_vi: required('VARCHAR'),
  folded_name: required('VARCHAR'),
  valid_from: required('DATE'),
  valid_to: optional('DATE'),
  alias_kind: required('VARCHAR'),
} as const;

/** A row of `dim_unit_alias`. */
export type UnitAliasTable = RowOf<typeof UNIT_ALIAS_TABLE_COLUMNS>;
