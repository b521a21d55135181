import type { PopulationTable } from '../tables/population.table.ts';
import type { UnitAliasTable } from '../tables/unit-alias.table.ts';
import type { UnitCrosswalkTable } from '../tables/unit-crosswalk.table.ts';
import type { DuckDbHandle } from '../dialect/index.ts';
import type { AdminUnitSeed } from '../reference/admin-units.ts';
import { QueryParams } from './query-params.ts';

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
export async function findAdminUnits(
  db: DuckDbHandle,
  filter: AdminUnitFilter = {},
): Promise<AdminUnitRow[]> {
  const p = new QueryParams();
  const validOn =
    filter.validOn === undefined
      ? 'true'
      : `${p.add(filter.validOn)}::date between valid_from and coalesce(valid_to, date '9999-12-31')`;
  return db.all<AdminUnitRow>(
    `select * from dim_admin_unit
     where ${p.in('unit_id', filter.unitIds)} and ${p.in('code', filter.codes)}
       and ${filter.level ? `level = ${p.add(filter.level)}` : 'true'} and ${validOn}
     order by level, code, valid_from`,
    p.values,
  );
}

/** One edge of the 2025 crosswalk. */
export type CrosswalkRow = Pick<
  UnitCrosswalkTable,
  'from_unit_id' | 'to_unit_id' | 'effective_on' | 'relation'
>;

/** Crosswalk edges touching any of the units, in either direction (a unit mapped to itself excluded). */
export async function findCrosswalk(
  db: DuckDbHandle,
  unitIds: readonly string[],
): Promise<CrosswalkRow[]> {
  const p = new QueryParams();
  return db.all<CrosswalkRow>(
    `select from_unit_id, to_unit_id, effective_on, relation from dim_unit_crosswalk
     where from_unit_id <> to_unit_id and (${p.in('from_unit_id', unitIds)} or ${p.in('to_unit_id', unitIds)})
     order by from_unit_id, to_unit_id`,
    p.values,
  );
}

/** A name a unit was known by, with its validity. */
export type UnitAliasRow = Pick<
  UnitAliasTable,
  'unit_id' | 'name_vi' | 'valid_from' | 'valid_to' | 'alias_kind'
>;

/** Names of the units, official and former. */
export async function findUnitAliases(
  db: DuckDbHandle,
  unitIds: readonly string[],
): Promise<UnitAliasRow[]> {
  const p = new QueryParams();
  return db.all<UnitAliasRow>(
    `select unit_id, name_vi, valid_from, valid_to, alias_kind from dim_unit_alias
     where ${p.in('unit_id', unitIds)} order by unit_id, valid_from`,
    p.values,
  );
}

/** A population figure of a unit and year. */
export type PopulationRow = Pick<
  PopulationTable,
  'unit_id' | 'year' | 'population' | 'kind' | 'source_url' | 'confidence'
>;

/** The preferred population figures of the units, every year known. */
export async function findPopulation(
  db: DuckDbHandle,
  unitIds: readonly string[],
): Promise<PopulationRow[]> {
  const p = new QueryParams();
  return db.all<PopulationRow>(
    `select unit_id, year, population, kind, source_url, confidence from fct_population
     where is_preferred and ${p.in('unit_id', unitIds)} order by unit_id, year`,
    p.values,
  );
}
