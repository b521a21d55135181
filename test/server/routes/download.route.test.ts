import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCoopstatSchema, createRequestContext } from '../../../schema/index.ts';
import { createApp, type CoopstatApp } from '../../../server/app.ts';
import { OBSERVATIONS_CSV_PATH, observationsCsv } from '../../../server/csv-export.ts';
import { listen, type HttpServer } from '../../../server/http-server.ts';
import { createApiKey } from '../../../warehouse/keys/key-store.ts';
import type { ApiKeyRole } from '../../../warehouse/queries/api-key.queries.ts';
import { WarehouseReader } from '../../../warehouse/store/warehouse-reader.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';
import { testConfig } from '../../helpers/server.ts';

/**
 * The download route's cache headers: an ETag (with `Vary` on the key headers) only on a file
 * that was built, one per role, and `304` to the role that holds it. The app serves the real
 * observations CSV, and one file whose build fails in DuckDB (a table that does not exist), as
 * a fault inside a builder would.
 */
const BROKEN_PATH = '/export/broken.csv';
const CSV = `${OBSERVATIONS_CSV_PATH}?indicators=htx_count&areas=VN&sources=MINISTRY`;

let wh: TestWarehouse;
let reader: WarehouseReader;
let app: CoopstatApp;
let http: HttpServer;
let readerKey: string;

beforeAll(async () => {
  wh = await createTestWarehouse();
  readerKey = (await createApiKey(wh.db, { name: 'analyst', role: 'reader' })).key;
  const config = testConfig(wh.db);
  reader = await WarehouseReader.open(wh.db, { watch: false });
  const context = (lease: Parameters<typeof createRequestContext>[0], role?: ApiKeyRole) =>
    createRequestContext(lease, { maxPageSize: config.maxPageSize, role: role ?? null });
  app = await createApp({
    config,
    schema: await buildCoopstatSchema(),
    reader,
    createContext: (lease, principal) => context(lease, principal?.role),
    downloads: (path) =>
      path === OBSERVATIONS_CSV_PATH
        ? (lease, params, principal) => observationsCsv(context(lease, principal?.role), params)
        : path === BROKEN_PATH
          ? async (lease) => {
              await lease.handle.all('select * from no_such_table');
              return 'never';
            }
          : undefined,
  });
  http = await listen(app.handler, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await http?.close(1000);
  await app?.stop();
  await reader?.close();
  await wh?.cleanup();
});

const download = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${http.origin}${path}`, { headers });

describe('download cache headers', () => {
  it('sends no ETag and no Vary with a fault: 500, no-store', async () => {
    const res = await download(BROKEN_PATH);
    expect(res.status).toBe(500);
    expect(
      ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
        .code,
    ).toBe('INTERNAL_SERVER_ERROR');
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends no ETag and no Vary with a refusal: 400, no-store', async () => {
    const res = await download(`${OBSERVATIONS_CSV_PATH}?release=latest`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(
      "parameter release must be a release number or DRAFT, but got 'latest'",
    );
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('gives a built file an ETag per role, varying on the key headers, and 304 to its role only', async () => {
    const anonymous = await download(CSV);
    const keyed = await download(CSV, { 'x-api-key': readerKey });
    expect([anonymous.status, keyed.status]).toEqual([200, 200]);
    const body = await anonymous.text();
    expect(body).toContain('htx_count');
    expect(await keyed.text()).toBe(body);
    const [publicTag, readerTag] = [anonymous.headers.get('etag')!, keyed.headers.get('etag')!];
    expect(publicTag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(readerTag).not.toBe(publicTag);
    expect(anonymous.headers.get('vary')).toBe('authorization, x-api-key');
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, /);
    expect(keyed.headers.get('cache-control')).toMatch(/^private, /);

    const again = await download(CSV, { 'if-none-match': publicTag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(publicTag);
    expect(again.headers.get('vary')).toBe('authorization, x-api-key');
    const crossed = await download(CSV, { 'x-api-key': readerKey, 'if-none-match': publicTag });
    expect(crossed.status).toBe(200);
    expect(await crossed.text()).toBe(body);
    const own = await download(CSV, { 'x-api-key': readerKey, 'if-none-match': readerTag });
    expect(own.status).toBe(304);
  });
});
