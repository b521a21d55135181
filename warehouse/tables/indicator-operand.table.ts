import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_indicator_operand` — one row per indicator × role × measure × organisation type × sector it sums (population: measure `population`); `org_type_rank` 0 is the organisation type that must be reported for the part to have a value.
 */
export const INDICATOR_OPERAND_TABLE_COLUMNS = {
  indicator_code: required('VARCHAR'),
  role: required('VARCHAR'),
  measure: required('VARCHAR'),
  org_type: optional('VARCHAR'),
  org_type_rank: optional('INTEGER'),
  sector: optional('VARCHAR'),
} as const;

/** A row of `dim_indicator_operand`. */
export type IndicatorOperandTable = RowOf<typeof INDICATOR_OPERAND_TABLE_COLUMNS>;
