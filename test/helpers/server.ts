import { createServer } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../server/config.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import { createTestWarehouse, type TestWarehouse, type WarehouseContents } from './warehouse.ts';
import type { Logger } from '../../server/logger.ts';
import { createLogger } from '../../server/logger.ts';

/** The configuration of a test server: defaults, plus `env`, logging silenced. */
export function testConfig(db: string, env: Record<string, string> = {}): Config {
  return loadConfig({ COOPSTAT_DB: db, LOG_LEVEL: 'silent', ...env });
}

/** A logger at `info` that keeps its lines (parsed) instead of writing them. */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const keep = (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>);
  return { logger: createLogger('info', { stdout: keep, stderr: keep }), lines };
}

/** A GraphQL POST over real HTTP; `text` is the body byte for byte. */
export async function post(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: GraphqlResponse; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const json = (text === '' ? {} : JSON.parse(text)) as GraphqlResponse;
  return { status: res.status, headers: res.headers, json, text };
}

/** A GraphQL GET over real HTTP (no CSRF header unless given). */
export async function get(
  url: string,
  params: { query: string; variables?: object; operationName?: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  const search = new URLSearchParams({ query: params.query });
  if (params.variables) search.set('variables', JSON.stringify(params.variables));
  if (params.operationName) search.set('operationName', params.operationName);
  return fetch(`${url}?${search}`, { headers });
}

/** The body of a GraphQL response. */
export interface GraphqlResponse {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: Record<string, unknown> & { code?: string };
  }[];
}

/** The error codes of a response, in order. */
export const codes = (json: GraphqlResponse) => (json.errors ?? []).map((e) => e.extensions?.code);

/** A default warehouse (built through the real `init`) served over real HTTP on loopback. */
export interface ServedWarehouse {
  readonly server: RunningCoopstat;
  readonly db: string;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that copy a test warehouse holding `contents` and serve
 * it (logging to `logger` when given); the returned object's fields are valid inside the tests.
 */
export function serveTestWarehouse(
  contents: WarehouseContents = 'default',
  logger?: Logger,
): ServedWarehouse {
  let wh: TestWarehouse | undefined;
  let server: RunningCoopstat | undefined;
  beforeAll(async () => {
    wh = await createTestWarehouse(contents);
    server = await startCoopstatServer(testConfig(wh.db), {
      port: 0,
      ...(logger ? { logger } : {}),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await wh?.cleanup();
  });
  return {
    get server() {
      return server!;
    },
    get db() {
      return wh!.db;
    },
  };
}

/** {@link serveTestWarehouse} of the default warehouse, as a getter. */
export function serveDefaultWarehouse(logger?: Logger): () => ServedWarehouse {
  const served = serveTestWarehouse('default', logger);
  return () => served;
}

/** A TCP port nobody listens on right now (for a server started as a child process). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
