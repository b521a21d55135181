import { describe, expect, it } from 'vitest';
import { ResponseCache, type CachedAnswer } from '../../server/response-cache.ts';
import type { SnapshotInfo } from '../../warehouse/store/warehouse-reader.ts';

const snapshotNumber = (snapshot: number): SnapshotInfo => ({
  dataVersion: snapshot,
  publishedAt: '2026-12-03T00:00:00Z',
  lastLoadId: snapshot,
  snapshot,
});

const answer = (body: string): CachedAnswer => ({
  headers: [['content-type', 'application/json']],
  body,
  etag: `"${body}"`,
  operationName: null,
});

const request = {
  method: 'POST',
  accept: 'application/json',
  role: 'anonymous',
  date: '2026-12-03',
  query: '{ __typename }',
  variables: undefined,
  operationName: undefined,
};

describe('the response cache, whose entries are one snapshot’s', () => {
  it('serves an answer only on the snapshot it was read from, and never keeps an older one’s', () => {
    const cache = new ResponseCache(1 << 20);
    const key = ResponseCache.key(request);
    cache.set(snapshotNumber(1), key, answer('one'));
    expect(cache.get(snapshotNumber(1), key)?.body).toBe('one');

    // A newer snapshot empties the cache: the older answer is not served on it.
    expect(cache.get(snapshotNumber(2), key)).toBeUndefined();
    // An answer a request read from the older snapshot, finished after the swap, is not kept.
    cache.set(snapshotNumber(1), key, answer('late'));
    expect(cache.get(snapshotNumber(2), key)).toBeUndefined();
    expect(cache.size).toBe(0);

    cache.set(snapshotNumber(2), key, answer('two'));
    expect(cache.get(snapshotNumber(2), key)?.body).toBe('two');
  });

  it('keys a request by its role and its date as well as its text', () => {
    const key = ResponseCache.key(request);
    expect(ResponseCache.key({ ...request })).toBe(key);
    expect(ResponseCache.key({ ...request, role: 'loader' })).not.toBe(key);
    expect(ResponseCache.key({ ...request, date: '2026-12-04' })).not.toBe(key);
    expect(ResponseCache.key({ ...request, query: '{ __typename } # other' })).not.toBe(key);
  });

  it('counts a body kept as bytes by its bytes, and a text as UTF-16, against its budget', () => {
    const key = ResponseCache.key(request);
    const text = 'Tỉnh Thái Nguyên'.repeat(100);
    const bytes = Buffer.from(text, 'utf8');
    const asText = new ResponseCache(1 << 20);
    asText.set(snapshotNumber(1), key, answer(text));
    const asBytes = new ResponseCache(1 << 20);
    asBytes.set(snapshotNumber(1), key, { ...answer(text), body: bytes });
    expect(asText.bytes - asBytes.bytes).toBe(2 * text.length - bytes.byteLength);
    expect(asBytes.get(snapshotNumber(1), key)?.body).toBe(bytes);
    // An answer of bytes larger than the whole budget is not kept.
    const small = new ResponseCache(bytes.byteLength);
    small.set(snapshotNumber(1), key, { ...answer(text), body: bytes });
    expect(small.size).toBe(0);
  });
});
