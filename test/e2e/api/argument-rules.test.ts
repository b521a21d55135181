import { describe, expect, it } from 'vitest';
import { captureLogger, codes, post, serveDefaultWarehouse } from '../../helpers/server.ts';

/**
 * One rule for every argument, over real HTTP: each is checked against what exists (sources,
 * loaded years, cursors, page sizes) with the same code wherever it appears; messages never
 * repeat a long value whole; input errors are logged at info, never at error with a stack.
 */

const log = captureLogger();
const served = serveDefaultWarehouse(log.logger);
const url = (): string => served().server.graphqlUrl;

const SOURCE_RULE = "source must be one of MINISTRY, OTHER, PROVINCIAL, PSO, VCA, but got 'FOO'";

describe('sources are checked against the warehouse', () => {
  it.each([
    ['membership', '{ membership(year: 2024, source: "FOO") { source } }'],
    ['valueChain', '{ valueChain(year: 2024, source: "FOO") { source } }'],
    ['highTech', '{ highTech(year: 2024, source: "FOO") { source } }'],
    ['quality', '{ quality(year: 2024, source: "FOO") { source } }'],
    ['series', '{ series(indicator: "htx_count", source: "FOO") { source } }'],
    ['ranking', '{ ranking(indicator: "htx_count", year: 2024, source: "FOO") { year } }'],
  ])('%s refuses an unknown source', async (_field, query) => {
    const { json } = await post(url(), { query });
    expect(codes(json)).toEqual(['BAD_USER_INPUT']);
    expect(json.errors![0]!.message).toBe(SOURCE_RULE);
    expect(json.errors![0]!.extensions!.argument).toBe('source');
  });

  it('progress(sources) follows the same rule', async () => {
    const { json } = await post(url(), {
      query: `{ plan(id: "nq-20-nq-tw-2022") { targets { progress(asOf: 2025, sources: ["MINISTRY", "FOO"]) { status } } } }`,
    });
    expect(new Set(codes(json))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(json.errors![0]!.message).toBe(
      "sources must be one of MINISTRY, OTHER, PROVINCIAL, PSO, VCA, but got 'FOO'",
    );
  });

  it('a source in lower case is the same source', async () => {
    const { json } = await post(url(), {
      query: '{ series(indicator: "htx_count", source: "ministry") { source } }',
    });
    expect(json.errors).toBeUndefined();
    expect(json.data).toEqual({ series: { source: 'MINISTRY' } });
  });

  it('an input that looks like SQL gets the same detailed message as any other', async () => {
    const injection = "x' OR '1'='1; select * from dim_source --";
    const { json } = await post(url(), {
      query: 'query Q($s: String) { membership(year: 2024, source: $s) { source } }',
      variables: { s: injection },
    });
    expect(codes(json)).toEqual(['BAD_USER_INPUT']);
    expect(json.errors![0]!.message).toMatch(
      /^source must be one of MINISTRY, OTHER, PROVINCIAL, PSO, VCA, but got /,
    );
  });
});

describe('years, cursors and page sizes', () => {
  it('ranking of a year without figures is YEAR_NOT_LOADED, as the reports are', async () => {
    for (const query of [
      '{ ranking(indicator: "htx_count", year: 2010) { year } }',
      '{ membership(year: 2010) { source } }',
    ]) {
      const { json } = await post(url(), { query });
      expect(codes(json)).toEqual(['YEAR_NOT_LOADED']);
      expect(json.errors![0]!.message).toMatch(
        /^year 2010 has no figures loaded; years with figures: 2015, /,
      );
    }
  });

  it('refuses a forged cursor, an empty cursor and a page size below 1 on every list', async () => {
    const version = served().server.reader.dataVersion;
    const forged = Buffer.from(JSON.stringify({ v: version, o: 99_999_999_999 })).toString(
      'base64url',
    );
    const observations =
      'query O($after: String, $first: Int!) { observations(first: $first, after: $after) { totalCount } }';
    for (const after of [forged, '']) {
      const { json } = await post(url(), { query: observations, variables: { after, first: 10 } });
      expect(codes(json)).toEqual(['BAD_USER_INPUT']);
      expect(json.errors![0]!.extensions!.argument).toBe('after');
    }
    const page = await post(url(), { query: observations, variables: { first: 2 } });
    expect(page.json.errors).toBeUndefined();

    for (const query of [
      '{ observations(first: 0) { totalCount } }',
      '{ loads(first: 0) { id } }',
    ]) {
      const { json } = await post(url(), { query });
      expect(codes(json)).toEqual(['BAD_USER_INPUT']);
      expect(json.errors![0]!.message).toMatch(/first must not be less than 1/);
    }
  });
});

describe('messages and logs', () => {
  it('cuts a long value to a short prefix with its length', async () => {
    const code = 'A'.repeat(90_000);
    const { json } = await post(url(), {
      query: 'query U($code: String!) { adminUnit(code: $code) { nameVi } }',
      variables: { code },
    });
    expect(json.errors).toHaveLength(1);
    const message = json.errors![0]!.message;
    expect(message.length).toBeLessThan(300);
    expect(message).toContain(`'${'A'.repeat(40)}…' (90000 characters)`);

    const source = await post(url(), {
      query: 'query M($s: String) { membership(year: 2024, source: $s) { source } }',
      variables: { s: 'B'.repeat(5_000) },
    });
    expect(source.json.errors![0]!.message).toBe(
      `source must be one of MINISTRY, OTHER, PROVINCIAL, PSO, VCA, but got '${'B'.repeat(40)}…' (5000 characters)`,
    );
  });

  it('logs input errors at info, without stacks, and nothing at error', async () => {
    const errors = log.lines.filter((l) => l.level === 'error' || l.level === 'warn');
    expect(errors).toEqual([]);
    const refused = log.lines.filter(
      (l) => l.message === 'request' && (l.errorCodes as string[] | undefined)?.length,
    );
    expect(refused.length).toBeGreaterThan(10);
    for (const line of refused) {
      expect(line.level).toBe('info');
      expect(JSON.stringify(line)).not.toMatch(/stack/);
    }
  });
});

describe('a value is read whole, whatever characters it holds', () => {
  it.each([
    ['adminUnit', '{ adminUnit(code: "01\\u001f19") { code } }', 'BAD_USER_INPUT'],
    ['plan', '{ plan(id: "x\\u001fnq-20-nq-tw-2022") { id } }', 'NOT_FOUND'],
    ['plan, a separator alone', '{ plan(id: "\\u001f") { id } }', 'NOT_FOUND'],
  ])(
    '%s: a unit separator inside an argument does not split it into two',
    async (_f, query, code) => {
      const { json } = await post(url(), { query });
      expect(codes(json)).toEqual([code]);
    },
  );
});
