import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { buildCoopstatSchema } from '../../../schema/index.ts';
import {
  EXPLORER_EXAMPLES,
  startCoopstatServer,
  type RunningCoopstat,
} from '../../../server/coopstat-server.ts';
import { estimateCost, type QueryCostOptions } from '../../../server/plugins/query-cost.plugin.ts';
import { operation } from '../../helpers/api.ts';
import { createTestWarehouse, fixture, type TestWarehouse } from '../../helpers/warehouse.ts';
import { codes, post, testConfig } from '../../helpers/server.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
let strict: RunningCoopstat;
let schema: GraphQLSchema;

const DEFAULT_MAX_COST = 50_000;
const OPTIONS: QueryCostOptions = { maxCost: DEFAULT_MAX_COST, maxListSize: 1000 };

beforeAll(async () => {
  wh = await createTestWarehouse();
  await loadFile(fixture('api', 'provinces-2021-2025.csv'), { db: wh.db, maxYear: 2026 });
  schema = await buildCoopstatSchema();
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
  strict = await startCoopstatServer(testConfig(wh.db, { COOPSTAT_MAX_COST: '1000' }), {
    port: 0,
  });
});
afterAll(async () => {
  await server?.close();
  await strict?.close();
  await wh?.cleanup();
});

/** The estimated cost of the (only) operation of `text`. */
function cost(text: string, variables: Record<string, unknown> = {}): number {
  const document = parse(text);
  const op = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return estimateCost(schema, document, op, variables, OPTIONS);
}

const NESTED = '{ adminUnits { successors { predecessors { successors { id } } } } }';

describe('the cost estimate', () => {
  it('counts 1 per field and multiplies what a list selects by its size', () => {
    expect(cost('{ dataVersion { version publishedAt } }')).toBe(3);
    // 1 + 20 × (id + fileName)
    expect(cost('{ loads(first: 20) { id fileName } }')).toBe(41);
    // `first` as a variable, and capped at the page-size limit (execution refuses more).
    expect(cost('query($n: Int) { loads(first: $n) { id } }', { n: 7 })).toBe(8);
    expect(cost('query($n: Int) { loads(first: $n) { id } }', { n: 5000 })).toBe(1001);
    // `first` left out: the argument's default (observations: 100), else 100 for a page.
    expect(cost('{ observations { nodes { year } } }')).toBe(1 + (1 + 100));
    expect(cost('{ loads { id } }')).toBe(101);
    // A connection hands its page size to its lists, not to pageInfo.
    expect(
      cost(
        '{ observations(first: 10) { totalCount pageInfo { hasNextPage } nodes { year value } edges { cursor node { year } } } }',
      ),
    ).toBe(1 + (1 + 2 + (1 + 10 * 2) + (1 + 10 * (1 + 2))));
    // Provinces: 100; a report of one area: 1; any other list: 10.
    expect(cost('{ adminUnits { id } }')).toBe(101);
    expect(cost('{ membership(level: PROVINCE, year: 2024) { source } }')).toBe(101);
    expect(cost('{ membership(year: 2024) { source } }')).toBe(2);
    expect(cost('{ indicators { code } }')).toBe(11);
    expect(cost(NESTED)).toBe(1 + 100 * (1 + 10 * (1 + 10 * (1 + 10 * 1))));
  });

  it('costs fragments where they are spread, and introspection nothing', () => {
    expect(
      cost(
        '{ a: loads(first: 2) { ...L } b: loads(first: 3) { ...L } } fragment L on Load { id fileName }',
      ),
    ).toBe(1 + 2 * 2 + (1 + 3 * 2));
    expect(cost('{ __schema { types { name fields { name } } } }')).toBe(0);
  });

  it('lets every test operation and explorer example through the default limit', () => {
    const dir = fileURLToPath(new URL('../../operations/', import.meta.url));
    const texts = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.graphql'))
        .map((f) => operation(f.replace(/\.graphql$/, ''))),
      ...EXPLORER_EXAMPLES.map((e) => e.query),
    ];
    const costs = texts.map((t) => cost(t));
    expect(Math.max(...costs)).toBeLessThanOrEqual(DEFAULT_MAX_COST);
    expect(cost(operation('dashboard'))).toBe(14_125);
  });
});

describe('over HTTP', () => {
  it('runs the dashboard under the default limit', async () => {
    const { status, json } = await post(server.graphqlUrl, {
      query: operation('dashboard'),
      variables: { year: 2024 },
    });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect((json.data as { membership: unknown[] }).membership).toHaveLength(63);
  });

  it('refuses a document with more tokens than the limit with TOO_MANY_TOKENS, before parsing it all', async () => {
    // 20,000 tokens of one field repeated: under the 100 kB document limit, over 10,000 tokens.
    const query = `{ ${'dataVersion { version } '.repeat(4000)}}`;
    const { status, json } = await post(server.graphqlUrl, { query });
    expect(status).toBe(400);
    expect(json.errors).toEqual([
      {
        message: 'a query may have at most 10000 tokens, but got more (parsing stopped there)',
        extensions: { code: 'TOO_MANY_TOKENS', limit: 10000 },
      },
    ]);
  });

  it('refuses a costly operation before execution with QUERY_TOO_COMPLEX, its cost and the limit', async () => {
    const { status, json } = await post(server.graphqlUrl, { query: NESTED });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors).toEqual([
      {
        message: `a query may cost at most ${DEFAULT_MAX_COST} (1 per field, times the items of each list around it), but got an estimated 111101`,
        extensions: { code: 'QUERY_TOO_COMPLEX', cost: 111_101, limit: DEFAULT_MAX_COST },
      },
    ]);
    // GET is refused the same way.
    const search = new URLSearchParams({ query: NESTED });
    const get = await fetch(`${server.graphqlUrl}?${search}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(400);
    expect(codes((await get.json()) as never)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('reads the limit from COOPSTAT_MAX_COST, and counts `first` from the variables', async () => {
    const dashboard = await post(strict.graphqlUrl, {
      query: operation('dashboard'),
      variables: { year: 2024 },
    });
    expect(dashboard.status).toBe(400);
    expect(dashboard.json.errors?.[0]?.message).toBe(
      'a query may cost at most 1000 (1 per field, times the items of each list around it), but got an estimated 14125',
    );
    const query = 'query Loads($n: Int) { loads(first: $n) { id } }';
    const fits = await post(strict.graphqlUrl, { query, variables: { n: 999 } });
    expect(fits.status).toBe(200);
    expect(codes(fits.json)).toEqual([]);
    const over = await post(strict.graphqlUrl, { query, variables: { n: 1000 } });
    expect(codes(over.json)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('refuses batched JSON arrays: Apollo batching is off (allowBatchedHttpRequests defaults to false)', async () => {
    const one = { query: '{ dataVersion { version } }' };
    const res = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 50 }, () => one)),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('Operation batching disabled.');
    expect(text).not.toContain('"data"');
  });
});
