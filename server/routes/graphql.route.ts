import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HeaderMap,
  type ApolloServer,
  type BaseContext,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import type { ApiKeyRole } from '../../warehouse/queries/api-key.queries.ts';
import type { Lease, SnapshotInfo } from '../../warehouse/store/warehouse-reader.ts';
import type { Principal } from '../auth/authenticate.ts';
import { errorAnswer } from '../errors.ts';
import { NO_STORE, ifNoneMatch, roleOf, type HttpCaching } from '../http-cache.ts';
import { documentTooLarge } from '../plugins/query-limits.plugin.ts';
import type { RequestState } from '../request-state.ts';
import {
  isRecord,
  parseBody,
  prefersHtml,
  readBody,
  requestParts,
  type RequestParts,
} from './graphql-request.ts';
import { ResponseCache, type CachedAnswer } from '../response-cache.ts';
import type { Authorize } from './authorize.ts';
import { passesCsrfPrevention } from './csrf.ts';
import type { Leasing } from './lease.ts';
import {
  JSON_TYPE,
  methodNotAllowed,
  notModified,
  redirect,
  sendError,
  setHeaders,
  type Route,
  type RouteRequest,
} from './respond.ts';

/** The GraphQL endpoint's path. */
export const GRAPHQL_PATH = '/graphql';

const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';

/**
 * Ends a response with `body` (text, or its UTF-8 bytes) as its whole body, written as bytes. A
 * string body would be measured in one pass, then joined to the header block into a new string
 * (Node's `_send`) and encoded in another: for a 55 KB dashboard answer, a second 110 KB copy.
 */
function endWithBody(res: ServerResponse, body: string | Buffer): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.setHeader('content-length', bytes.length);
  res.end(bytes);
}

/** What the GraphQL route needs. */
export interface GraphqlRouteOptions {
  readonly apollo: ApolloServer<BaseContext>;
  readonly leasing: Leasing;
  readonly authorize: Authorize;
  readonly caching: HttpCaching;
  /** Answers kept for identical requests; absent = off. */
  readonly responseCache: ResponseCache | undefined;
  /** The role a read needs; undefined = no key needed. */
  readonly readRole: ApiKeyRole | undefined;
  readonly maxBodyBytes: number;
  readonly maxDocumentBytes: number;
  /** Where a browser asking `/graphql` for a page is sent; absent = nowhere. */
  readonly explorerPath: string | undefined;
  /** The GraphQL context of one request, from its lease (a fresh object each call). */
  readonly createContext: (lease: Lease, principal: Principal | undefined, today: string) => object;
}

/**
 * `POST /graphql` (a JSON body `{ query, variables?, operationName? }`) and
 * `GET /graphql?query=…&variables=…&operationName=…` (queries only), executed by Apollo Server
 * with its CSRF prevention on (a plain GET must send `apollo-require-preflight` or a non-simple
 * content type).
 *
 * Every request that executes pins one warehouse snapshot and one of its connections (a lease)
 * from before execution until its response is written, so a load that publishes meanwhile is
 * invisible to it. Successful query answers carry a strong `ETag` and
 * `Cache-Control: public, max-age=N, must-revalidate` (`private` with a key), are kept for
 * identical requests on the same snapshot and role, and `If-None-Match` with the current ETag
 * gives `304` with no body. Everything else is `no-store`.
 */
export function createGraphqlRoute(options: GraphqlRouteOptions): Route {
  const { apollo, leasing, caching, responseCache } = options;

  /**
   * Answers `304` before executing when `If-None-Match` holds the ETag this very request got
   * before: the ETag depends only on the snapshot, the schema and the request, all known now, so
   * a dashboard's repeat costs no query and no connection.
   */
  function answerNotModified(
    req: IncomingMessage,
    res: ServerResponse,
    query: string,
    parts: RequestParts,
    snapshot: SnapshotInfo,
    principal: Principal | undefined,
    date: string,
  ): boolean {
    const header = req.headers['if-none-match'];
    if (!header) return false;
    const queryHash = createHash('sha256').update(query).digest('hex');
    const role = roleOf(principal);
    for (const contentType of [JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) {
      const etag = caching.etag(snapshot, { contentType, queryHash, ...parts, role, date });
      if (!ifNoneMatch(header, etag)) continue;
      setHeaders(res, caching.headers(etag, principal !== undefined, true));
      notModified(res);
      return true;
    }
    return false;
  }

  /** Writes a successful query answer (fresh or kept), or `304` when the client has it. */
  function sendQueryAnswer(
    req: IncomingMessage,
    res: ServerResponse,
    answer: CachedAnswer,
    principal: Principal | undefined,
  ): void {
    for (const [key, value] of answer.headers) res.setHeader(key, value);
    setHeaders(res, caching.headers(answer.etag, principal !== undefined, true));
    if (ifNoneMatch(req.headers['if-none-match'], answer.etag)) {
      res.removeHeader('content-type');
      notModified(res);
      return;
    }
    res.statusCode = 200;
    endWithBody(res, answer.body);
  }

  async function writeResponse(
    req: IncomingMessage,
    res: ServerResponse,
    response: HTTPGraphQLResponse,
    state: RequestState,
    lease: Lease,
    principal: Principal | undefined,
    keep: (answer: CachedAnswer) => void,
  ): Promise<void> {
    const status = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === 'chunked') {
      res.setHeader('cache-control', NO_STORE);
      res.statusCode = status;
      for await (const chunk of response.body.asyncIterator) {
        if (res.destroyed) break;
        res.write(chunk);
      }
      res.end();
      return;
    }
    const text = response.body.string;
    const cacheable =
      status === 200 &&
      state.operationType === 'query' &&
      state.errorCodes.length === 0 &&
      !state.timedOut &&
      state.queryHash !== undefined;
    if (!cacheable) {
      res.setHeader('cache-control', NO_STORE);
      res.statusCode = status;
      endWithBody(res, text);
      return;
    }
    const answer: CachedAnswer = {
      headers: [...response.headers],
      // Kept as UTF-8 bytes, off the JavaScript heap: an answer kept for a repeat is then never
      // copied by the young-generation collector, however many requests follow it, and a repeat
      // is written without encoding it again.
      body: Buffer.from(text, 'utf8'),
      etag: caching.etag(lease, {
        // The representation's own type: the JSON and the graphql-response+json answers are
        // two representations, each with its ETag (the one `answerNotModified` computes).
        contentType: response.headers.get('content-type') ?? JSON_TYPE,
        queryHash: state.queryHash!,
        variables: state.variables,
        operationName: state.requestedOperationName,
        role: roleOf(principal),
        date: state.today,
      }),
      operationName: state.operationName,
    };
    keep(answer);
    sendQueryAnswer(req, res, answer, principal);
  }

  async function execute(
    request: RouteRequest,
    body: unknown,
    principal: Principal | undefined,
    /** The request's response-cache key (hashed once, before the miss); absent = not kept. */
    cacheKey: string | undefined,
  ): Promise<void> {
    const { req, res, method, search, state } = request;
    // A client that goes away stops its own work, waiting or running (only its own: the lease
    // and its connection are this request's).
    const gone = new AbortController();
    const onClose = () => {
      if (res.writableFinished) return;
      const reason = new Error('the client closed the connection');
      gone.abort(reason);
      state.lease?.interrupt(reason);
    };
    res.once('close', onClose);
    try {
      const lease = await leasing.lease(res, state, gone.signal);
      if (!lease) return;
      try {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined)
            headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method, headers, search, body },
          context: async () => options.createContext(lease, principal, state.today),
        });
        await writeResponse(req, res, response, state, lease, principal, (answer) => {
          if (cacheKey !== undefined) responseCache!.set(lease, cacheKey, answer);
        });
      } finally {
        lease.release();
      }
    } finally {
      res.off('close', onClose);
    }
  }

  return async (request) => {
    const { req, res, method, search, state } = request;
    if (method !== 'GET' && method !== 'POST') return methodNotAllowed(request, ['GET', 'POST']);
    const principal = await options.authorize(request, options.readRole);
    if (principal === false) return;
    const params = new URLSearchParams(search);
    if (
      method === 'GET' &&
      options.explorerPath &&
      !params.has('query') &&
      !params.has('extensions') &&
      prefersHtml(req)
    ) {
      return redirect(res, options.explorerPath);
    }

    let body: unknown;
    if (method === 'POST') {
      const read = await readBody(req, options.maxBodyBytes);
      if (read === 'too large') {
        return sendError(
          res,
          state,
          errorAnswer(
            413,
            'DOCUMENT_TOO_LARGE',
            `a request body must be at most ${options.maxBodyBytes} bytes, but got more`,
            { limit: options.maxBodyBytes },
            { connection: 'close' },
          ),
        );
      }
      const parsed = parseBody(read, req.headers['content-type']);
      if ('error' in parsed)
        return sendError(res, state, errorAnswer(400, 'BAD_REQUEST', parsed.error));
      body = parsed.body;
    }

    const query =
      method === 'POST'
        ? isRecord(body) && typeof body.query === 'string'
          ? body.query
          : undefined
        : (params.get('query') ?? undefined);
    if (query !== undefined) {
      const bytes = Buffer.byteLength(query, 'utf8');
      if (bytes > options.maxDocumentBytes) {
        const error = documentTooLarge(bytes, options.maxDocumentBytes);
        return sendError(
          res,
          state,
          errorAnswer(413, 'DOCUMENT_TOO_LARGE', error.message, {
            limit: options.maxDocumentBytes,
          }),
        );
      }
    }

    // Variables and operation name as sent, when they are well-formed and Apollo would execute
    // the request (else Apollo answers, and nothing is answered before it).
    const parts =
      query !== undefined && passesCsrfPrevention(req.headers)
        ? requestParts(method, body, params)
        : undefined;

    const snapshot = await leasing.snapshot(res, state);
    if (!snapshot) return;
    state.snapshot = snapshot;
    if (
      query !== undefined &&
      parts &&
      answerNotModified(req, res, query, parts, snapshot, principal, state.today)
    )
      return;
    const cacheKey =
      responseCache && query !== undefined && parts
        ? ResponseCache.key({
            method,
            accept: req.headers.accept,
            role: roleOf(principal),
            date: state.today,
            query,
            variables: parts.variables,
            operationName: parts.operationName,
          })
        : undefined;
    if (cacheKey !== undefined) {
      const hit = responseCache!.get(snapshot, cacheKey);
      if (hit) {
        state.operationName = hit.operationName;
        state.operationType = OperationTypeNode.QUERY;
        return sendQueryAnswer(req, res, hit, principal);
      }
    }
    return execute(request, body, principal, cacheKey);
  };
}
