import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

/**
 * The GraphQL route's answers before Apollo runs: a `304` for a client that holds the current
 * ETag costs no execution, and only a request Apollo's CSRF prevention would execute gets one.
 * The response cache is off, so every answer that is not a 304 is executed.
 */
const QUERY = '{ dataVersion { version publishedAt } }';

let wh: TestWarehouse;
let server: RunningCoopstat;
let url: string;

beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(
    loadConfig({ COOPSTAT_DB: wh.db, LOG_LEVEL: 'silent', COOPSTAT_RESPONSE_CACHE_BYTES: '0' }),
    { port: 0 },
  );
  url = server.graphqlUrl;
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

const executions = () =>
  server.app.executionStats.compiledRuns + server.app.executionStats.interpretedRuns;

const getQuery = (headers: Record<string, string>) =>
  fetch(`${url}?${new URLSearchParams({ query: QUERY })}`, { headers });

describe('GET and POST /graphql with If-None-Match', () => {
  it('answers 304 with the ETag the request got before, without executing it again', async () => {
    const first = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(first.status).toBe(200);
    await first.text();
    const etag = first.headers.get('etag')!;
    const before = executions();

    const again = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'if-none-match': etag },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=60, must-revalidate');
    expect(again.headers.get('vary')).toBe('accept, authorization, x-api-key');
    const byGet = await getQuery({ 'apollo-require-preflight': 'true', 'if-none-match': etag });
    expect(byGet.status).toBe(304);
    expect(executions()).toBe(before);
  });

  it('gives the graphql-response+json representation its own ETag', async () => {
    const json = await getQuery({ 'apollo-require-preflight': 'true' });
    const graphqlResponse = await getQuery({
      'apollo-require-preflight': 'true',
      accept: 'application/graphql-response+json',
    });
    expect(graphqlResponse.headers.get('content-type')).toBe(
      'application/graphql-response+json; charset=utf-8',
    );
    expect(await graphqlResponse.text()).toBe(await json.text());
    expect(graphqlResponse.headers.get('etag')).not.toBe(json.headers.get('etag'));
    const revalidated = await getQuery({
      'apollo-require-preflight': 'true',
      accept: 'application/graphql-response+json',
      'if-none-match': graphqlResponse.headers.get('etag')!,
    });
    expect(revalidated.status).toBe(304);
  });

  it('refuses a GET that CSRF prevention blocks even when it holds the current ETag', async () => {
    const first = await getQuery({ 'apollo-require-preflight': 'true' });
    const etag = first.headers.get('etag')!;
    await first.text();
    // A safelisted content type whose parameter mentions JSON is still a simple request.
    const simple: Record<string, string>[] = [
      { 'content-type': 'text/plain; note=application/json' },
      { 'apollo-require-preflight': '' },
      {},
    ];
    for (const headers of simple) {
      const res = await getQuery({ ...headers, 'if-none-match': etag });
      expect(res.status, JSON.stringify(headers)).toBe(400);
      const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
      expect(body.errors[0]!.extensions.code).toBe('BAD_REQUEST');
    }
  });
});
