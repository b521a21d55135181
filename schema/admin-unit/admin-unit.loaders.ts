import DataLoader from 'dataloader';
import {
  findAdminUnits,
  findCrosswalk,
  findPopulation,
  findUnitAliases,
  type AdminUnitFilter,
  type AdminUnitRow,
  type CrosswalkRow,
  type PopulationRow,
  type UnitAliasRow,
} from '../../warehouse/queries/admin-unit.queries.ts';
import type { LoaderScope } from '../common/batch.ts';
import { perSnapshot } from '../snapshot-memo.ts';

/**
 * The administrative units of one request: units, their crosswalk edges, former names and
 * population by unit id (one statement per batch), and unit lists by filter, read once per
 * snapshot (units never change within one).
 */
export function createAdminUnitLoaders({ db, snapshotKey, record }: LoaderScope) {
  const unit = new DataLoader<string, AdminUnitRow | null>(async (ids) => {
    record('unit', ids);
    const rows = await findAdminUnits(db, { unitIds: ids });
    const byId = new Map(rows.map((r) => [r.unit_id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const crosswalk = new DataLoader<string, CrosswalkRow[]>(async (ids) => {
    record('crosswalk', ids);
    const rows = await findCrosswalk(db, ids);
    return ids.map((id) => rows.filter((r) => r.from_unit_id === id || r.to_unit_id === id));
  });

  const aliases = new DataLoader<string, UnitAliasRow[]>(async (ids) => {
    record('aliases', ids);
    const rows = await findUnitAliases(db, ids);
    return ids.map((id) => rows.filter((r) => r.unit_id === id));
  });

  const population = new DataLoader<string, PopulationRow[]>(async (ids) => {
    record('population', ids);
    const rows = await findPopulation(db, ids);
    return ids.map((id) => rows.filter((r) => r.unit_id === id));
  });

  /** Units matching a filter, read once per snapshot for each filter. */
  const unitsWhere = (filter: AdminUnitFilter) =>
    perSnapshot(snapshotKey, `units:${JSON.stringify(filter)}`, () => findAdminUnits(db, filter));

  return { unit, crosswalk, aliases, population, unitsWhere };
}
