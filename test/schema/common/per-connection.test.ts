import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  perConnectionCache,
  readOncePerConnection,
} from '../../../schema/common/per-connection.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-per-connection-'));
  path = join(dir, 'w.duckdb');
  const w = await DuckDbHandle.open(path);
  await w.run('create table t as select range as x from range(3)');
  w.close();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readOncePerConnection', () => {
  it('reads once per read-only connection and key, keeps the newest keys, and forgets a failure', async () => {
    const cache = perConnectionCache<number>();
    const [a, b] = [
      await DuckDbHandle.open(path, { readOnly: true }),
      await DuckDbHandle.open(path, { readOnly: true }),
    ];
    try {
      let reads = 0;
      const count = (db: DuckDbHandle, key: string) =>
        readOncePerConnection(
          cache,
          db,
          key,
          async () => {
            reads += 1;
            return (await db.all<{ n: number }>('select count(*) as n from t'))[0]!.n;
          },
          2,
        );
      expect(await count(a, 'k1')).toBe(3);
      expect(await count(a, 'k1')).toBe(3);
      expect(reads).toBe(1);
      await count(b, 'k1'); // another connection reads for itself
      expect(reads).toBe(2);
      await count(a, 'k2');
      await count(a, 'k3'); // two keys at most: k1 goes
      await count(a, 'k1');
      expect(reads).toBe(5);

      const failing = () =>
        readOncePerConnection(
          cache,
          a,
          'bad',
          () => a.all<number>('select * from missing') as never,
        );
      await expect(failing()).rejects.toThrow(/missing/);
      await expect(failing()).rejects.toThrow(/missing/);
      let later = 0;
      expect(
        await readOncePerConnection(cache, a, 'bad', async () => {
          later += 1;
          return 7;
        }),
      ).toBe(7);
      expect(later).toBe(1);
    } finally {
      a.close();
      b.close();
    }
  });

  it('reads every time on a handle that may write', async () => {
    const w = await DuckDbHandle.open(':memory:');
    try {
      const cache = perConnectionCache<number>();
      let reads = 0;
      for (let i = 0; i < 3; i++) await readOncePerConnection(cache, w, 'k', async () => ++reads);
      expect(reads).toBe(3);
    } finally {
      w.close();
    }
  });
});
