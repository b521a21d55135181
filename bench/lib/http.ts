import { Agent, request } from 'node:http';

/**
 * The bench's HTTP client: one keep-alive connection for timing single requests (node:http, no
 * fetch layer, so a 304 is timed close to the wire). Concurrent clients are in `pull.ts`.
 */

export interface HttpTiming {
  readonly status: number;
  readonly ms: number;
  readonly bytes: number;
  readonly etag: string | undefined;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** POSTs a GraphQL request; times from sending to the last byte of the answer. */
export function postGraphql(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<HttpTiming> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      {
        agent,
        method: 'POST',
        hostname: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            bytes: Buffer.byteLength(text),
            etag: res.headers.etag,
            body: text,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GETs a path on the same keep-alive connection (the HTTP round trip without GraphQL). */
export function getPath(url: string): Promise<{ status: number; ms: number }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      { agent, method: 'GET', hostname: target.hostname, port: target.port, path: target.pathname },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Closes the keep-alive connection so the process can exit. */
export function closeHttp(): void {
  agent.destroy();
}
