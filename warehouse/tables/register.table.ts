import { columnsOfList, optional, required, type RowOf } from './columns.ts';

/**
 * `fct_org_register` — one row per organisation × year × source, per range of published data
 * versions. Its totals feed `fct_org_annual` when a register is loaded.
 */

/** Register columns after the key, in table order, with their SQL types. */
export const REGISTER_COLUMNS = [
  { name: 'org_name', sqlType: 'VARCHAR' },
  { name: 'org_type', sqlType: 'VARCHAR' },
  { name: 'sector', sqlType: 'VARCHAR' },
  { name: 'unit_id', sqlType: 'VARCHAR' },
  { name: 'founded_year', sqlType: 'INTEGER' },
  { name: 'legal_status', sqlType: 'VARCHAR' },
  { name: 'members', sqlType: 'BIGINT' },
  { name: 'official_members', sqlType: 'BIGINT' },
  { name: 'capital_associates', sqlType: 'BIGINT' },
  { name: 'other_associates', sqlType: 'BIGINT' },
  { name: 'employees', sqlType: 'BIGINT' },
  { name: 'rating', sqlType: 'VARCHAR' },
  { name: 'effective', sqlType: 'BOOLEAN' },
  { name: 'in_value_chain', sqlType: 'BOOLEAN' },
  { name: 'linked_enterprise', sqlType: 'BOOLEAN' },
  { name: 'high_tech', sqlType: 'BOOLEAN' },
  { name: 'digital', sqlType: 'BOOLEAN' },
  { name: 'new_model', sqlType: 'BOOLEAN' },
  { name: 'managers_trained', sqlType: 'BIGINT' },
  { name: 'managers_total', sqlType: 'BIGINT' },
  { name: 'revenue_vnd_million', sqlType: 'DOUBLE' },
  { name: 'profit_vnd_million', sqlType: 'DOUBLE' },
] as const;

/** The columns of `fct_org_register`, in table order. */
export const REGISTER_TABLE_COLUMNS = {
  year: required('INTEGER'),
  org_id: required('VARCHAR'),
  source_code: required('VARCHAR'),
  ...columnsOfList(REGISTER_COLUMNS),
  load_id: required('INTEGER'),
  valid_from_version: required('INTEGER'),
  valid_to_version: optional('INTEGER'),
} as const;

/** A current or historical row of `fct_org_register`. */
export type RegisterTable = RowOf<typeof REGISTER_TABLE_COLUMNS>;
