import type { ApiKeyRole } from '../../warehouse/queries/api-key.queries.ts';
import {
  allows,
  authenticate,
  describePresentedKey,
  readCredentials,
  type Principal,
} from '../auth/authenticate.ts';
import { errorAnswer } from '../errors.ts';
import type { Leasing } from './lease.ts';
import { sendError, type RouteRequest } from './respond.ts';

/**
 * Checks a request's key. Answers 401 / 403 itself and returns false; otherwise returns the
 * key's holder, or undefined when no key was sent and `needed` is undefined (a key that is sent
 * is always checked, even where none is needed).
 */
export type Authorize = (
  request: RouteRequest,
  needed: ApiKeyRole | undefined,
) => Promise<Principal | undefined | false>;

/** Keys are checked against the `api_key` table of the snapshot being served. */
export function createAuthorize(leasing: Leasing): Authorize {
  return async ({ req, res, state, path }, needed) => {
    const refuse = (status: 401 | 403, message: string): false => {
      const headers: Record<string, string> =
        status === 401 ? { 'www-authenticate': 'Bearer realm="coopstat"' } : {};
      // The body (if any) is not read: drop it, and close a connection it is still arriving on.
      if (!req.complete) headers.connection = 'close';
      req.resume();
      const code = status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      sendError(res, state, errorAnswer(status, code, message, {}, headers));
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
    const lease = await leasing.lease(res, state);
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
  };
}
