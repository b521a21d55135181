import { createHash } from 'node:crypto';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/**
 * HTTP caching of query results. A response is a function of the snapshot it was read from, the
 * schema, the request (query text, variables, operation name, and the negotiated content type),
 * the caller's role (loader and admin keys may read the draft; an `asOfVersion` between two
 * releases reads differently for them) and the day it is asked on (areas are read on today's
 * date, and defaults such as a progress's or a template's year follow the calendar), so its ETag
 * is a strong hash of exactly those: a new load changes the snapshot and therefore every ETag,
 * and a revalidation with `If-None-Match` is answered `304` only to a caller of the same role.
 */

/** SHA-256 of the schema's sorted SDL: equal schemas hash equal on every replica. */
export function hashSchema(schema: GraphQLSchema): string {
  return createHash('sha256')
    .update(printSchema(lexicographicSortSchema(schema)))
    .digest('hex');
}

/** Everything a cacheable response depends on. */
export interface CacheKey {
  readonly dataVersion: number;
  readonly lastLoadId: number;
  readonly schemaHash: string;
  readonly contentType: string;
  /** SHA-256 of the query text (as Apollo computes it; also the persisted-query hash). */
  readonly queryHash: string;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
  readonly operationName: string | undefined;
  /** The caller's role (`anonymous` without a key): never the key itself. */
  readonly role: string;
  /** The UTC date the answer is computed on (`YYYY-MM-DD`). */
  readonly date: string;
}

/** The caller's role as it enters an ETag or a cache key: `anonymous` without a key. */
export function roleOf(principal: { readonly role: string } | undefined): string {
  return principal?.role ?? 'anonymous';
}

/**
 * The UTC date (`YYYY-MM-DD`) of an instant: a request takes it once, when it arrives, and its
 * resolvers (areas, default years) and its ETag both use that one date, so an answer computed
 * before midnight is never cached under the next day.
 */
export function utcDate(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` give one key. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/** The strong ETag (quoted) of a response. */
export function computeEtag(key: CacheKey): string {
  const digest = createHash('sha256')
    .update(
      canonicalJson([
        'coopstat-etag-2',
        key.dataVersion,
        key.lastLoadId,
        key.schemaHash,
        key.contentType,
        key.queryHash,
        key.variables ?? {},
        key.operationName ?? null,
        key.role,
        key.date,
      ]),
    )
    .digest('base64url');
  return `"${digest}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag`. RFC 9110 compares weakly for
 * `If-None-Match`: a `W/` prefix is ignored; `*` matches any current representation.
 */
export function ifNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const values = (Array.isArray(header) ? header.join(',') : header).split(',');
  return values.some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** The `Cache-Control` of a cacheable query response. */
export function cacheControlFor(maxAgeSeconds: number): string {
  return `public, max-age=${maxAgeSeconds}, must-revalidate`;
}

/** The `Cache-Control` of everything else: errors, mutations, health and readiness. */
export const NO_STORE = 'no-store';

/** The version of the data an answer was read from: a lease or a snapshot. */
export interface SnapshotVersion {
  readonly dataVersion: number;
  readonly lastLoadId: number;
}

/** What a request asked for, who asked and on which day, for its ETag (snapshot and schema are added). */
export type RequestIdentity = Omit<CacheKey, 'dataVersion' | 'lastLoadId' | 'schemaHash'>;

/** The cache headers of the server's cacheable answers (GraphQL queries, exports). */
export interface HttpCaching {
  /** The strong ETag of an answer read from `snapshot` for `request`. */
  etag(snapshot: SnapshotVersion, request: RequestIdentity): string;
  /**
   * `ETag`, `Cache-Control` and `Vary` of a cacheable answer. Every answer varies on the key
   * headers (the answer follows the caller's role, so a shared cache must not hand an anonymous
   * answer to a key's holder, or the reverse); an answer to a request that carried a key
   * (`keyed`) is for that key's holder: `private`. `negotiated`: the answer's content type
   * follows `Accept` (GraphQL).
   */
  headers(etag: string, keyed: boolean, negotiated: boolean): Record<string, string>;
}

/** The server's one way to set cache headers, for its schema and `Cache-Control` max age. */
export function httpCaching(options: {
  readonly schemaHash: string;
  readonly maxAgeSeconds: number;
}): HttpCaching {
  const publicControl = cacheControlFor(options.maxAgeSeconds);
  const privateControl = publicControl.replace(/^public\b/, 'private');
  return {
    etag: (snapshot, request) =>
      computeEtag({
        ...request,
        dataVersion: snapshot.dataVersion,
        lastLoadId: snapshot.lastLoadId,
        schemaHash: options.schemaHash,
      }),
    headers(etag, keyed, negotiated) {
      return {
        etag,
        'cache-control': keyed ? privateControl : publicControl,
        vary: negotiated ? 'accept, authorization, x-api-key' : 'authorization, x-api-key',
      };
    },
  };
}
