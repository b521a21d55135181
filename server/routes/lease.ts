import type { ServerResponse } from 'node:http';
import {
  ReaderBusyError,
  type Lease,
  type SnapshotInfo,
  type WarehouseReader,
} from '../../warehouse/store/warehouse-reader.ts';
import { errorAnswer } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RequestState } from '../request-state.ts';
import { describeError, sendError } from './respond.ts';

/** `Retry-After` of a `SERVER_BUSY` answer, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * How every route reaches the warehouse: a lease, or the current snapshot's version, or an
 * answer that says why not (503 `SERVER_BUSY` with `Retry-After`, 503 when no snapshot can be
 * had). A caller that gets `undefined` has been answered already (or its client went away).
 */
export interface Leasing {
  /**
   * Pins the current snapshot and one of its connections for a request and records it on the
   * request state. Answers 503 `SERVER_BUSY` with `Retry-After` when no connection came free in
   * time or the wait queue is full, 503 when no snapshot can be had (the reader is closed), and
   * nothing when the client went away (`signal`) while waiting.
   */
  lease(res: ServerResponse, state: RequestState, signal?: AbortSignal): Promise<Lease | undefined>;
  /** The snapshot a request would read now, for answers that need only its version. */
  snapshot(res: ServerResponse, state: RequestState): Promise<SnapshotInfo | undefined>;
}

export function createLeasing(reader: WarehouseReader, logger: Logger): Leasing {
  /** Answers 503 when the reader has no snapshot to give (it is closed); logs why. */
  const unavailable = (res: ServerResponse, state: RequestState, error: unknown): undefined => {
    logger.error('no warehouse snapshot could be leased', { error: describeError(error) });
    sendError(
      res,
      state,
      errorAnswer(503, 'INTERNAL_SERVER_ERROR', 'the warehouse is not available'),
    );
    return undefined;
  };

  return {
    async lease(res, state, signal) {
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
        if (!(error instanceof ReaderBusyError)) return unavailable(res, state, error);
        logger.warn('request refused: every warehouse connection is busy', {
          reason: error.reason,
        });
        sendError(
          res,
          state,
          errorAnswer(
            503,
            'SERVER_BUSY',
            `the server is busy: ${error.message}; send the request again in ${RETRY_AFTER_SECONDS} s`,
            { retryAfterSeconds: RETRY_AFTER_SECONDS },
            { 'retry-after': String(RETRY_AFTER_SECONDS) },
          ),
        );
        return undefined;
      }
    },
    async snapshot(res, state) {
      try {
        return await reader.current();
      } catch (error) {
        return unavailable(res, state, error);
      }
    },
  };
}
