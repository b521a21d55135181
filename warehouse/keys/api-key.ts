import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRole, ApiKeyRow } from '../queries/api-key.queries.ts';

/**
 * The API key format: `csk_<id>_<secret>`, where `<id>` is 12 lower-case hex digits (public: it
 * names the key in listings, logs and `keys revoke`) and `<secret>` is 32 random bytes in
 * base64url (43 characters). The warehouse stores `csk_<id>` as the key's prefix and the SHA-256
 * of the whole text; the text itself exists only in the output of `coopstat keys create`.
 *
 * A SHA-256 of 256 random bits needs no salt or slow hash: there is nothing to guess from it.
 */

/** The start of every coopstat key. */
export const KEY_MARK = 'csk_';

const KEY_PATTERN = /^csk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A freshly made key: the secret text (show once) and what is stored. */
export interface GeneratedApiKey {
  /** The whole key, to hand to its holder once. */
  readonly key: string;
  readonly keyId: string;
  /** `csk_<keyId>`. */
  readonly prefix: string;
  /** SHA-256 (hex) of `key`. */
  readonly sha256: string;
}

/** Makes a new random key. */
export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(6).toString('hex');
  const key = `${KEY_MARK}${keyId}_${randomBytes(32).toString('base64url')}`;
  return { key, keyId, prefix: `${KEY_MARK}${keyId}`, sha256: hashApiKey(key) };
}

/** SHA-256 (hex) of a key's text. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The id of a well-formed key, or undefined when the text cannot be a coopstat key. */
export function parseApiKey(text: string): { keyId: string } | undefined {
  const match = KEY_PATTERN.exec(text);
  return match ? { keyId: match[1]! } : undefined;
}

/** Whether `key` is the key stored as `row`, compared in constant time. */
export function keyMatches(key: string, row: Pick<ApiKeyRow, 'key_sha256'>): boolean {
  const presented = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(row.key_sha256, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** Whether a holder of `role` may act as `needed` (admin ⊃ loader ⊃ reader). */
export function roleAllows(role: ApiKeyRole, needed: ApiKeyRole): boolean {
  const rank: Record<ApiKeyRole, number> = { reader: 0, loader: 1, admin: 2 };
  return rank[role] >= rank[needed];
}
