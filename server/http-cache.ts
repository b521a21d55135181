import { createHash } from 'node:crypto';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';

/**
 * HTTP caching of query results. A response is a function of the snapshot it was read from, the
 * schema, and the request (query text, variables, operation name, and the negotiated content
 * type), so its ETag is a strong hash of exactly those: a new load changes the snapshot and
 * therefore every ETag, and a revalidation with `If-None-Match` is answered `304`.
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
        'coopstat-etag-1',
        key.dataVersion,
        key.lastLoadId,
        key.schemaHash,
        key.contentType,
        key.queryHash,
        key.variables ?? {},
        key.operationName ?? null,
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

/** What a request asked for, for its ETag (the snapshot and the schema are added). */
export type RequestIdentity = Omit<CacheKey, 'dataVersion' | 'lastLoadId' | 'schemaHash'>;

/** The cache headers of the server's cacheable answers (GraphQL queries, exports). */
export interface HttpCaching {
  /** The strong ETag of an answer read from `snapshot` for `request`. */
  etag(snapshot: SnapshotVersion, request: RequestIdentity): string;
  /**
   * `ETag`, `Cache-Control` and `Vary` of a cacheable answer. An answer to a request that
   * carried a key (`keyed`) is for that key's holder: `private`, and it varies on the key
   * headers. `negotiated`: the answer's content type follows `Accept` (GraphQL).
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
      const vary = [
        ...(negotiated ? ['accept'] : []),
        ...(keyed ? ['authorization', 'x-api-key'] : []),
      ];
      return {
        etag,
        'cache-control': keyed ? privateControl : publicControl,
        ...(vary.length > 0 ? { vary: vary.join(', ') } : {}),
      };
    },
  };
}
