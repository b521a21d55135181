/**
 * What the loaders keep per published snapshot, bounded in bytes: a least-recently-used map of
 * computed values (report rows, indicator values, target progress). Without a bound the memo
 * grew with every distinct key a snapshot was asked for — each year, boundaries, source and
 * `asOfVersion` — for as long as the snapshot was served (128 distinct dashboards over 16 years
 * and 4 versions held about 84 MB of live heap on the national warehouse).
 *
 * A value is a promise, kept at once so that concurrent requests share one computation; its size
 * is estimated when it resolves, and the least recently used resolved values go first once the
 * budget is passed. A value still computing is never dropped (dropping it would make the next
 * request that needs it compute it a second time, and its bytes would arrive after it was gone):
 * it is counted when it resolves, and may be dropped from then on. A value that fails is dropped
 * at once, so the next request computes it again.
 */

/** The default budget per snapshot, in estimated bytes (`COOPSTAT_MEMO_BYTES`). */
export const DEFAULT_MEMO_BYTES = 32 * 1024 * 1024;

let budgetBytes = DEFAULT_MEMO_BYTES;

/** Sets the budget of memos created from now on (the server sets it from its configuration). */
export function setMemoBudget(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new Error(`a memo budget must be a whole number of bytes ≥ 0, but got ${bytes}`);
  }
  budgetBytes = bytes;
}

/** The budget memos are created with now. */
export function memoBudget(): number {
  return budgetBytes;
}

interface Entry<V> {
  readonly value: Promise<V>;
  /** Estimated once resolved; 0 while computing. */
  bytes: number;
  /** Resolved and counted: only such entries may be evicted. */
  settled: boolean;
}

/** A byte-bounded LRU of promised values; the Map-like subset the loaders use. */
export class BoundedMemo<V = unknown> {
  readonly maxBytes: number;
  readonly #entries = new Map<string, Entry<V>>();
  #bytes = 0;

  constructor(maxBytes: number = budgetBytes) {
    this.maxBytes = maxBytes;
  }

  /** Estimated bytes held by resolved values. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The value kept for `key`, marked as most recently used. */
  get(key: string): Promise<V> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /**
   * Keeps `value` for `key`: never dropped while it computes, counted against the budget once it
   * resolves, forgotten if it fails (the failure itself is the caller's to handle).
   */
  set(key: string, value: Promise<V>): this {
    this.delete(key);
    const entry: Entry<V> = { value, bytes: 0, settled: false };
    this.#entries.set(key, entry);
    value.then(
      (resolved) => {
        if (this.#entries.get(key) !== entry) return;
        entry.bytes = estimateBytes(resolved);
        entry.settled = true;
        this.#bytes += entry.bytes;
        this.#evict();
      },
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return this;
  }

  /**
   * The resolved values with their estimated bytes, least recently used first (values still
   * computing are left out).
   */
  *settled(): IterableIterator<[key: string, value: Promise<V>, bytes: number]> {
    for (const [key, entry] of this.#entries)
      if (entry.settled) yield [key, entry.value, entry.bytes];
  }

  /**
   * Keeps a value already resolved, of `bytes` estimated bytes (another memo's, from
   * {@link settled}), as the most recently used, within the budget.
   */
  adopt(key: string, value: Promise<V>, bytes: number): this {
    this.delete(key);
    this.#entries.set(key, { value, bytes, settled: true });
    this.#bytes += bytes;
    this.#evict();
    return this;
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    return true;
  }

  /** Drops the least recently used resolved values until the budget holds. */
  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) return;
      if (!entry.settled) continue;
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}

/**
 * Approximate heap bytes of a value of plain data (rows from DuckDB, arrays and objects of them):
 * V8's object and array headers, 8 bytes a slot, strings at one byte a character when Latin-1 and
 * two otherwise. Shared references are counted each time they are reached (an overestimate).
 */
export function estimateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return 16 + (/^[\u0000-\u00ff]*$/.test(value) ? value.length : 2 * value.length);
    case 'number':
    case 'bigint':
      return 16;
    case 'boolean':
    case 'undefined':
      return 8;
    case 'object':
      break;
    default:
      return 16;
  }
  if (value === null) return 8;
  if (depth > 8) return 64;
  if (Array.isArray(value)) {
    let bytes = 32 + 8 * value.length;
    for (const item of value) bytes += estimateBytes(item, depth + 1);
    return bytes;
  }
  if (value instanceof Map) {
    let bytes = 64 + 24 * value.size;
    for (const [k, v] of value) bytes += estimateBytes(k, depth + 1) + estimateBytes(v, depth + 1);
    return bytes;
  }
  let bytes = 24;
  for (const key in value)
    bytes += 8 + estimateBytes((value as Record<string, unknown>)[key], depth + 1);
  return bytes;
}
