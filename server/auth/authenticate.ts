import type { IncomingHttpHeaders } from 'node:http';
import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import {
  findApiKey,
  type ApiKeyRole,
  type ApiKeyRow,
} from '../../warehouse/queries/api-key.queries.ts';
import { keyMatches, parseApiKey, roleAllows } from '../../warehouse/keys/api-key.ts';

/**
 * Who a request is: the key it presented, checked against the `api_key` table of the snapshot
 * the server serves. A key is sent as `Authorization: Bearer <key>` or `x-api-key: <key>`.
 */

/** The holder of a valid key. */
export interface Principal {
  readonly keyId: string;
  /** `csk_<keyId>`: safe to log. */
  readonly prefix: string;
  readonly name: string;
  readonly role: ApiKeyRole;
  /** Province codes a loader may load (null = every province). */
  readonly provinces: readonly string[] | null;
}

/** What the request's headers carry. */
export type Credentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'conflicting' };

/**
 * Reads the key from `Authorization: Bearer …` or `x-api-key`. Another `Authorization` scheme
 * (Basic, …) is not a coopstat key and counts as none; two different keys are `conflicting`.
 */
export function readCredentials(headers: IncomingHttpHeaders): Credentials {
  const found: string[] = [];
  const authorization = headers.authorization?.trim();
  if (authorization) {
    const match = /^bearer\s+(.+)$/i.exec(authorization);
    if (match) found.push(match[1]!.trim());
  }
  const header = headers['x-api-key'];
  const apiKey = (Array.isArray(header) ? header.join(',') : header)?.trim();
  if (apiKey) found.push(apiKey);
  if (found.length === 0) return { kind: 'none' };
  if (found.some((key) => key !== found[0])) return { kind: 'conflicting' };
  return { kind: 'key', key: found[0]! };
}

/**
 * Per snapshot, the keys already looked up. A key change publishes a new snapshot (a new
 * handle), so a cache tied to the handle can never hold a revoked key as valid.
 */
const lookups = new WeakMap<DuckDbHandle, Map<string, ApiKeyRow | null>>();
const MAX_CACHED = 1000;

/** The key's row in the snapshot, through the per-snapshot cache. */
async function lookUp(handle: DuckDbHandle, keyId: string): Promise<ApiKeyRow | null> {
  let cache = lookups.get(handle);
  if (!cache) {
    cache = new Map();
    lookups.set(handle, cache);
  }
  if (cache.has(keyId)) return cache.get(keyId)!;
  const row = (await findApiKey(handle, keyId)) ?? null;
  // Unknown ids are what a guesser sends: cache only while the cache is small.
  if (row !== null || cache.size < MAX_CACHED) cache.set(keyId, row);
  return row;
}

const DUMMY_ROW = { key_sha256: '0'.repeat(64) };

/**
 * The holder of `key` in the snapshot `handle` reads, or undefined when the key is malformed,
 * unknown or revoked. The hash is compared in constant time.
 */
export async function authenticate(
  handle: DuckDbHandle,
  key: string,
): Promise<Principal | undefined> {
  const parsed = parseApiKey(key);
  if (!parsed) return undefined;
  const row = await lookUp(handle, parsed.keyId);
  // Compare even when there is no row, so timing says nothing about the secret part.
  const matches = keyMatches(key, row ?? DUMMY_ROW);
  if (!row || !matches || row.revoked_at !== null) return undefined;
  return {
    keyId: row.key_id,
    prefix: row.prefix,
    name: row.name,
    role: row.role,
    provinces: row.provinces,
  };
}

/** Whether `principal` may act as `needed`. */
export function allows(principal: Principal, needed: ApiKeyRole): boolean {
  return roleAllows(principal.role, needed);
}

/** The non-secret part of a presented key, for messages (never the secret). */
export function describePresentedKey(key: string): string {
  const parsed = parseApiKey(key);
  return parsed ? `key csk_${parsed.keyId}` : 'a value that is not a coopstat key';
}
