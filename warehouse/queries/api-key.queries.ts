import type { DuckDbHandle } from '../dialect/index.ts';

/**
 * The roles a key may have, from least to most allowed: a `reader` reads, a `loader` also loads
 * and revises data (optionally only for some provinces), an `admin` may do everything.
 */
export const API_KEY_ROLES = ['reader', 'loader', 'admin'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

/** One `api_key` row: one row per key ever created. Timestamps are ISO-8601 UTC strings. */
export interface ApiKeyRow {
  /** The key's public id (the hex part after `csk_`). */
  key_id: string;
  /** Who or what the key is for; recorded as `loaded_by` of the loads it makes. */
  name: string;
  role: ApiKeyRole;
  /** Province codes a loader may load (null = every province). */
  provinces: string[] | null;
  /** The non-secret start of the key, `csk_<key_id>`, for display and logs. */
  prefix: string;
  /** SHA-256 (hex) of the whole key text. */
  key_sha256: string;
  created_at: string;
  /** When the key was revoked (null = still valid). */
  revoked_at: string | null;
  /** Who created the key (the operating-system user of the CLI). */
  created_by: string | null;
}

/** A key as listed: everything but its hash. */
export type ApiKeyListing = Omit<ApiKeyRow, 'key_sha256'>;

const COLUMNS =
  'key_id, name, role, provinces, prefix, key_sha256, created_at, revoked_at, created_by';

/** Adds a key. `provinces` null means every province. */
export async function insertApiKey(
  db: DuckDbHandle,
  row: Omit<ApiKeyRow, 'revoked_at' | 'created_at'> & { created_at: string },
): Promise<void> {
  await db.run(
    `insert into api_key (${COLUMNS})
     values ($1, $2, $3, case when $4::varchar is null then null else string_split($4::varchar, ',') end,
             $5, $6, $7::timestamp, null, $8)`,
    [
      row.key_id,
      row.name,
      row.role,
      row.provinces === null ? null : row.provinces.join(','),
      row.prefix,
      row.key_sha256,
      row.created_at.replace('Z', ''),
      row.created_by,
    ],
  );
}

/** The key with this id, revoked or not. */
export async function findApiKey(db: DuckDbHandle, keyId: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.all<ApiKeyRow>(`select ${COLUMNS} from api_key where key_id = $1`, [
    keyId,
  ]);
  return row;
}

/** Every key, oldest first, without hashes. */
export async function findApiKeys(db: DuckDbHandle): Promise<ApiKeyListing[]> {
  return db.all<ApiKeyListing>(
    `select key_id, name, role, provinces, prefix, created_at, revoked_at, created_by
     from api_key order by created_at, key_id`,
  );
}

/** The unrevoked key with this name, if any (names are unique among unrevoked keys). */
export async function findActiveApiKeyByName(
  db: DuckDbHandle,
  name: string,
): Promise<ApiKeyListing | undefined> {
  const [row] = await db.all<ApiKeyListing>(
    `select key_id, name, role, provinces, prefix, created_at, revoked_at, created_by
     from api_key where name = $1 and revoked_at is null`,
    [name],
  );
  return row;
}

/** Marks a key revoked at `revokedAt` (ISO-8601); a key already revoked keeps its first time. */
export async function revokeApiKey(
  db: DuckDbHandle,
  keyId: string,
  revokedAt: string,
): Promise<void> {
  await db.run(
    `update api_key set revoked_at = $2::timestamp where key_id = $1 and revoked_at is null`,
    [keyId, revokedAt.replace('Z', '')],
  );
}

/** The province codes known to the warehouse (every validity), for checking a key's list. */
export async function findProvinceCodes(db: DuckDbHandle): Promise<Map<string, string>> {
  const rows = await db.all<{ code: string; name_vi: string }>(
    `select code, arg_max(name_vi, valid_from) as name_vi from dim_admin_unit
     where level = 'PROVINCE' group by code order by code`,
  );
  return new Map(rows.map((r) => [r.code, r.name_vi]));
}
