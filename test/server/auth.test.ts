import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import { createApiKey, revokeApiKeyById } from '../../warehouse/keys/key-store.ts';
import { XLSX_TYPE } from '../../server/auth/load-upload.ts';
import {
  createTestWarehouse,
  example,
  fileHash,
  fixture,
  query,
  type TestWarehouse,
} from '../helpers/warehouse.ts';
import { captureLogger, codes, post, testConfig, type GraphqlResponse } from '../helpers/server.ts';

// API keys against a real server on loopback: uploads by role and province, and reads that need
// a key. Every refused upload must leave the published warehouse byte-for-byte as it was.

const UPLOAD_LIMIT = 20_000;

let wh: TestWarehouse;
let server: RunningCoopstat;
const keys = {
  reader: '',
  loader12: '',
  loader19and12: '',
  admin: '',
  revoked: '',
};

beforeAll(async () => {
  wh = await createTestWarehouse();
  keys.reader = (await createApiKey(wh.db, { name: 'analyst', role: 'reader' })).key;
  keys.loader12 = (
    await createApiKey(wh.db, { name: 'lai-chau-pso', role: 'loader', provinces: ['12'] })
  ).key;
  keys.loader19and12 = (
    await createApiKey(wh.db, { name: 'north-pso', role: 'loader', provinces: ['19', '12'] })
  ).key;
  keys.admin = (await createApiKey(wh.db, { name: 'ops', role: 'admin' })).key;
  keys.revoked = (await createApiKey(wh.db, { name: 'former-loader', role: 'loader' })).key;
  server = await startCoopstatServer(
    testConfig(wh.db, { COOPSTAT_MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT) }),
    { port: 0 },
  );
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

interface UploadResult {
  status: number;
  headers: Headers;
  json: GraphqlResponse & Record<string, unknown>;
}

/** POSTs a file to `/load` as its raw body. */
async function upload(
  file: string,
  options: {
    key?: string;
    keyHeader?: 'authorization' | 'x-api-key';
    params?: Record<string, string>;
    contentType?: string;
    body?: Buffer;
    headers?: Record<string, string>;
  } = {},
): Promise<UploadResult> {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'text/csv',
    ...options.headers,
  };
  if (options.key) {
    if (options.keyHeader === 'x-api-key') headers['x-api-key'] = options.key;
    else headers.authorization = `Bearer ${options.key}`;
  }
  const search = new URLSearchParams({ name: basename(file), ...options.params });
  const res = await fetch(`${server.origin}/load?${search}`, {
    method: 'POST',
    headers,
    body: options.body ?? (await readFile(file)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}

const MEMBERSHIP_19 = `query M { membership(area: { code: "19" }, year: 2024) { byOrgType { orgType sector organisations } } }`;
const LOADS = `query L { loads(first: 10) { fileName loadedBy outcome } dataVersion { version } }`;

describe('POST /load', () => {
  it('refuses an upload without a key: 401, nothing written', async () => {
    const before = await fileHash(wh.db);
    const res = await upload(example('aggregates-2024.csv'));
    expect(res.status).toBe(401);
    expect(codes(res.json)).toEqual(['UNAUTHENTICATED']);
    expect(res.json.errors![0]!.message).toBe(
      'a request to /load must carry an API key (Authorization: Bearer <key> or x-api-key: <key>), but got none',
    );
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="coopstat"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('refuses a key that does not exist, and a malformed one: 401, nothing written', async () => {
    const before = await fileHash(wh.db);
    const forged = keys.admin.slice(0, -4) + 'AAAA';
    const res = await upload(example('aggregates-2024.csv'), { key: forged });
    expect(res.status).toBe(401);
    expect(codes(res.json)).toEqual(['UNAUTHENTICATED']);
    expect(res.json.errors![0]!.message).toMatch(
      /^an API key must be one that exists and is not revoked, but got key csk_[0-9a-f]{12} in the request to \/load$/,
    );
    expect(res.json.errors![0]!.message).not.toContain(forged);
    const junk = await upload(example('aggregates-2024.csv'), { key: 'letmein' });
    expect(junk.status).toBe(401);
    expect(junk.json.errors![0]!.message).toContain('a value that is not a coopstat key');
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('refuses a reader key: 403, nothing written', async () => {
    const before = await fileHash(wh.db);
    const res = await upload(example('aggregates-2024.csv'), { key: keys.reader });
    expect(res.status).toBe(403);
    expect(codes(res.json)).toEqual(['FORBIDDEN']);
    expect(res.json.errors![0]!.message).toMatch(
      /^a request to \/load needs a key with the loader role or above, but key csk_[0-9a-f]{12} \(analyst\) has the reader role$/,
    );
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('refuses a loader for province 12 a file with rows of 19: 403 naming 19, nothing written', async () => {
    const before = await fileHash(wh.db);
    for (const params of [{}, { dryRun: 'true' }] as Record<string, string>[]) {
      const res = await upload(example('aggregates-2024.csv'), { key: keys.loader12, params });
      expect(res.status).toBe(403);
      expect(codes(res.json)).toEqual(['FORBIDDEN']);
      expect(res.json.errors![0]!.message).toBe(
        'a load restricted to province 12 may only contain rows of that province, but got ' +
          '19 Tỉnh Thái Nguyên (5 rows, first at aggregates-2024.csv, row 2); nothing was published',
      );
      expect(res.json.errors![0]!.extensions).toMatchObject({
        allowedProvinces: ['12'],
        provinces: [{ code: '19', nameVi: 'Tỉnh Thái Nguyên', rows: 5, firstRow: 2 }],
      });
    }
    expect(await fileHash(wh.db)).toBe(before);
    const log = await query(wh.db, `select count(*) as n from load_log where loaded_by = $1`, [
      'lai-chau-pso',
    ]);
    expect(log).toEqual([{ n: 0 }]);
  });

  it('refuses a malformed file: 422 with each finding, nothing written', async () => {
    const before = await fileHash(wh.db);
    const res = await upload(fixture('misuse', 'bad-number.csv'), { key: keys.admin });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ file: 'bad-number.csv', outcome: 'REFUSED', errorCount: 1 });
    expect(codes(res.json)).toEqual(['LOAD_REFUSED']);
    expect(res.json.errors![0]!.message).toBe(
      "column `members` must be a whole number ≥ 0 (digits only, or with . or , between thousands), but got '1.2a' at bad-number.csv, row 3, column G (members)",
    );
    expect(res.json.errors![0]!.extensions!.finding).toMatchObject({
      severity: 'ERROR',
      value: '1.2a',
      row: 3,
      letter: 'G',
    });
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('refuses a body over the size limit: 413, nothing written', async () => {
    const before = await fileHash(wh.db);
    const big = Buffer.alloc(UPLOAD_LIMIT + 1, 'a');
    const res = await upload('big.csv', { key: keys.admin, body: big });
    expect(res.status).toBe(413);
    expect(codes(res.json)).toEqual(['DOCUMENT_TOO_LARGE']);
    expect(res.json.errors![0]!.message).toBe(
      `an uploaded file must be at most ${UPLOAD_LIMIT} bytes, but got more`,
    );
    // Sent in chunks with no content-length: counted while it is written to the temporary file.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${server.origin}/load?name=big.csv`,
        {
          method: 'POST',
          headers: { 'content-type': 'text/csv', authorization: `Bearer ${keys.admin}` },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 6; i++) req.write(Buffer.alloc(5_000, 'b'));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).errors[0].extensions.code).toBe('DOCUMENT_TOO_LARGE');
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('drops an upload the client abandons half-way, and its temporary file', async () => {
    const before = await fileHash(wh.db);
    // Only this request's folder counts: one left by an earlier, killed run is not its doing.
    const uploadFolders = async () =>
      (await readdir(tmpdir())).filter((name) => name.startsWith('coopstat-upload-'));
    const existing = new Set(await uploadFolders());
    const uploads = async () => (await uploadFolders()).filter((name) => !existing.has(name));
    const { logger, lines } = captureLogger();
    const logged = await startCoopstatServer(testConfig(wh.db), { port: 0, logger });
    await new Promise<void>((resolve) => {
      const req = request(`${logged.origin}/load?name=half.csv`, {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          'content-length': '10000',
          authorization: `Bearer ${keys.admin}`,
        },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(3_000, 'c'), () => setTimeout(() => req.destroy(), 100));
    });
    await expect.poll(uploads, { timeout: 5_000 }).toEqual([]);
    expect((await fetch(`${logged.origin}/health`)).status).toBe(200);
    await logged.close();
    // An abandoned upload is the client's doing: no error in the server log.
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'request', path: '/load', aborted: true }),
    );
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('checks the request before reading the file: type, name, parameters, method', async () => {
    const before = await fileHash(wh.db);
    const file = example('aggregates-2024.csv');
    const wrongType = await upload(file, { key: keys.admin, contentType: 'application/json' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json.errors![0]!.message).toBe(
      `a load request must send the file as text/csv or ${XLSX_TYPE}, but got 'application/json' in the content-type header`,
    );
    const badFamily = await upload(file, { key: keys.admin, params: { family: 'facts' } });
    expect(badFamily.status).toBe(400);
    expect(badFamily.json.errors![0]).toEqual({
      message: "parameter `family` must be one of aggregates, register, but got 'facts'",
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const badName = await upload(file, { key: keys.admin, params: { name: '../etc/x.csv' } });
    expect(badName.status).toBe(400);
    expect(badName.json.errors![0]!.message).toContain(
      'parameter `name` must be a plain file name',
    );
    const xlsxNamedCsv = await upload(file, { key: keys.admin, contentType: XLSX_TYPE });
    expect(xlsxNamedCsv.status).toBe(400);
    const get = await fetch(`${server.origin}/load`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('answers 409 while another process holds the writer lock, nothing written', async () => {
    const before = await fileHash(wh.db);
    const holder: ChildProcess = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeFile(`${wh.db}.lock`, String(holder.pid));
      const res = await upload(example('aggregates-2024.csv'), { key: keys.admin });
      expect(res.status).toBe(409);
      expect(codes(res.json)).toEqual(['WAREHOUSE_BUSY']);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      holder.kill('SIGKILL');
      await rm(`${wh.db}.lock`, { force: true });
    }
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('lets a loader for 19 and 12 load the file: 200, the data is served next, loaded_by recorded', async () => {
    const before = await post(server.graphqlUrl, { query: LOADS });
    const notYet = await post(server.graphqlUrl, { query: MEMBERSHIP_19 });
    expect(JSON.stringify(notYet.json.data ?? null)).not.toContain('705');
    const dryRun = await upload(example('aggregates-2024.csv'), {
      key: keys.loader19and12,
      params: { dryRun: 'true' },
    });
    expect(dryRun.status).toBe(200);
    expect(dryRun.json).toMatchObject({ outcome: 'DRY_RUN', loadId: null });

    const res = await upload(example('aggregates-2024.csv'), { key: keys.loader19and12 });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toMatchObject({
      file: 'aggregates-2024.csv',
      family: 'aggregates',
      outcome: 'PUBLISHED',
      years: [2024],
      totals: { added: 7, changed: 0, removed: 0 },
    });
    const dataVersion = res.json.dataVersion as number;
    expect(dataVersion).toBe(
      ((before.json.data!.dataVersion as { version: number }).version as number) + 1,
    );

    // The very next request sees the new snapshot.
    const after = await post(server.graphqlUrl, { query: MEMBERSHIP_19 });
    expect(after.status).toBe(200);
    expect(after.json.errors).toBeUndefined();
    const byOrgType = (
      after.json.data!.membership as { byOrgType: Record<string, unknown>[] }[]
    ).flatMap((report) => report.byOrgType);
    expect(byOrgType).toContainEqual({ orgType: 'HTX', sector: 'ALL', organisations: 705 });
    const loads = await post(server.graphqlUrl, { query: LOADS });
    expect((loads.json.data!.loads as Record<string, unknown>[])[0]).toEqual({
      fileName: 'aggregates-2024.csv',
      loadedBy: 'north-pso',
      outcome: 'PUBLISHED',
    });
    expect(
      await query(wh.db, 'select loaded_by from load_log where load_id = $1', [
        res.json.loadId as number,
      ]),
    ).toEqual([{ loaded_by: 'north-pso' }]);

    // The same file again changes nothing.
    const again = await upload(example('aggregates-2024.csv'), { key: keys.loader19and12 });
    expect(again.json).toMatchObject({ outcome: 'ALREADY_LOADED', loadId: res.json.loadId });

    // A key for another province learns nothing about the file: refused before any answer on it.
    const before12 = await fileHash(wh.db);
    const other = await upload(example('aggregates-2024.csv'), { key: keys.loader12 });
    expect(other.status).toBe(403);
    expect(codes(other.json)).toEqual(['FORBIDDEN']);
    expect(JSON.stringify(other.json)).not.toContain('ALREADY_LOADED');
    expect(JSON.stringify(other.json)).not.toContain('loadId');
    expect(await fileHash(wh.db)).toBe(before12);
  });

  it('lets an admin load any province, with the key in x-api-key', async () => {
    // The register would replace the aggregates published above: refused unless asked for.
    const before = await fileHash(wh.db);
    const refused = await upload(example('register-2024.csv'), {
      key: keys.admin,
      keyHeader: 'x-api-key',
      params: { family: 'register', source: 'pso', status: 'PROVISIONAL' },
    });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.json)).toContain(
      'HTX in Tỉnh Thái Nguyên 2024 (source PSO) published from the aggregates file aggregates-2024.csv',
    );
    expect(await fileHash(wh.db)).toBe(before);
    // The header says the same as the parameter: a dry run lists what it would erase, as warnings.
    const dry = await upload(example('register-2024.csv'), {
      key: keys.admin,
      keyHeader: 'x-api-key',
      headers: { 'x-coopstat-replace': 'true' },
      params: { family: 'register', source: 'pso', status: 'PROVISIONAL', dryRun: 'true' },
    });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ outcome: 'DRY_RUN' });
    const erasures = dry.json.erasures as { severity: string }[];
    expect(erasures.length).toBeGreaterThan(0);
    expect(erasures.every((e) => e.severity === 'WARNING')).toBe(true);
    expect(await fileHash(wh.db)).toBe(before);
    const res = await upload(example('register-2024.csv'), {
      key: keys.admin,
      keyHeader: 'x-api-key',
      params: { family: 'register', source: 'pso', status: 'PROVISIONAL', replace: 'true' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ family: 'register', outcome: 'PUBLISHED' });
    expect(
      await query(wh.db, 'select loaded_by, source_code from load_log where load_id = $1', [
        res.json.loadId as number,
      ]),
    ).toEqual([{ loaded_by: 'ops', source_code: 'PSO' }]);
  });

  it('refuses a key once it is revoked: 401, nothing written', async () => {
    const file = fixture('api', 'provinces-2021-2025.csv');
    const dry = await upload(file, { key: keys.revoked, params: { dryRun: 'true' } });
    expect(dry.status).not.toBe(401);
    await revokeApiKeyById(wh.db, keys.revoked);
    await server.reader.refresh();
    const before = await fileHash(wh.db);
    const res = await upload(file, { key: keys.revoked });
    expect(res.status).toBe(401);
    expect(codes(res.json)).toEqual(['UNAUTHENTICATED']);
    expect(await fileHash(wh.db)).toBe(before);
  });
});

describe('reading', () => {
  it('is open by default, public without a key and private with one', async () => {
    const open = await post(server.graphqlUrl, { query: LOADS });
    expect(open.status).toBe(200);
    expect(open.headers.get('cache-control')).toMatch(/^public, /);
    const withKey = await post(server.graphqlUrl, { query: LOADS }, { 'x-api-key': keys.reader });
    expect(withKey.status).toBe(200);
    expect(withKey.headers.get('cache-control')).toMatch(/^private, max-age=\d+, must-revalidate$/);
    expect(withKey.headers.get('vary')).toContain('authorization');
    // A key that is sent is checked even where none is needed.
    const wrong = await post(server.graphqlUrl, { query: LOADS }, { 'x-api-key': 'nope' });
    expect(wrong.status).toBe(401);
    expect(codes(wrong.json)).toEqual(['UNAUTHENTICATED']);
  });

  describe('with COOPSTAT_READ_REQUIRES_KEY=true', () => {
    let closed: RunningCoopstat;
    beforeAll(async () => {
      closed = await startCoopstatServer(
        testConfig(wh.db, { COOPSTAT_READ_REQUIRES_KEY: 'true' }),
        { port: 0 },
      );
    });
    afterAll(async () => {
      await closed?.close();
    });

    it('refuses a read without a key: 401', async () => {
      const res = await post(closed.graphqlUrl, { query: LOADS });
      expect(res.status).toBe(401);
      expect(codes(res.json)).toEqual(['UNAUTHENTICATED']);
      expect(res.json.errors![0]!.message).toBe(
        'a request to /graphql must carry an API key (Authorization: Bearer <key> or x-api-key: <key>), but got none',
      );
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csv = await fetch(`${closed.origin}/export/observations.csv?indicator=htx_count`);
      expect(csv.status).toBe(401);
    });

    it('serves a reader key, cached private', async () => {
      const res = await post(
        closed.graphqlUrl,
        { query: LOADS },
        { authorization: `Bearer ${keys.reader}` },
      );
      expect(res.status).toBe(200);
      expect(res.json.errors).toBeUndefined();
      expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+, must-revalidate$/);
      // A revalidation by the same holder still gets 304.
      const etag = res.headers.get('etag')!;
      const again = await fetch(closed.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${keys.reader}`,
          'if-none-match': etag,
        },
        body: JSON.stringify({ query: LOADS }),
      });
      expect(again.status).toBe(304);
      expect(again.headers.get('cache-control')).toMatch(/^private, /);
      const csv = await fetch(`${closed.origin}/export/observations.csv?indicator=htx_count`, {
        headers: { 'x-api-key': keys.admin },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('cache-control')).toMatch(/^private, /);
      await csv.text();
    });

    it('refuses a revoked key and two different keys', async () => {
      const revoked = await post(
        closed.graphqlUrl,
        { query: LOADS },
        { 'x-api-key': keys.revoked },
      );
      expect(revoked.status).toBe(401);
      const two = await post(
        closed.graphqlUrl,
        { query: LOADS },
        { 'x-api-key': keys.reader, authorization: `Bearer ${keys.admin}` },
      );
      expect(two.status).toBe(401);
    });

    it('keeps health and readiness open', async () => {
      expect((await fetch(`${closed.origin}/health`)).status).toBe(200);
      expect((await fetch(`${closed.origin}/ready`)).status).toBe(200);
    });
  });
});

describe('configuration', () => {
  it('reads COOPSTAT_READ_REQUIRES_KEY (default false) and COOPSTAT_MAX_UPLOAD_BYTES (50 MiB)', () => {
    expect(loadConfig({})).toMatchObject({ readRequiresKey: false, maxUploadBytes: 52_428_800 });
    expect(
      loadConfig({ COOPSTAT_READ_REQUIRES_KEY: 'yes', COOPSTAT_MAX_UPLOAD_BYTES: '1000000' }),
    ).toMatchObject({ readRequiresKey: true, maxUploadBytes: 1_000_000 });
    expect(() =>
      loadConfig({ COOPSTAT_READ_REQUIRES_KEY: 'maybe', COOPSTAT_MAX_UPLOAD_BYTES: '10' }),
    ).toThrow(
      'invalid configuration:\n' +
        "  - COOPSTAT_READ_REQUIRES_KEY must be one of true, 1, yes, on, false, 0, no, off, but got 'maybe'\n" +
        "  - COOPSTAT_MAX_UPLOAD_BYTES must be an integer from 1000 to 4000000000 (bytes), but got '10'",
    );
  });
});
