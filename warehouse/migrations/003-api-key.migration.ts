/**
 * API keys: who may read and load through the server. Only a key's SHA-256 is stored; the key
 * itself is shown once, when it is created. Keys live in the warehouse so that every replica
 * serving a published snapshot checks the same keys; creating or revoking one publishes a new
 * snapshot but no new data version (see `warehouse/keys/key-store.ts`).
 */
export const apiKeyMigration = {
  version: 3,
  name: 'api-key',
  sql: `
-- one row per API key ever created (revoked keys stay, for the record of who loaded what)
create table api_key (
  key_id varchar primary key,
  name varchar not null,
  role varchar not null check (role in ('reader', 'loader', 'admin')),
  provinces varchar[],
  prefix varchar not null unique,
  key_sha256 varchar not null,
  created_at timestamp not null,
  revoked_at timestamp,
  created_by varchar
);
`,
} as const;
