import type { DuckDbHandle } from '../dialect/index.ts';

/** Years with loaded facts or published values, per source, for `YEAR_NOT_LOADED` checks. */
export async function findLoadedYears(
  db: DuckDbHandle,
): Promise<{ year: number; source_code: string }[]> {
  return db.all(
    `select distinct year, source_code from fct_org_annual where valid_to_version is null
     union select distinct year, source_code from fct_published_value where valid_to_version is null
     order by year, source_code`,
  );
}
