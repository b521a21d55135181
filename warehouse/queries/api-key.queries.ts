import { sql } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf } from '../database.ts';
import type { ApiKeyTable } from '../tables/api-key.table.ts';

/**
 * The roles a key may have, from least to most allowed: a `reader` reads, a `loader` also loads
 * and revises data (optionally only for some provinces), an `admin` may do everything.
 */
export const API_KEY_ROLES = ['reader', 'loader', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/**
 * One `api_key` row (see `tables/api-key.table.ts`): timestamps are ISO-8601 UTC strings, the
 * role one of {@link API_KEY_ROLES}.
 */
export type ApiKeyRow = Omit<ApiKeyTable, 'role'> & { role: ApiKeyRole };

/** A key as listed: everything but its hash. */
export type ApiKeyListing = Omit<ApiKeyRow, 'key_sha256'>;

const LISTED = [
  'key_id',
  'name',
  'role',
  'provinces',
  'prefix',
  'created_at',
  'revoked_at',
  'created_by',
] as const;

/** Adds a key. `provinces` null means every province. */
export async function insertApiKey(
  db: DuckDbHandle,
  row: Omit<ApiKeyRow, 'revoked_at' | 'created_at'> & { created_at: string },
): Promise<void> {
  // A list cannot be a parameter: the provinces travel as one comma-joined text.
  const provinces = row.provinces === null ? null : row.provinces.join(',');
  await kyselyOf(db)
    .insertInto('api_key')
    .values({
      key_id: row.key_id,
      name: row.name,
      role: row.role,
      provinces: sql<
        string[] | null
      >`case when ${provinces}::varchar is null then null else string_split(${provinces}::varchar, ',') end`,
      prefix: row.prefix,
      key_sha256: row.key_sha256,
      created_at: sql<string>`${row.created_at.replace('Z', '')}::timestamp`,
      revoked_at: null,
      created_by: row.created_by,
    })
    .execute();
}

/** The key with this id, revoked or not. */
export function findApiKey(db: DuckDbHandle, keyId: string): Promise<ApiKeyRow | undefined> {
  return kyselyOf(db)
    .selectFrom('api_key')
    .select([...LISTED, 'key_sha256'])
    .$narrowType<{ role: ApiKeyRole }>()
    .where('key_id', '=', keyId)
    .executeTakeFirst();
}

/** Every key, oldest first, without hashes. */
export function findApiKeys(db: DuckDbHandle): Promise<ApiKeyListing[]> {
  return kyselyOf(db)
    .selectFrom('api_key')
    .select(LISTED)
    .$narrowType<{ role: ApiKeyRole }>()
    .orderBy('created_at')
    .orderBy('key_id')
    .execute();
}

/** The unrevoked key with this name, if any (names are unique among unrevoked keys). */
export function findActiveApiKeyByName(
  db: DuckDbHandle,
  name: string,
): Promise<ApiKeyListing | undefined> {
  return kyselyOf(db)
    .selectFrom('api_key')
    .select(LISTED)
    .$narrowType<{ role: ApiKeyRole }>()
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Marks a key revoked at `revokedAt` (ISO-8601); a key already revoked keeps its first time. */
export async function revokeApiKey(
  db: DuckDbHandle,
  keyId: string,
  revokedAt: string,
): Promise<void> {
  await kyselyOf(db)
    .updateTable('api_key')
    .set({ revoked_at: sql<string>`${revokedAt.replace('Z', '')}::timestamp` })
    .where('key_id', '=', keyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** The province codes known to the warehouse (every validity), for checking a key's list. */
export async function findProvinceCodes(db: DuckDbHandle): Promise<Map<string, string>> {
  const rows = await kyselyOf(db)
    .selectFrom('dim_admin_unit')
    .select((eb) => ['code', eb.fn<string>('arg_max', ['name_vi', 'valid_from']).as('name_vi')])
    .where('level', '=', 'PROVINCE')
    .groupBy('code')
    .orderBy('code')
    .execute();
  return new Map(rows.map((r) => [r.code, r.name_vi]));
}
