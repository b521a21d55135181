import { resolve } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import {
  buildCoopstatSchema,
  createRequestContext,
  forgetSnapshot,
  inheritSnapshot,
  setMemoBudget,
} from '../schema/index.ts';
import { publishRelease } from '../warehouse/release/publish-release.ts';
import {
  WarehouseReader,
  type Lease,
  type PreviousSnapshot,
} from '../warehouse/store/warehouse-reader.ts';
import { createApp, describeError, GRAPHQL_PATH, type CoopstatApp } from './app.ts';
import { openDataDownloads } from './routes/open-data.ts';
import { templateDownloads } from './routes/templates.ts';
import { createLoadUploadHandler } from './auth/load-upload.ts';
import type { Config } from './config.ts';
import { OBSERVATIONS_CSV_PATH, observationsCsv } from './csv-export.ts';
import { createDashboardHandler } from './dashboard/dashboard.ts';
import { createExplorerHandler, EXPLORER_PATH, type ExplorerExample } from './explorer/explorer.ts';
import { utcDate } from './http-cache.ts';
import { listen, type HttpServer } from './http-server.ts';
import { createLogger, type Logger } from './logger.ts';
import { warmSnapshot } from './snapshot-warm-up.ts';

/** The examples the explorer opens with. */
export const EXPLORER_EXAMPLES: ExplorerExample[] = [
  {
    name: 'Tiến độ mục tiêu quốc gia 2030 — National 2030 targets (Resolution 20-NQ/TW)',
    query: `query NationalTargets($asOf: Int) {
  plan(id: "nq-20-nq-tw-2022") {
    documentNumber
    titleEn
    targets {
      id
      comparator
      value
      targetYear
      quote
      indicator { labelEn labelVi unit }
      progress(asOf: $asOf) {
        status
        source
        latest { year value status }
        baseline { year value kind }
        attainmentPercent
        cagrActual
        cagrRequiredFromNow
        projectedCagr
        projectedLinear
        methods { unsd { status score } openSdg { status score } escap { status score } }
        warnings { code message }
      }
    }
  }
}`,
    variables: { asOf: 2025 },
  },
  {
    name: 'Thành viên cả nước theo hai nguồn — Membership of the nation, both official sources',
    query: `# The default warehouse holds national figures. Once provincial files are loaded,
# membership(level: PROVINCE, year: $year) lists every province the same way.
query Membership($year: Int!) {
  ministry: membership(year: $year) {
    area { code nameVi }
    source
    byOrgType { orgType organisations members membersPerOrganisation status }
  }
  alliance: membership(year: $year, source: "VCA") {
    source
    byOrgType { orgType organisations members status }
  }
}`,
    variables: { year: 2024 },
  },
  {
    name: 'Chuỗi giá trị, công nghệ cao, xếp loại — Value chain, high tech, quality (nation)',
    query: `# Each topic from the latest year and source that report it.
query NationTopics {
  valueChain(year: 2024, source: "VCA") {
    source
    byOrgType { orgType inValueChain valueChainShare { percent numerator denominator } }
  }
  highTech(year: 2024) { source bySector { orgType sector highTech } }
  quality(year: 2025) { indicators { indicator { code labelEn } value source status } }
}`,
  },
  {
    name: 'Chuỗi thời gian — Series of cooperatives (both official sources)',
    query: `query Series {
  ministry: series(indicator: "htx_count", source: "MINISTRY") { points { year value change changePercent status } }
  alliance: series(indicator: "htx_count", source: "VCA") { points { year value status } }
}`,
  },
  {
    name: 'Đơn vị hành chính 2025 — Admin units across the 2025 merger',
    query: `query Units {
  adminUnit(code: "91", validOn: "2024-12-31") {
    nameVi validFrom validTo
    successors { id nameVi predecessors { nameVi } }
  }
}`,
  },
  {
    name: 'Nhật ký nạp dữ liệu — Load log',
    query: `query Loads {
  dataVersion { version publishedAt }
  loads(first: 20) { id family fileName outcome dataVersion rowsRead valuesAdded valuesChanged valuesRemoved finishedAt }
}`,
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
  /** The latest year an upload may carry (default: the current year). */
  readonly maxYear?: number;
  /** The clock requests take their date from (default: the system clock). */
  readonly clock?: () => Date;
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
  const clock = overrides.clock ?? (() => new Date());
  const dbPath = resolve(config.dbPath);
  setMemoBudget(config.memoBytes);
  // Set once the app is built: a snapshot published before that is not warmed.
  let schema: GraphQLSchema | undefined;
  let warmed = 0;
  const reader = await WarehouseReader.open(dbPath, {
    onError: (error) =>
      logger.error('a new warehouse snapshot could not be opened; serving the previous one', {
        error: describeError(error),
      }),
    onSwap: (snapshot) => {
      // Answers kept for the old snapshot can never be served again: free their memory now.
      app?.responseCache?.clear();
      logger.info('serving a new warehouse snapshot', { ...snapshot });
    },
    connections: config.dbConnections,
    memoryLimitBytes: config.dbMemoryBytes,
    threads: config.dbThreads,
    attachSnapshots: config.attachSnapshots,
    // What the loaders kept for a snapshot no request can read again is dropped at once.
    onRetire: forgetSnapshot,
    // A new snapshot keeps what still holds of the old one's memo (schema/snapshot-inheritance.ts),
    // before its warm-up, which then reads only what the publish changed.
    ...(config.inheritMemo && !overrides.schema
      ? {
          inherit: async (next: Lease, previous: PreviousSnapshot) => {
            const carried = await inheritSnapshot(next, previous);
            logger.info('a new warehouse snapshot kept figures of the one it replaces', {
              dataVersion: next.dataVersion,
              fromDataVersion: previous.dataVersion,
              carried,
            });
          },
        }
      : {}),
    // A new snapshot runs the queries served recently before it serves (snapshot-warm-up.ts);
    // only on the coopstat schema, whose loaders keep what a warm-up computes.
    ...(config.warmUpQueries > 0
      ? {
          warm: async (leases: readonly Lease[]) => {
            warmed = 0;
            if (!app || !schema || overrides.schema) return;
            const { planCache } = app;
            warmed = await warmSnapshot(leases, {
              schema,
              queries: () => planCache.recent(config.warmUpQueries),
              timeoutMs: config.queryTimeoutMs,
              saturated: () => reader.load.waiting > 0,
              createContext: (lease) =>
                createRequestContext(lease, {
                  maxPageSize: config.maxPageSize,
                  role: null,
                  today: utcDate(clock()),
                }),
            });
          },
        }
      : {}),
    warmTimeoutMs: config.warmUpMs,
    onWarm: (snapshot, outcome) =>
      logger.info('warmed a new warehouse snapshot before serving it', {
        dataVersion: snapshot.dataVersion,
        snapshot: snapshot.snapshot,
        queries: warmed,
        ms: Math.round(outcome.ms),
        result: outcome.result,
      }),
    queueLimit: config.queueLimit,
    queueTimeoutMs: config.queueTimeoutMs,
  });
  let app: CoopstatApp | undefined;
  try {
    schema = overrides.schema ?? (await buildCoopstatSchema());
    app = await createApp({
      config,
      schema,
      reader,
      logger,
      clock,
      createContext: (lease, principal, today) =>
        createRequestContext(lease, {
          maxPageSize: config.maxPageSize,
          today,
          role: principal?.role ?? null,
          // Releases write here, as the one writer, like uploads; the reader swaps to the
          // release before the answer is sent.
          ...(principal?.role === 'admin'
            ? {
                publishRelease: async (options) => {
                  const result = await publishRelease(dbPath, {
                    ...options,
                    releasedBy: principal.name,
                  });
                  await reader.refresh();
                  return result;
                },
              }
            : {}),
        }),
      explorer: config.explorer
        ? createExplorerHandler({ endpoint: GRAPHQL_PATH, examples: EXPLORER_EXAMPLES })
        : undefined,
      dashboard: createDashboardHandler({
        endpoint: GRAPHQL_PATH,
        ...(config.explorer ? { explorer: EXPLORER_PATH } : {}),
      }),
      downloads: (path) =>
        path === OBSERVATIONS_CSV_PATH
          ? (lease, params, principal, today) =>
              observationsCsv(
                createRequestContext(lease, {
                  maxPageSize: config.maxPageSize,
                  today,
                  role: principal?.role ?? null,
                }),
                params,
              )
          : (templateDownloads(path) ?? openDataDownloads(path)),
      // Uploads load in this process, as the one writer, into the file the reader follows; the
      // reader swaps to the published snapshot before the upload is answered.
      upload: createLoadUploadHandler({
        dbPath,
        maxUploadBytes: config.maxUploadBytes,
        afterPublish: () => reader.refresh(),
        logger,
        ...(overrides.maxYear ? { maxYear: overrides.maxYear } : {}),
      }),
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
