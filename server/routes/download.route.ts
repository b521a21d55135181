import { createHash } from 'node:crypto';
import { badInput, type ReleaseChoice } from '../../schema/index.ts';
import type { ApiKeyRole } from '../../warehouse/queries/api-key.queries.ts';
import { parseReleaseText } from '../../warehouse/release/release.queries.ts';
import type { Lease } from '../../warehouse/store/warehouse-reader.ts';
import type { Principal } from '../auth/authenticate.ts';
import { errorAnswer, type ErrorCode } from '../errors.ts';
import { ifNoneMatch, roleOf, type HttpCaching } from '../http-cache.ts';
import type { Authorize } from './authorize.ts';
import type { Leasing } from './lease.ts';
import {
  methodNotAllowed,
  notModified,
  sendError,
  setHeaders,
  type RouteRequest,
} from './respond.ts';

const CSV_TYPE = 'text/csv; charset=utf-8';

/** A file served from a lease: its bytes and content type. */
export interface Download {
  readonly body: Buffer;
  readonly contentType: string;
}

/**
 * Builds one download from the request's lease and query string: CSV text, or a file with its
 * content type. A refusal is thrown as a `GraphQLError` with a code (`BAD_USER_INPUT` 400,
 * `NOT_FOUND` 404, `DRAFT_FORBIDDEN` 403); anything else is a fault (500).
 */
export type DownloadBuilder = (
  lease: Lease,
  params: URLSearchParams,
  principal: Principal | undefined,
  /** The UTC date the request is answered on (see `RequestState.today`). */
  today: string,
) => Promise<string | Download>;

/** What the download route needs. */
export interface DownloadRouteOptions {
  readonly leasing: Leasing;
  readonly authorize: Authorize;
  readonly caching: HttpCaching;
  /** The role a read needs; undefined = no key needed. */
  readonly readRole: ApiKeyRole | undefined;
}

/**
 * The `release` parameter of a download (the CSV export, the open-data files): a release number
 * or `DRAFT`; null when absent (the latest release). Anything else is `BAD_USER_INPUT`.
 */
export function releaseParam(params: URLSearchParams): ReleaseChoice | null {
  const text = params.get('release');
  if (text === null) return null;
  const choice = parseReleaseText(text);
  if (choice === null)
    throw badInput(
      `parameter release must be a release number or DRAFT, but got '${text.slice(0, 40)}'`,
    );
  return choice;
}

/**
 * Serves a file built from the request's lease (`GET`/`HEAD` only): the CSV exports, the
 * open-data files and the input templates. Read and authorised like GraphQL queries, and cached
 * like them: the ETag is a hash of everything the file depends on — the snapshot, the schema,
 * the path with its query string, the caller's role and the day (a default year follows the
 * calendar). The cache headers go only on a file that was built: a refusal or a fault is
 * `no-store`, with no ETag.
 */
export function createDownloadRoute(
  options: DownloadRouteOptions,
): (request: RouteRequest, build: DownloadBuilder) => Promise<void> {
  const { leasing, caching } = options;
  return async (request, build) => {
    const { req, res, method, path, search, state } = request;
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(request, ['GET', 'HEAD']);
    const principal = await options.authorize(request, options.readRole);
    if (principal === false) return;
    const lease = await leasing.lease(res, state);
    if (!lease) return;
    try {
      const etag = caching.etag(lease, {
        contentType: CSV_TYPE,
        queryHash: createHash('sha256').update(`${path}?${search}`).digest('hex'),
        variables: undefined,
        operationName: undefined,
        role: roleOf(principal),
        date: state.today,
      });
      const caches = caching.headers(etag, principal !== undefined, false);
      if (ifNoneMatch(req.headers['if-none-match'], etag)) {
        setHeaders(res, caches);
        return notModified(res);
      }
      let built: string | Download;
      try {
        built = await build(lease, new URLSearchParams(search), principal, state.today);
      } catch (error) {
        const code = refusalCode(error);
        if (code === undefined) throw error;
        const status = code === 'NOT_FOUND' ? 404 : code === 'DRAFT_FORBIDDEN' ? 403 : 400;
        return sendError(res, state, errorAnswer(status, code, (error as Error).message));
      }
      setHeaders(res, caches);
      res.statusCode = 200;
      const body = typeof built === 'string' ? Buffer.from(built, 'utf8') : built.body;
      res.setHeader('content-type', typeof built === 'string' ? CSV_TYPE : built.contentType);
      res.setHeader('content-disposition', `attachment; filename="${path.split('/').pop()}"`);
      res.setHeader('content-length', body.length);
      res.end(body);
    } finally {
      lease.release();
    }
  };
}

/** The code of a refusal a builder threw; undefined for a fault. */
function refusalCode(error: unknown): ErrorCode | undefined {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  if (typeof code !== 'string' || code === 'INTERNAL_SERVER_ERROR') return undefined;
  return code as ErrorCode;
}
