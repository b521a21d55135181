import { stat } from 'node:fs/promises';
import {
  API_KEY_ROLES,
  findActiveApiKeyByName,
  findApiKey,
  findApiKeys,
  findProvinceCodes,
  insertApiKey,
  revokeApiKey,
  type ApiKeyListing,
  type ApiKeyRole,
} from '../queries/api-key.queries.ts';
import { openReader, WarehouseBusyError, withWriter } from '../store/warehouse-store.ts';
import { generateApiKey, KEY_MARK, parseApiKey } from './api-key.ts';

/**
 * Creating, listing and revoking API keys (what `coopstat keys …` runs).
 *
 * Keys live in the warehouse's `api_key` table. A change goes through the one writer
 * (`withWriter`): it publishes a new snapshot file, so every server and replica that follows the
 * published file sees the change when it swaps to it, but it adds no `publication` row: the data
 * version and the last load id stay as they were, so no cached response (ETag) is invalidated
 * by a key change. A change waits for a load that holds the writer lock (up to `waitMs`).
 */

/** A key request the warehouse refuses (bad name, role or province); nothing was written. */
export class ApiKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiKeyError';
  }
}

/** What {@link createApiKey} needs. */
export interface CreateApiKeyOptions {
  /** Who or what the key is for; unique among unrevoked keys. */
  readonly name: string;
  readonly role: string;
  /** Province codes a loader may load (`19`, `6` = `06`); absent = every province. */
  readonly provinces?: readonly string[];
  /** Who creates the key (recorded as `created_by`). */
  readonly createdBy?: string;
  /** How long to wait for a running load's writer lock, in ms (default 60 s). */
  readonly waitMs?: number;
}

/** A key just created: the secret (show it once) and its stored listing. */
export interface CreatedApiKey {
  readonly key: string;
  readonly listing: ApiKeyListing;
}

const NAME_PATTERN = /^[^\p{Cc}]{1,100}$/u;

/**
 * Creates a key in the warehouse at `dbPath` and returns its text, which is stored nowhere: only
 * its SHA-256 is. Throws {@link ApiKeyError} for a bad request.
 */
export async function createApiKey(
  dbPath: string,
  options: CreateApiKeyOptions,
): Promise<CreatedApiKey> {
  const name = options.name.trim();
  if (!NAME_PATTERN.test(name)) {
    throw new ApiKeyError(
      `a key name must be 1 to 100 characters without control characters, but got '${options.name}'`,
    );
  }
  if (!(API_KEY_ROLES as readonly string[]).includes(options.role)) {
    throw new ApiKeyError(
      `a key role must be one of ${API_KEY_ROLES.join(', ')}, but got '${options.role}'`,
    );
  }
  const role = options.role as ApiKeyRole;
  let provinces: string[] | null = null;
  if (options.provinces !== undefined) {
    if (role !== 'loader') {
      throw new ApiKeyError(
        `a province list applies to loader keys only, but got --provinces for a ${role} key`,
      );
    }
    provinces = normaliseProvinceCodes(options.provinces);
  }
  await requireWarehouse(dbPath);
  return withWriterWaiting<CreatedApiKey>(dbPath, options.waitMs, async (db) => {
    const [units] = await db.all<{ n: number }>(
      `select count(*) as n from dim_admin_unit where level = 'PROVINCE'`,
    );
    if (!units || units.n === 0) {
      throw new ApiKeyError(
        `a warehouse must hold the admin units before keys are created, but ${dbPath} has none; run \`coopstat init --db ${dbPath}\` first`,
      );
    }
    if (provinces) {
      const known = await findProvinceCodes(db);
      const unknown = provinces.filter((code) => !known.has(code));
      if (unknown.length > 0) {
        throw new ApiKeyError(
          `a key's provinces must be province codes of the admin units, but got ${unknown.map((c) => `'${c}'`).join(', ')} in --provinces`,
        );
      }
    }
    const clash = await findActiveApiKeyByName(db, name);
    if (clash) {
      throw new ApiKeyError(
        `a key name must be unique among unrevoked keys, but '${name}' is already the name of key ${clash.prefix}; revoke it first or choose another name`,
      );
    }
    const generated = generateApiKey();
    const createdAt = new Date().toISOString();
    await insertApiKey(db, {
      key_id: generated.keyId,
      name,
      role,
      provinces,
      prefix: generated.prefix,
      key_sha256: generated.sha256,
      created_at: createdAt,
      created_by: options.createdBy ?? null,
    });
    const listing = (await findApiKeys(db)).find((k) => k.key_id === generated.keyId)!;
    return { publish: true, result: { key: generated.key, listing } };
  });
}

/** Every key of the warehouse at `dbPath`, oldest first; never a secret or a hash. */
export async function listApiKeys(dbPath: string): Promise<ApiKeyListing[]> {
  await requireWarehouse(dbPath);
  const db = await openReader(dbPath);
  try {
    return await findApiKeys(db);
  } finally {
    db.close();
  }
}

/** What {@link revokeApiKeyById} did. */
export interface RevokedApiKey {
  readonly listing: ApiKeyListing;
  /** False when the key had already been revoked (nothing was written then). */
  readonly changed: boolean;
}

/**
 * Revokes a key, named by its id (`3f9a…`), its prefix (`csk_3f9a…`) or its whole text. A
 * revoked key is refused by a server as soon as the server serves the snapshot this publishes.
 */
export async function revokeApiKeyById(
  dbPath: string,
  idOrKey: string,
  options: { readonly waitMs?: number } = {},
): Promise<RevokedApiKey> {
  const text = idOrKey.trim();
  const keyId =
    parseApiKey(text)?.keyId ?? (text.startsWith(KEY_MARK) ? text.slice(KEY_MARK.length) : text);
  if (!/^[0-9a-f]{12}$/.test(keyId)) {
    throw new ApiKeyError(
      `a key id must be 12 hex digits (as \`coopstat keys list\` shows, with or without ${KEY_MARK}), but got '${idOrKey}'`,
    );
  }
  await requireWarehouse(dbPath);
  return withWriterWaiting<RevokedApiKey>(dbPath, options.waitMs, async (db) => {
    const row = await findApiKey(db, keyId);
    if (!row) {
      throw new ApiKeyError(`a key to revoke must exist, but got '${idOrKey}' in ${dbPath}`);
    }
    if (row.revoked_at !== null) {
      const { key_sha256: _hash, ...listing } = row;
      return { publish: false, result: { listing, changed: false } };
    }
    await revokeApiKey(db, keyId, new Date().toISOString());
    const listing = (await findApiKeys(db)).find((k) => k.key_id === keyId)!;
    return { publish: true, result: { listing, changed: true } };
  });
}

/** `19`, `6`, ` 06 ` → `19`, `06`; anything but one or two digits is refused. */
export function normaliseProvinceCodes(codes: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of codes) {
    const code = raw.trim();
    if (!/^\d{1,2}$/.test(code)) {
      throw new ApiKeyError(
        `a province code must be one or two digits (as in 19,12), but got '${raw}' in --provinces`,
      );
    }
    const padded = code.padStart(2, '0');
    if (!out.includes(padded)) out.push(padded);
  }
  if (out.length === 0) {
    throw new ApiKeyError(
      'a province list must name at least one province, but got an empty --provinces',
    );
  }
  return out;
}

async function requireWarehouse(dbPath: string): Promise<void> {
  const found = await stat(dbPath).then(
    () => true,
    () => false,
  );
  if (!found) {
    throw new ApiKeyError(
      `a warehouse file must exist before keys are managed, but got no file at ${dbPath}; run \`coopstat init --db ${dbPath}\``,
    );
  }
}

/** `withWriter`, retrying while another process holds the writer lock, for at most `waitMs`. */
async function withWriterWaiting<T>(
  dbPath: string,
  waitMs: number | undefined,
  write: Parameters<typeof withWriter<T>>[1],
): Promise<T> {
  const deadline = Date.now() + (waitMs ?? 60_000);
  for (;;) {
    try {
      return await withWriter(dbPath, write);
    } catch (error) {
      if (!(error instanceof WarehouseBusyError) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
