import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

/** The app's wiring: paths no route serves and methods a route does not take. */
let wh: TestWarehouse;
let server: RunningCoopstat;

beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(loadConfig({ COOPSTAT_DB: wh.db, LOG_LEVEL: 'silent' }), {
    port: 0,
  });
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

interface ErrorBody {
  errors: { message: string; extensions: { code: string } }[];
}

describe('the app', () => {
  it('answers a path no route serves with 404 NOT_FOUND in the one error shape', async () => {
    const res = await fetch(`${server.origin}/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await res.json()) as ErrorBody).toEqual({
      errors: [{ message: 'no such route: /nope', extensions: { code: 'NOT_FOUND' } }],
    });
  });

  it('answers a method a route does not take with 405 BAD_REQUEST and Allow', async () => {
    const cases = [
      { path: '/health', method: 'POST', allow: 'GET, HEAD' },
      { path: '/ready', method: 'DELETE', allow: 'GET, HEAD' },
      { path: '/load', method: 'GET', allow: 'POST' },
      { path: '/export/observations.csv', method: 'POST', allow: 'GET, HEAD' },
      { path: '/graphql', method: 'PUT', allow: 'GET, POST' },
    ];
    for (const { path, method, allow } of cases) {
      const res = await fetch(`${server.origin}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      const body = (await res.json()) as ErrorBody;
      expect(body.errors[0]!.extensions.code, `${method} ${path}`).toBe('BAD_REQUEST');
      expect(body.errors[0]!.message).toContain(`${path} accepts`);
    }
  });
});
