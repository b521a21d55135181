import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findTargetProgress, type TargetRow } from '../../warehouse/queries/progress.queries.ts';
import type { BoundedMemo } from '../bounded-memo.ts';
import { groupBy } from '../common/batch.ts';
import { toTarget, toTargetProgress } from './plan.mapper.ts';
import type { Target } from './plan.type.ts';
import type { TargetProgress } from './progress.type.ts';

/** Key of a target among every plan's. */
export const targetKey = (planId: string, targetId: string) => `${planId}|${targetId}`;

/** The default progress of every target as of one year, by {@link targetKey}, as served. */
export type ProgressOfYear = ReadonlyMap<string, TargetProgress>;

/** The targets of each plan, as served, for the target rows of a snapshot (kept with them). */
const targetsByPlan = new WeakMap<readonly TargetRow[], ReadonlyMap<string, readonly Target[]>>();

/**
 * The loaders of one request for plan targets and their default progress (default sources and
 * tolerance, OVERALL verdict).
 *
 * The progress of every target as of a year (and data version) is read in one keyed statement
 * from what the publish computed (`rpt_target_progress`; computed from the indicator values for
 * a year it did not keep), mapped once to the objects the API returns, and kept in the
 * snapshot's byte-bounded memo: later requests on the snapshot look each target up and serve the
 * object as it is, with no SQL and no per-request mapping. A request keeps what it read itself
 * for its whole run, whatever the budget drops meanwhile; a kept value whose computation failed
 * in another request (its time limit, its client gone) is computed again on this request's
 * connection. `record` receives the key of each year computed (loader `progress`).
 */
export function createProgressLoaders(
  db: DuckDbHandle,
  memo: BoundedMemo,
  targets: () => Promise<TargetRow[]>,
  record: (loader: string, keys: readonly string[]) => void,
) {
  const own = new Map<string, Promise<ProgressOfYear>>();

  const compute = async (
    key: string,
    asOfYear: number,
    asOfVersion: number | undefined,
  ): Promise<ProgressOfYear> => {
    record('progress', [key]);
    const all = await targets();
    const computed = await findTargetProgress(db, all, {
      asOfYear,
      ...(asOfVersion === undefined ? {} : { asOfVersion }),
    });
    return new Map(
      computed.map((c) => [targetKey(c.target.plan_id, c.target.target_id), toTargetProgress(c)]),
    );
  };

  /** The default progress of every target as of `asOfYear` in data version `asOfVersion`. */
  function progressOfYear(
    asOfYear: number,
    asOfVersion: number | undefined,
  ): Promise<ProgressOfYear> {
    const key = `${asOfYear}|${asOfVersion ?? ''}`;
    const read = own.get(key);
    if (read) return read;
    const at = `progressOfYear\u0000${key}`;
    const kept = memo.get(at) as Promise<ProgressOfYear> | undefined;
    let entry: Promise<ProgressOfYear>;
    if (kept) {
      entry = kept.catch(() => compute(key, asOfYear, asOfVersion));
    } else {
      const computing = compute(key, asOfYear, asOfVersion);
      memo.set(at, computing);
      computing.catch(() => {
        if (memo.get(at) === computing) memo.delete(at);
      });
      entry = computing;
    }
    own.set(key, entry);
    return entry;
  }

  /** The targets of a plan, in plan order, mapped once per snapshot. */
  async function targetsOfPlan(planId: string): Promise<readonly Target[]> {
    const rows = await targets();
    let byPlan = targetsByPlan.get(rows);
    if (!byPlan) {
      const groups = groupBy(rows.map(toTarget), (target) => target.planId);
      targetsByPlan.set(rows, (byPlan = groups));
    }
    return byPlan.get(planId) ?? [];
  }

  return { progressOfYear, targetsOfPlan };
}
