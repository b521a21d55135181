import { FACT_MEASURES } from '../tables/org-annual.table.ts';
import { REGISTER_COLUMNS } from '../tables/register.table.ts';

const measureColumns = FACT_MEASURES.map((m) => `  ${m.name} ${m.sqlType},`).join('\n');
const registerColumns = REGISTER_COLUMNS.map((c) => `  ${c.name} ${c.sqlType},`).join('\n');

/** The first schema: units, sources, population, facts, register, published values and the load log. */
export const initialMigration = {
  version: 1,
  name: 'initial',
  sql: `
-- one row per published data version; version 0 is the empty warehouse
create table publication (
  data_version integer primary key,
  published_at timestamp not null,
  load_id integer,
  note varchar
);

-- one row per series or organisation that publishes figures
create table dim_source (
  source_code varchar primary key,
  name_vi varchar not null,
  name_en varchar not null,
  kind varchar not null,
  note varchar
);

-- one row per administrative unit version: a code plus a validity period (valid_to inclusive, null = current)
create table dim_admin_unit (
  unit_id varchar primary key,
  code varchar not null,
  level varchar not null,
  name_vi varchar not null,
  name_en varchar not null,
  valid_from date not null,
  valid_to date,
  parent_unit_id varchar,
  change_kind varchar not null
);

-- one row per name a unit was known by, with its own validity (former names stay as aliases)
create table dim_unit_alias (
  unit_id varchar not null,
  name_vi varchar not null,
  folded_name varchar not null,
  valid_from date not null,
  valid_to date,
  alias_kind varchar not null
);

-- one row per old unit -> new unit edge of a boundary change
create table dim_unit_crosswalk (
  from_unit_id varchar not null,
  to_unit_id varchar not null,
  effective_on date not null,
  relation varchar not null,
  source_url varchar,
  primary key (from_unit_id, to_unit_id)
);

-- one row per unit x year x kind of population figure
create table fct_population (
  unit_id varchar not null,
  year integer not null,
  population bigint not null,
  kind varchar not null,
  is_preferred boolean not null,
  source_url varchar,
  quote varchar,
  confidence varchar,
  note varchar
);

-- one row per load that changed or was recorded in the warehouse
create table load_log (
  load_id integer primary key,
  family varchar not null,
  file_name varchar not null,
  file_sha256 varchar not null,
  file_bytes bigint not null,
  source_code varchar,
  years integer[] not null,
  unit_ids varchar[] not null,
  rows_read bigint not null,
  rows_accepted bigint not null,
  rows_rejected bigint not null,
  warnings bigint not null,
  values_added bigint not null,
  values_changed bigint not null,
  values_removed bigint not null,
  values_unchanged bigint not null,
  started_at timestamp not null,
  finished_at timestamp not null,
  outcome varchar not null,
  data_version integer not null,
  loaded_by varchar,
  report_json varchar
);

-- one row per admin unit x year x org type x sector x source x universe, per version range
create table fct_org_annual (
  unit_id varchar not null,
  year integer not null,
  org_type varchar not null,
  sector varchar not null,
  source_code varchar not null,
  universe varchar not null,
${measureColumns}
  status varchar not null,
  load_id integer not null,
  valid_from_version integer not null,
  valid_to_version integer
);
create index fct_org_annual_slice on fct_org_annual (unit_id, year, source_code, org_type);

-- one row per organisation x year x source, per version range
create table fct_org_register (
  year integer not null,
  org_id varchar not null,
  source_code varchar not null,
${registerColumns}
  load_id integer not null,
  valid_from_version integer not null,
  valid_to_version integer
);

-- one row per published figure that is not a fact count (shares, national series quotes), per version range
create table fct_published_value (
  unit_id varchar not null,
  indicator_code varchar not null,
  year integer not null,
  value double not null,
  unit_text varchar not null,
  source_code varchar not null,
  status varchar not null,
  is_approximate boolean not null,
  is_preferred boolean not null,
  source_url varchar,
  quote varchar,
  confidence varchar,
  note varchar,
  load_id integer not null,
  valid_from_version integer not null,
  valid_to_version integer
);

insert into publication values (0, current_timestamp, null, 'empty warehouse');
`,
} as const;
