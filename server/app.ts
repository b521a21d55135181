import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { Lease, WarehouseReader } from '../warehouse/store/warehouse-reader.ts';
import type { Principal } from './auth/authenticate.ts';
import type { LoadUploadHandler } from './auth/load-upload.ts';
import type { ExecutionStats } from './compiled-executor.ts';
import type { Config } from './config.ts';
import { errorAnswer } from './errors.ts';
import { EXPLORER_PATH } from './explorer/explorer.ts';
import { hashSchema, httpCaching, utcDate } from './http-cache.ts';
import { createLogger, type Logger } from './logger.ts';
import type { PlanCache } from './plugins/plan-cache.plugin.ts';
import { logRequest } from './plugins/request-log.plugin.ts';
import { RequestState, runInRequest } from './request-state.ts';
import { ResponseCache } from './response-cache.ts';
import { createAuthorize } from './routes/authorize.ts';
import { createDownloadRoute, type DownloadBuilder } from './routes/download.route.ts';
import { startApollo } from './routes/graphql-apollo.ts';
import { createGraphqlRoute, GRAPHQL_PATH } from './routes/graphql.route.ts';
import { createReadyRoute, healthRoute } from './routes/health.route.ts';
import { createLeasing } from './routes/lease.ts';
import {
  describeError,
  isReadOnly,
  noSuchRoute,
  redirect,
  sendError,
  type Route,
  type RouteRequest,
} from './routes/respond.ts';
import { createUploadRoute, LOAD_PATH } from './routes/upload.route.ts';

export { describeError } from './routes/respond.ts';
export { GRAPHQL_PATH } from './routes/graphql.route.ts';
export { LOAD_PATH } from './routes/upload.route.ts';
export type { Download, DownloadBuilder } from './routes/download.route.ts';

/** A page handler: serves some paths itself and returns true, or returns false to pass on. */
export type PageHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

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
  readonly createContext: (lease: Lease, principal: Principal | undefined, today: string) => object;
  /** The clock a request reads its date from when it arrives (tests set it). */
  readonly clock?: () => Date;
  /** Serves `/explorer` (and its assets) when `config.explorer` is on. */
  readonly explorer?: PageHandler;
  /** Serves the dashboard at `/` (and its assets under `/dashboard/`). */
  readonly dashboard?: PageHandler;
  /**
   * Files built from the request's lease by path (`/export/observations.csv`,
   * `/templates/aggregates.xlsx`, `/export/facts.parquet`); `undefined` for a path it does not
   * serve. Read, authorised and cached like GraphQL queries (ETag on the data version).
   */
  readonly downloads?: (path: string) => DownloadBuilder | undefined;
  /** Serves `POST /load` (authorised uploads); absent = no such route. */
  readonly upload?: LoadUploadHandler;
  /** Defaults to a logger at `config.logLevel` writing to stdout / stderr. */
  readonly logger?: Logger;
}

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

/**
 * Builds and starts the app: a plain `node:http` request listener (no framework) that hands each
 * path to its route in `routes/` — GraphQL (`/graphql`), health (`/health`, `/ready`), uploads
 * (`/load`), downloads (CSV and open-data exports, templates), the dashboard at `/` and the
 * explorer at `/explorer` — with the routes' shared pieces built once here: the warehouse leases,
 * the key check, the cache headers.
 *
 * API keys (`Authorization: Bearer <key>` or `x-api-key: <key>`) are checked against the
 * `api_key` table of the snapshot being served; reading needs a key only when
 * `config.readRequiresKey`. Every JSON error has one shape, `{errors:[{message, extensions:
 * {code}}]}`, with a code from the one list in `errors.ts`.
 */
export async function createApp(options: CreateAppOptions): Promise<CoopstatApp> {
  const { config, reader } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const explorer = config.explorer ? options.explorer : undefined;
  const clock = options.clock ?? (() => new Date());
  const schemaHash = hashSchema(options.schema);
  const responseCache =
    config.responseCacheBytes > 0 ? new ResponseCache(config.responseCacheBytes) : undefined;
  const started = await startApollo(config, options.schema, logger);

  const leasing = createLeasing(reader, logger);
  const authorize = createAuthorize(leasing);
  const caching = httpCaching({ schemaHash, maxAgeSeconds: config.cacheMaxAgeSeconds });
  const readRole = config.readRequiresKey ? 'reader' : undefined;
  const download = createDownloadRoute({ leasing, authorize, caching, readRole });
  const routes: Readonly<Record<string, Route>> = {
    [GRAPHQL_PATH]: createGraphqlRoute({
      apollo: started.apollo,
      leasing,
      authorize,
      caching,
      responseCache,
      readRole,
      maxBodyBytes: config.maxBodyBytes,
      maxDocumentBytes: config.maxDocumentBytes,
      explorerPath: explorer ? EXPLORER_PATH : undefined,
      createContext: options.createContext,
    }),
    '/health': healthRoute,
    '/ready': createReadyRoute(reader),
    ...(options.upload ? { [LOAD_PATH]: createUploadRoute(authorize, options.upload) } : {}),
  };

  async function route(request: RouteRequest): Promise<void> {
    const { req, res, path } = request;
    const serve = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (serve) return serve(request);
    if (path === '/') {
      if (options.dashboard?.(req, res)) return;
      if (explorer && isReadOnly(request.method)) return redirect(res, EXPLORER_PATH);
    }
    const build = options.downloads?.(path);
    if (build) return download(request, build);
    if (explorer?.(req, res)) return;
    if (options.dashboard?.(req, res)) return;
    noSuchRoute(request);
  }

  const handler: RequestListener = (req, res) => {
    const state = new RequestState(utcDate(clock()));
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
    runInRequest(state, () => route({ req, res, method, path, search, state })).catch(
      (error: unknown) => {
        logger.error('request failed', { method, path, error: describeError(error) });
        if (res.headersSent) res.destroy();
        else sendError(res, state, errorAnswer(500, 'INTERNAL_SERVER_ERROR', 'internal error'));
      },
    );
  };

  return {
    handler,
    schemaHash,
    responseCache,
    planCache: started.planCache,
    executionStats: started.executionStats,
    stop: () => started.apollo.stop(),
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
