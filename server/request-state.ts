import { AsyncLocalStorage } from 'node:async_hooks';
import type { OperationTypeNode } from 'graphql';
import type { Lease, SnapshotInfo } from '../warehouse/store/warehouse-reader.ts';
import type { ErrorCode } from './errors.ts';

/**
 * What the server learns about one HTTP request while it runs: the HTTP layer creates it, the
 * Apollo plugins and `formatError` fill it in (they run inside the request's async context, so
 * they find it with {@link currentRequest}), and the HTTP layer reads it to set cache headers
 * and write the request log.
 */
export class RequestState {
  /** `performance.now()` when the request arrived. */
  readonly startedAt = performance.now();
  /**
   * @param today The UTC date (`YYYY-MM-DD`) the request is answered on, taken once when it
   *   arrives: its resolvers, its ETag and its response-cache key all use this one date.
   */
  constructor(readonly today: string) {}
  /** The snapshot lease, for GraphQL requests that execute. */
  lease: Lease | undefined;
  /**
   * Set once the request has waited its turn for a warehouse connection (to check its API key):
   * its next wait, to execute, is at the front of the queue.
   */
  waitedForConnection = false;
  /** The snapshot a GraphQL request was answered from without a lease (a 304 or a kept answer). */
  snapshot: SnapshotInfo | undefined;
  /** The operation's name, when the document names it. */
  operationName: string | null = null;
  /** query / mutation / subscription, once Apollo resolved the operation. */
  operationType: OperationTypeNode | null = null;
  /** SHA-256 (hex) of the query text Apollo executed, set once the source is known. */
  queryHash: string | undefined;
  /** The request's variables, as Apollo read them (for the cache key only; never logged). */
  variables: Readonly<Record<string, unknown>> | undefined;
  /** The `operationName` the request gave (the cache key uses it as sent). */
  requestedOperationName: string | undefined;
  /** The code of every error the response carries, in order. */
  readonly errorCodes: ErrorCode[] = [];
  /** Set when the execution time limit stopped the operation. */
  timedOut = false;
}

const storage = new AsyncLocalStorage<RequestState>();

/** Runs `fn` (and everything it awaits) as part of the request `state`. */
export function runInRequest<T>(state: RequestState, fn: () => T): T {
  return storage.run(state, fn);
}

/** The state of the request whose code is running, if any. */
export function currentRequest(): RequestState | undefined {
  return storage.getStore();
}
