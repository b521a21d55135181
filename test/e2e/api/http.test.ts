import { spawn } from 'node:child_process';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { serverCommand } from '../../helpers/cli.ts';
import {
  createTestWarehouse,
  example,
  query,
  type TestWarehouse,
  REFERENCE_UNIT_IDS,
} from '../../helpers/warehouse.ts';
import { codes, get, post, testConfig, type GraphqlResponse } from '../../helpers/server.ts';
import { EVENTUALLY } from '../../helpers/wait.ts';

const LOADS = `query Loads($first: Int, $family: LoadFamily) {
  loads(first: $first, family: $family) {
    id family fileName sha256 fileBytes sourceCode years unitIds
    rowsRead rowsAccepted rowsRejected warnings valuesAdded valuesChanged valuesRemoved valuesUnchanged
    startedAt finishedAt outcome dataVersion loadedBy
  }
}`;
const DATA_VERSION = '{ dataVersion { version publishedAt loadId note } }';
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let wh: TestWarehouse;
let server: RunningCoopstat;
let url: string;
let initialVersion: number;

beforeAll(async () => {
  wh = await createTestWarehouse();
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
  url = server.graphqlUrl;
  initialVersion = server.reader.dataVersion;
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

describe('the load log over HTTP', () => {
  it('answers a POST with the load log and the data version, as the warehouse has them', async () => {
    const expected = await query<Record<string, unknown>>(
      wh.db,
      `select load_id, family, file_name, data_version, rows_read, values_added from load_log order by load_id desc`,
    );
    const { status, json, headers } = await post(url, { query: LOADS, variables: { first: 10 } });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    const loads = json.data!.loads as Record<string, unknown>[];
    expect(
      loads.map((l) => ({
        load_id: l.id,
        family: String(l.family).toLowerCase(),
        file_name: l.fileName,
        data_version: l.dataVersion,
        rows_read: l.rowsRead,
        values_added: l.valuesAdded,
      })),
    ).toEqual(expected);
    const reference = loads.find((l) => l.family === 'REFERENCE')!;
    expect(reference).toMatchObject({
      fileName: 'warehouse/reference/published-figures-national.csv',
      outcome: 'PUBLISHED',
      // The nation and the units of the provincial reference figures.
      unitIds: [...REFERENCE_UNIT_IDS],
      rowsRejected: 0,
      loadedBy: 'coopstat init',
      sourceCode: null,
    });
    expect(reference.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(reference.startedAt).toMatch(ISO_UTC);
    expect(reference.finishedAt).toMatch(ISO_UTC);
    expect(reference.years).toContain(2024);

    const version = await post(url, { query: DATA_VERSION });
    expect(version.json.data!.dataVersion).toMatchObject({
      version: initialVersion,
      loadId: loads[0]!.id,
    });
    expect((version.json.data!.dataVersion as { publishedAt: string }).publishedAt).toMatch(
      ISO_UTC,
    );
  });

  it('filters and pages the load log', async () => {
    const all = (await post(url, { query: LOADS })).json.data!.loads as { id: number }[];
    const reference = await post(url, { query: LOADS, variables: { family: 'REFERENCE' } });
    expect((reference.json.data!.loads as { family: string }[]).map((l) => l.family)).toEqual([
      'REFERENCE',
    ]);
    const page = await post(url, {
      query: '{ loads(first: 1, before: 2) { id } }',
    });
    expect(page.json.data!.loads).toEqual([{ id: 1 }]);
    expect(all.map((l) => l.id)).toEqual([...all.map((l) => l.id)].sort((a, b) => b - a));
  });

  it('answers a GET that sends the CSRF-prevention header, and refuses a plain one', async () => {
    const plain = await get(url, { query: DATA_VERSION });
    expect(plain.status).toBe(400);
    const refused = (await plain.json()) as GraphqlResponse;
    expect(codes(refused)).toEqual(['BAD_REQUEST']);
    expect(refused.errors![0]!.message).toMatch(/Cross-Site Request Forgery/);
    expect(plain.headers.get('cache-control')).toBe('no-store');

    const preflight = await get(
      url,
      { query: DATA_VERSION },
      { 'apollo-require-preflight': 'true' },
    );
    expect(preflight.status).toBe(200);
    expect(((await preflight.json()) as GraphqlResponse).data).toMatchObject({
      dataVersion: { version: initialVersion },
    });

    const json = await get(url, { query: DATA_VERSION }, { 'content-type': 'application/json' });
    expect(json.status).toBe(200);
  });

  it('refuses a page larger than the page-size limit, and a page size below 1', async () => {
    const big = await post(url, { query: '{ loads(first: 5000) { id } }' });
    expect(codes(big.json)).toEqual(['PAGE_SIZE_TOO_LARGE']);
    expect(big.json.errors![0]!.message).toBe(
      'argument `first` must be at most 1000, but got 5000',
    );
    expect(big.headers.get('cache-control')).toBe('no-store');
    expect(big.headers.get('etag')).toBeNull();

    const zero = await post(url, { query: '{ loads(first: 0) { id } }' });
    expect(codes(zero.json)).toEqual(['BAD_USER_INPUT']);
    expect(zero.json.errors![0]!.message).toBe('invalid arguments: first must not be less than 1');
    expect(zero.json.errors![0]!.extensions!.validationErrors).toEqual([
      { argument: 'first', constraints: { min: 'first must not be less than 1' } },
    ]);
  });
});

describe('HTTP caching', () => {
  it('gives a strong ETag, answers If-None-Match with 304, and a new one after a load', async () => {
    const headers = { 'apollo-require-preflight': 'true' };
    const first = await get(url, { query: DATA_VERSION }, headers);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60, must-revalidate');
    await first.text();

    const again = await get(url, { query: DATA_VERSION }, { ...headers, 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);

    // The same query by POST has the same representation, hence the same ETag.
    const byPost = await post(url, { query: DATA_VERSION }, { 'if-none-match': `W/${etag}` });
    expect(byPost.status).toBe(304);

    // Other variables, another ETag.
    const v1 = await post(url, { query: LOADS, variables: { first: 1 } });
    const v2 = await post(url, { query: LOADS, variables: { first: 2 } });
    expect(v1.headers.get('etag')).not.toBe(v2.headers.get('etag'));

    const report = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    expect(report.dataVersion).toBe(initialVersion + 1);
    await vi.waitFor(() => expect(server.reader.dataVersion).toBe(initialVersion + 1), EVENTUALLY);

    const after = await get(url, { query: DATA_VERSION }, { ...headers, 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as GraphqlResponse).data).toMatchObject({
      dataVersion: { version: initialVersion + 1, note: 'aggregates aggregates-2024.csv' },
    });
    const loads = await post(url, { query: '{ loads(first: 1) { fileName family valuesAdded } }' });
    expect(loads.json.data!.loads).toEqual([
      {
        fileName: 'aggregates-2024.csv',
        family: 'AGGREGATES',
        valuesAdded: report.totals.added,
      },
    ]);
  });

  it('answers concurrent requests during a load, each from one whole snapshot', async () => {
    const before = server.reader.dataVersion;
    let loading = true;
    const answers: { status: number; version: number; first: string; errors?: unknown }[] = [];
    const client = async () => {
      while (loading) {
        const { status, json } = await post(url, {
          query: '{ dataVersion { version } loads(first: 1) { fileName dataVersion } }',
        });
        const data = json.data as {
          dataVersion: { version: number };
          loads: { fileName: string; dataVersion: number }[];
        };
        answers.push({
          status,
          version: data?.dataVersion.version,
          first: `${data?.loads[0]?.fileName}@${data?.loads[0]?.dataVersion}`,
          ...(json.errors ? { errors: json.errors } : {}),
        });
        // Paced, so that the load in this same process is not starved of the event loop.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const clients = Array.from({ length: 6 }, client);
    let report;
    try {
      // The register replaces the aggregates' slices: an explicit replace.
      report = await loadFile(example('register-2024.csv'), { db: wh.db, replace: true });
      // The reader opens the new snapshot beside the old one, which on a busy machine takes
      // longer than waitFor's default second.
      const published = report.dataVersion;
      await vi.waitFor(() => expect(server.reader.dataVersion).toBe(published), {
        timeout: 30_000,
        interval: 20,
      });
      await post(url, { query: '{ dataVersion { version } }' });
    } finally {
      // The clients stop whatever happened, so none is left sending to a closed server.
      loading = false;
      await Promise.all(clients);
    }

    expect(report.dataVersion).toBe(before + 1);
    expect(answers.filter((a) => a.status !== 200 || a.errors)).toEqual([]);
    // The newest load and the data version always come from the same snapshot.
    for (const a of answers) {
      expect(a.first).toBe(
        a.version === before ? `aggregates-2024.csv@${before}` : `register-2024.csv@${before + 1}`,
      );
    }
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set([before, before + 1]));
  });

  it('never caches an error response', async () => {
    const res = await post(url, { query: '{ nope }' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('etag')).toBeNull();
  });
});

describe('errors', () => {
  it('reports a malformed query as GRAPHQL_PARSE_FAILED', async () => {
    const { status, json } = await post(url, { query: '{ loads { id ' });
    expect(status).toBe(400);
    expect(codes(json)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(json.errors![0]!.message).toMatch(/^Syntax Error/);
  });

  it('reports an unknown field as GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, json } = await post(url, { query: '{ loads { id secret } }' });
    expect(status).toBe(400);
    expect(codes(json)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(json.errors![0]!.message).toBe('Cannot query field "secret" on type "Load".');
  });

  it('refuses more aliases than the limit, stating it', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: dataVersion { version }`);
    const { status, json } = await post(url, { query: `{ ${aliases.join(' ')} }` });
    expect(status).toBe(400);
    expect(codes(json)).toEqual(['TOO_MANY_ALIASES']);
    expect(json.errors![0]!.message).toBe('a query may use at most 30 aliases, but got 31');
    const ok = await post(url, { query: `{ ${aliases.slice(1).join(' ')} }` });
    expect(ok.json.errors).toBeUndefined();
  });

  it('refuses a document larger than the limit before parsing it', async () => {
    const padding = '#'.repeat(100_001);
    const { status, json } = await post(url, { query: `${padding}\n{ dataVersion { version } }` });
    expect(status).toBe(413);
    expect(codes(json)).toEqual(['DOCUMENT_TOO_LARGE']);
    expect(json.errors![0]!.message).toBe(
      'a query document must be at most 100000 bytes, but got 100029 bytes',
    );
  });

  it('answers the explorer’s introspection query despite the depth limit', async () => {
    const { json } = await post(url, { query: getIntrospectionQuery() });
    expect(json.errors).toBeUndefined();
    expect(json.data!.__schema).toBeDefined();
  });

  it('never sends a stack trace', async () => {
    for (const q of [
      '{ loads { id ',
      '{ nope }',
      '{ loads(first: 5000) { id } }',
      '{ loads(first: 0) { id } }',
    ]) {
      const { json } = await post(url, { query: q });
      expect(json.errors!.length).toBeGreaterThan(0);
      for (const error of json.errors!) expect(error.extensions).not.toHaveProperty('stacktrace');
    }
  });
});

describe('health and readiness', () => {
  it('answers /health without the warehouse and /ready with its versions', async () => {
    const health = await fetch(`${server.origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      dataVersion: server.reader.dataVersion,
      schemaVersion: expect.any(Number),
    });
    expect(ready.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the dashboard at / and the explorer at /explorer', async () => {
    const root = await fetch(`${server.origin}/`, { redirect: 'manual' });
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('id="coopstat-dashboard-config"');
    const page = await fetch(`${server.origin}/explorer`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('answers unknown routes with 404 and other methods on /graphql with 405', async () => {
    expect((await fetch(`${server.origin}/nope`)).status).toBe(404);
    const put = await fetch(url, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });
});

describe('the process', () => {
  it('exits with the rule and the value when the configuration is invalid', async () => {
    const [command, args] = serverCommand();
    const child = spawn(command, args, {
      env: { ...process.env, PORT: 'abc', COOPSTAT_EXPLORER: 'maybe', COOPSTAT_DB: wh.db },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("PORT must be an integer from 1 to 65535, but got 'abc'");
    expect(stderr).toContain(
      "COOPSTAT_EXPLORER must be one of true, 1, yes, on, false, 0, no, off, but got 'maybe'",
    );
  });
});
