import type { IncomingHttpHeaders } from 'node:http';

/**
 * Apollo Server's CSRF prevention rule (`csrfPrevention: true`), for the one place the server
 * must know its verdict before Apollo runs: an answer kept in the response cache, or a `304`,
 * is given only to a request that Apollo would execute. Apollo keeps enforcing the rule itself
 * on every request it executes; this mirrors it, it does not replace it.
 *
 * A request passes when a browser must have preflighted it: its content type is not one of the
 * CORS-safelisted ones, or it carries a non-empty `apollo-require-preflight` or
 * `x-apollo-operation-name` header.
 */
export function passesCsrfPrevention(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  if (contentType !== undefined) {
    const essence = contentType.split(';')[0]!.trim().toLowerCase();
    if (!SAFELISTED_CONTENT_TYPES.includes(essence)) return true;
  }
  return PREFLIGHT_HEADERS.some((name) => {
    const value = headers[name];
    return value !== undefined && value.length > 0;
  });
}

/** Content types a browser sends cross-origin without a preflight. */
const SAFELISTED_CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
];
/** Apollo's recommended CSRF prevention request headers. */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'] as const;
