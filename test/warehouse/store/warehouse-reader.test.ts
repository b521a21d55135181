import { copyFile, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { SCHEMA_VERSION } from '../../../warehouse/migrations/migrations.ts';
import {
  ReaderBusyError,
  WarehouseReader,
  type Lease,
  type WarmUpOutcome,
} from '../../../warehouse/store/warehouse-reader.ts';
import {
  createTestWarehouse,
  example,
  publishExample,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';
import { EVENTUALLY } from '../../helpers/wait.ts';

const AGGREGATES = example('aggregates-2024.csv');
const LONG_SQL = 'select count(*) as n from range(20000000000) t(i) where i % 7 = 3';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What {@link observe} reads: a version, and counts that the aggregates file changes. */
const OBSERVED = `select (select max(data_version) from publication) as version,
  (select count(*) from fct_org_annual where valid_to_version is null) as facts,
  (select count(*) from load_log) as loads`;
type Observed = { version: number; facts: number; loads: number };

/** What a lease sees: its version, and a count that the aggregates file changes. */
async function observe(lease: Lease) {
  const [row] = await lease.handle.all<Observed>(OBSERVED);
  return row!;
}

/** {@link observe} on the file at `path` as it is on disk now, read apart from any reader. */
async function observeDb(path: string) {
  const [row] = await query<Observed>(path, OBSERVED);
  return row!;
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

describe('WarehouseReader', () => {
  it('moves to a new snapshot while a lease taken before keeps reading the old one', async () => {
    reader = await WarehouseReader.open(wh.db);
    const before = await reader.acquire();
    const v1 = before.dataVersion;
    const seenBefore = await observe(before);
    expect(seenBefore.version).toBe(v1);

    await publishExample(wh.db);

    await reader.refresh();
    const after = await reader.acquire();
    expect(after.dataVersion).toBe(v1 + 1);
    expect(after.lastLoadId).toBe(before.lastLoadId + 1);
    const seenAfter = await observe(after);
    // What the published file holds, read apart from the reader.
    expect(seenAfter).toEqual(await observeDb(wh.db));
    expect(seenAfter).toMatchObject({ version: v1 + 1, loads: seenBefore.loads + 1 });
    expect(seenAfter.facts).toBeGreaterThan(seenBefore.facts);

    // The earlier lease still reads its own snapshot, whole.
    expect(await observe(before)).toEqual(seenBefore);
    const oldHandle = before.handle;
    before.release();
    // The old snapshot's last lease is gone: its handle is closed; the new one still works.
    await expect(oldHandle.all('select 1')).rejects.toThrow(/closed/);
    expect(await observe(after)).toEqual(seenAfter);
    after.release();
    after.release(); // idempotent
  });

  it('notices a publish through the directory watch alone', async () => {
    reader = await WarehouseReader.open(wh.db, { checkIntervalMs: 3_600_000 });
    const v1 = reader.dataVersion;
    await publishExample(wh.db);
    await vi.waitFor(() => expect(reader!.dataVersion).toBe(v1 + 1), { timeout: 5_000 });
    const lease = await reader.acquire();
    expect((await observe(lease)).version).toBe(v1 + 1);
    lease.release();
  });

  it('notices a publish through the check in acquire() alone, at most every 250 ms', async () => {
    const swaps: number[] = [];
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      onSwap: (s) => swaps.push(s.dataVersion),
    });
    const v1 = reader.dataVersion;
    await publishExample(wh.db);
    await sleep(260);
    const lease = await reader.acquire();
    expect(lease.dataVersion).toBe(v1 + 1);
    expect(swaps).toEqual([v1 + 1]);
    lease.release();
  });

  it('serves concurrent queries during a load without an error or a half-loaded state', async () => {
    reader = await WarehouseReader.open(wh.db, { checkIntervalMs: 0 });
    const first = await reader.acquire();
    const initial = await observe(first);
    first.release();

    let loading = true;
    const seen: { version: number; facts: number; loads: number }[] = [];
    const worker = async () => {
      while (loading) {
        const lease = await reader!.acquire();
        try {
          const row = await observe(lease);
          expect(row.version).toBe(lease.dataVersion);
          seen.push(row);
        } finally {
          lease.release();
        }
        await sleep(1);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    const report = await loadFile(AGGREGATES, { db: wh.db });
    await vi.waitFor(() => expect(reader!.dataVersion).toBe(report.dataVersion), {
      timeout: 5_000,
    });
    await sleep(50);
    loading = false;
    await Promise.all(workers);

    const last = await reader.acquire();
    const loaded = await observe(last);
    last.release();
    expect(loaded).toMatchObject({ version: initial.version + 1, loads: initial.loads + 1 });
    expect(loaded.facts).toBeGreaterThan(initial.facts);
    // Every read saw one whole snapshot: the one before, or the one after.
    for (const row of seen) expect([initial, loaded]).toContainEqual(row);
    expect(seen).toContainEqual(initial);
    expect(seen).toContainEqual(loaded);
  });

  it('interrupts only the statements of the lease it is asked to', async () => {
    reader = await WarehouseReader.open(wh.db, { connections: 2 });
    const slow = await reader.acquire();
    const quick = await reader.acquire();
    // One snapshot, a connection for each lease.
    expect(quick.handle).not.toBe(slow.handle);
    expect(quick.snapshot).toBe(slow.snapshot);

    const reason = new Error('stopped on purpose');
    const running = slow.handle.all(LONG_SQL);
    await vi.waitFor(() => expect(slow.handle.running).toBe(true), EVENTUALLY);
    // The other lease's statement runs while the long one is still executing.
    expect(await quick.handle.all<{ x: number }>('select 42 as x')).toEqual([{ x: 42 }]);
    expect(slow.handle.running).toBe(true);
    slow.interrupt(reason);
    await expect(running).rejects.toThrow(/INTERRUPT/);
    // Later statements of the interrupted lease fail at once, with the reason.
    await expect(slow.handle.all('select 1')).rejects.toBe(reason);
    expect(slow.interruptedBy).toBe(reason);
    // The other lease is untouched.
    expect(await quick.handle.all('select 43 as x')).toEqual([{ x: 43 }]);
    // The interrupted connection serves its next lease normally.
    const slowHandle = slow.handle;
    slow.release();
    const next = await reader.acquire();
    expect(next.handle).toBe(slowHandle);
    expect(await next.handle.all('select 44 as x')).toEqual([{ x: 44 }]);
    next.release();
    quick.release();
  });

  it('runs the statements of two leases at once, each on its own connection', async () => {
    reader = await WarehouseReader.open(wh.db, { connections: 2 });
    const [a, b] = [await reader.acquire(), await reader.acquire()];
    const runs = [a, b].map((lease) => lease.handle.all(LONG_SQL));
    // Both statements are executing in DuckDB before either has finished.
    await vi.waitFor(
      () => expect([a.handle.running, b.handle.running]).toEqual([true, true]),
      EVENTUALLY,
    );
    a.interrupt(new Error('enough'));
    b.interrupt(new Error('enough'));
    const outcomes = await Promise.allSettled(runs);
    expect(outcomes.map((o) => o.status === 'rejected' && String(o.reason))).toEqual([
      'Error: INTERRUPT Error: Interrupted!',
      'Error: INTERRUPT Error: Interrupted!',
    ]);
    a.release();
    b.release();
  });

  it('queues leases beyond its connections, first come first served, within bounds', async () => {
    reader = await WarehouseReader.open(wh.db, { connections: 1, queueLimit: 2 });
    const held = await reader.acquire();
    const order: string[] = [];
    const first = reader.acquire().then((lease) => (order.push('first'), lease));
    await vi.waitFor(() => expect(reader!.load.waiting).toBe(1), EVENTUALLY);
    const second = reader.acquire().then((lease) => (order.push('second'), lease));
    await vi.waitFor(
      () => expect(reader!.load).toEqual({ connections: 1, busy: 1, waiting: 2 }),
      EVENTUALLY,
    );
    // The queue is full: one more is refused at once.
    await expect(reader.acquire()).rejects.toMatchObject({
      name: 'ReaderBusyError',
      reason: 'queue full',
    });
    // A waiter that gives up leaves the queue.
    const controller = new AbortController();
    held.release();
    const one = await first;
    expect(one.handle).toBe(held.handle);
    const third = reader.acquire({ signal: controller.signal });
    controller.abort(new Error('client gone'));
    await expect(third).rejects.toThrow('client gone');
    // A caller that has waited its turn once already goes first, even past a full queue.
    const third2 = reader.acquire();
    await vi.waitFor(() => expect(reader!.load.waiting).toBe(2), EVENTUALLY);
    const again = reader.acquire({ ahead: true }).then((lease) => (order.push('again'), lease));
    await vi.waitFor(() => expect(reader!.load.waiting).toBe(3), EVENTUALLY);
    one.release();
    (await again).release();
    (await second).release();
    (await third2).release();
    expect(order).toEqual(['first', 'again', 'second']);
    expect(reader.load).toEqual({ connections: 1, busy: 0, waiting: 0 });
  });

  it('refuses a lease that waited longer than the wait limit', async () => {
    reader = await WarehouseReader.open(wh.db, { connections: 1, queueTimeoutMs: 50 });
    const held = await reader.acquire();
    await expect(reader.acquire()).rejects.toBeInstanceOf(ReaderBusyError);
    expect(reader.load.waiting).toBe(0);
    held.release();
    (await reader.acquire()).release();
  });

  it('gives waiting callers connections of a snapshot published while all were leased', async () => {
    reader = await WarehouseReader.open(wh.db, { connections: 2 });
    const held = [await reader.acquire(), await reader.acquire()];
    const v1 = held[0]!.dataVersion;
    const waiting = reader.acquire();
    await vi.waitFor(() => expect(reader!.load.waiting).toBe(1), EVENTUALLY);
    await publishExample(wh.db);
    await reader.refresh();
    // The waiter is served from the new snapshot while the old one's connections are held.
    const fresh = await waiting;
    expect(fresh.dataVersion).toBe(v1 + 1);
    expect((await observe(fresh)).version).toBe(v1 + 1);
    for (const lease of held) expect((await observe(lease)).version).toBe(v1);
    const oldHandles = held.map((lease) => lease.handle);
    held[0]!.release();
    // One lease still holds the old snapshot: its other connection stays open.
    expect((await observe(held[1]!)).version).toBe(v1);
    held[1]!.release();
    // Closed once its buffer pool is emptied, off the event loop (Snapshot.closeIfUnused).
    await reader.retirements();
    for (const handle of oldHandles) await expect(handle.all('select 1')).rejects.toThrow(/closed/);
    fresh.release();
    expect(reader.load).toEqual({ connections: 2, busy: 0, waiting: 0 });
  });

  it('opens every snapshot with the DuckDB memory limit and threads asked for', async () => {
    const settings = async (lease: Lease) =>
      (
        await lease.handle.all<{
          memory: string;
          threads: number;
          flush: string;
          background: boolean;
        }>(
          `select current_setting('memory_limit') as memory, current_setting('threads') as threads,
             current_setting('allocator_flush_threshold') as flush,
             current_setting('allocator_background_threads') as background`,
        )
      )[0];
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      connections: 2,
      memoryLimitBytes: 48 * 1024 * 1024,
      threads: 1,
    });
    const [a, b] = [await reader.acquire(), await reader.acquire()];
    // The settings are the instance's: every pooled connection has them.
    for (const lease of [a, b])
      expect(await settings(lease)).toEqual({
        memory: '48.0 MiB',
        threads: 1,
        // The allocator gives freed memory back early (SNAPSHOT_ALLOCATOR_SETTINGS).
        flush: '7.6 MiB',
        background: true,
      });
    a.release();
    b.release();
    await publishExample(wh.db);
    await reader.refresh();
    const fresh = await reader.acquire();
    expect(fresh.snapshot).toBe(2);
    expect(await settings(fresh)).toEqual({
      memory: '48.0 MiB',
      threads: 1,
      flush: '7.6 MiB',
      background: true,
    });
    fresh.release();
    await expect(WarehouseReader.open(wh.db, { threads: 0 })).rejects.toThrow(/threads/);
    await expect(WarehouseReader.open(wh.db, { memoryLimitBytes: 0.5 })).rejects.toThrow(
      /memory limit/,
    );
  });

  it('tells which snapshot it retired once its last lease is released', async () => {
    const retired: object[] = [];
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      onRetire: (key) => retired.push(key),
    });
    const old = await reader.acquire();
    await publishExample(wh.db);
    await reader.refresh();
    expect(retired).toEqual([]);
    old.release();
    expect(retired).toEqual([old.snapshotKey]);
    const fresh = await reader.acquire();
    fresh.release();
    await reader.close();
    expect(retired).toEqual([old.snapshotKey, fresh.snapshotKey]);
  });

  it('reports readiness from a trivial query', async () => {
    reader = await WarehouseReader.open(wh.db);
    expect(await reader.ready()).toEqual({
      ok: true,
      dataVersion: reader.dataVersion,
      schemaVersion: SCHEMA_VERSION,
    });
    await reader.close();
    expect(await reader.ready()).toMatchObject({ ok: false, detail: 'the reader is closed' });
  });

  it('keeps serving its snapshot when the new file cannot be opened', async () => {
    const errors: Error[] = [];
    reader = await WarehouseReader.open(wh.db, { watch: false, onError: (e) => errors.push(e) });
    const version = reader.dataVersion;
    const junk = join(wh.dir, 'junk.duckdb');
    await writeFile(junk, 'this is not a DuckDB file');
    await rename(junk, wh.db);
    await reader.refresh();
    expect(errors).toHaveLength(1);
    const lease = await reader.acquire();
    expect(lease.dataVersion).toBe(version);
    expect((await observe(lease)).version).toBe(version);
    lease.release();
  });

  it('closes a leased handle only when its lease is released, and refuses leases once closed', async () => {
    reader = await WarehouseReader.open(wh.db);
    const lease = await reader.acquire();
    await reader.close();
    await expect(reader.acquire()).rejects.toThrow(/closed/);
    expect((await observe(lease)).version).toBe(lease.dataVersion);
    lease.release();
    await expect(lease.handle.all('select 1')).rejects.toThrow(/closed/);
  });

  it('waits, when closing again, for a retirement that a lease released since started', async () => {
    reader = await WarehouseReader.open(wh.db, { attachSnapshots: false });
    const lease = await reader.acquire();
    const { handle } = lease;
    await reader.close(); // the snapshot is leased: it is closed when the lease is released
    lease.release(); // its close starts: a statement empties its buffer pool, then it closes
    // That statement is sent within a few microtasks (nothing else can run before it returns).
    for (let tick = 0; tick < 50 && !handle.running; tick++) await Promise.resolve();
    expect(handle.running).toBe(true);
    await reader.close();
    // Nothing of the snapshot is left running or open once close() has resolved.
    expect(handle.running).toBe(false);
    await expect(handle.all('select 1')).rejects.toThrow(/closed/);
  });

  it('waits, when closing again, for the detach of an attached snapshot a lease released since', async () => {
    const before = DuckDbHandle.openInstances;
    reader = await WarehouseReader.open(wh.db);
    const lease = await reader.acquire();
    expect(lease.handle.attachedSnapshot).toBe(true);
    expect(DuckDbHandle.openInstances).toBe(before + 1);
    await reader.close(); // the snapshot is leased: it is detached when the lease is released
    lease.release(); // the detach starts, on a connection of its own
    expect(DuckDbHandle.openInstances).toBe(before + 1);
    await reader.close();
    expect(DuckDbHandle.openInstances).toBe(before);
    await expect(lease.handle.all('select 1')).rejects.toThrow(/closed/);
  });

  it('refuses to open a missing warehouse with the command that builds it', async () => {
    await expect(WarehouseReader.open(join(wh.dir, 'nope.duckdb'))).rejects.toThrow(
      /coopstat init --db/,
    );
  });
});

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

/**
 * Publishes a new data version, starts `reader`'s refresh and, once `started` resolves (the new
 * snapshot is being prepared), takes a lease: it must still read the version before.
 */
async function refreshUntil(reader: WarehouseReader, started: { promise: Promise<void> }) {
  const v1 = reader.dataVersion;
  await publishExample(wh.db);
  const refreshing = reader.refresh();
  await started.promise;
  const during = await reader.acquire();
  expect(during.dataVersion).toBe(v1);
  return { v1, refreshing, during };
}

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
    // While the new snapshot warms, requests are served by the current one, without waiting.
    const { v1, refreshing, during } = await refreshUntil(reader, started);
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

  it('hands the new snapshot and the one it replaces to inherit before the warm-up; a failure is reported and the swap goes on', async () => {
    const started = deferred();
    const gate = deferred();
    const order: string[] = [];
    const errors: Error[] = [];
    reader = await WarehouseReader.open(wh.db, {
      watch: false,
      checkIntervalMs: 60_000,
      inherit: async (next, previous) => {
        order.push(
          `inherit ${previous.dataVersion} -> ${await versionRead(next)}, schema ${previous.schemaVersion}, ${next.snapshotKey === previous.snapshotKey ? 'same' : 'new'} key`,
        );
        started.resolve();
        await gate.promise;
        throw new Error('inherit broke');
      },
      warm: async (leases) => {
        order.push(`warm ${await versionRead(leases[0]!)}`);
      },
      onError: (error) => errors.push(error),
    });
    // While the new snapshot inherits, requests are served by the current one, without waiting.
    const { v1, refreshing, during } = await refreshUntil(reader, started);
    during.release();
    gate.resolve();
    await refreshing;
    expect(order).toEqual([
      `inherit ${v1} -> ${v1 + 1}, schema ${SCHEMA_VERSION}, new key`,
      `warm ${v1 + 1}`,
    ]);
    expect(errors.map((e) => e.message)).toEqual(['inherit broke']);
    expect(reader.dataVersion).toBe(v1 + 1);
    expect(reader.load).toEqual({ connections: 1, busy: 0, waiting: 0 });
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
    await publishExample(wh.db);
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
    await publishExample(wh.db);
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

describe('WarehouseReader, its snapshots attached to one instance the process keeps', () => {
  /** The databases attached to the instance a lease reads from. */
  const attached = async (lease: Lease) =>
    (
      await lease.handle.all<{ name: string }>(
        `select database_name as name from duckdb_databases()
         where not internal and database_name like 'snapshot_%' order by 1`,
      )
    ).map((r) => r.name);

  it('attaches each snapshot beside the one that serves, and detaches it once retired', async () => {
    const before = DuckDbHandle.openInstances;
    reader = await WarehouseReader.open(wh.db, { watch: false, connections: 2 });
    const old = await reader.acquire();
    expect(old.handle.attachedSnapshot).toBe(true);
    const [first] = await attached(old);
    const seenBefore = await observe(old);

    await publishExample(wh.db);
    await reader.refresh();
    const [fresh, second] = [await reader.acquire(), await reader.acquire()];
    expect(fresh.dataVersion).toBe(old.dataVersion + 1);
    // Both snapshots on one instance, each connection reading its own, unqualified names and all.
    const both = await attached(fresh);
    expect(both).toHaveLength(2);
    expect(both).toContain(first);
    expect(DuckDbHandle.openInstances).toBe(before + 2);
    expect(await observe(old)).toEqual(seenBefore);
    expect((await observe(fresh)).version).toBe(old.dataVersion + 1);
    expect((await observe(second)).version).toBe(old.dataVersion + 1);
    // The links made to attach them are gone: the folder holds the warehouse alone.
    expect((await readdir(wh.dir)).filter((f) => f.includes('.snapshot-'))).toEqual([]);

    old.release();
    await vi.waitFor(() => expect(DuckDbHandle.openInstances).toBe(before + 1), EVENTUALLY);
    expect(await attached(fresh)).not.toContain(first);
    fresh.release();
    second.release();
  });

  it('gives a snapshot an instance of its own where no link can be made beside the file', async (context) => {
    // A read-only file system; mounting one needs root (as in the project's containers).
    if (process.getuid?.() !== 0) return context.skip();
    const mount = await mkdtemp(join(tmpdir(), 'coopstat-ro-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      await rm(mount, { recursive: true, force: true });
      return context.skip();
    }
    try {
      const db = join(mount, 'warehouse.duckdb');
      await copyFile(wh.db, db);
      execFileSync('mount', ['-o', 'remount,ro', mount], { stdio: 'ignore' });
      const ro = await WarehouseReader.open(db, { watch: false });
      try {
        const lease = await ro.acquire();
        expect(lease.handle.attachedSnapshot).toBe(false);
        expect(await observe(lease)).toEqual(await observeFile(wh.db));
        lease.release();
      } finally {
        await ro.close();
      }
    } finally {
      execFileSync('umount', [mount], { stdio: 'ignore' });
      await rm(mount, { recursive: true, force: true });
    }
  });

  it('refuses a file of a newer schema as before, and leaves nothing attached', async () => {
    const before = DuckDbHandle.openInstances;
    const db = await DuckDbHandle.open(wh.db);
    await db.run(
      `insert into schema_migration values ($1, 'from a newer coopstat', current_timestamp)`,
      [SCHEMA_VERSION + 1],
    );
    db.close();
    await expect(WarehouseReader.open(wh.db)).rejects.toThrow(
      `the warehouse schema must be at most version ${SCHEMA_VERSION}`,
    );
    expect(DuckDbHandle.openInstances).toBe(before);
  });
});

/** {@link observe} on a file opened on its own. */
async function observeFile(path: string) {
  const reader = await WarehouseReader.open(path, { watch: false, attachSnapshots: false });
  const lease = await reader.acquire();
  try {
    return await observe(lease);
  } finally {
    lease.release();
    await reader.close();
  }
}
