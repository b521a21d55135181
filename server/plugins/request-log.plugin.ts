import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Logger } from '../logger.ts';
import { currentRequest, type RequestState } from '../request-state.ts';

/**
 * Records what Apollo learns about the operation (its name and type, the hash of its text) in
 * the request's state, for the request log and for HTTP caching. Holds no state of its own.
 */
export function requestLogPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart(requestContext) {
      const state = currentRequest();
      if (state) state.operationName = requestContext.request.operationName ?? null;
      return {
        async didResolveSource(context) {
          if (!state) return;
          state.queryHash = context.queryHash;
          state.variables = context.request.variables;
          state.requestedOperationName = context.request.operationName;
        },
        async didResolveOperation(context) {
          if (!state) return;
          state.operationName = context.operationName ?? context.request.operationName ?? null;
          state.operationType = context.operation?.operation ?? null;
        },
      };
    },
  };
}

/** What the HTTP layer knows of a finished request. */
export interface HttpOutcome {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The client went away before the response was complete. */
  readonly aborted: boolean;
}

/**
 * Writes the one log line of a request (at `info`): time, method, path, operation name, status,
 * duration, data version and error codes. Never variables, query text or client addresses.
 */
export function logRequest(logger: Logger, state: RequestState, outcome: HttpOutcome): void {
  if (!logger.enabled('info')) return;
  logger.info('request', {
    method: outcome.method,
    path: outcome.path,
    operationName: state.operationName,
    status: outcome.status,
    durationMs: Math.round((performance.now() - state.startedAt) * 10) / 10,
    dataVersion: (state.lease ?? state.snapshot)?.dataVersion ?? null,
    errorCodes: state.errorCodes,
    ...(outcome.aborted ? { aborted: true } : {}),
  });
}
