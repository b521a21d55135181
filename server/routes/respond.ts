import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorAnswer, type ErrorAnswer } from '../errors.ts';
import { NO_STORE } from '../http-cache.ts';
import type { RequestState } from '../request-state.ts';

/**
 * What every route gets: the request, its response, and what the app already read of it. Routes
 * answer through the helpers below, so every JSON answer has one shape and one set of headers.
 */
export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Upper-case. */
  readonly method: string;
  readonly path: string;
  /** The query string with its `?`, or empty. */
  readonly search: string;
  readonly state: RequestState;
}

/** Serves one route family. */
export type Route = (request: RouteRequest) => Promise<void> | void;

export const JSON_TYPE = 'application/json; charset=utf-8';

/** A `HEAD` or `GET` (the read-only methods of the non-GraphQL routes). */
export function isReadOnly(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** A JSON answer that is never cached; without its body for `HEAD`. */
export function sendJson(res: ServerResponse, status: number, value: unknown, head = false): void {
  const text = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('content-type', JSON_TYPE);
  res.setHeader('cache-control', NO_STORE);
  res.setHeader('content-length', Buffer.byteLength(text, 'utf8'));
  res.end(head ? undefined : text);
}

/** Writes an error answer (see `errorAnswer`) and records its code for the request log. */
export function sendError(res: ServerResponse, state: RequestState, answer: ErrorAnswer): void {
  state.errorCodes.push(answer.code);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  sendJson(res, answer.status, answer.body);
}

/** 405 with the methods the route accepts (`Allow`). */
export function methodNotAllowed(request: RouteRequest, allowed: readonly string[]): void {
  sendError(
    request.res,
    request.state,
    errorAnswer(
      405,
      'BAD_REQUEST',
      `${request.path} accepts ${allowed.join(' and ')} only, but got ${request.method}`,
      {},
      { allow: allowed.join(', ') },
    ),
  );
}

/** 404 for a path no route serves. */
export function noSuchRoute(request: RouteRequest): void {
  sendError(
    request.res,
    request.state,
    errorAnswer(404, 'NOT_FOUND', `no such route: ${request.path}`),
  );
}

export function redirect(res: ServerResponse, location: string): void {
  res.statusCode = 302;
  res.setHeader('location', location);
  res.setHeader('cache-control', NO_STORE);
  res.end();
}

/** Sets headers given as a record. */
export function setHeaders(res: ServerResponse, headers: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/** 304 with no body (the cache headers are set by the caller). */
export function notModified(res: ServerResponse): void {
  res.statusCode = 304;
  res.end();
}

/** An error as a log field: name, message and stack, never sent to a client. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { message: String(error) };
}
