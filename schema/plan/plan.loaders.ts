import DataLoader from 'dataloader';
import { findPlanLinks, findPlans, type PlanRow } from '../../warehouse/queries/catalog.queries.ts';
import {
  findTargetProgress,
  findTargets,
  type TargetProgress,
  type TargetRow,
} from '../../warehouse/queries/progress.queries.ts';
import { readByGroup, versionOf, type LoaderScope } from '../common/batch.ts';
import { memoisedPerSnapshot, perSnapshot, snapshotMemo } from '../snapshot-memo.ts';
import { createProgressLoaders } from './progress.loaders.ts';

/** Key of one target's progress as of a year with a source preference (as of a data version). */
export const progressKey = (
  planId: string,
  targetId: string,
  asOfYear: number,
  sources: readonly string[] | null,
  asOfVersion?: number,
) => JSON.stringify([asOfYear, sources ?? null, planId, targetId, asOfVersion ?? null]);

/**
 * The plans of one request: plans, their links and targets (read once per snapshot), and the
 * progress of targets, one engine call per as-of year, source preference and data version for
 * every target of a batch, kept in the snapshot's memo (progress is fixed per snapshot).
 */
export function createPlanLoaders({ db, snapshotKey, record }: LoaderScope) {
  const targets = (): Promise<TargetRow[]> =>
    perSnapshot(snapshotKey, 'targets', () => findTargets(db));
  const plans = (): Promise<PlanRow[]> => perSnapshot(snapshotKey, 'plans', () => findPlans(db));
  const planLinks = () => perSnapshot(snapshotKey, 'planLinks', () => findPlanLinks(db));

  const progress = new DataLoader<string, TargetProgress | null>(
    memoisedPerSnapshot(snapshotKey, 'progress', async (keys) => {
      record('progress', keys);
      const all = await targets();
      const computed = await readByGroup(keys, {
        parse: (k) => {
          const [asOfYear, sources, planId, targetId, version] = JSON.parse(k) as [
            number,
            string[] | null,
            string,
            string,
            number | null,
          ];
          return { asOfYear, sources, planId, targetId, asOfVersion: versionOf(version) };
        },
        groupOf: (p) => JSON.stringify([p.asOfYear, p.sources, p.asOfVersion ?? null]),
        read: (group) => {
          const wanted = new Set(group.map((g) => `${g.planId}|${g.targetId}`));
          const { asOfYear, sources, asOfVersion } = group[0]!;
          return findTargetProgress(
            db,
            all.filter((t) => wanted.has(`${t.plan_id}|${t.target_id}`)),
            {
              asOfYear,
              ...(sources ? { sources } : {}),
              ...(asOfVersion === undefined ? {} : { asOfVersion }),
            },
          );
        },
        keyOf: (c, { asOfYear, sources, asOfVersion }) =>
          progressKey(c.target.plan_id, c.target.target_id, asOfYear, sources, asOfVersion),
      });
      return keys.map((k) => computed.get(k)?.at(-1) ?? null);
    }),
  );

  return {
    targets,
    plans,
    planLinks,
    progress,
    ...createProgressLoaders(db, snapshotMemo(snapshotKey), targets, record),
  };
}
