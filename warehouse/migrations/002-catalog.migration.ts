import { TARGET_COLUMNS_V2 } from './target-columns.ts';

/** Indicator registry, plans and targets, loaded from the catalog as a whole. */
export const catalogMigration = {
  version: 2,
  name: 'catalog',
  sql: `
-- one row per registered indicator
create table dim_indicator (
  indicator_code varchar primary key,
  label_vi varchar not null,
  label_en varchar not null,
  topic varchar not null,
  unit varchar not null,
  kind varchar not null,
  universe varchar,
  is_higher_better boolean not null,
  natural_limit double,
  is_published_only boolean not null,
  description varchar not null
);

-- one row per other code the same indicator has in published files
create table dim_indicator_alias (
  alias varchar primary key,
  indicator_code varchar not null
);

-- one row per indicator x role x measure x org type x sector it sums (population: measure 'population');
-- org_type_rank 0 is the organisation type that must be reported for the part to have a value
create table dim_indicator_operand (
  indicator_code varchar not null,
  role varchar not null,
  measure varchar not null,
  org_type varchar,
  org_type_rank integer,
  sector varchar
);

-- one row per plan
create table dim_plan (
  plan_id varchar primary key,
  document_number varchar,
  title_vi varchar not null,
  title_en varchar not null,
  issuer_vi varchar not null,
  issuer_en varchar not null,
  issued_on date not null,
  issued_on_precision varchar not null,
  unit_id varchar not null,
  source_url varchar,
  source_file varchar,
  source_line integer,
  note varchar
);

-- one row per plan x plan it implements
create table dim_plan_implements (
  plan_id varchar not null,
  implements_plan_id varchar not null
);

-- one row per plan x target
create table dim_target (
${TARGET_COLUMNS_V2}
  primary key (plan_id, target_id)
);
`,
} as const;
