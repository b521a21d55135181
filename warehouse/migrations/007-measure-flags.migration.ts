import { FACT_MEASURE_NAMES } from '../tables/org-annual.table.ts';

/**
 * Status and qualifier per measure of `fct_org_annual`. A row merges measures that may come from
 * different publications (the national 2022 cooperative count is REPORTED, the members of the
 * same row ESTIMATED), so the row's `status` (the weakest of its measures) is not the status of
 * each value; and a measure may be a bound ("trên 4.000" — more than). `measure_status` maps a
 * measure to its status where the measures of a row differ; `measure_qualifier` maps a measure to
 * its qualifier where it is not EXACT (JSON objects, null when there is nothing to say).
 *
 * Existing rows get null (every measure has the row's status and is exact), which is what they
 * said before; `coopstat init` re-derives the national reference facts with their own flags. The
 * table is rebuilt so the new columns sit before the version columns, which stay last.
 */
export const measureFlagsMigration = {
  version: 7,
  name: 'measure-flags',
  sql: `
create table fct_org_annual_m as
select unit_id, year, org_type, sector, source_code, universe, ${FACT_MEASURE_NAMES.join(', ')},
  status, null::varchar as measure_status, null::varchar as measure_qualifier,
  load_id, valid_from_version, valid_to_version
from fct_org_annual;
drop table fct_org_annual;
alter table fct_org_annual_m rename to fct_org_annual;
alter table fct_org_annual alter column unit_id set not null;
alter table fct_org_annual alter column year set not null;
alter table fct_org_annual alter column org_type set not null;
alter table fct_org_annual alter column sector set not null;
alter table fct_org_annual alter column source_code set not null;
alter table fct_org_annual alter column universe set not null;
alter table fct_org_annual alter column status set not null;
alter table fct_org_annual alter column load_id set not null;
alter table fct_org_annual alter column valid_from_version set not null;
create index fct_org_annual_slice on fct_org_annual (unit_id, year, source_code, org_type);
`,
} as const;
