import { getOperationAST } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationKey } from '../../../server/plugins/plan-cache.plugin.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { createApiKey } from '../../../warehouse/keys/key-store.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';
import { codes, post, testConfig } from '../../helpers/server.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
let readerKey: string;

beforeAll(async () => {
  wh = await createTestWarehouse();
  readerKey = (await createApiKey(wh.db, { name: 'analyst', role: 'reader' })).key;
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

describe('operation key', () => {
  it('drops comments and nothing else, so every token keeps its line and column', () => {
    expect(operationKey('# pull 17\nquery A { a # x\n  b(s: "#not a comment") }  # end')).toBe(
      '\nquery A { a \n  b(s: "#not a comment") }  ',
    );
    expect(operationKey('{ a }')).toBe('{ a }');
  });

  it('has no key for a text that does not lex', () => {
    expect(operationKey('# c\n{ a(s: "unterminated) }')).toBeUndefined();
  });
});

describe('plan cache', () => {
  const unit = (comment: string) =>
    `${comment}\nquery Unit($code: String!) {\n  adminUnit(code: $code, validOn: "2024-12-31") { code nameVi }\n}`;

  it('reuses the validated document when only a comment changes, and answers each request anew', async () => {
    const cache = server.app.planCache;
    const first = await post(server.graphqlUrl, { query: unit('# 1'), variables: { code: '19' } });
    const hits = cache.hits;
    const second = await post(server.graphqlUrl, {
      query: unit('# a much longer comment, 2'),
      variables: { code: '12' },
    });
    expect(cache.hits).toBe(hits + 1);
    expect(first.json.data).toEqual({ adminUnit: { code: '19', nameVi: 'Tỉnh Thái Nguyên' } });
    expect(second.json.data).toEqual({ adminUnit: { code: '12', nameVi: 'Tỉnh Lai Châu' } });
  });

  it('reports the locations of the text sent for an error raised in a kept document', async () => {
    await post(server.graphqlUrl, { query: unit('#'), variables: { code: '19' } });
    const hits = server.app.planCache.hits;
    const res = await post(server.graphqlUrl, {
      query: unit('# a comment of another length'),
      variables: { code: '99' },
    });
    expect(server.app.planCache.hits).toBe(hits + 1);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((res.json.errors?.[0] as { locations?: unknown }).locations).toEqual([
      { line: 3, column: 3 },
    ]);
  });

  it('answers syntax and validation errors at the locations of the text sent', async () => {
    const valid = '# x\n{ adminUnits(level: PROVINCE) { code } }';
    await post(server.graphqlUrl, { query: valid });
    const syntax = await post(server.graphqlUrl, { query: '# comment\n\n{ adminUnits( }' });
    expect(syntax.json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect((syntax.json.errors?.[0] as { locations?: unknown }).locations).toEqual([
      { line: 3, column: 15 },
    ]);
    const invalid = await post(server.graphqlUrl, {
      query: '# other\n{ adminUnits(level: PROVINCE) {\n  nope } }',
    });
    expect(invalid.json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((invalid.json.errors?.[0] as { locations?: unknown }).locations).toEqual([
      { line: 3, column: 3 },
    ]);
  });
});

describe('the queries kept for the warm-up of a new snapshot', () => {
  /** The queries the warm-up would replay whose operation name starts with `Kept`. */
  const kept = () =>
    server.app.planCache
      .recent(32)
      .map((q) => ({
        name: getOperationAST(q.document, q.operationName)?.name?.value,
        variables: q.variables,
      }))
      .filter((q) => q.name?.startsWith('Kept'));
  const unit = (comment: string) =>
    `# ${comment}\nquery KeptUnit($code: String!) {\n  adminUnit(code: $code, validOn: "2024-12-31") { code nameVi }\n}`;
  /** `adminUnit { successors { predecessors { … } } }`, `levels` fields deep. */
  const nested = (name: string, levels: number) => {
    let selection = 'code';
    for (let level = 1; level < levels; level += 1) {
      selection = `${level % 2 ? 'successors' : 'predecessors'} { ${selection} }`;
    }
    return `query ${name} { adminUnit(code: "19", validOn: "2024-12-31") { ${selection} } }`;
  };

  it('keeps a query answered without error to a request with no key, with its own variables, and nothing refused', async () => {
    const answered = await post(server.graphqlUrl, { query: unit('1'), variables: { code: '19' } });
    expect(answered.json.errors).toBeUndefined();
    // The same operation with other variables, answered with an error: not kept, and the kept
    // one keeps its own variables.
    const notFound = await post(server.graphqlUrl, { query: unit('2'), variables: { code: '99' } });
    expect(codes(notFound.json)).toEqual(['NOT_FOUND']);
    // Answered, but to a request with a key: a warm-up runs as an anonymous reader.
    const keyed = await post(
      server.graphqlUrl,
      { query: unit('3'), variables: { code: '12' } },
      { authorization: `Bearer ${readerKey}` },
    );
    expect(keyed.json.data).toEqual({ adminUnit: { code: '12', nameVi: 'Tỉnh Lai Châu' } });
    // Valid documents refused by a limit before execution.
    const tooDeep = await post(server.graphqlUrl, { query: nested('KeptTooDeep', 14) });
    expect(codes(tooDeep.json)).toEqual(['QUERY_TOO_DEEP']);
    const tooCostly = await post(server.graphqlUrl, { query: nested('KeptTooCostly', 7) });
    expect(codes(tooCostly.json)).toEqual(['QUERY_TOO_COMPLEX']);
    // Refused by validation, and a mutation (refused: no key).
    const invalid = await post(server.graphqlUrl, {
      query: 'query KeptInvalid { adminUnits(level: PROVINCE) { nope } }',
    });
    expect(codes(invalid.json)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const mutation = await post(server.graphqlUrl, {
      query: 'mutation KeptMutation { release(years: [2024]) { releaseNo } }',
    });
    expect(mutation.json.errors).toBeDefined();

    expect(kept()).toEqual([{ name: 'KeptUnit', variables: { code: '19' } }]);
  });

  it('lists the most recently answered first, one entry per operation and variables', async () => {
    await post(server.graphqlUrl, { query: unit('4'), variables: { code: '12' } });
    await post(server.graphqlUrl, { query: unit('5'), variables: { code: '19' } });
    expect(kept()).toEqual([
      { name: 'KeptUnit', variables: { code: '19' } },
      { name: 'KeptUnit', variables: { code: '12' } },
    ]);
  });
});
