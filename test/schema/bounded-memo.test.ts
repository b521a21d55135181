import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import {
  BoundedMemo,
  DEFAULT_MEMO_BYTES,
  estimateBytes,
  memoBudget,
  setMemoBudget,
} from '../../schema/bounded-memo.ts';
import type { WarehouseReader } from '../../warehouse/store/warehouse-reader.ts';
import { execute, forgetKept, openApiReader, operation, type ApiReader } from '../helpers/api.ts';

describe('BoundedMemo', () => {
  it('counts a value once it resolves and drops the least recently used beyond its budget', async () => {
    const row = { unit_id: '01', year: 2024, name: 'Thành phố Hà Nội', value: 12.5 };
    const one = estimateBytes([row]);
    const memo = new BoundedMemo<unknown>(2 * one);
    memo.set('a', Promise.resolve([row]));
    memo.set('b', Promise.resolve([{ ...row }]));
    expect(memo.bytes).toBe(0); // not resolved yet
    await Promise.resolve();
    await Promise.resolve();
    expect(memo.bytes).toBe(2 * one);
    expect(await memo.get('a')).toEqual([row]); // 'a' is now the most recently used
    memo.set('c', Promise.resolve([{ ...row }]));
    await Promise.resolve();
    await Promise.resolve();
    expect([memo.has('a'), memo.has('b'), memo.has('c')]).toEqual([true, false, true]);
    expect(memo.bytes).toBe(2 * one);
    expect(memo.delete('a')).toBe(true);
    expect(memo.bytes).toBe(one);
  });

  it('keeps nothing resolved with a budget of 0, and never counts a failed value', async () => {
    const memo = new BoundedMemo<number>(0);
    const pending = Promise.resolve(1);
    memo.set('k', pending);
    expect(memo.get('k')).toBe(pending); // shared while it computes
    await Promise.resolve();
    await Promise.resolve();
    expect(memo.has('k')).toBe(false);
    const other = new BoundedMemo<number>(100);
    const failed = Promise.reject(new Error('stopped'));
    failed.catch(() => {});
    other.set('x', failed);
    await Promise.resolve();
    await Promise.resolve();
    expect(other.bytes).toBe(0);
  });

  it('never drops a value still computing, and counts its bytes when it resolves', async () => {
    const row = { unit_id: '01', year: 2024, name: 'Thành phố Hà Nội', value: 12.5 };
    const one = estimateBytes([row]);
    const memo = new BoundedMemo<unknown>(one);
    let finish!: (value: unknown) => void;
    const pending = new Promise<unknown>((resolve) => (finish = resolve));
    memo.set('pending', pending);
    memo.set('a', Promise.resolve([row]));
    memo.set('b', Promise.resolve([{ ...row }]));
    await Promise.resolve();
    await Promise.resolve();
    // Over budget: the resolved 'a' goes, the older but unfinished 'pending' stays.
    expect([memo.has('pending'), memo.has('a'), memo.has('b')]).toEqual([true, false, true]);
    expect(memo.get('pending')).toBe(pending);
    expect(memo.bytes).toBe(one);
    finish([{ ...row }]);
    await pending;
    await Promise.resolve();
    // Counted once resolved; then 'b', the least recently used, makes room for it.
    expect([memo.has('pending'), memo.has('b')]).toEqual([true, false]);
    expect(memo.bytes).toBe(one);
  });

  it('forgets a value that fails, so that the next request computes it again', async () => {
    const memo = new BoundedMemo<number>(100);
    const failed = Promise.reject(new Error('stopped'));
    failed.catch(() => {});
    memo.set('x', failed);
    expect(memo.has('x')).toBe(true); // shared while it computes
    await Promise.resolve();
    await Promise.resolve();
    expect(memo.has('x')).toBe(false);
    expect(memo.size).toBe(0);
  });

  it('estimates two bytes a character for text outside Latin-1', () => {
    expect(estimateBytes('abcd')).toBe(20);
    expect(estimateBytes('Hà Nội')).toBe(16 + 12);
    expect(estimateBytes({ a: 1, b: 'x' })).toBe(24 + 8 + 16 + 8 + 17);
  });
});

describe('the loaders under a memo budget', () => {
  let api: ApiReader | undefined;
  let schema: GraphQLSchema;
  let reader: WarehouseReader;
  beforeAll(async () => {
    api = await openApiReader();
    ({ schema, reader } = api);
  });
  afterAll(async () => {
    setMemoBudget(DEFAULT_MEMO_BYTES);
    await api?.close();
  });

  const cold = () => forgetKept(reader);

  it('answer the same with no memo at all, computing again each time', async () => {
    const dashboard = operation('dashboard');
    expect(memoBudget()).toBe(DEFAULT_MEMO_BYTES);
    // What is kept per connection outside the memo (the registry, the releases) is read once here,
    // so that both cold runs below start from the same state.
    await execute(schema, reader, dashboard, { year: 2024 });
    await cold();
    const kept = await execute(schema, reader, dashboard, { year: 2024 });
    const warm = await execute(schema, reader, dashboard, { year: 2024 });
    expect(warm.statements).toBeLessThan(kept.statements);

    setMemoBudget(0);
    await cold();
    const first = await execute(schema, reader, dashboard, { year: 2024 });
    const second = await execute(schema, reader, dashboard, { year: 2024 });
    const third = await execute(schema, reader, dashboard, { year: 2024 });
    expect(first.errors).toEqual([]);
    expect(first.statements).toBe(kept.statements);
    for (const again of [first, second, third]) expect(again.data).toEqual(kept.data);
    // No figures kept: each request computes them again (the registry is still kept).
    expect(second.statements).toBeGreaterThan(warm.statements);
    expect(third.statements).toBe(second.statements);
    expect(() => setMemoBudget(-1)).toThrow(/memo budget/);
  });
});
