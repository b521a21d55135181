import { GraphQLInt, GraphQLString, type GraphQLFieldConfigMap } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import type { RequestContext } from '../../../schema/index.ts';
import type { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { createApiKey } from '../../../warehouse/keys/key-store.ts';
import { operation } from '../../helpers/api.ts';
import { createTestWarehouse, example, type TestWarehouse } from '../../helpers/warehouse.ts';
import { captureLogger, codes, post, testConfig } from '../../helpers/server.ts';
import { longSqlField } from '../../helpers/long-sql.ts';
import { notFoundField, querySchema, quickField } from '../../helpers/test-schema.ts';
import { EVENTUALLY } from '../../helpers/wait.ts';

// Many clients at once against real servers on loopback: a pool of DuckDB connections per
// snapshot, the bounded wait queue, the execution time limit, snapshot swaps under load, and the
// response cache. A schema made for it: statements that run until stopped, resolvers held at a
// gate the test opens, and a counter that shows whether a resolver ran at all.

/** Resolvers held until the test opens the gate; `inside` counts those waiting at it. */
const gate = {
  inside: 0,
  open: () => {},
  opened: Promise.resolve(),
  reset() {
    this.inside = 0;
    this.opened = new Promise<void>((resolve) => (this.open = resolve));
  },
};
/** The connections whose long statements are running, and how each statement ended. */
const longRuns: DuckDbHandle[] = [];
const settled: string[] = [];
let resolverRuns = 0;

const version = async (ctx: RequestContext) =>
  (await ctx.lease.handle.all<{ v: number }>('select max(data_version) as v from publication'))[0]!
    .v;

const fields: GraphQLFieldConfigMap<unknown, RequestContext> = {
  longSql: longSqlField(settled, (handle) => longRuns.push(handle)),
  held: {
    type: GraphQLString,
    resolve: async () => {
      gate.inside += 1;
      await gate.opened;
      return 'done';
    },
  },
  heldVersion: {
    type: GraphQLInt,
    resolve: async (_root, _args, ctx) => {
      gate.inside += 1;
      await gate.opened;
      return version(ctx);
    },
  },
  version: { type: GraphQLInt, resolve: (_root, _args, ctx) => version(ctx) },
  quick: quickField(),
  counter: {
    type: GraphQLString,
    args: { tag: { type: GraphQLString } },
    resolve: (_root, args: { tag?: string }) => `${args.tag ?? '-'}:${++resolverRuns}`,
  },
  failing: notFoundField(() => (resolverRuns += 1)),
};
const schema = querySchema(fields);

/** Sends `query` twice (it must stop at the gate) and resolves once both are held there. */
async function holdBothConnections(server: RunningCoopstat, query = '{ held }') {
  gate.reset();
  const holders = [post(server.graphqlUrl, { query }), post(server.graphqlUrl, { query })];
  // Polled for up to 30 s: on a loaded machine two requests take more than a second to arrive.
  await vi.waitFor(() => expect(gate.inside).toBe(2), { timeout: 30_000 });
  return holders;
}

let wh: TestWarehouse;
/** Pool of 2, one waiting request at most, 500 ms to execute, no response cache. */
let tight: RunningCoopstat;
/** Pool of 2, one waiting request at most, default time limit, no response cache. */
let queued: RunningCoopstat;
/** Default limits, response cache on. */
let cached: RunningCoopstat;
const keys = { reader: '', otherReader: '', admin: '' };
const log = captureLogger();

beforeAll(async () => {
  wh = await createTestWarehouse();
  keys.reader = (await createApiKey(wh.db, { name: 'analyst', role: 'reader' })).key;
  keys.otherReader = (await createApiKey(wh.db, { name: 'dashboard', role: 'reader' })).key;
  keys.admin = (await createApiKey(wh.db, { name: 'ops', role: 'admin' })).key;
  const pool = { COOPSTAT_DB_CONNECTIONS: '2', COOPSTAT_QUEUE_LIMIT: '1' };
  const noCache = { COOPSTAT_RESPONSE_CACHE_BYTES: '0' };
  tight = await startCoopstatServer(
    testConfig(wh.db, { ...pool, ...noCache, COOPSTAT_QUERY_TIMEOUT_MS: '500' }),
    { port: 0, schema },
  );
  // A waiter, and a request held at the gate, here outlast a whole load on a busy machine: the
  // queue's wait and the time limit are not what is tested on this server.
  const longWait = { COOPSTAT_QUEUE_TIMEOUT_MS: '300000', COOPSTAT_QUERY_TIMEOUT_MS: '300000' };
  queued = await startCoopstatServer(testConfig(wh.db, { ...pool, ...noCache, ...longWait }), {
    port: 0,
    schema,
  });
  cached = await startCoopstatServer(testConfig(wh.db), { port: 0, schema, logger: log.logger });
});
afterAll(async () => {
  gate.open();
  await Promise.all([tight?.close(), queued?.close(), cached?.close()]);
  await wh?.cleanup();
});

describe('a pool of connections per snapshot', () => {
  it('runs two slow requests at once, and the time limit stops each one alone', async () => {
    longRuns.length = 0;
    settled.length = 0;
    const requests = [
      post(tight.graphqlUrl, { query: '{ longSql }' }),
      post(tight.graphqlUrl, { query: '{ longSql }' }),
    ];
    // Both statements are executing in DuckDB, each on its own connection, before either ends.
    await vi.waitFor(() => {
      expect(longRuns).toHaveLength(2);
      expect(longRuns[0]).not.toBe(longRuns[1]);
      expect(longRuns.map((handle) => handle.running)).toEqual([true, true]);
      expect(settled).toEqual([]);
    }, EVENTUALLY);
    for (const res of await Promise.all(requests)) {
      expect(res.status).toBe(503);
      expect(codes(res.json)).toEqual(['QUERY_TIMEOUT']);
    }
    expect(settled).toEqual(['INTERRUPT Error: Interrupted!', 'INTERRUPT Error: Interrupted!']);
    expect(tight.reader.load).toEqual({ connections: 2, busy: 0, waiting: 0 });
  });

  it('counts the time limit from the start of execution, not from arrival', async () => {
    // Both connections are held past the 500 ms limit; the third request waits for one as long.
    const holders = await holdBothConnections(tight);
    const waiter = post(tight.graphqlUrl, { query: '{ quick }' });
    await vi.waitFor(
      () => expect(tight.reader.load).toMatchObject({ busy: 2, waiting: 1 }),
      EVENTUALLY,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    gate.open();
    // The holders executed too long; the waiter waited as long but executed briefly.
    for (const res of await Promise.all(holders)) {
      expect(res.status).toBe(503);
      expect(codes(res.json)).toEqual(['QUERY_TIMEOUT']);
    }
    const res = await waiter;
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { quick: 7 } });
  });
});

describe('the wait queue', () => {
  it('lets requests wait for a connection, and answers 503 SERVER_BUSY beyond the queue', async () => {
    const holders = await holdBothConnections(queued);
    const waiter = post(queued.graphqlUrl, { query: '{ quick }' });
    await vi.waitFor(() => expect(queued.reader.load.waiting).toBe(1), EVENTUALLY);

    const refused = await post(queued.graphqlUrl, { query: '{ quick }' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.json).toEqual({
      errors: [
        {
          message:
            'the server is busy: every one of the 2 warehouse connections is busy and 1 requests are waiting already; send the request again in 1 s',
          extensions: { code: 'SERVER_BUSY', retryAfterSeconds: 1 },
        },
      ],
    });
    // Readiness needs a connection too: a server this busy is not ready for more.
    const ready = await fetch(`${queued.origin}/ready`);
    expect(ready.status).toBe(503);

    gate.open();
    for (const res of await Promise.all(holders))
      expect(res.json).toEqual({ data: { held: 'done' } });
    expect((await waiter).json).toEqual({ data: { quick: 7 } });
    expect(queued.reader.load).toEqual({ connections: 2, busy: 0, waiting: 0 });
    expect((await fetch(`${queued.origin}/ready`)).status).toBe(200);
  });

  it('takes a waiting request out of the queue when its client goes away', async () => {
    const holders = await holdBothConnections(queued);
    const controller = new AbortController();
    const gone = fetch(queued.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ quick }' }),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(queued.reader.load.waiting).toBe(1), EVENTUALLY);
    controller.abort();
    await expect(gone).rejects.toThrow(/abort/i);
    await vi.waitFor(() => expect(queued.reader.load.waiting).toBe(0), EVENTUALLY);
    gate.open();
    await Promise.all(holders);
    expect(queued.reader.load).toEqual({ connections: 2, busy: 0, waiting: 0 });
  });
});

describe('the response cache', () => {
  const counter = 'query Count($tag: String) { counter(tag: $tag) }';

  it('answers an identical request with identical bytes, without running it again', async () => {
    const first = await post(cached.graphqlUrl, { query: counter, variables: { tag: 'a' } });
    const again = await post(cached.graphqlUrl, { query: counter, variables: { tag: 'a' } });
    expect(first.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(again.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    const runs = resolverRuns;
    log.lines.length = 0;
    await post(cached.graphqlUrl, { query: counter, variables: { tag: 'a' } });
    expect(resolverRuns).toBe(runs);
    // The request log still says what was answered, from which version.
    await vi.waitFor(() => expect(log.lines).toHaveLength(1), EVENTUALLY);
    expect(log.lines[0]).toMatchObject({
      operationName: 'Count',
      status: 200,
      dataVersion: cached.reader.dataVersion,
      errorCodes: [],
    });
    // A revalidation of a kept answer is still 304.
    const revalidated = await fetch(cached.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'if-none-match': first.headers.get('etag')! },
      body: JSON.stringify({ query: counter, variables: { tag: 'a' } }),
    });
    expect(revalidated.status).toBe(304);
  });

  it('runs a request again when its variables, document, operation or role differ', async () => {
    const base = { query: counter, variables: { tag: 'b' } };
    const first = (await post(cached.graphqlUrl, base)).json;
    const variants = [
      await post(cached.graphqlUrl, { query: counter, variables: { tag: 'c' } }),
      await post(cached.graphqlUrl, {
        query: `${counter} # another text`,
        variables: { tag: 'b' },
      }),
      await post(cached.graphqlUrl, { ...base, operationName: 'Count' }),
      await post(cached.graphqlUrl, base, { authorization: `Bearer ${keys.reader}` }),
      await post(cached.graphqlUrl, base, { authorization: `Bearer ${keys.admin}` }),
    ];
    const seen = [first, ...variants.map((v) => v.json)].map((json) => json.data!.counter);
    expect(new Set(seen).size).toBe(seen.length);
    // Another key of the same role gets the answer kept for the role, marked private.
    const sameRole = await post(cached.graphqlUrl, base, {
      authorization: `Bearer ${keys.otherReader}`,
    });
    expect(sameRole.text).toBe(variants[3]!.text);
    expect(sameRole.headers.get('cache-control')).toMatch(/^private\b/);
  });

  it('never keeps an error', async () => {
    const runs = resolverRuns;
    const first = await post(cached.graphqlUrl, { query: '{ failing }' });
    const again = await post(cached.graphqlUrl, { query: '{ failing }' });
    expect(again.text).toBe(first.text);
    expect(codes(first.json)).toEqual(['NOT_FOUND']);
    expect(resolverRuns).toBe(runs + 2);
  });

  it('is emptied when a load publishes a new snapshot', async () => {
    const request = { query: counter, variables: { tag: 'publish' } };
    const before = await post(cached.graphqlUrl, request);
    expect((await post(cached.graphqlUrl, request)).text).toBe(before.text);
    expect(cached.app.responseCache!.size).toBeGreaterThan(0);

    const report = await loadFile(example('register-2024.csv'), { db: wh.db });
    expect(report.outcome).toBe('PUBLISHED');
    await cached.reader.refresh();
    expect(cached.reader.dataVersion).toBe(report.dataVersion);
    expect(cached.app.responseCache!.size).toBe(0);
    const after = await post(cached.graphqlUrl, request);
    expect(after.text).not.toBe(before.text);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });
});

describe('a snapshot swap under load', () => {
  it('serves the new snapshot while the old one’s connections are all held', async () => {
    await queued.reader.refresh();
    const v1 = queued.reader.dataVersion;
    const holders = await holdBothConnections(queued, '{ heldVersion }');
    const waiter = post(queued.graphqlUrl, { query: '{ version }' });
    await vi.waitFor(() => expect(queued.reader.load.waiting).toBe(1), EVENTUALLY);

    // The register file loaded above published figures this aggregates file replaces: a load
    // that replaces another family's figures must say so (--replace), else it is refused.
    const report = await loadFile(example('aggregates-2024.csv'), { db: wh.db, replace: true });
    expect(report).toMatchObject({ outcome: 'PUBLISHED', dataVersion: v1 + 1 });
    await queued.reader.refresh();
    // The waiting request gets a connection of the new snapshot; the old one is still held.
    expect((await waiter).json).toEqual({ data: { version: v1 + 1 } });
    expect((await post(queued.graphqlUrl, { query: '{ version }' })).json).toEqual({
      data: { version: v1 + 1 },
    });
    gate.open();
    for (const res of await Promise.all(holders)) {
      expect(res.json).toEqual({ data: { heldVersion: v1 } });
    }
    const ready = await fetch(`${queued.origin}/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ready', dataVersion: v1 + 1 });
    expect(queued.reader.load).toEqual({ connections: 2, busy: 0, waiting: 0 });
  });
});

describe('the response cache on the coopstat schema', () => {
  it('answers the dashboard exactly as a server without the cache does', async () => {
    const year = 2024;
    const request = {
      query: operation('dashboard'),
      variables: { year },
      operationName: 'Dashboard',
    };
    const real = await startCoopstatServer(testConfig(wh.db), { port: 0 });
    const plain = await startCoopstatServer(
      testConfig(wh.db, { COOPSTAT_RESPONSE_CACHE_BYTES: '0' }),
      { port: 0 },
    );
    try {
      const fresh = await post(real.graphqlUrl, request);
      expect(fresh.status).toBe(200);
      expect(fresh.json.errors).toBeUndefined();
      const kept = await post(real.graphqlUrl, request);
      const uncached = await post(plain.graphqlUrl, request);
      expect(real.app.responseCache!.size).toBe(1);
      expect(plain.app.responseCache).toBeUndefined();
      expect(kept.text).toBe(fresh.text);
      expect(uncached.text).toBe(fresh.text);
      expect(kept.headers.get('etag')).toBe(uncached.headers.get('etag'));
    } finally {
      await Promise.all([real.close(), plain.close()]);
    }
  });
});
