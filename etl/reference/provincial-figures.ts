import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { NEW_PROVINCES_FROM, OLD_PROVINCES_FROM } from '../../warehouse/reference/admin-units.ts';

/**
 * Series code of the provincial figures of `warehouse/reference/published-figures-provincial.csv`:
 * what provincial authorities (People's Committee, departments, provincial cooperative alliance)
 * and the press published, as opposed to a file the statistics office loads (`PSO`).
 */
export const PROVINCIAL_SOURCE_CODE = 'PROVINCIAL';

/** Confidence ranks: the preferred figure of a unit × year × indicator is the most trusted one. */
const CONFIDENCE_RANK = `case confidence when 'high' then 1 when 'medium' then 2 else 3 end`;

/**
 * Appends the provincial reference figures to `stg_pub` as published values of the unit the file
 * names: "Thái Nguyên (19, pre-merger)" is the unit of code 19 valid before the 2025 merger, "(19,
 * new 2025 unit)" the merged one, "(12, unchanged)" the unit that kept its code and boundary.
 *
 * Figures that contradict each other stay side by side, each with its own page and quote: never
 * averaged, never overwritten. Exactly one of a unit × year × indicator is preferred (the highest
 * confidence, then the first in the file) so that a series has one value a year; the others are
 * kept, not preferred. Undated figures cannot be placed in a series and are left out (the file
 * has two, both for Lai Châu); {@link countUndatedProvincialFigures} tells how many.
 *
 * @throws Error when a scope does not name a known unit, or a row has an unknown indicator shape
 */
export async function stageProvincialFigures(db: DuckDbHandle, path: string): Promise<void> {
  await db.run(
    `insert into stg_pub
     with raw as (
       select row_number() over () as line, *,
         regexp_extract(scope, '\\((\\d{2}),', 1) as code,
         case when scope like '%new 2025 unit%' then '${NEW_PROVINCES_FROM}' else '${OLD_PROVINCES_FROM}' end as valid_from
       from read_csv($1, header = true, all_varchar = true, columns = {
         'scope': 'varchar', 'indicator': 'varchar', 'year': 'varchar', 'value': 'varchar',
         'unit': 'varchar', 'source_url': 'varchar', 'quote': 'varchar', 'confidence': 'varchar',
         'note': 'varchar'})
     ),
     dated as (select * from raw where year is not null and trim(year) <> '')
     select code || ':' || valid_from as unit_id, indicator as indicator_code, year::integer as year,
       value::double as value, unit as unit_text, '${PROVINCIAL_SOURCE_CODE}' as source_code,
       'REPORTED' as status, false as is_approximate, 'EXACT' as qualifier,
       row_number() over (partition by code, valid_from, indicator, year order by ${CONFIDENCE_RANK}, line) = 1
         as is_preferred,
       source_url, nfc_normalize(quote) as quote, confidence,
       nullif(concat_ws(' | ', 'scope: ' || scope, note), '') as note
     from dated`,
    [path],
  );
  const [orphans] = await db.all<{ n: number; scopes: string[] }>(
    `select count(*) as n, list(distinct unit_id) as scopes
     from stg_pub p anti join dim_admin_unit u using (unit_id)`,
  );
  if (orphans && orphans.n > 0) {
    throw new Error(
      `every provincial figure must name a known unit as "Name (code, pre-merger | new 2025 unit | unchanged)", but ${orphans.n} name ${orphans.scopes.join(', ')} in ${path}`,
    );
  }
}

/** How many figures of the provincial file have no year (left out of the warehouse). */
export async function countUndatedProvincialFigures(
  db: DuckDbHandle,
  path: string,
): Promise<number> {
  const [row] = await db.all<{ n: number }>(
    `select count(*) as n from read_csv($1, header = true, all_varchar = true)
     where year is null or trim(year) = ''`,
    [path],
  );
  return row?.n ?? 0;
}
