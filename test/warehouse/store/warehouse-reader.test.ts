import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import {
  WarehouseReader,
  type Lease,
  type WarmUpOutcome,
} from '../../../warehouse/store/warehouse-reader.ts';
import { createTestWarehouse, example, type TestWarehouse } from '../../helpers/warehouse.ts';

const AGGREGATES = example('aggregates-2024.csv');
const LONG_SQL = 'select count(*) as n from range(20000000000) t(i) where i % 7 = 3';

/** The data version a lease's connection reads. */
async function versionRead(lease: Lease): Promise<number> {
  const [row] = await lease.handle.all<{ v: number }>(
    'select max(data_version) as v from publication',
  );
  return row!.v;
}

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

let wh: TestWarehouse;
let reader: WarehouseReader | undefined;
beforeEach(async () => {
  wh = await createTestWarehouse();
});
afterEach(async () => {
  await reader?.close();
  reader = undefined;
  await wh.cleanup();
});

describe('WarehouseReader warm-up of a new snapshot', () => {
  it('warms the new snapshot on all its connections while the current one serves, then swaps', async () => {
    const started = deferred();
    const gate = deferred();
    const warmedVersions: number[] = [];
    const outcomes: WarmUpOutcome[] = [];
    reader = await WarehouseReader.open(wh.db, {
      connections: 2,
      watch: false,
      checkIntervalMs: 60_000,
      warm: async (leases) => {
        started.resolve();
        await gate.promise;
        warmedVersions.push(...(await Promise.all(leases.map(versionRead))));
      },
      onWarm: (_snapshot, outcome) => outcomes.push(outcome),
    });
    const v1 = reader.dataVersion;
    const report = await loadFile(AGGREGATES, { db: wh.db });
    expect(report).toMatchObject({ outcome: 'PUBLISHED', dataVersion: v1 + 1 });

    const refreshing = reader.refresh();
    await started.promise;
    // While the new snapshot warms, requests are served by the current one, without waiting.
    const during = await reader.acquire();
    expect(during.dataVersion).toBe(v1);
    expect(await versionRead(during)).toBe(v1);
    during.release();
    expect(reader.dataVersion).toBe(v1);

    gate.resolve();
    await refreshing;
    // Both connections of the new snapshot were warmed, and only then served.
    expect(warmedVersions).toEqual([v1 + 1, v1 + 1]);
    expect(outcomes).toEqual([{ ms: expect.any(Number), result: 'done' }]);
    expect(reader.dataVersion).toBe(v1 + 1);
    const leases = [await reader.acquire(), await reader.acquire()];
    expect(await Promise.all(leases.map(versionRead))).toEqual([v1 + 1, v1 + 1]);
    for (const lease of leases) lease.release();
    expect(reader.load).toEqual({ connections: 2, busy: 0, waiting: 0 });
  });

  it('swaps anyway when the warm-up fails, and says so', async () => {
    const errors: Error[] = [];
    const outcomes: WarmUpOutcome[] = [];
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      checkIntervalMs: 60_000,
      warm: async () => {
        throw new Error('warm-up broke');
      },
      onWarm: (_snapshot, outcome) => outcomes.push(outcome),
      onError: (error) => errors.push(error),
    });
    const v1 = reader.dataVersion;
    await loadFile(AGGREGATES, { db: wh.db });
    await reader.refresh();
    expect(reader.dataVersion).toBe(v1 + 1);
    expect(outcomes.map((o) => o.result)).toEqual(['failed']);
    expect(errors.map((e) => e.message)).toEqual(['warm-up broke']);
  });

  it('stops a warm-up that runs out of time, swaps, and serves from the connection it held', async () => {
    const outcomes: WarmUpOutcome[] = [];
    let warmError: unknown;
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      checkIntervalMs: 60_000,
      warmTimeoutMs: 100,
      warm: async ([lease]) => {
        try {
          await lease!.handle.all(LONG_SQL);
        } catch (error) {
          warmError = error;
        }
      },
      onWarm: (_snapshot, outcome) => outcomes.push(outcome),
    });
    const v1 = reader.dataVersion;
    await loadFile(AGGREGATES, { db: wh.db });
    await reader.refresh();
    expect(outcomes.map((o) => o.result)).toEqual(['timed out']);
    expect(warmError).toBeInstanceOf(Error);
    const lease = await reader.acquire();
    expect(lease.dataVersion).toBe(v1 + 1);
    expect(lease.interruptedBy).toBeUndefined();
    expect(await versionRead(lease)).toBe(v1 + 1);
    lease.release();
  });

  it('does not warm the first snapshot', async () => {
    let warmed = 0;
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      warm: async () => {
        warmed += 1;
      },
    });
    const lease = await reader.acquire();
    lease.release();
    expect(warmed).toBe(0);
  });
});
