import type { FactMeasure } from '../../warehouse/tables/org-annual.table.ts';

/**
 * Which fact each national published indicator is: organisation type, sector (`ALL` for the
 * total), universe and measure. Indicators not listed here (shares, sector-wide member totals,
 * ratios) stay published values only: they have no numerator and denominator to store.
 *
 * The national series count people's credit funds inside their cooperative totals (e.g. 29,021
 * HTX "of which 1,181 QTDND"), and the registry's `htx_*` indicators sum HTX and QTDND. So the
 * national `htx_count` is stored as the HTX row and `qtdnd_count` stays a published value only:
 * storing it as a QTDND row too would count the funds twice.
 */
export const NATIONAL_FACT_MAP: Readonly<
  Record<string, { org_type: string; sector: string; universe: string; measure: FactMeasure }>
> = {
  htx_count: { org_type: 'HTX', sector: 'ALL', universe: 'REGISTERED', measure: 'org_count' },
  htx_active_with_results: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'OPERATING_WITH_RESULTS',
    measure: 'org_count',
  },
  htx_workers_active: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'OPERATING_WITH_RESULTS',
    measure: 'employees',
  },
  htx_count_active: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'REGISTERED',
    measure: 'active_count',
  },
  htx_members: { org_type: 'HTX', sector: 'ALL', universe: 'REGISTERED', measure: 'members' },
  htx_new_established: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'REGISTERED',
    measure: 'new_count',
  },
  htx_in_value_chain: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'REGISTERED',
    measure: 'in_value_chain',
  },
  htx_regular_workers: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'REGISTERED',
    measure: 'employees',
  },
  htx_worker_income: {
    org_type: 'HTX',
    sector: 'ALL',
    universe: 'REGISTERED',
    measure: 'worker_income_avg_vnd_million',
  },
  htx_agri_count: {
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    universe: 'REGISTERED',
    measure: 'org_count',
  },
  htx_agri_effective_count: {
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    universe: 'REGISTERED',
    measure: 'effective_count',
  },
  htx_agri_linked_enterprise: {
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    universe: 'REGISTERED',
    measure: 'linked_enterprise',
  },
  htx_agri_digital_count: {
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    universe: 'REGISTERED',
    measure: 'digital',
  },
  htx_high_tech: {
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    universe: 'REGISTERED',
    measure: 'high_tech',
  },
  htx_industry_handicraft_count: {
    org_type: 'HTX',
    sector: 'INDUSTRY_HANDICRAFT',
    universe: 'REGISTERED',
    measure: 'org_count',
  },
  htx_trade_service_count: {
    org_type: 'HTX',
    sector: 'TRADE_SERVICES',
    universe: 'REGISTERED',
    measure: 'org_count',
  },
  lhhtx_count: { org_type: 'LHHTX', sector: 'ALL', universe: 'REGISTERED', measure: 'org_count' },
  lhhtx_agri_count: {
    org_type: 'LHHTX',
    sector: 'AGRICULTURE',
    universe: 'REGISTERED',
    measure: 'org_count',
  },
  lhhtx_member_htx: {
    org_type: 'LHHTX',
    sector: 'ALL',
    universe: 'REGISTERED',
    measure: 'members',
  },
  tht_count: { org_type: 'THT', sector: 'ALL', universe: 'REGISTERED', measure: 'org_count' },
  tht_members: { org_type: 'THT', sector: 'ALL', universe: 'REGISTERED', measure: 'members' },
};

/**
 * Shares a source states in the same sentence as a count it gives, read from that count's quote
 * and stored as published values of the share indicator with the same page and quote (the
 * reference file has one row per figure, so the share has no row of its own). "trên 4.000 HTX …
 * chiếm gần 13% tổng số HTX": the share is published as nearly 13%, an upper bound, while the
 * share computed from the counts (4,000 of 33,557) is more than 11.9%.
 */
export const SHARES_STATED_WITH_COUNTS: readonly {
  readonly count: string;
  readonly share: string;
  readonly value: number;
  readonly unit: string;
}[] = [
  {
    count: 'htx_in_value_chain',
    share: 'htx_value_chain_share',
    value: 13,
    unit: 'percent of all cooperatives',
  },
];
