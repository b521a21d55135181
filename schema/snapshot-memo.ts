import { BoundedMemo } from './bounded-memo.ts';
import type { Lease } from '../warehouse/store/warehouse-reader.ts';

/*
 * Why a memo above DataLoader's: DataLoader's cache lives for one request, but the answers the
 * loaders read are fixed for a published snapshot — a snapshot is read-only, and a load or a
 * release publishes a new one under a new key ({@link Lease.snapshotKey}). What one request read
 * therefore serves every later request on the same snapshot (a dashboard polling the same
 * figures), on whichever pooled connection it runs: everything here is kept under the snapshot's
 * key, never under a connection.
 */

/** Small lists read whole (the registry, sources, plans, targets, loaded years), by snapshot. */
const lists = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * Reads a small list once per snapshot, under `name`; unbounded, as these lists are few and
 * small. A failed read is forgotten, and a request that finds another's read failed reads again
 * (see {@link memoisedPerSnapshot}).
 */
export function perSnapshot<T>(snapshot: object, name: string, read: () => Promise<T>): Promise<T> {
  let cache = lists.get(snapshot);
  if (!cache) lists.set(snapshot, (cache = new Map()));
  const kept = cache.get(name) as Promise<T> | undefined;
  if (kept) return kept.catch(() => read());
  const value = read();
  cache.set(name, value);
  value.catch(() => {
    if (cache.get(name) === value) cache.delete(name);
  });
  return value;
}

/** The snapshot's memo of computed values, shared by every loader (see `bounded-memo.ts` for its budget). */
const memos = new WeakMap<object, BoundedMemo>();
export function snapshotMemo(snapshot: object): BoundedMemo {
  let memo = memos.get(snapshot);
  if (!memo) memos.set(snapshot, (memo = new BoundedMemo()));
  return memo;
}

/**
 * A DataLoader batch function whose results are also kept for the snapshot, in its byte-bounded
 * memo: the first request that asks for a key computes it, later requests on the same snapshot
 * reuse it. Only the keys not kept are passed to `batch`, in one call; what is kept is taken
 * when the call starts, so a value the budget drops meanwhile is still read from here, never
 * computed again.
 *
 * A key another request is still computing (on its own connection) is awaited; if that fails,
 * the failure is the other request's own (its time limit, its client leaving), so this request
 * computes those keys again — only those — on its own connection instead of failing with it.
 */
export function memoisedPerSnapshot<V>(
  snapshot: object,
  name: string,
  batch: (keys: readonly string[]) => Promise<readonly V[]>,
): (keys: readonly string[]) => Promise<V[]> {
  // One memo per snapshot, shared by every loader: its keys carry the loader's name.
  const at = (key: string) => `${name}\u0000${key}`;
  return async (keys) => {
    const memo = snapshotMemo(snapshot) as BoundedMemo<V>;
    const entries = new Map<string, Promise<V>>();
    /** Computes `wanted` in one batch, keeps each value, and settles when the batch does. */
    const compute = async (wanted: readonly string[]): Promise<void> => {
      const computed = batch(wanted);
      for (const [i, key] of wanted.entries()) {
        const entry = computed.then((values) => values[i] as V);
        entry.catch(() => {}); // its failure is reported through `computed` below
        memo.set(at(key), entry); // the memo forgets it if it fails
        entries.set(key, entry);
      }
      await computed;
    };
    const missing = new Set<string>();
    for (const key of keys) {
      if (entries.has(key) || missing.has(key)) continue;
      const kept = memo.get(at(key));
      if (kept) entries.set(key, kept);
      else missing.add(key);
    }
    // This request's own failure is its answer.
    if (missing.size > 0) await compute([...missing]);
    const outcomes = await Promise.allSettled(keys.map((k) => entries.get(k)!));
    const failed = [...new Set(keys.filter((_, i) => outcomes[i]!.status === 'rejected'))];
    if (failed.length > 0) await compute(failed);
    return Promise.all(keys.map((k) => entries.get(k)!));
  };
}

/**
 * Keeps for snapshot `to` the values kept for snapshot `from` that `carry` tells still hold:
 * given a loader's name and its key (a list's name and `''`), it answers whether the value read
 * on `from` is the one `to` would read. Memo values still computing are not carried. The values
 * are shared, not copied (they are read-only). Returns how many were carried.
 */
export function carryMemo(
  from: object,
  to: object,
  carry: (name: string, key: string) => boolean,
): number {
  let carried = 0;
  const listsKept = lists.get(from);
  if (listsKept) {
    let cache = lists.get(to);
    if (!cache) lists.set(to, (cache = new Map()));
    for (const [name, value] of listsKept) {
      if (cache.has(name) || !carry(name, '')) continue;
      cache.set(name, value);
      carried += 1;
    }
  }
  const kept = memos.get(from);
  if (!kept) return carried;
  const memo = snapshotMemo(to);
  for (const [at, value, bytes] of kept.settled()) {
    const split = at.indexOf('\u0000');
    if (split < 0 || memo.has(at) || !carry(at.slice(0, split), at.slice(split + 1))) continue;
    memo.adopt(at, value, bytes);
    carried += 1;
  }
  return carried;
}

/**
 * Forgets what was kept for a snapshot, given its {@link Lease.snapshotKey}: the server when it
 * retires a snapshot, tests and benchmarks that count the statements of a cold request.
 */
export function forgetSnapshot(snapshotKey: object): void {
  lists.delete(snapshotKey);
  memos.delete(snapshotKey);
}
