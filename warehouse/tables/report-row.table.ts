/**
 * `rpt_org_type_row` — one row per boundaries × admin unit × year × source × organisation type ×
 * sector (`ALL` = the total), per range of published data versions: every field of the four topic
 * reports (membership, quality, value chain, high tech), computed from `fct_org_annual` when a load
 * publishes, so that a request only reads it. Only the `REGISTERED` universe is kept.
 */

import {
  columnsOfList,
  optional,
  RATIO_SQL_TYPE,
  type RatioValue,
  required,
  type TableColumns,
} from './columns.ts';

export { RATIO_SQL_TYPE, type RatioValue };

/**
 * The computed columns of `rpt_org_type_row` after its key, in table order, with their SQL type.
 * Counts are missing (`null`), never 0, where the facts miss them.
 */
export const REPORT_ROW_COLUMNS = [
  { name: 'status', sqlType: 'VARCHAR' },
  { name: 'unit_count', sqlType: 'INTEGER' },
  { name: 'organisations', sqlType: 'BIGINT' },
  // membership
  { name: 'active_organisations', sqlType: 'BIGINT' },
  { name: 'newly_founded', sqlType: 'BIGINT' },
  { name: 'dissolved', sqlType: 'BIGINT' },
  { name: 'members', sqlType: 'BIGINT' },
  { name: 'official_members', sqlType: 'BIGINT' },
  { name: 'capital_associates', sqlType: 'BIGINT' },
  { name: 'other_associates', sqlType: 'BIGINT' },
  { name: 'employees', sqlType: 'BIGINT' },
  { name: 'members_per_organisation', sqlType: 'DOUBLE' },
  // quality
  { name: 'good', sqlType: 'BIGINT' },
  { name: 'fair', sqlType: 'BIGINT' },
  { name: 'average', sqlType: 'BIGINT' },
  { name: 'weak', sqlType: 'BIGINT' },
  { name: 'not_rated', sqlType: 'BIGINT' },
  { name: 'rated', sqlType: 'BIGINT' },
  { name: 'good_or_fair_share_of_rated', sqlType: RATIO_SQL_TYPE },
  { name: 'good_or_fair_share_of_all', sqlType: RATIO_SQL_TYPE },
  { name: 'effective', sqlType: 'BIGINT' },
  { name: 'effective_share', sqlType: RATIO_SQL_TYPE },
  // value chain
  { name: 'in_value_chain', sqlType: 'BIGINT' },
  { name: 'linked_enterprise', sqlType: 'BIGINT' },
  { name: 'good_or_fair_in_value_chain', sqlType: 'BIGINT' },
  { name: 'value_chain_share', sqlType: RATIO_SQL_TYPE },
  { name: 'linked_enterprise_share', sqlType: RATIO_SQL_TYPE },
  { name: 'value_chain_share_of_good_or_fair', sqlType: RATIO_SQL_TYPE },
  // high tech
  { name: 'high_tech', sqlType: 'BIGINT' },
  { name: 'digital', sqlType: 'BIGINT' },
  { name: 'high_tech_share', sqlType: RATIO_SQL_TYPE },
  { name: 'digital_share', sqlType: RATIO_SQL_TYPE },
] as const;

/** The key of a row within its unit and year. */
export const REPORT_ROW_KEY = [
  'boundaries',
  'unit_id',
  'year',
  'source_code',
  'org_type',
  'sector',
] as const;

type ColumnType<S extends string> = S extends 'VARCHAR'
  ? string
  : S extends 'INTEGER'
    ? number
    : S extends 'BIGINT' | 'DOUBLE'
      ? number | null
      : RatioValue;

/** A row of `rpt_org_type_row`, as Kysely reads it. */
export type ReportRowTable = {
  boundaries: string;
  unit_id: string;
  year: number;
  source_code: string;
  org_type: string;
  sector: string;
  /** True on the rows of the source a report shows by default (first of PSO, MINISTRY, VCA, OTHER with any row for the unit and year, else the first by name). */
  is_default_source: boolean;
  /** THT 0, HTX 1, LHHTX 2, QTDND 3: the order of the rows in a report. */
  org_type_rank: number;
  valid_from_version: number;
  valid_to_version: number | null;
} & {
  [C in (typeof REPORT_ROW_COLUMNS)[number] as C['name']]: C['name'] extends 'status'
    ? string
    : ColumnType<C['sqlType']>;
};

/** The columns of `rpt_org_type_row`, in table order. */
export const REPORT_ROW_TABLE_COLUMNS = {
  boundaries: required('VARCHAR'),
  unit_id: required('VARCHAR'),
  year: required('INTEGER'),
  source_code: required('VARCHAR'),
  org_type: required('VARCHAR'),
  sector: required('VARCHAR'),
  is_default_source: required('BOOLEAN'),
  org_type_rank: required('INTEGER'),
  ...columnsOfList(REPORT_ROW_COLUMNS),
  // Always set: the weakest status of the row's facts, and how many units were summed.
  status: required('VARCHAR'),
  unit_count: required('INTEGER'),
  valid_from_version: required('INTEGER'),
  valid_to_version: optional('INTEGER'),
} as const satisfies TableColumns<ReportRowTable>;
