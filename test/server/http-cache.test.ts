import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../etl/load/load-file.ts';
import { computeEtag, type CacheKey } from '../../server/http-cache.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { createApiKey } from '../../warehouse/keys/key-store.ts';
import { writeReleaseMode } from '../../warehouse/release/release.queries.ts';
import { createTestWarehouse, fixture, type TestWarehouse } from '../helpers/warehouse.ts';
import { testConfig } from '../helpers/server.ts';

/**
 * ETags and `Vary` follow the caller's role: on a warehouse whose loads wait for a release, a
 * loader key reads the draft's loads and an anonymous caller does not, so the same request gets
 * two answers, each with its own ETag, and a revalidation gets `304` only from its own role.
 */
const LOADS = '{ loads(first: 10) { fileName } }';

let wh: TestWarehouse;
let server: RunningCoopstat;
const keys = { loader: '', reader: '' };

beforeAll(async () => {
  wh = await createTestWarehouse();
  const db = wh.db;
  // Loads wait for a reviewed release (what `coopstat init` sets): the next one is a draft.
  const handle = await DuckDbHandle.open(db);
  try {
    await writeReleaseMode(handle, 'reviewed');
  } finally {
    handle.close();
  }
  await loadFile(fixture('api', 'provinces-2021-2025.csv'), { db, maxYear: 2026 });
  keys.loader = (await createApiKey(db, { name: 'lai-chau-pso', role: 'loader' })).key;
  keys.reader = (await createApiKey(db, { name: 'analyst', role: 'reader' })).key;
  // The response cache off: every answer that is not a 304 is executed for its caller.
  server = await startCoopstatServer(testConfig(db, { COOPSTAT_RESPONSE_CACHE_BYTES: '0' }), {
    port: 0,
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

const ask = (headers: Record<string, string> = {}) =>
  fetch(`${server.graphqlUrl}?${new URLSearchParams({ query: LOADS })}`, {
    headers: { 'apollo-require-preflight': 'true', ...headers },
  });

describe('ETags by role', () => {
  it('gives two roles whose answers differ two ETags, and 304 only to the matching one', async () => {
    const anonymous = await ask();
    const loader = await ask({ 'x-api-key': keys.loader });
    expect([anonymous.status, loader.status]).toEqual([200, 200]);
    const [publicBody, draftBody] = [await anonymous.text(), await loader.text()];
    expect(draftBody).toContain('provinces-2021-2025.csv');
    expect(publicBody).not.toContain('provinces-2021-2025.csv');
    const [publicTag, draftTag] = [anonymous.headers.get('etag')!, loader.headers.get('etag')!];
    expect(publicTag).not.toBe(draftTag);
    // Every cacheable answer varies on the key headers, the anonymous one too.
    expect(anonymous.headers.get('vary')).toBe('accept, authorization, x-api-key');
    expect(loader.headers.get('vary')).toBe('accept, authorization, x-api-key');
    expect(anonymous.headers.get('cache-control')).toMatch(/^public, /);
    expect(loader.headers.get('cache-control')).toMatch(/^private, /);

    // The loader holding the public ETag gets its own answer, not a 304 for the public one.
    const crossed = await ask({ 'x-api-key': keys.loader, 'if-none-match': publicTag });
    expect(crossed.status).toBe(200);
    expect(await crossed.text()).toBe(draftBody);
    expect(crossed.headers.get('etag')).toBe(draftTag);
    const back = await ask({ 'if-none-match': draftTag });
    expect(back.status).toBe(200);
    expect(await back.text()).toBe(publicBody);

    // Each role revalidates its own answer.
    const loaderAgain = await ask({
      authorization: `Bearer ${keys.loader}`,
      'if-none-match': draftTag,
    });
    expect(loaderAgain.status).toBe(304);
    expect(loaderAgain.headers.get('etag')).toBe(draftTag);
    const anonymousAgain = await ask({ 'if-none-match': publicTag });
    expect(anonymousAgain.status).toBe(304);
    expect(anonymousAgain.headers.get('vary')).toBe('accept, authorization, x-api-key');
  });

  it('gives the same role the same ETag whatever its key, and another role another ETag', async () => {
    const reader = await ask({ 'x-api-key': keys.reader });
    const anonymous = await ask();
    // A reader reads what the public reads, but under its own ETag (and privately).
    expect(await reader.text()).toBe(await anonymous.text());
    expect(reader.headers.get('etag')).not.toBe(anonymous.headers.get('etag'));
    const other = (await createApiKey(wh.db, { name: 'analyst-2', role: 'reader' })).key;
    await server.reader.refresh();
    const sameRole = await ask({ 'x-api-key': other });
    const readerAgain = await ask({ 'x-api-key': keys.reader });
    await sameRole.text();
    await readerAgain.text();
    expect(sameRole.headers.get('etag')).toBe(readerAgain.headers.get('etag'));
  });
});

describe('computeEtag', () => {
  const key: CacheKey = {
    dataVersion: 3,
    lastLoadId: 2,
    schemaHash: 'f'.repeat(64),
    contentType: 'text/csv; charset=utf-8',
    queryHash: '0'.repeat(64),
    variables: undefined,
    operationName: undefined,
    role: 'anonymous',
    date: '2026-12-31',
  };

  it('changes with the role and with the day, and with nothing else unchanged', () => {
    expect(computeEtag({ ...key })).toBe(computeEtag(key));
    expect(computeEtag({ ...key, role: 'loader' })).not.toBe(computeEtag(key));
    // A default year follows the calendar: a template's year, an export's as-of year.
    expect(computeEtag({ ...key, date: '2027-01-01' })).not.toBe(computeEtag(key));
  });
});
