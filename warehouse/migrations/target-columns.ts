/**
 * The columns of `dim_target` as migration 2 created them, without its key: migration 5 rebuilds
 * the table from the same columns plus two. Shared so that the two stay the same list; like a
 * released migration, never edited.
 */
export const TARGET_COLUMNS_V2 = `  plan_id varchar not null,
  target_id varchar not null,
  indicator_code varchar not null,
  unit_id varchar not null,
  target_year integer not null,
  target_date date,
  from_year integer,
  comparator varchar not null,
  value double not null,
  value_high double,
  unit varchar not null,
  per_unit varchar,
  of_target_id varchar,
  denominator_note varchar,
  baseline_year integer,
  baseline_value double,
  quote_lang varchar not null,
  quote varchar not null,
  source_url varchar,
  source_file varchar,
  source_line integer,
  wording_note varchar,
  note varchar,`;
