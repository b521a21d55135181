import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
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
