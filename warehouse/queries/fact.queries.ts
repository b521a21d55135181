import type { DuckDbHandle } from '../dialect/index.ts';

/** Years with loaded facts or published values, per source, for `YEAR_NOT_LOADED` checks. */
export async function findLoadedYears(
  db: DuckDbHandle,
): Promise<
  { year: number; source_code: string; from_version: number; to_version: number | null }[]
> {
  return db.all(
    `select distinct year, source_code, valid_from_version as from_version, valid_to_version as to_version
     from fct_org_annual
     union select distinct year, source_code, valid_from_version, valid_to_version from fct_published_value
     order by year, source_code`,
  );
}
