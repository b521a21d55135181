import { optional, required, type RowOf } from './columns.ts';

/**
 * `api_key` — one row per API key ever created (revoked keys stay, for the record of who loaded what); only the SHA-256 of a key is stored.
 */
export const API_KEY_TABLE_COLUMNS = {
  /** The key's public id (the hex part after `csk_`). */
  key_id: required('VARCHAR'),
  /** Who or what the key is for; recorded as `loaded_by` of the loads it makes. */
  name: required('VARCHAR'),
  /** `reader`, `loader` or `admin` (see `API_KEY_ROLES`). */
  role: required('VARCHAR'),
  /** Province codes a loader may load (null = every province). */
  provinces: optional('VARCHAR[]'),
  /** The non-secret start of the key, `csk_<key_id>`, for display and logs. */
  prefix: required('VARCHAR'),
  /** SHA-256 (hex) of the whole key text. */
  key_sha256: required('VARCHAR'),
  created_at: required('TIMESTAMP'),
  /** When the key was revoked (null = still valid). */
  revoked_at: optional('TIMESTAMP'),
  /** Who created the key (the operating-system user of the CLI). */
  created_by: optional('VARCHAR'),
} as const;

/** A row of `api_key`. */
export type ApiKeyTable = RowOf<typeof API_KEY_TABLE_COLUMNS>;
