import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { post, testConfig } from '../../helpers/server.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

/**
 * One date per request: the resolvers (areas read today, default years) and the ETag and
 * response-cache key of the answer all take the date the request arrived on. With a clock that
 * moves on at every reading, a request arriving one moment before midnight UTC (30 June 2025, the
 * eve of the provinces' merger) is answered, and cached, for that day; the next request, after
 * midnight, gets the next day's answer rather than a `304` for the eve's.
 */
let wh: TestWarehouse;
let server: RunningCoopstat;
let now = Date.parse('2025-06-30T23:59:59.900Z');
const readings: string[] = [];
beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(testConfig(wh.db), {
    port: 0,
    clock: () => {
      const at = new Date(now);
      now += 150; // every reading is a moment later
      readings.push(at.toISOString());
      return at;
    },
  });
}, 120_000);
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

const PROVINCES = '{ adminUnits(level: PROVINCE) { code } }';
const count = (json: { data?: Record<string, unknown> | null }) =>
  (json.data!.adminUnits as unknown[]).length;

describe('the date of a request', () => {
  it('is read once, and the answer, its ETag and its kept copy all belong to that day', async () => {
    const eve = await post(server.graphqlUrl, { query: PROVINCES });
    expect(eve.status).toBe(200);
    expect(readings).toHaveLength(1);
    expect(count(eve.json)).toBe(63); // 30 June 2025: the 63 provinces
    const etag = eve.headers.get('etag')!;
    expect(etag).toBeTruthy();

    // After midnight: the eve's ETag is not today's, and the kept answer is not served either.
    const after = await post(server.graphqlUrl, { query: PROVINCES }, { 'if-none-match': etag });
    expect(readings).toHaveLength(2);
    expect(readings[1]!.slice(0, 10)).toBe('2025-07-01');
    expect(after.status).toBe(200);
    expect(count(after.json)).toBe(34); // 1 July 2025: the 34 provinces
    expect(after.headers.get('etag')).not.toBe(etag);

    // The same day again: the ETag it got holds.
    const again = await post(
      server.graphqlUrl,
      { query: PROVINCES },
      { 'if-none-match': after.headers.get('etag')! },
    );
    expect(again.status).toBe(304);
  });
});
