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
import { memoisedPerSnapshot, perSnapshot } from '../snapshot-memo.ts';

/**
 * The administrative units of one request: units, their crosswalk edges, former names and
 * population by unit id (one statement per batch), and unit lists by filter. Units never change
 * within a snapshot, so what one request read is kept for the next ones on it (the snapshot's
 * memo for rows by id, `perSnapshot` for lists).
 */
export function createAdminUnitLoaders({ db, snapshotKey, record }: LoaderScope) {
  /** A DataLoader by unit id whose values the snapshot keeps, each batch one statement. */
  const byUnitId = <V>(name: string, read: (ids: readonly string[]) => Promise<V[]>) =>
    new DataLoader<string, V>(
      memoisedPerSnapshot(snapshotKey, `admin-unit:${name}`, async (ids) => {
        record(name, ids);
        return read(ids);
      }),
    );

  const unit = byUnitId<AdminUnitRow | null>('unit', async (ids) => {
    const rows = await findAdminUnits(db, { unitIds: ids });
    const byId = new Map(rows.map((r) => [r.unit_id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const crosswalk = byUnitId<CrosswalkRow[]>('crosswalk', async (ids) => {
    const rows = await findCrosswalk(db, ids);
    return ids.map((id) => rows.filter((r) => r.from_unit_id === id || r.to_unit_id === id));
  });

  const aliases = byUnitId<UnitAliasRow[]>('aliases', async (ids) => {
    const rows = await findUnitAliases(db, ids);
    return ids.map((id) => rows.filter((r) => r.unit_id === id));
  });

  const population = byUnitId<PopulationRow[]>('population', async (ids) => {
    const rows = await findPopulation(db, ids);
    return ids.map((id) => rows.filter((r) => r.unit_id === id));
  });

  /** Units matching a filter, read once per snapshot for each filter. */
  const unitsWhere = (filter: AdminUnitFilter) =>
    perSnapshot(snapshotKey, `units:${JSON.stringify(filter)}`, () => findAdminUnits(db, filter));

  return { unit, crosswalk, aliases, population, unitsWhere };
}
