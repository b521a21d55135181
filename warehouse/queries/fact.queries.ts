import type { NotNull } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf } from '../database.ts';

/** Years with loaded facts or published values, per source, for `YEAR_NOT_LOADED` checks. */
export function findLoadedYears(db: DuckDbHandle) {
  const k = kyselyOf(db);
  return k
    .selectFrom('fct_org_annual')
    .select([
      'year',
      'source_code',
      'valid_from_version as from_version',
      'valid_to_version as to_version',
    ])
    .distinct()
    .union(
      k
        .selectFrom('fct_published_value')
        .select([
          'year',
          'source_code',
          'valid_from_version as from_version',
          'valid_to_version as to_version',
        ])
        // A published value always has its year, source and first version (the loader sets them).
        .$narrowType<{ year: NotNull; source_code: NotNull; from_version: NotNull }>()
        .distinct(),
    )
    .orderBy('year')
    .orderBy('source_code')
    .execute();
}
