import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeyError,
  createApiKey,
  listApiKeys,
  revokeApiKeyById,
} from '../../../warehouse/keys/key-store.ts';
import { SCHEMA_VERSION } from '../../../warehouse/migrations/migrations.ts';
import { cliCommand } from '../../helpers/cli.ts';
import {
  createTestWarehouse,
  fileHash,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';

// `coopstat keys create | list | revoke` through the real functions, and once through the real
// CLI in a child process. Keys are stored as SHA-256 only, and a key change publishes a new
// snapshot without a new data version.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KEY = /^csk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await createTestWarehouse();
});
afterAll(async () => {
  await wh?.cleanup();
});

const versionOf = async (db: string) =>
  (
    await query<{ v: number; loads: number }>(
      db,
      'select (select max(data_version) from publication) as v, (select count(*) from load_log) as loads',
    )
  )[0];

describe('keys create', () => {
  it('returns the key once and stores only its SHA-256, without a new data version', async () => {
    const before = await versionOf(wh.db);
    const fileBefore = await fileHash(wh.db);
    const created = await createApiKey(wh.db, {
      name: 'thai-nguyen-pso',
      role: 'loader',
      provinces: ['19', ' 6 ', '12', '19'],
      createdBy: 'tester',
    });
    expect(created.key).toMatch(KEY);
    expect(created.listing).toMatchObject({
      key_id: KEY.exec(created.key)![1],
      prefix: `csk_${KEY.exec(created.key)![1]}`,
      name: 'thai-nguyen-pso',
      role: 'loader',
      provinces: ['19', '06', '12'],
      revoked_at: null,
      created_by: 'tester',
    });
    const rows = await query<Record<string, unknown>>(wh.db, 'select * from api_key');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_sha256).toBe(sha256(created.key));
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(17));
    // A new snapshot, but the same data version and load log: no cached response is invalidated.
    expect(await fileHash(wh.db)).not.toBe(fileBefore);
    expect(await versionOf(wh.db)).toEqual(before);
    const [schema] = await query<{ v: number }>(
      wh.db,
      'select max(version) as v from schema_migration',
    );
    expect(schema!.v).toBe(SCHEMA_VERSION);
  });

  it('refuses a bad request with the rule and the value, writing nothing', async () => {
    const before = await fileHash(wh.db);
    const refused = async (options: Parameters<typeof createApiKey>[1]) => {
      const error = await createApiKey(wh.db, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiKeyError);
      return (error as Error).message;
    };
    expect(await refused({ name: 'x', role: 'owner' })).toBe(
      "a key role must be one of reader, loader, admin, but got 'owner'",
    );
    expect(await refused({ name: 'x', role: 'reader', provinces: ['19'] })).toBe(
      'a province list applies to loader keys only, but got --provinces for a reader key',
    );
    expect(await refused({ name: 'x', role: 'loader', provinces: ['19', '99'] })).toBe(
      "a key's provinces must be province codes of the admin units, but got '99' in --provinces",
    );
    expect(await refused({ name: 'x', role: 'loader', provinces: ['Thái Nguyên'] })).toBe(
      "a province code must be one or two digits (as in 19,12), but got 'Thái Nguyên' in --provinces",
    );
    expect(await refused({ name: '  ', role: 'reader' })).toMatch(
      /^a key name must be 1 to 100 characters/,
    );
    expect(await refused({ name: 'thai-nguyen-pso', role: 'reader' })).toMatch(
      /^a key name must be unique among unrevoked keys, but 'thai-nguyen-pso' is already the name of key csk_[0-9a-f]{12}/,
    );
    expect(await fileHash(wh.db)).toBe(before);
  });
});

describe('keys list and revoke', () => {
  it('lists keys without secrets or hashes, and revokes by prefix or id', async () => {
    const admin = await createApiKey(wh.db, { name: 'ops', role: 'admin' });
    const listed = await listApiKeys(wh.db);
    expect(listed.map((k) => [k.name, k.role, k.provinces])).toEqual([
      ['thai-nguyen-pso', 'loader', ['19', '06', '12']],
      ['ops', 'admin', null],
    ]);
    expect(JSON.stringify(listed)).not.toContain(admin.key);
    expect(JSON.stringify(listed)).not.toContain(sha256(admin.key));

    const revoked = await revokeApiKeyById(wh.db, admin.listing.prefix);
    expect(revoked.changed).toBe(true);
    expect(revoked.listing.revoked_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const before = await fileHash(wh.db);
    const again = await revokeApiKeyById(wh.db, admin.listing.key_id);
    expect(again).toMatchObject({
      changed: false,
      listing: { revoked_at: revoked.listing.revoked_at },
    });
    expect(await fileHash(wh.db)).toBe(before);
    // The name is free again once its key is revoked.
    const next = await createApiKey(wh.db, { name: 'ops', role: 'admin' });
    expect(next.listing.key_id).not.toBe(admin.listing.key_id);

    await expect(revokeApiKeyById(wh.db, 'csk_000000000000')).rejects.toThrow(
      `a key to revoke must exist, but got 'csk_000000000000' in ${wh.db}`,
    );
    await expect(revokeApiKeyById(wh.db, 'ops')).rejects.toThrow(/^a key id must be 12 hex digits/);
  });
});

describe('the coopstat keys command', () => {
  it('prints the key alone on stdout, once; list shows it without the secret', async () => {
    const created = await run(
      ...cliCommand('keys', 'create', '--db', wh.db, '--name', 'cli-reader', '--role', 'reader'),
      { cwd: ROOT },
    );
    const key = created.stdout.trim();
    expect(key).toMatch(KEY);
    expect(created.stderr).toContain(`created key csk_${KEY.exec(key)![1]} "cli-reader" (reader)`);
    expect(created.stderr).toContain('this is the only time the key is shown');
    const [row] = await query<{ key_sha256: string }>(
      wh.db,
      'select key_sha256 from api_key where name = $1',
      ['cli-reader'],
    );
    expect(row!.key_sha256).toBe(sha256(key));

    const listed = await run(...cliCommand('keys', 'list', '--db', wh.db), { cwd: ROOT });
    expect(listed.stdout).toContain(`csk_${KEY.exec(key)![1]}`);
    expect(listed.stdout).toContain('cli-reader');
    expect(listed.stdout).not.toContain(key);
  });
});
