import { sql } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf, oneOf } from '../database.ts';
import type { AdminUnitSeed } from '../reference/admin-units.ts';

/** One version of an administrative unit, as the reference data builds it. */
export type AdminUnitRow = AdminUnitSeed;

/** Which units to read; absent filters match every unit. */
export interface AdminUnitFilter {
  readonly unitIds?: readonly string[];
  readonly codes?: readonly string[];
  readonly level?: 'NATION' | 'PROVINCE';
  /** Only the units valid on this date (`YYYY-MM-DD`). */
  readonly validOn?: string;
}

/** Reads unit versions, ordered by code then validity. */
export function findAdminUnits(
  db: DuckDbHandle,
  filter: AdminUnitFilter = {},
): Promise<AdminUnitRow[]> {
  let query = kyselyOf(db)
    .selectFrom('dim_admin_unit')
    .selectAll()
    .$narrowType<{ level: AdminUnitRow['level'] }>()
    .where((eb) => oneOf(eb, 'unit_id', filter.unitIds))
    .where((eb) => oneOf(eb, 'code', filter.codes));
  if (filter.level) query = query.where('level', '=', filter.level);
  const validOn = filter.validOn;
  if (validOn !== undefined)
    query = query.where((eb) =>
      eb.between(
        sql<string>`${validOn}::date`,
        eb.ref('valid_from'),
        eb.fn.coalesce('valid_to', sql<string>`date '9999-12-31'`),
      ),
    );
  return query.orderBy('level').orderBy('code').orderBy('valid_from').execute();
}

/** Crosswalk edges touching any of the units, in either direction (a unit mapped to itself excluded). */
export function findCrosswalk(db: DuckDbHandle, unitIds: readonly string[]) {
  return kyselyOf(db)
    .selectFrom('dim_unit_crosswalk')
    .select(['from_unit_id', 'to_unit_id', 'effective_on', 'relation'])
    .where('from_unit_id', '<>', (eb) => eb.ref('to_unit_id'))
    .where((eb) => eb.or([oneOf(eb, 'from_unit_id', unitIds), oneOf(eb, 'to_unit_id', unitIds)]))
    .orderBy('from_unit_id')
    .orderBy('to_unit_id')
    .execute();
}

/** One edge of the 2025 crosswalk. */
export type CrosswalkRow = Awaited<ReturnType<typeof findCrosswalk>>[number];

/** Names of the units, official and former. */
export function findUnitAliases(db: DuckDbHandle, unitIds: readonly string[]) {
  return kyselyOf(db)
    .selectFrom('dim_unit_alias')
    .select(['unit_id', 'name_vi', 'valid_from', 'valid_to', 'alias_kind'])
    .where((eb) => oneOf(eb, 'unit_id', unitIds))
    .orderBy('unit_id')
    .orderBy('valid_from')
    .execute();
}

/** A name a unit was known by, with its validity. */
export type UnitAliasRow = Awaited<ReturnType<typeof findUnitAliases>>[number];

/** The preferred population figures of the units, every year known. */
export function findPopulation(db: DuckDbHandle, unitIds: readonly string[]) {
  return kyselyOf(db)
    .selectFrom('fct_population')
    .select(['unit_id', 'year', 'population', 'kind', 'source_url', 'confidence'])
    .where('is_preferred', '=', true)
    .where((eb) => oneOf(eb, 'unit_id', unitIds))
    .orderBy('unit_id')
    .orderBy('year')
    .execute();
}

/** A population figure of a unit and year. */
export type PopulationRow = Awaited<ReturnType<typeof findPopulation>>[number];
