import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';

/** What {@link readOncePerConnection} keeps: per connection, each key's reading. */
export type PerConnectionCache<T> = WeakMap<DuckDbHandle, Map<string, Promise<T>>>;

/** Creates the cache a caller of {@link readOncePerConnection} keeps for one kind of reading. */
export const perConnectionCache = <T>(): PerConnectionCache<T> => new WeakMap();

/**
 * What `read` gives for a connection and a key, read once and kept with the connection: a
 * snapshot's connection reads a file that never changes, so what a request read there holds for
 * every later request on it. A failed read (a request's time limit interrupting it, say) is not
 * kept, so the next request on that pooled connection reads again instead of failing for good. At
 * most `maxKeys` keys are kept per connection, the oldest out. A handle that may write is read
 * every time.
 */
export function readOncePerConnection<T>(
  cache: PerConnectionCache<T>,
  db: DuckDbHandle,
  key: string,
  read: () => Promise<T>,
  maxKeys = 16,
): Promise<T> {
  if (!db.readOnly) return read();
  let kept = cache.get(db);
  if (!kept) cache.set(db, (kept = new Map()));
  const found = kept.get(key);
  if (found) return found;
  const reading = read();
  kept.set(key, reading);
  if (kept.size > maxKeys) kept.delete(kept.keys().next().value!);
  reading.catch(() => {
    if (kept.get(key) === reading) kept.delete(key);
  });
  return reading;
}
