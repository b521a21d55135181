import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';

/**
 * What every domain's loader factory receives for one request: the snapshot's connection, the
 * snapshot's key (what is kept for the snapshot is kept under it) and the recorder of batches.
 */
export interface LoaderScope {
  readonly db: DuckDbHandle;
  readonly snapshotKey: object;
  /** Records the keys one batch received, under the loader's name (tests and benchmarks read them). */
  readonly record: (loader: string, keys: readonly string[]) => void;
}

/**
 * How one loader's batch reads its rows: each key is parsed, the keys one statement can serve
 * (same boundaries, source, data version, …) form a group, each group is read at once, and each
 * row read goes to the key it answers.
 */
export interface GroupedRead<K, P, R> {
  /** The parts of a key. */
  readonly parse: (key: K) => P;
  /** Which group a parsed key belongs to: one read per group. */
  readonly groupOf: (parsed: P) => string;
  /** Reads the rows of every key of a group (one statement or one engine call). */
  readonly read: (group: readonly P[]) => Promise<readonly R[]>;
  /** The key (as a string) a row answers, given the group's first parsed key. */
  readonly keyOf: (row: R, first: P) => string;
}

/**
 * Reads a batch's rows group by group, in the order each group was first asked for, one group
 * after the other (a request holds one connection), and returns them by the key they answer.
 */
export async function readByGroup<K, P, R>(
  keys: readonly K[],
  how: GroupedRead<K, P, R>,
): Promise<Map<string, R[]>> {
  const groups = groupBy(keys.map(how.parse), how.groupOf);
  const result = new Map<string, R[]>();
  for (const group of groups.values()) {
    const first = group[0]!;
    for (const [k, rows] of groupBy(await how.read(group), (row) => how.keyOf(row, first))) {
      const list = result.get(k);
      if (list) list.push(...rows);
      else result.set(k, rows);
    }
  }
  return result;
}

/** The distinct values of one part of a group's keys, in first-seen order. */
export function distinct<P, V>(group: readonly P[], part: (parsed: P) => V): V[] {
  return [...new Set(group.map(part))];
}

/** The version part of a key read back: `undefined` for the current version. */
export const versionOf = (part: string | number | null | undefined): number | undefined =>
  part === null || part === undefined || part === '' ? undefined : Number(part);

/** `{ asOfVersion }` when a version is asked for, else nothing (the current version). */
export const asOf = (asOfVersion: number | undefined): { asOfVersion?: number } =>
  asOfVersion === undefined ? {} : { asOfVersion };

/** Groups items by a key, in first-seen order, appending in place. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
