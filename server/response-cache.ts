import { createHash } from 'node:crypto';
import type { SnapshotInfo } from '../warehouse/store/warehouse-reader.ts';
import { canonicalJson } from './http-cache.ts';

/**
 * Answers kept in memory for identical requests on one snapshot. A published snapshot never
 * changes, so the answer to the same document, variables and operation name, asked with the same
 * role and for the same representation, is the same bytes until the next publish: a dashboard
 * polling its figures is answered without a connection, a parse or a resolver.
 *
 * Only whole successful query answers are kept (no errors, no timeout). Every entry belongs to
 * one snapshot (the reader's snapshot number): a newer snapshot empties the cache, and an answer
 * read from an older one is neither served nor kept, so the key itself holds only the request —
 * with the caller's role and the day, so an answer is never served to another role or on another
 * date — and is hashed once per request, whichever snapshot its answer is then read from. Least
 * recently used answers go first once the byte budget is reached.
 */

/** What an answer depends on, besides the snapshot. */
export interface ResponseCacheRequest {
  /** GET or POST (a GET passed CSRF prevention to get here). */
  readonly method: string;
  /** The `Accept` header: it chooses the content type of the answer. */
  readonly accept: string | undefined;
  /** The caller's role, or `anonymous` when no key was sent. */
  readonly role: string;
  /** The UTC date the answer is computed on (`YYYY-MM-DD`): resolvers read areas on it. */
  readonly date: string;
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly operationName: string | undefined;
}

/** One kept answer: what is written back on a hit. */
export interface CachedAnswer {
  /** Response headers Apollo set (content type among them). */
  readonly headers: readonly (readonly [string, string])[];
  /** The body: its UTF-8 bytes as written (or its text). */
  readonly body: string | Buffer;
  readonly etag: string;
  /** The operation's name, for the request log. */
  readonly operationName: string | null;
}

/** Bytes counted per entry beyond its body and key: the entry, its headers, the map slot. */
const ENTRY_OVERHEAD = 512;

/** A byte-bounded LRU of answers for the current snapshot. */
export class ResponseCache {
  readonly maxBytes: number;
  readonly #entries = new Map<string, { answer: CachedAnswer; bytes: number }>();
  #bytes = 0;
  /** The snapshot number the entries belong to. */
  #snapshot = 0;

  /** `maxBytes` 0 keeps nothing. */
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Bytes held now (bodies as kept: bytes, or text as UTF-16; keys; a fixed overhead per entry). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Answers held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** The key of a request (valid on any snapshot: the entries are the current snapshot's). */
  static key(request: ResponseCacheRequest): string {
    return createHash('sha256')
      .update(
        canonicalJson([
          'coopstat-response-2',
          request.method,
          request.accept ?? '',
          request.role,
          request.date,
          request.operationName ?? null,
          request.variables ?? {},
        ]),
      )
      .update('\n')
      .update(request.query)
      .digest('base64url');
  }

  /** The answer kept for `key` on `snapshot`, marked as most recently used. */
  get(snapshot: SnapshotInfo, key: string): CachedAnswer | undefined {
    this.#follow(snapshot);
    if (snapshot.snapshot !== this.#snapshot) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.answer;
  }

  /**
   * Keeps an answer read from `snapshot`. Ignored when a newer snapshot is served already, or
   * when the answer alone is larger than the whole budget.
   */
  set(snapshot: SnapshotInfo, key: string, answer: CachedAnswer): void {
    this.#follow(snapshot);
    if (snapshot.snapshot !== this.#snapshot) return;
    const body = typeof answer.body === 'string' ? 2 * answer.body.length : answer.body.byteLength;
    const bytes = ENTRY_OVERHEAD + body + 2 * (key.length + answer.etag.length);
    if (bytes > this.maxBytes) return;
    const previous = this.#entries.get(key);
    if (previous) {
      this.#entries.delete(key);
      this.#bytes -= previous.bytes;
    }
    this.#entries.set(key, { answer, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  /** Forgets every answer (a new snapshot was published). */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** A newer snapshot makes every kept answer stale. */
  #follow(snapshot: SnapshotInfo): void {
    if (snapshot.snapshot <= this.#snapshot) return;
    this.clear();
    this.#snapshot = snapshot.snapshot;
  }
}
