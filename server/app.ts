import { createHash } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  ApolloServer,
  HeaderMap,
  type ApolloServerOptions,
  type BaseContext,
  type HTTPGraphQLResponse,
} from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { OperationTypeNode, type GraphQLSchema } from 'graphql';
import type { ApiKeyRole } from '../warehouse/queries/api-key.queries.ts';
import {
  ReaderBusyError,
  type Lease,
  type SnapshotInfo,
  type WarehouseReader,
} from '../warehouse/store/warehouse-reader.ts';
import {
  allows,
  authenticate,
  describePresentedKey,
  readCredentials,
  type Principal,
} from './auth/authenticate.ts';
import type { LoadUploadHandler } from './auth/load-upload.ts';
import type { Config } from './config.ts';
import { createFormatError, type ErrorCode } from './errors.ts';
import { cacheControlFor, computeEtag, hashSchema, ifNoneMatch, NO_STORE } from './http-cache.ts';
import { createLogger, type Logger } from './logger.ts';
import { documentTooLarge, queryLimitsPlugin } from './plugins/query-limits.plugin.ts';
import { queryCostPlugin } from './plugins/query-cost.plugin.ts';
import { queryTimeoutPlugin } from './plugins/query-timeout.plugin.ts';
import { PlanCache, planCachePlugin } from './plugins/plan-cache.plugin.ts';
import { compiledExecution, type ExecutionStats } from './compiled-executor.ts';
import { PLAIN_OBJECT_TYPES } from '../schema/index.ts';
import { logRequest, requestLogPlugin } from './plugins/request-log.plugin.ts';
import { ResponseCache, type CachedAnswer } from './response-cache.ts';
import { currentRequest, RequestState, runInRequest } from './request-state.ts';

/**
 * The HTTP layer: a plain `node:http` request listener in front of Apollo Server's
 * `executeHTTPGraphQLRequest` (no framework), like Apollo's own standalone server.
 *
 * Routes:
 * - `POST /graphql` — a JSON body `{ query, variables?, operationName? }`.
 * - `GET /graphql?query=…&variables=…&operationName=…` — queries only. Apollo's CSRF prevention
 *   stays on: a plain GET (a BI tool, `curl`) must send `apollo-require-preflight: true` (any
 *   non-empty value) or `content-type: application/json`, or it is refused with `BAD_REQUEST`.
 * - `GET /health` — liveness: the process answers; never touches the warehouse.
 * - `GET /ready` — readiness: a trivial query on the current snapshot; 503 when it fails.
 * - `GET /` — the dashboard (`dashboard/dashboard.ts`); without one, a redirect to `/explorer`
 *   when the explorer is on.
 * - `POST /load` — uploads one file to load (see `auth/load-upload.ts`); needs a `loader` or
 *   `admin` key.
 *
 * API keys (`Authorization: Bearer <key>` or `x-api-key: <key>`) are checked against the
 * `api_key` table of the snapshot being served. Reading (`/graphql`, CSV exports) needs a key
 * only when `config.readRequiresKey`; a key that is sent is always checked, and a wrong one is
 * refused even where none is needed. Missing or wrong key: 401 `UNAUTHENTICATED`; a key without
 * the role: 403 `FORBIDDEN`. Responses to requests that carried a valid key are cached
 * `private`, never `public`.
 *
 * Every GraphQL request pins one warehouse snapshot and one of its connections (a lease) from
 * before execution until its response is written, so a load that publishes meanwhile is
 * invisible to it. When every connection is busy, requests wait in a bounded queue; beyond it,
 * or after waiting too long, the answer is 503 `SERVER_BUSY` with `Retry-After`. Successful
 * query answers are kept for identical requests on the same snapshot and role (see
 * `response-cache.ts`) and written again byte for byte. Successful query
 * responses carry a strong `ETag` and `Cache-Control: public, max-age=N, must-revalidate`;
 * `If-None-Match` with the current ETag gives `304` with no body. Everything else is `no-store`.
 */

/** Serves some paths itself and returns true, or returns false to pass the request on. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What {@link createApp} needs. */
export interface CreateAppOptions {
  readonly config: Config;
  /** The executable schema (resolvers attached). */
  readonly schema: GraphQLSchema;
  /** Source of per-request snapshot leases. */
  readonly reader: WarehouseReader;
  /**
   * Builds the GraphQL context of one request from its lease; must return a fresh object each
   * call. The lease is released by the app when the response has been written.
   */
  readonly createContext: (lease: Lease, principal?: Principal) => object;
  /** Serves `/explorer` (and its assets) when `config.explorer` is on. */
  readonly explorer?: RouteHandler;
  /** Serves the dashboard at `/` (and its assets under `/dashboard/`). */
  readonly dashboard?: RouteHandler;
  /**
   * CSV exports by path (e.g. `/export/observations.csv`): each turns the query string into a CSV
   * body read from the request's lease. Cached like GraphQL queries (ETag on the data version).
   */
  readonly csvExports?: Readonly<
    Record<
      string,
      (lease: Lease, params: URLSearchParams, principal?: Principal) => Promise<string>
    >
  >;
  /**
   * Files built from the request's lease by path (`/templates/aggregates.xlsx`,
   * `/export/facts.parquet`); `undefined` for a path it does not serve. Read, authorised and
   * cached like the CSV exports.
   */
  readonly downloads?: (path: string) => DownloadBuilder | undefined;
  /** Serves `POST /load` (authorised uploads); absent = no such route. */
  readonly upload?: LoadUploadHandler;
  /** Defaults to a logger at `config.logLevel` writing to stdout / stderr. */
  readonly logger?: Logger;
}

/** A file served from a lease: its bytes and content type. */
export interface Download {
  readonly body: Buffer;
  readonly contentType: string;
}
/** Builds one download from the request's lease and query string. */
export type DownloadBuilder = (
  lease: Lease,
  params: URLSearchParams,
  principal?: Principal,
) => Promise<Download>;

/** A started app: a request listener for `http.createServer`, and its shutdown. */
export interface CoopstatApp {
  /** Handles one HTTP request; pass to `http.createServer`. */
  readonly handler: RequestListener;
  /** SHA-256 of the schema's sorted SDL (part of every ETag). */
  readonly schemaHash: string;
  /** Answers kept for identical requests; undefined when the cache is off. */
  readonly responseCache: ResponseCache | undefined;
  /** Validated documents kept by operation (a query's comments do not count). */
  readonly planCache: PlanCache;
  /** Operations compiled, and executions by the compiled and by the interpreted path. */
  readonly executionStats: Readonly<ExecutionStats>;
  /** Stops Apollo Server. Call after the HTTP server has drained. */
  stop(): Promise<void>;
}

/** The GraphQL endpoint's path. */
export const GRAPHQL_PATH = '/graphql';
/** Where the explorer lives (served by the `explorer` route handler). */
export const EXPLORER_PATH = '/explorer';
/** Where files are uploaded to be loaded. */
export const LOAD_PATH = '/load';

const JSON_TYPE = 'application/json; charset=utf-8';
const CSV_TYPE = 'text/csv; charset=utf-8';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json; charset=utf-8';
/**
 * Characters of query text whose validated documents are kept: 256 KiB, ~290 dashboard queries
 * (~34 KiB of heap each, so ~10 MiB at most).
 */
const PLAN_CACHE_CHARS = 256 * 1024;
/** Operations kept compiled to JavaScript, the most recently run (~94 KiB of heap each). */
const MAX_COMPILED_OPERATIONS = 100;
/** `Retry-After` of a `SERVER_BUSY` answer, in seconds. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Builds and starts the app: Apollo Server with the server's plugins and `formatError`, behind
 * a request listener with the routes above.
 */
export async function createApp(options: CreateAppOptions): Promise<CoopstatApp> {
  const { config, schema, reader, createContext } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const explorer = config.explorer ? options.explorer : undefined;
  const schemaHash = hashSchema(schema);
  const cacheControl = cacheControlFor(config.cacheMaxAgeSeconds);
  // A response to a request with a key is for that key's holder: no shared cache may keep it.
  const privateCacheControl = cacheControl.replace(/^public\b/, 'private');
  const readRole: ApiKeyRole | undefined = config.readRequiresKey ? 'reader' : undefined;
  const responseCache =
    config.responseCacheBytes > 0 ? new ResponseCache(config.responseCacheBytes) : undefined;

  // Validated documents by operation, so a query whose comment changes is not parsed again.
  const planCache = new PlanCache(PLAN_CACHE_CHARS);
  // Operations that come back are compiled to JavaScript (graphql-jit) and kept with their document.
  const execution = compiledExecution(schema, {
    compileAfter: 1,
    maxCompiled: MAX_COMPILED_OPERATIONS,
    plainTypes: PLAIN_OBJECT_TYPES,
  });

  const apollo = new ApolloServer<BaseContext>({
    gateway: execution.gateway,
    documentStore: planCache,
    // Fixed, so that Apollo never reads NODE_ENV: every default below is set explicitly.
    nodeEnv: 'production',
    introspection: config.introspection,
    // graphql-js stops parsing past this many tokens: a huge document costs nothing to refuse.
    parseOptions: { maxTokens: config.maxTokens },
    includeStacktraceInErrorResponses: config.stacktraces,
    csrfPrevention: true,
    // Apollo's own SIGINT/SIGTERM handler stops and re-sends the signal, killing in-flight
    // requests: the process drains in one place instead (`RunningCoopstat.close`).
    stopOnTerminationSignals: false,
    logger: apolloLogger(logger),
    formatError: createFormatError({
      stacktraces: config.stacktraces,
      onError(code, hidden) {
        const state = currentRequest();
        state?.errorCodes.push(code);
        // Errors of an operation stopped on purpose (timeout, client gone) are expected.
        if (hidden === undefined || state?.timedOut || state?.lease?.interruptedBy) return;
        logger.error('error hidden from the client', {
          code,
          operationName: state?.operationName ?? null,
          error: describeError(hidden),
        });
      },
    }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      requestLogPlugin(),
      planCachePlugin(planCache),
      queryLimitsPlugin({
        maxDepth: config.maxDepth,
        maxAliases: config.maxAliases,
        maxDocumentBytes: config.maxDocumentBytes,
      }),
      queryCostPlugin({ maxCost: config.maxCost, maxListSize: config.maxPageSize }),
      queryTimeoutPlugin({ timeoutMs: config.queryTimeoutMs }),
    ],
  });
  await apollo.start();

  async function serveGraphql(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    search: string,
    state: RequestState,
    principal: Principal | undefined,
  ): Promise<void> {
    if (method !== 'GET' && method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return sendError(
        res,
        state,
        405,
        'BAD_REQUEST',
        `${GRAPHQL_PATH} accepts GET and POST only, but got ${method}`,
      );
    }
    const params = new URLSearchParams(search);
    if (
      method === 'GET' &&
      explorer &&
      !params.has('query') &&
      !params.has('extensions') &&
      prefersHtml(req)
    ) {
      return redirect(res, EXPLORER_PATH);
    }

    let body: unknown;
    if (method === 'POST') {
      const read = await readBody(req, config.maxBodyBytes);
      if (read === 'too large') {
        res.setHeader('connection', 'close');
        return sendError(
          res,
          state,
          413,
          'DOCUMENT_TOO_LARGE',
          `a request body must be at most ${config.maxBodyBytes} bytes, but got more`,
          { limit: config.maxBodyBytes },
        );
      }
      const parsed = parseBody(read, req.headers['content-type']);
      if ('error' in parsed) return sendError(res, state, 400, 'BAD_REQUEST', parsed.error);
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
      if (bytes > config.maxDocumentBytes) {
        const error = documentTooLarge(bytes, config.maxDocumentBytes);
        return sendError(res, state, 413, 'DOCUMENT_TOO_LARGE', error.message, {
          limit: config.maxDocumentBytes,
        });
      }
    }

    const preflighted =
      method === 'POST' ||
      req.headers['apollo-require-preflight'] !== undefined ||
      req.headers['x-apollo-operation-name'] !== undefined ||
      (req.headers['content-type'] ?? '').toLowerCase().includes('application/json');
    // Variables and operation name as sent, when they are well-formed (else Apollo answers).
    const parts =
      query !== undefined && preflighted ? requestParts(method, body, params) : undefined;

    const snapshot = await currentSnapshot(res, state);
    if (!snapshot) return;
    state.snapshot = snapshot;
    if (
      query !== undefined &&
      parts &&
      answerNotModified(req, res, query, parts, snapshot, principal)
    )
      return;
    const cacheRequest =
      responseCache && query !== undefined && parts
        ? {
            method,
            accept: req.headers.accept,
            role: principal?.role ?? 'anonymous',
            query,
            variables: parts.variables,
            operationName: parts.operationName,
          }
        : undefined;
    if (cacheRequest) {
      const hit = responseCache!.get(snapshot, ResponseCache.key(snapshot, cacheRequest));
      if (hit) {
        state.operationName = hit.operationName;
        state.operationType = OperationTypeNode.QUERY;
        return sendQueryAnswer(req, res, hit, principal);
      }
    }

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
      const lease = await leaseFor(res, state, gone.signal);
      if (!lease) return;
      try {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) {
          if (value !== undefined)
            headers.set(key, Array.isArray(value) ? value.join(', ') : value);
        }
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method, headers, search, body },
          context: async () => createContext(lease, principal),
        });
        await writeGraphqlResponse(req, res, response, state, lease, principal, (answer) => {
          if (cacheRequest) {
            responseCache!.set(lease, ResponseCache.key(lease, cacheRequest), answer);
          }
        });
      } finally {
        lease.release();
      }
    } finally {
      res.off('close', onClose);
    }
  }

  /**
   * Answers `304` before executing when `If-None-Match` holds the ETag this very request got
   * before: the ETag depends only on the snapshot, the schema and the request, all known now, so
   * a dashboard's repeat costs no query and no connection. Only for requests that would pass
   * CSRF prevention (the caller checks).
   */
  function answerNotModified(
    req: IncomingMessage,
    res: ServerResponse,
    query: string,
    parts: RequestParts,
    snapshot: SnapshotInfo,
    principal: Principal | undefined,
  ): boolean {
    const header = req.headers['if-none-match'];
    if (!header) return false;
    const queryHash = createHash('sha256').update(query).digest('hex');
    for (const contentType of [JSON_TYPE, GRAPHQL_RESPONSE_TYPE]) {
      const etag = computeEtag({
        dataVersion: snapshot.dataVersion,
        lastLoadId: snapshot.lastLoadId,
        schemaHash,
        contentType,
        queryHash,
        variables: parts.variables,
        operationName: parts.operationName,
      });
      if (!ifNoneMatch(header, etag)) continue;
      res.setHeader('etag', etag);
      res.setHeader('cache-control', principal ? privateCacheControl : cacheControl);
      res.setHeader('vary', principal ? 'accept, authorization, x-api-key' : 'accept');
      res.statusCode = 304;
      res.end();
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
    res.setHeader('etag', answer.etag);
    res.setHeader('cache-control', principal ? privateCacheControl : cacheControl);
    res.setHeader('vary', principal ? 'accept, authorization, x-api-key' : 'accept');
    if (ifNoneMatch(req.headers['if-none-match'], answer.etag)) {
      res.removeHeader('content-type');
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-length', Buffer.byteLength(answer.body, 'utf8'));
    res.end(answer.body);
  }

  async function writeGraphqlResponse(
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
    const contentType = response.headers.get('content-type') ?? JSON_TYPE;
    const cacheable =
      status === 200 &&
      state.operationType === 'query' &&
      state.errorCodes.length === 0 &&
      !state.timedOut &&
      state.queryHash !== undefined;
    if (!cacheable) {
      res.setHeader('cache-control', NO_STORE);
      res.statusCode = status;
      res.setHeader('content-length', Buffer.byteLength(text, 'utf8'));
      res.end(text);
      return;
    }
    const answer: CachedAnswer = {
      headers: [...response.headers],
      body: text,
      etag: computeEtag({
        dataVersion: lease.dataVersion,
        lastLoadId: lease.lastLoadId,
        schemaHash,
        contentType: CSV_TYPE,
        queryHash: state.queryHash!,
        variables: state.variables,
        operationName: state.requestedOperationName,
      }),
      operationName: state.operationName,
    };
    keep(answer);
    sendQueryAnswer(req, res, answer, principal);
  }

  /**
   * The snapshot a request would read now, for answers that need only its version; answers 503
   * and returns undefined when there is none (the reader is closed).
   */
  async function currentSnapshot(
    res: ServerResponse,
    state: RequestState,
  ): Promise<SnapshotInfo | undefined> {
    try {
      return await reader.current();
    } catch (error) {
      return unavailable(res, state, error);
    }
  }

  /** Answers 503 when the reader has no snapshot to give (it is closed); logs why. */
  function unavailable(res: ServerResponse, state: RequestState, error: unknown): undefined {
    logger.error('no warehouse snapshot could be leased', { error: describeError(error) });
    sendError(res, state, 503, 'INTERNAL_SERVER_ERROR', 'the warehouse is not available');
    return undefined;
  }

  /**
   * Pins the current snapshot and one of its connections for a request and records it on the
   * request state. Answers 503 `SERVER_BUSY` with `Retry-After` when no connection came free in
   * time or the wait queue is full, 503 when no snapshot can be had (the reader is closed), and
   * nothing when the client went away while waiting; returns undefined in those cases.
   */
  async function leaseFor(
    res: ServerResponse,
    state: RequestState,
    signal?: AbortSignal,
  ): Promise<Lease | undefined> {
    try {
      const lease = await reader.acquire({ signal, ahead: state.waitedForConnection });
      if (signal?.aborted) {
        // The client went away as its turn came: give the connection to the next in line.
        lease.release();
        return undefined;
      }
      state.lease = lease;
      state.waitedForConnection = true;
      return lease;
    } catch (error) {
      if (signal?.aborted) return undefined;
      if (error instanceof ReaderBusyError) {
        logger.warn('request refused: every warehouse connection is busy', {
          reason: error.reason,
        });
        res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
        sendError(
          res,
          state,
          503,
          'SERVER_BUSY',
          `the server is busy: ${error.message}; send the request again in ${RETRY_AFTER_SECONDS} s`,
          { retryAfterSeconds: RETRY_AFTER_SECONDS },
        );
        return undefined;
      }
      return unavailable(res, state, error);
    }
  }

  async function serveCsv(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    search: string,
    state: RequestState,
    build: (
      lease: Lease,
      params: URLSearchParams,
      principal?: Principal,
    ) => Promise<string | Download>,
    principal: Principal | undefined,
  ): Promise<void> {
    const lease = await leaseFor(res, state);
    if (!lease) return;
    try {
      const etag = computeEtag({
        dataVersion: lease.dataVersion,
        lastLoadId: lease.lastLoadId,
        schemaHash,
        contentType: CSV_TYPE,
        queryHash: createHash('sha256').update(`${path}?${search}`).digest('hex'),
        variables: undefined,
        operationName: undefined,
      });
      res.setHeader('etag', etag);
      res.setHeader('cache-control', principal ? privateCacheControl : cacheControl);
      if (principal) res.setHeader('vary', 'authorization, x-api-key');
      if (ifNoneMatch(req.headers['if-none-match'], etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      let csv: string | Download;
      try {
        csv = await build(lease, new URLSearchParams(search), principal);
      } catch (error) {
        const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
        res.removeHeader('etag');
        res.setHeader('cache-control', NO_STORE);
        if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
          return sendError(
            res,
            state,
            code === 'NOT_FOUND' ? 404 : code === 'DRAFT_FORBIDDEN' ? 403 : 400,
            code as never,
            (error as Error).message,
          );
        }
        throw error;
      }
      res.statusCode = 200;
      const body = typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv.body;
      res.setHeader('content-type', typeof csv === 'string' ? CSV_TYPE : csv.contentType);
      res.setHeader('content-disposition', `attachment; filename="${path.split('/').pop()}"`);
      res.setHeader('content-length', body.length);
      res.end(body);
    } finally {
      lease.release();
    }
  }

  /**
   * Checks the request's key. Answers 401 / 403 itself and returns false; otherwise returns the
   * key's holder, or undefined when no key was sent and `needed` is undefined.
   */
  async function authorize(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    path: string,
    needed: ApiKeyRole | undefined,
  ): Promise<Principal | undefined | false> {
    const refuse = (status: 401 | 403, message: string): false => {
      if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="coopstat"');
      // The body (if any) is not read: drop it, and close a connection it is still arriving on.
      if (!req.complete) res.setHeader('connection', 'close');
      req.resume();
      sendError(res, state, status, status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message);
      return false;
    };
    const credentials = readCredentials(req.headers);
    if (credentials.kind === 'none') {
      if (needed === undefined) return undefined;
      return refuse(
        401,
        `a request to ${path} must carry an API key (Authorization: Bearer <key> or x-api-key: <key>), but got none`,
      );
    }
    if (credentials.kind === 'conflicting') {
      return refuse(
        401,
        `a request must carry one API key, but got two different keys in the Authorization and x-api-key headers of ${path}`,
      );
    }
    const lease = await leaseFor(res, state);
    if (!lease) return false;
    // The key check's lease is not the request's: the request takes its own afterwards, at
    // the front of the queue (it has waited its turn once), without holding a connection while
    // its body arrives.
    state.lease = undefined;
    let principal: Principal | undefined;
    try {
      principal = await authenticate(lease.handle, credentials.key);
    } finally {
      lease.release();
    }
    if (!principal) {
      return refuse(
        401,
        `an API key must be one that exists and is not revoked, but got ${describePresentedKey(credentials.key)} in the request to ${path}`,
      );
    }
    if (needed !== undefined && !allows(principal, needed)) {
      return refuse(
        403,
        `a request to ${path} needs a key with the ${needed} role${needed === 'admin' ? '' : ' or above'}, but key ${principal.prefix} (${principal.name}) has the ${principal.role} role`,
      );
    }
    return principal;
  }

  async function serveUpload(
    req: IncomingMessage,
    res: ServerResponse,
    search: string,
    state: RequestState,
    upload: LoadUploadHandler,
  ): Promise<void> {
    const principal = await authorize(req, res, state, LOAD_PATH, 'loader');
    if (!principal) return;
    const answer = await upload(req, search, principal);
    if (answer.code) state.errorCodes.push(answer.code);
    if (answer.close) {
      if (!req.complete) res.setHeader('connection', 'close');
      req.resume();
    }
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    sendJson(res, answer.status, answer.body);
  }

  async function serveReady(res: ServerResponse, head: boolean): Promise<void> {
    const readiness = await reader.ready();
    sendJson(
      res,
      readiness.ok ? 200 : 503,
      {
        status: readiness.ok ? 'ready' : 'not ready',
        dataVersion: readiness.dataVersion,
        schemaVersion: readiness.schemaVersion,
        ...(readiness.detail ? { detail: readiness.detail } : {}),
      },
      head,
    );
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    search: string,
    state: RequestState,
  ): Promise<void> {
    const head = method === 'HEAD';
    const readOnly = method === 'GET' || head;
    switch (path) {
      case GRAPHQL_PATH: {
        const principal = await authorize(req, res, state, path, readRole);
        if (principal === false) return;
        return serveGraphql(req, res, method, search, state, principal);
      }
      case LOAD_PATH:
        if (!options.upload) break;
        if (method !== 'POST') return methodNotAllowed(res, 'POST');
        return serveUpload(req, res, search, state, options.upload);
      case '/health':
        if (!readOnly) return methodNotAllowed(res, 'GET, HEAD');
        return sendJson(res, 200, { status: 'ok' }, head);
      case '/ready':
        if (!readOnly) return methodNotAllowed(res, 'GET, HEAD');
        return serveReady(res, head);
      case '/':
        if (options.dashboard?.(req, res)) return;
        if (explorer && readOnly) return redirect(res, EXPLORER_PATH);
        break;
    }
    const csvExport = options.csvExports?.[path];
    if (csvExport) {
      if (!readOnly) return methodNotAllowed(res, 'GET, HEAD');
      const principal = await authorize(req, res, state, path, readRole);
      if (principal === false) return;
      return serveCsv(req, res, path, search, state, csvExport, principal);
    }
    const download = options.downloads?.(path);
    if (download) {
      if (!readOnly) return methodNotAllowed(res, 'GET, HEAD');
      const principal = await authorize(req, res, state, path, readRole);
      if (principal === false) return;
      return serveCsv(req, res, path, search, state, download, principal);
    }
    if (explorer?.(req, res)) return;
    if (options.dashboard?.(req, res)) return;
    sendJson(res, 404, { error: `no such route: ${path}` }, head);
  }

  const handler: RequestListener = (req, res) => {
    const state = new RequestState();
    const method = (req.method ?? 'GET').toUpperCase();
    const { path, search } = splitUrl(req.url);
    res.once('close', () => {
      logRequest(logger, state, {
        method,
        path,
        status: res.statusCode,
        aborted: !res.writableFinished,
      });
    });
    runInRequest(state, () => route(req, res, method, path, search, state)).catch(
      (error: unknown) => {
        logger.error('request failed', { method, path, error: describeError(error) });
        if (res.headersSent) {
          res.destroy();
        } else {
          sendError(res, state, 500, 'INTERNAL_SERVER_ERROR', 'internal error');
        }
      },
    );
  };

  return {
    handler,
    schemaHash,
    responseCache,
    planCache,
    executionStats: execution.stats,
    stop: () => apollo.stop(),
  };
}

type ApolloLogger = NonNullable<ApolloServerOptions<BaseContext>['logger']>;

/** Apollo's log lines go to the server's logger. */
function apolloLogger(logger: Logger): ApolloLogger {
  const text = (args: unknown[]) => args.map(String).join(' ');
  return {
    debug: (...args: unknown[]) => logger.debug('apollo', { detail: text(args) }),
    info: (...args: unknown[]) => logger.info('apollo', { detail: text(args) }),
    warn: (...args: unknown[]) => logger.warn('apollo', { detail: text(args) }),
    error: (...args: unknown[]) => logger.error('apollo', { detail: text(args) }),
  };
}

/** Path and query string of a request target, without trusting it to be a valid URL. */
function splitUrl(url: string | undefined): { path: string; search: string } {
  const target = url ?? '/';
  const q = target.indexOf('?');
  return q === -1
    ? { path: target, search: '' }
    : { path: target.slice(0, q), search: target.slice(q) };
}

/** The variables and operation name a GraphQL request sent. */
interface RequestParts {
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

/** A request's variables and operation name, or undefined when they are malformed. */
function requestParts(
  method: string,
  body: unknown,
  params: URLSearchParams,
): RequestParts | undefined {
  if (method === 'POST') {
    if (!isRecord(body)) return undefined;
    if (body.variables !== undefined && body.variables !== null && !isRecord(body.variables))
      return undefined;
    // An operation name or extensions of the wrong type make the request malformed: Apollo
    // answers it 400, and it must never be answered from the cache as the same query without.
    if (
      body.operationName !== undefined &&
      body.operationName !== null &&
      typeof body.operationName !== 'string'
    )
      return undefined;
    if (body.extensions !== undefined && body.extensions !== null && !isRecord(body.extensions))
      return undefined;
    return {
      variables: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    };
  }
  const raw = params.get('variables');
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    if (parsed !== undefined && !isRecord(parsed)) return undefined;
    const extensions = params.get('extensions');
    if (extensions && !isRecord(JSON.parse(extensions))) return undefined;
    return {
      variables: parsed as Record<string, unknown> | undefined,
      operationName: params.get('operationName') ?? undefined,
    };
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A browser asking for a page (it lists text/html before JSON). */
function prefersHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('json');
  return html !== -1 && (json === -1 || html < json);
}

/** Reads a request body up to `limit` bytes; 'too large' as soon as it is known to exceed it. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return 'too large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      return 'too large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A JSON body becomes an object for Apollo; any other content type leaves the body unset, so
 * Apollo's CSRF prevention and its own "POST body missing" answer apply.
 */
function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): { body: unknown } | { error: string } {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence !== 'application/json' && !essence.endsWith('+json')) return { body: undefined };
  if (raw.length === 0) return { body: undefined };
  try {
    return { body: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    return {
      error: `a POST body must be valid JSON, but it could not be parsed: ${(error as Error).message}`,
    };
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown, head = false): void {
  const text = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('cache-control', NO_STORE);
  res.setHeader('content-length', Buffer.byteLength(text, 'utf8'));
  res.end(head ? undefined : text);
}

/** A GraphQL-shaped error response from the HTTP layer (before Apollo runs). */
function sendError(
  res: ServerResponse,
  state: RequestState,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  state.errorCodes.push(code);
  sendJson(res, status, {
    errors: [{ message, extensions: { ...extensions, code } }],
  });
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `method not allowed; use ${allow}` });
}

function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader('location', location);
  res.setHeader('cache-control', NO_STORE);
  res.end();
}

/** An error as a log field: name, message and stack, never sent to a client. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { message: String(error) };
}
