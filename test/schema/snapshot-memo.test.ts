import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MEMO_BYTES, estimateBytes, setMemoBudget } from '../../schema/bounded-memo.ts';
import { memoisedPerSnapshot, snapshotMemo } from '../../schema/snapshot-memo.ts';

/**
 * The per-snapshot memo under DataLoader: what each request computes itself, counted by the
 * keys its batch function is given.
 */

const value = (key: string) => ({ key, name: `Tỉnh ${key}`, organisations: key.length });

/** A batch function that records the keys of each call and answers them. */
function countingBatch() {
  const calls: string[][] = [];
  const batch = async (keys: readonly string[]) => {
    calls.push([...keys]);
    return keys.map(value);
  };
  return { calls, batch };
}

afterEach(() => setMemoBudget(DEFAULT_MEMO_BYTES));

describe('memoisedPerSnapshot', () => {
  it('computes each key once per snapshot, and only the keys not kept', async () => {
    const snapshot = {};
    const first = countingBatch();
    expect(await memoisedPerSnapshot(snapshot, 'rows', first.batch)(['a', 'b'])).toEqual([
      value('a'),
      value('b'),
    ]);
    const second = countingBatch();
    const load = memoisedPerSnapshot(snapshot, 'rows', second.batch);
    expect(await load(['b', 'c', 'a', 'c'])).toEqual(['b', 'c', 'a', 'c'].map(value));
    expect(first.calls).toEqual([['a', 'b']]);
    expect(second.calls).toEqual([['c']]);
    // Another loader's name is another key.
    const other = countingBatch();
    await memoisedPerSnapshot(snapshot, 'values', other.batch)(['a']);
    expect(other.calls).toEqual([['a']]);
  });

  it('reads a kept value it found even when computing the others makes the budget drop it', async () => {
    // Room for two values: computing 'c' drops the least recently used.
    setMemoBudget(2 * estimateBytes(value('a')) + 1);
    const snapshot = {};
    const first = countingBatch();
    await memoisedPerSnapshot(snapshot, 'rows', first.batch)(['a', 'b']);
    const second = countingBatch();
    expect(await memoisedPerSnapshot(snapshot, 'rows', second.batch)(['a', 'c'])).toEqual([
      value('a'),
      value('c'),
    ]);
    expect(second.calls).toEqual([['c']]);
    const memo = snapshotMemo(snapshot);
    expect([memo.has('rows\u0000a'), memo.has('rows\u0000b'), memo.has('rows\u0000c')]).toEqual([
      true,
      false,
      true,
    ]);
  });

  it("shares a key another request is computing, and computes only that key again if the other's computation fails", async () => {
    const snapshot = {};
    let fail!: (error: Error) => void;
    const failing: string[][] = [];
    const stopped = memoisedPerSnapshot(snapshot, 'rows', (keys) => {
      failing.push([...keys]);
      return new Promise<never>((_, reject) => (fail = reject));
    });
    const other = stopped(['a']);
    other.catch(() => {});
    const mine = countingBatch();
    const answer = memoisedPerSnapshot(snapshot, 'rows', mine.batch)(['a', 'b']);
    await Promise.resolve();
    expect(mine.calls).toEqual([['b']]); // 'a' is being computed by the other request
    fail(new Error('the client closed the connection'));
    await expect(other).rejects.toThrow('the client closed the connection');
    expect(await answer).toEqual([value('a'), value('b')]);
    expect(failing).toEqual([['a']]);
    expect(mine.calls).toEqual([['b'], ['a']]);
  });

  it('computes a key once while it is pending, however small the budget', async () => {
    setMemoBudget(1);
    const snapshot = {};
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const slow: string[][] = [];
    const first = memoisedPerSnapshot(snapshot, 'rows', async (keys) => {
      slow.push([...keys]);
      await gate;
      return keys.map(value);
    })(['a']);
    // Values resolved meanwhile overflow the budget: the pending 'a' is not dropped for them.
    const filler = countingBatch();
    await memoisedPerSnapshot(snapshot, 'rows', filler.batch)(['x', 'y']);
    const second = countingBatch();
    const again = memoisedPerSnapshot(snapshot, 'rows', second.batch)(['a']);
    finish();
    expect(await first).toEqual([value('a')]);
    expect(await again).toEqual([value('a')]);
    expect(slow).toEqual([['a']]);
    expect(second.calls).toEqual([]);
  });
});
