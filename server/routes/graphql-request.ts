import type { IncomingMessage } from 'node:http';

/**
 * Reading a GraphQL HTTP request before Apollo does: its body within the size limit, its JSON,
 * and the variables and operation name it sent (for the ETag and the response cache key).
 */

/** The variables and operation name a GraphQL request sent. */
export interface RequestParts {
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
}

/** A request's variables and operation name, or undefined when they are malformed. */
export function requestParts(
  method: string,
  body: unknown,
  params: URLSearchParams,
): RequestParts | undefined {
  if (method === 'POST') {
    if (!isRecord(body)) return undefined;
    if (body.variables !== undefined && body.variables !== null && !isRecord(body.variables))
      return undefined;
    // An operation name or extensions of the wrong type make the request malformed: Apollo
    // answers it 400, and it must never be answered from the cache as the same query without.
    if (
      body.operationName !== undefined &&
      body.operationName !== null &&
      typeof body.operationName !== 'string'
    )
      return undefined;
    if (body.extensions !== undefined && body.extensions !== null && !isRecord(body.extensions))
      return undefined;
    return {
      variables: (body.variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    };
  }
  const raw = params.get('variables');
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    if (parsed !== undefined && !isRecord(parsed)) return undefined;
    const extensions = params.get('extensions');
    if (extensions && !isRecord(JSON.parse(extensions))) return undefined;
    return {
      variables: parsed as Record<string, unknown> | undefined,
      operationName: params.get('operationName') ?? undefined,
    };
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A browser asking for a page (it lists text/html before JSON). */
export function prefersHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  const html = accept.indexOf('text/html');
  const json = accept.indexOf('json');
  return html !== -1 && (json === -1 || html < json);
}

/** Reads a request body up to `limit` bytes; 'too large' as soon as it is known to exceed it. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return 'too large';
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      return 'too large';
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A JSON body becomes an object for Apollo; any other content type leaves the body unset, so
 * Apollo's CSRF prevention and its own "POST body missing" answer apply.
 */
export function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): { body: unknown } | { error: string } {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (essence !== 'application/json' && !essence.endsWith('+json')) return { body: undefined };
  if (raw.length === 0) return { body: undefined };
  try {
    return { body: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    return {
      error: `a POST body must be valid JSON, but it could not be parsed: ${(error as Error).message}`,
    };
  }
}
