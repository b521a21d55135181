import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';
import { codes, post, testConfig } from '../../helpers/server.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(
    testConfig(wh.db, { COOPSTAT_INTROSPECTION: 'off', COOPSTAT_EXPLORER: 'off' }),
    { port: 0 },
  );
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

describe('production switches', () => {
  it('refuses introspection when COOPSTAT_INTROSPECTION is off, and still answers queries', async () => {
    const introspection = await post(server.graphqlUrl, {
      query: '{ __schema { types { name } } }',
    });
    expect(codes(introspection.json)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const query = await post(server.graphqlUrl, { query: '{ dataVersion { version } }' });
    expect(query.json.errors).toBeUndefined();
    expect(query.json.data).toEqual({ dataVersion: { version: 2 } });
  });

  it('serves no explorer when COOPSTAT_EXPLORER is off; the dashboard does not link to it', async () => {
    expect((await fetch(`${server.origin}/explorer`)).status).toBe(404);
    const root = await fetch(`${server.origin}/`, { redirect: 'manual' });
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('{"endpoint":"/graphql","explorer":null}');
  });
});
