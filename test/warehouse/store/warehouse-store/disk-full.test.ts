import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../../etl/load/load-file.ts';
import { WarehouseWriteError } from '../../../../warehouse/store/warehouse-store.ts';
import {
  createTestWarehouse,
  example,
  fileHash,
  type TestWarehouse,
} from '../../../helpers/warehouse.ts';

// A real full disk: a small tmpfs holding the warehouse with too little room for the snapshot
// copy. Mounting needs root (as in the project's containers); elsewhere the test is skipped.
let wh: TestWarehouse;
let mountPoint: string | undefined;
beforeAll(async () => {
  wh = await createTestWarehouse();
  if (process.getuid?.() !== 0) return;
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-full-'));
  const size = (await stat(wh.db)).size;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size + 512 * 1024}`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
    mountPoint = dir;
    await copyFile(wh.db, join(dir, 'warehouse.duckdb'));
  } catch {
    await rm(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  if (mountPoint) {
    execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    await rm(mountPoint, { recursive: true, force: true });
  }
  await wh.cleanup();
});

describe('a full disk', () => {
  it('refuses the load in plain words, and the warehouse is as it was', async (context) => {
    if (!mountPoint) return context.skip();
    const db = join(mountPoint, 'warehouse.duckdb');
    const before = await fileHash(db);
    const error = await loadFile(example('aggregates-2024.csv'), { db }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WarehouseWriteError);
    expect((error as Error).message).toBe(
      `the warehouse ${db} could not be written because the disk is full; nothing was published and the warehouse is as it was`,
    );
    expect(await fileHash(db)).toBe(before);
    expect(await readdir(mountPoint)).toEqual(['warehouse.duckdb']); // no copy, no lock left
  });

  it('and a read-only file system: the same plain refusal, before the file is read', async (context) => {
    if (!mountPoint) return context.skip();
    const db = join(mountPoint, 'warehouse.duckdb');
    execFileSync('mount', ['-o', 'remount,ro', mountPoint], { stdio: 'ignore' });
    try {
      const stages: string[] = [];
      const error = await loadFile(example('aggregates-2024.csv'), {
        db,
        onProgress: (stage) => stages.push(stage),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WarehouseWriteError);
      expect((error as Error).message).toBe(
        `the warehouse ${db} could not be written because the file system is read-only; nothing was published and the warehouse is as it was`,
      );
      expect(stages).toEqual([]);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint], { stdio: 'ignore' });
    }
  });
});

describe('a disk that fills up after the copy, while the load writes', () => {
  it('refuses the load, and the copy is let go: its space is free again and nothing holds it', async (context) => {
    if (process.getuid?.() !== 0) return context.skip();
    // Room for the warehouse and the writer's copy, not for what the load then writes.
    const dir = await mkdtemp(join(tmpdir(), 'coopstat-fills-'));
    const size = (await stat(wh.db)).size;
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${2 * size + 400 * 1024}`, 'tmpfs', dir], {
        stdio: 'ignore',
      });
    } catch {
      await rm(dir, { recursive: true, force: true });
      return context.skip();
    }
    let mounted = true;
    try {
      const db = join(dir, 'warehouse.duckdb');
      await copyFile(wh.db, db);
      const before = await fileHash(db);
      const free = (await statfs(dir)).bfree;
      const error = await loadFile(example('aggregates-2024.csv'), { db }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WarehouseWriteError);
      expect((error as Error).message).toMatch(/because the disk is full; nothing was published/);
      expect(await fileHash(db)).toBe(before);
      expect(await readdir(dir)).toEqual(['warehouse.duckdb']);
      // A copy still open in this process would keep its blocks, and the mount busy.
      expect((await statfs(dir)).bfree).toBe(free);
      execFileSync('umount', [dir], { stdio: 'ignore' });
      mounted = false;
    } finally {
      if (mounted) execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
