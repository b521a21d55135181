import DataLoader from 'dataloader';
import { BoundedMemo } from './bounded-memo.ts';
import type { DuckDbHandle } from '../warehouse/dialect/index.ts';
import type { Lease } from '../warehouse/store/warehouse-reader.ts';
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
import { findSourceCodes } from '../warehouse/queries/source.queries.ts';
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
  findTargetProgress,
  findTargets,
  type TargetProgress,
  type TargetRow,
} from '../warehouse/queries/progress.queries.ts';
import { createProgressLoaders } from './plan/progress.loaders.ts';

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
 * What does not change within a published snapshot (the registry, sources, plans, targets,
 * loaded years), read once per snapshot rather than once per request: a snapshot is read-only,
 * and a load publishes a new one with a new key. Kept under the snapshot's key
 * ({@link Lease.snapshotKey}), not under a connection: every pooled connection of a snapshot
 * shares it.
 */
const snapshotCache = new WeakMap<object, Map<string, Promise<unknown>>>();
function perSnapshot<T>(snapshot: object, key: string, read: () => Promise<T>): Promise<T> {
  let cache = snapshotCache.get(snapshot);
  if (!cache) snapshotCache.set(snapshot, (cache = new Map()));
  const kept = cache.get(key) as Promise<T> | undefined;
  if (kept) return kept.catch(() => read()); // see {@link memoised} on another's failure
  const value = read();
  cache.set(key, value);
  value.catch(() => {
    if (cache.get(key) === value) cache.delete(key);
  });
  return value;
}

/**
 * A DataLoader batch function whose results are also kept for the snapshot: the first request
 * that asks for a key computes it, later requests on the same snapshot reuse it. This is what
 * makes a dashboard polling the same figures cheap; a load publishes a new snapshot, and with it
 * an empty memo. Keys still missing are batched into one call, as before.
 *
 * A key another request is still computing (on its own connection) is awaited; if that fails,
 * the failure is the other request's own (its time limit, its client leaving), so this request
 * computes the keys again on its own connection instead of failing with it.
 */
function memoised<V>(
  snapshot: object,
  name: string,
  batch: (keys: readonly string[]) => Promise<readonly V[]>,
): (keys: readonly string[]) => Promise<V[]> {
  // One byte-bounded memo per snapshot, shared by every loader: its keys carry the loader's name.
  const at = (key: string) => `${name}\u0000${key}`;
  return async (keys) => {
    const memo = snapshotMemo(snapshot) as BoundedMemo<V>;
    const missing = [...new Set(keys.filter((k) => !memo.has(at(k))))];
    // What this call computes itself is read from here, whatever the budget has dropped since.
    const own = new Map<string, Promise<V>>();
    if (missing.length > 0) {
      const computed = batch(missing);
      const entries = missing.map((key, i) => {
        const entry = computed.then((values) => values[i] as V);
        entry.catch(() => {}); // its failure is reported through `computed` below
        memo.set(at(key), entry);
        own.set(key, entry);
        return [at(key), entry] as const;
      });
      computed.catch(() => {
        for (const [key, entry] of entries) if (memo.get(key) === entry) memo.delete(key);
      });
      // This request's own failure is its answer.
      await computed;
    }
    // An entry of another request gone since (its computation failed, or the budget dropped
    // it) counts as failed too.
    const entries = keys.map((k) => own.get(k) ?? memo.get(at(k)));
    if (entries.every((e) => e !== undefined)) {
      try {
        return await Promise.all(entries);
      } catch {
        // Another request's failure: computed again below.
      }
    }
    return [...(await batch(keys))];
  };
}

/** The snapshot's memo of computed values (see `bounded-memo.ts` for its budget). */
const memos = new WeakMap<object, BoundedMemo>();
function snapshotMemo(snapshot: object): BoundedMemo {
  let memo = memos.get(snapshot);
  if (!memo) memos.set(snapshot, (memo = new BoundedMemo()));
  return memo;
}

/**
 * Forgets what was kept for a snapshot, given its {@link Lease.snapshotKey} (tests and benchmarks
 * that count the statements of a cold request).
 */
export function forgetSnapshot(snapshotKey: object): void {
  snapshotCache.delete(snapshotKey);
  memos.delete(snapshotKey);
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
export function createLoaders(db: DuckDbHandle, snapshotKey: object) {
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

  const indicators = () => perSnapshot(snapshotKey, 'indicators', () => findIndicators(db));
  /** Units matching a filter, read once per snapshot for each filter (units never change in one). */
  const unitsWhere = (filter: AdminUnitFilter) =>
    perSnapshot(snapshotKey, `units:${JSON.stringify(filter)}`, () => findAdminUnits(db, filter));
  const loadedYears = () => perSnapshot(snapshotKey, 'loadedYears', () => findLoadedYears(db));
  /** The snapshot's source codes, in code order (what a `source` argument is checked against). */
  const sourceCodes = () => perSnapshot(snapshotKey, 'sourceCodes', () => findSourceCodes(db));
  const indicator = new DataLoader<string, IndicatorRow | null>(async (codes) => {
    record('indicator', codes);
    const byCode = new Map((await indicators()).map((i) => [i.indicator_code, i]));
    return codes.map((c) => byCode.get(c) ?? null);
  });

  const facts = new DataLoader<string, ReportRow[]>(
    memoised(snapshotKey, 'reportRows', async (keys) => {
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
    memoised(snapshotKey, 'values', async (keys) => {
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

  const targets = (): Promise<TargetRow[]> =>
    perSnapshot(snapshotKey, 'targets', () => findTargets(db));
  const plans = (): Promise<PlanRow[]> => perSnapshot(snapshotKey, 'plans', () => findPlans(db));
  const planLinks = () => perSnapshot(snapshotKey, 'planLinks', () => findPlanLinks(db));

  const yearValues = new DataLoader<string, IndicatorValueRow[]>(
    memoised(snapshotKey, 'yearValues', async (keys) => {
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
    memoised(snapshotKey, 'progress', async (keys) => {
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
        const computed = await findTargetProgress(db, chosen, {
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
    sourceCodes,
    targets,
    plans,
    planLinks,
    progress,
    ...createProgressLoaders(db, snapshotMemo(snapshotKey), targets, record),
    batches,
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof createLoaders>;
