/**
 * The qualifier of each published value (EXACT, ABOUT, MORE_THAN, NEARLY, AT_LEAST; see
 * `warehouse/domain/qualifier.ts`), stored beside `is_approximate`: one boolean cannot say which
 * way a bound points ("gần 6 triệu" is at most, "trên 31 nghìn" at least). Existing rows get
 * ABOUT where they were flagged approximate, else EXACT, until `init` re-reads their quotes.
 * The table is rebuilt so the column sits before the version columns, which stay last.
 */
export const valueQualifierMigration = {
  version: 4,
  name: 'value-qualifier',
  sql: `
create table fct_published_value_q as
select unit_id, indicator_code, year, value, unit_text, source_code, status, is_approximate,
  case when is_approximate then 'ABOUT' else 'EXACT' end as qualifier,
  is_preferred, source_url, quote, confidence, note, load_id, valid_from_version, valid_to_version
from fct_published_value;
drop table fct_published_value;
alter table fct_published_value_q rename to fct_published_value;
alter table fct_published_value alter column qualifier set not null;
`,
} as const;
