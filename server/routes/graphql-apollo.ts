import { ApolloServer, type ApolloServerOptions, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { PLAIN_OBJECT_TYPES } from '../../schema/index.ts';
import { compiledExecution, type ExecutionStats } from '../compiled-executor.ts';
import type { Config } from '../config.ts';
import { createFormatError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { PlanCache, planCachePlugin } from '../plugins/plan-cache.plugin.ts';
import { queryCostPlugin } from '../plugins/query-cost.plugin.ts';
import { queryLimitsPlugin } from '../plugins/query-limits.plugin.ts';
import { queryTimeoutPlugin } from '../plugins/query-timeout.plugin.ts';
import { requestLogPlugin } from '../plugins/request-log.plugin.ts';
import { currentRequest } from '../request-state.ts';
import { describeError } from './respond.ts';

/**
 * Characters of query text whose validated documents are kept: 256 KiB, ~290 dashboard queries
 * (~34 KiB of heap each, so ~10 MiB at most).
 */
const PLAN_CACHE_CHARS = 256 * 1024;
/** Operations kept compiled to JavaScript, the most recently run (~94 KiB of heap each). */
const MAX_COMPILED_OPERATIONS = 100;

/** Apollo Server, started, with what it keeps between requests. */
export interface StartedApollo {
  readonly apollo: ApolloServer<BaseContext>;
  /** Validated documents kept by operation (a query's comments do not count). */
  readonly planCache: PlanCache;
  /** Operations compiled, and executions by the compiled and by the interpreted path. */
  readonly executionStats: Readonly<ExecutionStats>;
}

/**
 * Builds and starts Apollo Server with the server's plugins and its one `formatError`. Apollo's
 * own CSRF prevention is on: it refuses a request a browser could have sent cross-site without
 * a preflight.
 */
export async function startApollo(
  config: Config,
  schema: GraphQLSchema,
  logger: Logger,
): Promise<StartedApollo> {
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
  return { apollo, planCache, executionStats: execution.stats };
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
