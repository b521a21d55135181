import { required, type RowOf } from './columns.ts';

/**
 * `dim_indicator_alias` — one row per other code an indicator has in published files.
 */
export const INDICATOR_ALIAS_TABLE_COLUMNS = {
  alias: required('VARCHAR'),
  indicator_code: required('VARCHAR'),
} as const;

/** A row of `dim_indicator_alias`. */
export type IndicatorAliasTable = RowOf<typeof INDICATOR_ALIAS_TABLE_COLUMNS>;
