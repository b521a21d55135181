import { optional, required, type RowOf } from './columns.ts';

/**
 * `api_key` — one row per API key ever created (revoked keys stay, for the record of who loaded what); only the SHA-256 of a key is stored.
 */
export const API_KEY_TABLE_COLUMNS = {
  key_id: required('VARCHAR'),
  name: required('VARCHAR'),
  role: required('VARCHAR'),
  provinces: optional('VARCHAR[]'),
  prefix: required('VARCHAR'),
  key_sha256: required('VARCHAR'),
  created_at: required('TIMESTAMP'),
  revoked_at: optional('TIMESTAMP'),
  created_by: optional('VARCHAR'),
} as const;

/** A row of `api_key`. */
export type ApiKeyTable = RowOf<typeof API_KEY_TABLE_COLUMNS>;
