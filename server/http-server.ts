import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening HTTP server that can shut down gracefully. */
export interface HttpServer {
  readonly server: Server;
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  readonly origin: string;
  readonly port: number;
  /** Requests being handled now. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets in-flight requests finish (closing each keep-alive
   * connection as soon as it is idle), and after `graceMs` cuts whatever is left. Resolves when
   * every connection is closed. Idempotent.
   */
  close(graceMs: number): Promise<void>;
}

/** Starts an HTTP server for `handler` on `host:port` (port 0 picks a free one). */
export async function listen(
  handler: RequestListener,
  { host, port }: { host: string; port: number },
): Promise<HttpServer> {
  let inFlight = 0;
  let closing: Promise<void> | undefined;
  const server = createServer((req, res) => {
    inFlight += 1;
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      // During shutdown a keep-alive connection is closed as soon as its last response is out.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    server,
    origin: `http://${hostInUrl}:${address.port}`,
    port: address.port,
    inFlight: () => inFlight,
    close(graceMs) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
