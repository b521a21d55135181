/**
 * `fct_org_annual` — one row per admin unit × year × organisation type × sector × source ×
 * universe, per range of published data versions. A row is current while `valid_to_version` is
 * null; a revision closes it and inserts its successor, so what was published before stays
 * queryable.
 */

/** The measures of `fct_org_annual`, in column order, with their SQL type and unit. */
export const FACT_MEASURES = [
  { name: 'org_count', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'active_count', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'new_count', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'dissolved_count', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'inactive_count', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'members', sqlType: 'BIGINT', unit: 'members' },
  { name: 'official_members', sqlType: 'BIGINT', unit: 'members' },
  { name: 'capital_associates', sqlType: 'BIGINT', unit: 'members' },
  { name: 'other_associates', sqlType: 'BIGINT', unit: 'members' },
  { name: 'employees', sqlType: 'BIGINT', unit: 'persons' },
  { name: 'employees_members', sqlType: 'BIGINT', unit: 'persons' },
  { name: 'rated_good', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'rated_fair', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'rated_average', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'rated_weak', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'rated_none', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'effective_count', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'in_value_chain', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'good_fair_in_value_chain', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'effective_in_value_chain', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'linked_enterprise', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'high_tech', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'digital', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'new_model', sqlType: 'BIGINT', unit: 'organisations' },
  { name: 'managers_trained', sqlType: 'BIGINT', unit: 'persons' },
  { name: 'managers_total', sqlType: 'BIGINT', unit: 'persons' },
  { name: 'revenue_avg_vnd_million', sqlType: 'DOUBLE', unit: 'VND million per organisation' },
  {
    name: 'revenue_members_avg_vnd_million',
    sqlType: 'DOUBLE',
    unit: 'VND million per organisation',
  },
  { name: 'profit_avg_vnd_million', sqlType: 'DOUBLE', unit: 'VND million per organisation' },
  {
    name: 'worker_income_avg_vnd_million',
    sqlType: 'DOUBLE',
    unit: 'VND million per worker per year',
  },
] as const;

export type FactMeasure = (typeof FACT_MEASURES)[number]['name'];
export const FACT_MEASURE_NAMES: readonly FactMeasure[] = FACT_MEASURES.map((m) => m.name);
