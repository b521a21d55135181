import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import { operation } from '../helpers/api.ts';
import {
  createTestWarehouse,
  publishExample,
  query,
  type TestWarehouse,
} from '../helpers/warehouse.ts';
import { captureLogger, codes, post, testConfig } from '../helpers/server.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
const log = captureLogger();

beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(testConfig(wh.db), { port: 0, logger: log.logger });
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

const dashboard = (comment: string) => ({
  query: `# ${comment}\n${operation('dashboard')}`,
  variables: { year: 2024 },
  operationName: 'Dashboard',
});

describe('the warm-up of a published snapshot', () => {
  it('runs the queries served recently on the new snapshot before it serves, and answers as a cold server', async () => {
    const before = await post(server.graphqlUrl, dashboard('before the publication'));
    expect(before.json.errors).toBeUndefined();
    // A mutation is never run by a warm-up (it would fail anyway: no key).
    await post(server.graphqlUrl, { query: 'mutation { release(years: [2024]) { releaseNo } }' });
    // Nor a query refused by a limit: it would run there without the limit that refused it.
    let nested = 'code';
    for (let level = 1; level < 7; level += 1) {
      nested = `${level % 2 ? 'successors' : 'predecessors'} { ${nested} }`;
    }
    const tooCostly = await post(server.graphqlUrl, {
      query: `{ adminUnit(code: "19", validOn: "2024-12-31") { ${nested} } }`,
    });
    expect(codes(tooCostly.json)).toEqual(['QUERY_TOO_COMPLEX']);
    // Nor the same dashboard asked with other variables and answered with an error: the warm-up
    // replays the answered request with its own variables.
    const refused = await post(server.graphqlUrl, { ...dashboard('refused'), variables: {} });
    expect(refused.json.errors).toBeDefined();
    expect(server.app.planCache.recent(16).map((q) => q.variables)).toEqual([{ year: 2024 }]);
    const v1 = server.reader.dataVersion;

    await publishExample(wh.db);
    const [file] = await query<{ v: number }>(
      wh.db,
      'select max(data_version) as v from publication',
    );
    expect(file!.v).toBe(v1 + 1);
    await server.reader.refresh();
    expect(server.reader.dataVersion).toBe(v1 + 1);

    const warmed = log.lines.filter(
      (line) => line.message === 'warmed a new warehouse snapshot before serving it',
    );
    expect(warmed).toEqual([
      expect.objectContaining({ dataVersion: v1 + 1, queries: 1, result: 'done' }),
    ]);

    // The warmed server answers exactly as a server that opened the new snapshot cold.
    const after = await post(server.graphqlUrl, dashboard('after the publication'));
    const cold = await startCoopstatServer(testConfig(wh.db), { port: 0 });
    try {
      const fresh = await post(cold.graphqlUrl, dashboard('cold'));
      expect(after.json.errors).toBeUndefined();
      expect(after.json.data).toEqual(fresh.json.data);
      expect(after.json.data).not.toEqual(before.json.data);
    } finally {
      await cold.close();
    }
  });
});

describe('the warm-up settings', () => {
  /** A server of its own on a warehouse of its own, with `env`; runs `fn`, then closes both. */
  async function withServer(
    env: Record<string, string>,
    fn: (own: RunningCoopstat, db: string, lines: Record<string, unknown>[]) => Promise<void>,
  ): Promise<void> {
    const own = captureLogger();
    const warehouse = await createTestWarehouse();
    const running = await startCoopstatServer(testConfig(warehouse.db, env), {
      port: 0,
      logger: own.logger,
    });
    try {
      await fn(running, warehouse.db, own.lines);
    } finally {
      await running.close();
      await warehouse.cleanup();
    }
  }
  const warmedLines = (lines: Record<string, unknown>[]) =>
    lines.filter((line) => line.message === 'warmed a new warehouse snapshot before serving it');

  it('replays at most COOPSTAT_WARM_UP_QUERIES of the queries answered, the most recent first', async () => {
    await withServer({ COOPSTAT_WARM_UP_QUERIES: '1' }, async (own, db, lines) => {
      for (const year of [2023, 2024]) {
        const answer = await post(own.graphqlUrl, {
          ...dashboard(`year ${year}`),
          variables: { year },
        });
        expect(answer.json.errors).toBeUndefined();
      }
      const v1 = own.reader.dataVersion;
      await publishExample(db);
      await own.reader.refresh();
      expect(own.reader.dataVersion).toBe(v1 + 1);
      expect(warmedLines(lines)).toEqual([
        expect.objectContaining({ dataVersion: v1 + 1, queries: 1, result: 'done' }),
      ]);
    });
  });

  it('stops when requests wait for a connection: the new snapshot serves them at once', async () => {
    // The waiting request waits as long as the publication takes, however slow the machine.
    const env = { COOPSTAT_DB_CONNECTIONS: '1', COOPSTAT_QUEUE_TIMEOUT_MS: '3600000' };
    await withServer(env, async (own, db, lines) => {
      expect((await post(own.graphqlUrl, dashboard('before'))).json.errors).toBeUndefined();
      expect(own.app.planCache.recent(16)).toHaveLength(1);
      const v1 = own.reader.dataVersion;
      // The only connection taken, and a request waiting for it: the server is saturated.
      const held = await own.reader.acquire();
      const waiting = own.reader.acquire();
      while (own.reader.load.waiting === 0) await new Promise((r) => setImmediate(r));
      await publishExample(db);
      await own.reader.refresh();
      expect(warmedLines(lines)).toEqual([
        expect.objectContaining({ dataVersion: v1 + 1, queries: 0, result: 'done' }),
      ]);
      // The waiting request is served by the new snapshot as soon as it serves.
      const served = await waiting;
      expect(served.dataVersion).toBe(v1 + 1);
      expect(held.dataVersion).toBe(v1);
      served.release();
      held.release();
      const after = await post(own.graphqlUrl, dashboard('after'));
      expect(after.json.errors).toBeUndefined();
    });
  });

  it('with COOPSTAT_WARM_UP_QUERIES=0, a new snapshot serves at once, unwarmed, with the same answers', async () => {
    await withServer({ COOPSTAT_WARM_UP_QUERIES: '0' }, async (own, db, lines) => {
      expect((await post(own.graphqlUrl, dashboard('before'))).json.errors).toBeUndefined();
      const v1 = own.reader.dataVersion;
      await publishExample(db);
      await own.reader.refresh();
      expect(own.reader.dataVersion).toBe(v1 + 1);
      expect(warmedLines(lines)).toEqual([]);
      const after = await post(own.graphqlUrl, dashboard('after'));
      const cold = await startCoopstatServer(testConfig(db), { port: 0 });
      try {
        const fresh = await post(cold.graphqlUrl, dashboard('cold'));
        expect(after.json.errors).toBeUndefined();
        expect(after.json.data).toEqual(fresh.json.data);
      } finally {
        await cold.close();
      }
    });
  });
});
