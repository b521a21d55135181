import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { codedError, type ErrorCode } from '../errors.ts';
import { currentRequest } from '../request-state.ts';

/**
 * Stops an operation that executes longer than `timeoutMs`: the statement the request is
 * running on DuckDB is interrupted (only that request's: see `Lease.interrupt`), its later
 * statements fail at once, and the response becomes a single `QUERY_TIMEOUT` error, HTTP 503.
 */
export function queryTimeoutPlugin(options: {
  timeoutMs: number;
}): ApolloServerPlugin<BaseContext> {
  const seconds = options.timeoutMs / 1000;
  const message = `a query must finish within ${seconds} s, but this one was stopped after ${seconds} s`;
  return {
    async requestDidStart() {
      const state = currentRequest();
      let timer: NodeJS.Timeout | undefined;
      return {
        async executionDidStart() {
          const lease = state?.lease;
          if (!state || !lease) return;
          timer = setTimeout(() => {
            state.timedOut = true;
            lease.interrupt(codedError('QUERY_TIMEOUT', message));
          }, options.timeoutMs);
          return {
            async executionDidEnd() {
              clearTimeout(timer);
            },
          };
        },
        async willSendResponse(requestContext) {
          clearTimeout(timer);
          if (!state?.timedOut) return;
          requestContext.response.body = {
            kind: 'single',
            singleResult: {
              data: null,
              errors: [
                {
                  message,
                  extensions: {
                    code: 'QUERY_TIMEOUT' satisfies ErrorCode,
                    limitMs: options.timeoutMs,
                  },
                },
              ],
            },
          };
          requestContext.response.http.status = 503;
          state.errorCodes.splice(0, state.errorCodes.length, 'QUERY_TIMEOUT');
        },
      };
    },
  };
}
