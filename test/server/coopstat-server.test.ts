import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoopstatServer } from '../../server/coopstat-server.ts';
import { testConfig } from '../helpers/server.ts';
import { createTestWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await createTestWarehouse();
});
afterAll(() => wh.cleanup());

describe('startCoopstatServer', () => {
  it.each([
    [{}, true],
    [{ COOPSTAT_ATTACH_SNAPSHOTS: 'false' }, false],
  ] as const)(
    'serves snapshots attached to a kept instance unless told not to (%j)',
    async (env, attached) => {
      const server = await startCoopstatServer(testConfig(wh.db, env), { port: 0 });
      try {
        const lease = await server.reader.acquire();
        try {
          expect(lease.handle.attachedSnapshot).toBe(attached);
        } finally {
          lease.release();
        }
      } finally {
        await server.close();
      }
    },
  );
});
