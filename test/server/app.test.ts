import {
  GraphQLError,
  GraphQLObjectType,
  GraphQLString,
  type GraphQLFieldConfigMap,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import type { RequestContext } from '../../schema/index.ts';
import { createTestWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { captureLogger, codes, post, testConfig } from '../helpers/server.ts';
import { longSqlField } from '../helpers/long-sql.ts';
import { notFoundField, querySchema, quickField } from '../helpers/test-schema.ts';
import { EVENTUALLY } from '../helpers/wait.ts';

// A schema made for exercising the HTTP layer: recursion for depth, resolvers that fail in the
// ways real ones can, a slow one the test releases, and long DuckDB statements.
let openGate: () => void = () => {};
let gate = Promise.resolve();
let entered: () => void = () => {};
const resetGate = () => {
  let inside!: () => void;
  const enteredPromise = new Promise<void>((resolve) => (inside = resolve));
  entered = inside;
  gate = new Promise<void>((resolve) => (openGate = resolve));
  return enteredPromise;
};
const settled: string[] = [];

const Node: GraphQLObjectType = new GraphQLObjectType({
  name: 'Node',
  fields: () => ({
    name: { type: GraphQLString, resolve: () => 'n' },
    child: { type: Node, resolve: () => ({}) },
  }),
});
const fields: GraphQLFieldConfigMap<unknown, RequestContext> = {
  node: { type: Node, resolve: () => ({}) },
  slow: {
    type: GraphQLString,
    resolve: async () => {
      entered();
      await gate;
      return 'done';
    },
  },
  longSql: longSqlField(settled),
  quick: quickField(),
  sqlLeak: {
    type: GraphQLString,
    resolve: () => {
      throw new Error(
        'Binder Error: Referenced column "secret" not found in FROM clause!\nLINE 1: select secret from load_log',
      );
    },
  },
  codedLeak: {
    type: GraphQLString,
    resolve: () => {
      throw new GraphQLError('Catalog Error: Table with name dim_secret does not exist!', {
        extensions: { code: 'NOT_FOUND' },
      });
    },
  },
  notFound: notFoundField(),
  forbidden: {
    type: GraphQLString,
    resolve: () => {
      throw new GraphQLError('Access denied', { extensions: { code: 'UNAUTHORIZED' } });
    },
  },
};
const schema = querySchema(fields);

const nested = (depth: number) => {
  let selection = 'name';
  for (let i = 1; i < depth; i++) selection = `child { ${selection} }`;
  return `{ node { ${selection} } }`.replace('{ node { child', '{ node { child');
};

let wh: TestWarehouse;
let server: RunningCoopstat;
let url: string;
const log = captureLogger();

beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(testConfig(wh.db, { COOPSTAT_QUERY_TIMEOUT_MS: '400' }), {
    port: 0,
    schema,
    logger: log.logger,
  });
  url = server.graphqlUrl;
});
afterAll(async () => {
  openGate();
  await server?.close();
  await wh?.cleanup();
});

describe('query depth', () => {
  it('accepts 12 levels and refuses 13 with QUERY_TOO_DEEP, stating the limit', async () => {
    // `node` is level 1: nested(11) has 12 levels of fields.
    const ok = await post(url, { query: nested(11) });
    expect(ok.json.errors).toBeUndefined();
    const deep = await post(url, { query: nested(12) });
    expect(deep.status).toBe(400);
    expect(codes(deep.json)).toEqual(['QUERY_TOO_DEEP']);
    expect(deep.json.errors![0]!.message).toBe(
      'a query may nest fields at most 12 deep, but got depth 13',
    );
    expect(deep.json.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_DEEP', limit: 12 });
  });

  it('counts depth through fragments, and aliases wherever a fragment is spread', async () => {
    const viaFragments = `{ node { ...A } }
      fragment A on Node { child { child { child { ...B } } } }
      fragment B on Node { child { child { child { ...C } } } }
      fragment C on Node { child { child { child { child { child { name } } } } } }`;
    expect(codes((await post(url, { query: viaFragments })).json)).toEqual(['QUERY_TOO_DEEP']);

    const spreads = Array.from({ length: 4 }, (_, i) => `n${i}: node { ...Eight }`).join(' ');
    const eight = Array.from({ length: 8 }, (_, i) => `x${i}: name`).join(' ');
    const aliased = `{ ${spreads} } fragment Eight on Node { ${eight} }`;
    const res = await post(url, { query: aliased });
    expect(codes(res.json)).toEqual(['TOO_MANY_ALIASES']);
    expect(res.json.errors![0]!.message).toBe('a query may use at most 30 aliases, but got 36');
  });
});

describe('errors a client must not see', () => {
  it('hides a DuckDB error as INTERNAL_SERVER_ERROR "internal error" and logs the original', async () => {
    log.lines.length = 0;
    const { json } = await post(url, { query: '{ sqlLeak }' });
    expect(json.errors).toEqual([
      {
        message: 'internal error',
        locations: [{ line: 1, column: 3 }],
        path: ['sqlLeak'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(JSON.stringify(json)).not.toMatch(/secret|Binder|select/i);
    const logged = log.lines.find((l) => l.message === 'error hidden from the client');
    expect(logged).toMatchObject({
      level: 'error',
      code: 'INTERNAL_SERVER_ERROR',
      error: { message: expect.stringContaining('Binder Error') },
    });
  });

  it('keeps the code of a coded error but replaces a message that carries SQL', async () => {
    const leak = await post(url, { query: '{ codedLeak }' });
    expect(leak.json.errors![0]).toMatchObject({
      message: 'not found',
      extensions: { code: 'NOT_FOUND' },
    });
    const plain = await post(url, { query: '{ notFound }' });
    expect(plain.json.errors![0]).toMatchObject({
      message: 'no province with code 99',
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it("maps type-graphql's UNAUTHORIZED to FORBIDDEN", async () => {
    const { json } = await post(url, { query: '{ forbidden }' });
    expect(json.errors![0]).toMatchObject({
      message: 'Access denied',
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('sends stack traces only when COOPSTAT_STACKTRACES is on', async () => {
    const { json } = await post(url, { query: '{ sqlLeak notFound }' });
    for (const error of json.errors!) expect(error.extensions).not.toHaveProperty('stacktrace');

    const debug = await startCoopstatServer(testConfig(wh.db, { COOPSTAT_STACKTRACES: 'true' }), {
      port: 0,
      schema,
    });
    try {
      const traced = await post(debug.graphqlUrl, { query: '{ notFound sqlLeak }' });
      expect(traced.json.errors!.map((e) => Array.isArray(e.extensions!.stacktrace))).toEqual([
        true,
        true,
      ]);
      // Even then, the message of a hidden error stays hidden.
      expect(traced.json.errors![1]!.message).toBe('internal error');
    } finally {
      await debug.close();
    }
  });
});

describe('execution time limit', () => {
  it('stops a long statement with QUERY_TIMEOUT while other requests on the snapshot go on', async () => {
    settled.length = 0;
    // Each request has a connection of its own: the quick one runs while the long one is
    // stopped by the limit, which applies to the long one's statement only.
    const [long, quick] = await Promise.all([
      post(url, { query: '{ longSql }' }),
      new Promise((resolve) => setTimeout(resolve, 150)).then(() =>
        post(url, { query: '{ quick }' }),
      ),
    ]);
    expect(long.status).toBe(503);
    expect(long.json).toEqual({
      data: null,
      errors: [
        {
          message: 'a query must finish within 0.4 s, but this one was stopped after 0.4 s',
          extensions: { code: 'QUERY_TIMEOUT', limitMs: 400 },
        },
      ],
    });
    expect(long.headers.get('cache-control')).toBe('no-store');
    expect(settled).toEqual(['INTERRUPT Error: Interrupted!']);
    expect(quick.json).toEqual({ data: { quick: 7 } });
  });

  it('stops the statement of a client that goes away', async () => {
    settled.length = 0;
    const controller = new AbortController();
    const request = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ longSql }' }),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(request).rejects.toThrow(/abort/i);
    await vi.waitFor(() => expect(settled).toEqual(['INTERRUPT Error: Interrupted!']), {
      timeout: 5_000,
    });
  });
});

describe('request log', () => {
  it('writes one JSON line per request, without variables or query text', async () => {
    log.lines.length = 0;
    await post(url, {
      query: 'query Named($secret: String) { quick(tag: $secret) }',
      variables: { secret: 'nguyen-van-a@example.vn' },
      operationName: 'Named',
    });
    await fetch(`${server.origin}/health`);
    await vi.waitFor(() => expect(log.lines).toHaveLength(2), EVENTUALLY);
    expect(log.lines[0]).toEqual({
      time: expect.stringMatching(/Z$/),
      level: 'info',
      message: 'request',
      method: 'POST',
      path: '/graphql',
      operationName: 'Named',
      status: 200,
      durationMs: expect.any(Number),
      dataVersion: server.reader.dataVersion,
      errorCodes: [],
    });
    expect(log.lines[1]).toMatchObject({
      method: 'GET',
      path: '/health',
      status: 200,
      dataVersion: null,
    });
    expect(JSON.stringify(log.lines)).not.toMatch(/nguyen|secret|quick/);

    log.lines.length = 0;
    await post(url, { query: '{ nope }' });
    await vi.waitFor(() => expect(log.lines).toHaveLength(1), EVENTUALLY);
    expect(log.lines[0]).toMatchObject({ status: 400, errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
  });
});

describe('shutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then closes the warehouse', async () => {
    const own = await startCoopstatServer(testConfig(wh.db), { port: 0, schema });
    const inside = resetGate();
    const inFlight = post(own.graphqlUrl, { query: '{ slow }' });
    await inside;
    const closed = own.close();
    let closedYet = false;
    void closed.then(() => (closedYet = true));

    await expect(fetch(`${own.origin}/health`)).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closedYet).toBe(false);

    openGate();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { slow: 'done' } });
    await closed;
    expect(await own.reader.ready()).toMatchObject({ ok: false, detail: 'the reader is closed' });
  });

  it('cuts requests still running after the grace period', async () => {
    const own = await startCoopstatServer(
      testConfig(wh.db, { COOPSTAT_SHUTDOWN_GRACE_MS: '200' }),
      {
        port: 0,
        schema,
      },
    );
    const inside = resetGate();
    const inFlight = post(own.graphqlUrl, { query: '{ slow }' });
    await inside;
    // The slow request stays held until the gate opens below: close() returning at all means
    // it cut that request after the grace period instead of waiting for it.
    await own.close();
    await expect(inFlight).rejects.toThrow();
    openGate();
  });

  it('answers /ready with 503 once the warehouse is closed', async () => {
    const own = await startCoopstatServer(testConfig(wh.db), { port: 0, schema });
    try {
      await own.reader.close();
      const res = await fetch(`${own.origin}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        status: 'not ready',
        dataVersion: null,
        schemaVersion: null,
        detail: 'the reader is closed',
      });
      expect((await fetch(`${own.origin}/health`)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});
