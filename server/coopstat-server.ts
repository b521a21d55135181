import { resolve } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { buildCoopstatSchema, createRequestContext } from '../schema/index.ts';
import { WarehouseReader } from '../warehouse/store/warehouse-reader.ts';
import { createApp, describeError, GRAPHQL_PATH, type CoopstatApp } from './app.ts';
import type { Config } from './config.ts';
import { createExplorerHandler, type ExplorerExample } from './explorer/explorer.ts';
import { listen, type HttpServer } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';

/** The examples the explorer opens with. */
export const EXPLORER_EXAMPLES: ExplorerExample[] = [
  {
    name: 'Phiên bản dữ liệu — Data version',
    query: 'query DataVersion {\n  dataVersion {\n    version\n    publishedAt\n    note\n  }\n}',
  },
  {
    name: 'Nhật ký nạp dữ liệu — Load log',
    query:
      'query Loads($first: Int) {\n  loads(first: $first) {\n    id\n    family\n    fileName\n    outcome\n    dataVersion\n    rowsRead\n    valuesAdded\n    valuesChanged\n    valuesRemoved\n    finishedAt\n  }\n}',
    variables: { first: 20 },
  },
];

/** A running API: the HTTP server, the app and the warehouse reader behind it. */
export interface RunningCoopstat {
  /** `http://host:port`. */
  readonly origin: string;
  /** `http://host:port/graphql`. */
  readonly graphqlUrl: string;
  readonly port: number;
  readonly reader: WarehouseReader;
  readonly app: CoopstatApp;
  readonly http: HttpServer;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (at most
   * `config.shutdownGraceMs`), stop Apollo, close the warehouse. Idempotent.
   */
  close(): Promise<void>;
}

/** What may differ from the plain configuration (tests; `main.ts` passes none). */
export interface StartOverrides {
  /** Listen on this port instead of `config.port` (0 picks a free one). */
  readonly port?: number;
  /** Serve this schema instead of the coopstat schema. */
  readonly schema?: GraphQLSchema;
  readonly logger?: Logger;
}

/**
 * Opens the warehouse read-only, builds the schema and the app, and listens. Everything opened
 * is closed again if a later step fails.
 */
export async function startCoopstatServer(
  config: Config,
  overrides: StartOverrides = {},
): Promise<RunningCoopstat> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const reader = await WarehouseReader.open(resolve(config.dbPath), {
    onError: (error) =>
      logger.error('a new warehouse snapshot could not be opened; serving the previous one', {
        error: describeError(error),
      }),
    onSwap: (snapshot) => logger.info('serving a new warehouse snapshot', snapshot),
  });
  let app: CoopstatApp | undefined;
  try {
    const schema = overrides.schema ?? (await buildCoopstatSchema());
    app = await createApp({
      config,
      schema,
      reader,
      logger,
      createContext: (lease) => createRequestContext(lease, { maxPageSize: config.maxPageSize }),
      explorer: config.explorer
        ? createExplorerHandler({ endpoint: GRAPHQL_PATH, examples: EXPLORER_EXAMPLES })
        : undefined,
    });
    const http = await listen(app.handler, {
      host: config.host,
      port: overrides.port ?? config.port,
    });
    const started = app;
    let closing: Promise<void> | undefined;
    return {
      origin: http.origin,
      graphqlUrl: `${http.origin}${GRAPHQL_PATH}`,
      port: http.port,
      reader,
      app: started,
      http,
      close() {
        closing ??= (async () => {
          await http.close(config.shutdownGraceMs);
          await started.stop();
          await reader.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.stop();
    await reader.close();
    throw error;
  }
}
