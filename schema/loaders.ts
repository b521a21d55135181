import DataLoader from 'dataloader';
import type { DuckDbHandle } from '../warehouse/dialect/index.ts';
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
} from '../warehouse/queries/admin-unit.queries.ts';
import {
  findIndicators,
  findPlanLinks,
  findPlans,
  type IndicatorRow,
  type PlanRow,
} from '../warehouse/queries/catalog.queries.ts';
import { findLoadedYears } from '../warehouse/queries/fact.queries.ts';
import {
  findReportRows,
  type ReportPart,
  type ReportRow,
} from '../warehouse/queries/report.queries.ts';
import {
  findIndicatorValues,
  type Boundaries,
  type IndicatorValueRow,
} from '../warehouse/queries/indicator.queries.ts';
import {
  computeTargetProgress,
  findTargets,
  type TargetProgress,
  type TargetRow,
} from '../warehouse/queries/progress.queries.ts';

/** Groups items by a key, in first-seen order, appending in place. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * What does not change within a published snapshot (the registry, plans, targets, loaded years),
 * read once per snapshot handle rather than once per request: a snapshot is read-only, and a
 * load publishes a new one with a new handle.
 */
const snapshotCache = new WeakMap<DuckDbHandle, Map<string, Promise<unknown>>>();
function perSnapshot<T>(db: DuckDbHandle, key: string, read: () => Promise<T>): Promise<T> {
  let cache = snapshotCache.get(db);
  if (!cache) snapshotCache.set(db, (cache = new Map()));
  let value = cache.get(key) as Promise<T> | undefined;
  if (!value) {
    value = read();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
  }
  return value;
}

/**
 * A DataLoader batch function whose results are also kept for the snapshot: the first request
 * that asks for a key computes it, later requests on the same snapshot reuse it. This is what
 * makes a dashboard polling the same figures cheap; a load publishes a new snapshot, and with it
 * an empty memo. Keys still missing are batched into one call, as before.
 */
function memoised<V>(
  db: DuckDbHandle,
  name: string,
  batch: (keys: readonly string[]) => Promise<readonly V[]>,
): (keys: readonly string[]) => Promise<V[]> {
  return async (keys) => {
    const memo = perSnapshotMap<V>(db, name);
    const missing = [...new Set(keys.filter((k) => !memo.has(k)))];
    if (missing.length > 0) {
      const computed = batch(missing);
      missing.forEach((key, i) =>
        memo.set(
          key,
          computed.then((values) => values[i] as V),
        ),
      );
      computed.catch(() => missing.forEach((key) => memo.delete(key)));
    }
    return Promise.all(keys.map((k) => memo.get(k)!));
  };
}

function perSnapshotMap<V>(db: DuckDbHandle, name: string): Map<string, Promise<V>> {
  let cache = snapshotCache.get(db);
  if (!cache) snapshotCache.set(db, (cache = new Map()));
  let map = cache.get(`memo:${name}`) as unknown as Map<string, Promise<V>> | undefined;
  if (!map) cache.set(`memo:${name}`, (map = new Map()) as unknown as Promise<unknown>);
  return map;
}

/** Forgets what was kept for a snapshot (tests that count the statements of a cold request). */
export function forgetSnapshot(db: DuckDbHandle): void {
  snapshotCache.delete(db);
}

/**
 * Key of the topic-report rows of one unit and year on some boundaries: the total rows or the
 * sector rows, of one source or (`null`) of the unit's default source.
 */
export const reportRowKey = (
  boundaries: Boundaries,
  source: string | null,
  part: ReportPart,
  unitId: string,
  year: number,
  asOfVersion?: number,
) => JSON.stringify([boundaries, source, part, unitId, year, asOfVersion ?? null]);
/** Key of the indicator values of one unit over years on some boundaries (as of a data version). */
export const valueKey = (boundaries: Boundaries, unitId: string, asOfVersion?: number) =>
  `${boundaries}|${unitId}|${asOfVersion ?? ''}`;
/** Key of the indicator values of one unit in one year on some boundaries (as of a data version). */
export const yearValueKey = (
  boundaries: Boundaries,
  unitId: string,
  year: number,
  asOfVersion?: number,
) => `${boundaries}|${unitId}|${year}|${asOfVersion ?? ''}`;
/** Key of one target's progress as of a year with a source preference (as of a data version). */
export const progressKey = (
  planId: string,
  targetId: string,
  asOfYear: number,
  sources: readonly string[] | null,
  asOfVersion?: number,
) => JSON.stringify([asOfYear, sources ?? null, planId, targetId, asOfVersion ?? null]);
/** A version part of a key read back: `undefined` for the current version. */
const versionOf = (part: string | number | null | undefined): number | undefined =>
  part === null || part === undefined || part === '' ? undefined : Number(part);

/**
 * The DataLoaders of one request. Each batches every key asked for in one tick into one SQL
 * statement (per boundaries or as-of year), so the statements a request runs do not grow with
 * the number of provinces or targets in it. `batches` records the keys each batch received.
 */
export function createLoaders(db: DuckDbHandle) {
  const batches: { loader: string; keys: readonly string[] }[] = [];
  const record = (loader: string, keys: readonly string[]) =>
    batches.push({ loader, keys: [...keys] });

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

  const indicators = () => perSnapshot(db, 'indicators', () => findIndicators(db));
  /** Units matching a filter, read once per snapshot for each filter (units never change in one). */
  const unitsWhere = (filter: AdminUnitFilter) =>
    perSnapshot(db, `units:${JSON.stringify(filter)}`, () => findAdminUnits(db, filter));
  const loadedYears = () => perSnapshot(db, 'loadedYears', () => findLoadedYears(db));
  const indicator = new DataLoader<string, IndicatorRow | null>(async (codes) => {
    record('indicator', codes);
    const byCode = new Map((await indicators()).map((i) => [i.indicator_code, i]));
    return codes.map((c) => byCode.get(c) ?? null);
  });

  const facts = new DataLoader<string, ReportRow[]>(
    memoised(db, 'reportRows', async (keys) => {
      record('facts', keys);
      const parsed = keys.map((k) => {
        const [boundaries, source, part, unitId, year, version] = JSON.parse(k) as [
          Boundaries,
          string | null,
          ReportPart,
          string,
          number,
          number | null,
        ];
        return { boundaries, source, part, unitId, year, asOfVersion: versionOf(version) };
      });
      const result = new Map<string, ReportRow[]>();
      for (const group of groupBy(
        parsed,
        (p) => `${p.boundaries}|${p.source}|${p.part}|${p.asOfVersion}`,
      ).values()) {
        const { boundaries, source, part, asOfVersion } = group[0]!;
        const rows = await findReportRows(db, {
          boundaries,
          source,
          part,
          ...(asOfVersion === undefined ? {} : { asOfVersion }),
          unitIds: [...new Set(group.map((g) => g.unitId))],
          years: [...new Set(group.map((g) => g.year))],
        });
        for (const row of rows) {
          const k = reportRowKey(boundaries, source, part, row.unitId, row.year, asOfVersion);
          const list = result.get(k);
          if (list) list.push(row);
          else result.set(k, [row]);
        }
      }
      return keys.map((k) => result.get(k) ?? []);
    }),
  );

  const values = new DataLoader<string, IndicatorValueRow[]>(
    memoised(db, 'values', async (keys) => {
      record('values', keys);
      const parsed = keys.map((k) => {
        const [boundaries, unitId, version] = k.split('|') as [Boundaries, string, string];
        return { boundaries, unitId, asOfVersion: versionOf(version) };
      });
      const result = new Map<string, IndicatorValueRow[]>();
      for (const group of groupBy(parsed, (p) => `${p.boundaries}|${p.asOfVersion}`).values()) {
        const { boundaries, asOfVersion } = group[0]!;
        const rows = await findIndicatorValues(db, {
          boundaries,
          unitIds: [...new Set(group.map((g) => g.unitId))],
          ...(asOfVersion === undefined ? {} : { asOfVersion }),
        });
        for (const row of rows) {
          const k = valueKey(boundaries, row.unit_id, asOfVersion);
          const list = result.get(k);
          if (list) list.push(row);
          else result.set(k, [row]);
        }
      }
      return keys.map((k) => result.get(k) ?? []);
    }),
  );

  const targets = (): Promise<TargetRow[]> => perSnapshot(db, 'targets', () => findTargets(db));
  const plans = (): Promise<PlanRow[]> => perSnapshot(db, 'plans', () => findPlans(db));
  const planLinks = () => perSnapshot(db, 'planLinks', () => findPlanLinks(db));

  const yearValues = new DataLoader<string, IndicatorValueRow[]>(
    memoised(db, 'yearValues', async (keys) => {
      record('yearValues', keys);
      const parsed = keys.map((k) => {
        const [boundaries, unitId, year, version] = k.split('|') as [
          Boundaries,
          string,
          string,
          string,
        ];
        return { boundaries, unitId, year: Number(year), asOfVersion: versionOf(version) };
      });
      const result = new Map<string, IndicatorValueRow[]>();
      for (const group of groupBy(parsed, (p) => `${p.boundaries}|${p.asOfVersion}`).values()) {
        const { boundaries, asOfVersion } = group[0]!;
        const years = group.map((g) => g.year);
        const rows = await findIndicatorValues(db, {
          boundaries,
          unitIds: [...new Set(group.map((g) => g.unitId))],
          fromYear: Math.min(...years),
          toYear: Math.max(...years),
          ...(asOfVersion === undefined ? {} : { asOfVersion }),
        });
        for (const row of rows) {
          const k = yearValueKey(boundaries, row.unit_id, row.year, asOfVersion);
          const list = result.get(k);
          if (list) list.push(row);
          else result.set(k, [row]);
        }
      }
      return keys.map((k) => result.get(k) ?? []);
    }),
  );

  const progress = new DataLoader<string, TargetProgress | null>(
    memoised(db, 'progress', async (keys) => {
      record('progress', keys);
      const parsed = keys.map((k) => {
        const [asOf, sources, planId, targetId, version] = JSON.parse(k) as [
          number,
          string[] | null,
          string,
          string,
          number | null,
        ];
        return { key: k, asOf, sources, planId, targetId, asOfVersion: versionOf(version) };
      });
      const all = await targets();
      const result = new Map<string, TargetProgress>();
      for (const [, group] of groupBy(parsed, (p) =>
        JSON.stringify([p.asOf, p.sources, p.asOfVersion ?? null]),
      )) {
        const wanted = new Set(group.map((g) => `${g.planId}|${g.targetId}`));
        const chosen = all.filter((t) => wanted.has(`${t.plan_id}|${t.target_id}`));
        const first = group[0]!;
        const computed = await computeTargetProgress(db, chosen, {
          asOfYear: first.asOf,
          ...(first.sources ? { sources: first.sources } : {}),
          ...(first.asOfVersion === undefined ? {} : { asOfVersion: first.asOfVersion }),
        });
        for (const c of computed) {
          result.set(
            progressKey(
              c.target.plan_id,
              c.target.target_id,
              first.asOf,
              first.sources,
              first.asOfVersion,
            ),
            c,
          );
        }
      }
      return keys.map((k) => result.get(k) ?? null);
    }),
  );

  return {
    unit,
    crosswalk,
    aliases,
    population,
    indicator,
    indicators,
    unitsWhere,
    facts,
    values,
    yearValues,
    loadedYears,
    targets,
    plans,
    planLinks,
    progress,
    batches,
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof createLoaders>;
