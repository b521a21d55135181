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
 * reuse it. The keys not kept are passed to `batch` in one call.
 *
 * A key another request is still computing (on its own connection) is awaited; if that fails,
 * the failure is the other request's own (its time limit, its client leaving), so this request
 * computes the keys again on its own connection instead of failing with it.
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

/**
 * Forgets what was kept for a snapshot, given its {@link Lease.snapshotKey}: the server when it
 * retires a snapshot, tests and benchmarks that count the statements of a cold request.
 */
export function forgetSnapshot(snapshotKey: object): void {
  lists.delete(snapshotKey);
  memos.delete(snapshotKey);
}
