import { TARGET_COLUMNS_V2 } from './target-columns.ts';

/**
 * Alternative wordings of targets, and inferred targets. A paraphrase (an English press rendering)
 * or a citation (a provincial plan quoting a national target) is kept with its quote and source in
 * `dim_target_wording`, linked to the one target it words, and never counted as a target. A
 * target whose year or reading is not in its words says so (`is_inferred`, `inferred_reason`).
 */
export const targetWordingMigration = {
  version: 5,
  name: 'target-wording',
  sql: `
-- one row per alternative wording of a target (grain: quoting plan × wording id)
create table dim_target_wording (
  plan_id varchar not null,
  wording_id varchar not null,
  of_plan_id varchar not null,
  of_target_id varchar not null,
  kind varchar not null check (kind in ('PARAPHRASE', 'CITATION')),
  quote_lang varchar not null,
  quote varchar not null,
  source_url varchar,
  source_file varchar,
  source_line integer,
  note varchar,
  primary key (plan_id, wording_id)
);
-- dim_target is rebuilt with the two new columns (DuckDB cannot commit two ALTERs of one table
-- holding rows in one transaction); its rows are copied unchanged, as not inferred.
create table dim_target_v5 (
${TARGET_COLUMNS_V2}
  is_inferred boolean not null default false,
  inferred_reason varchar,
  primary key (plan_id, target_id)
);
insert into dim_target_v5 select *, false, null from dim_target;
drop table dim_target;
alter table dim_target_v5 rename to dim_target;
`,
} as const;
