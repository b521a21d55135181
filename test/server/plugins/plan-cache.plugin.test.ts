import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationKey } from '../../../server/plugins/plan-cache.plugin.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';
import { post, testConfig } from '../../helpers/server.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;

beforeAll(async () => {
  wh = await createTestWarehouse();
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
