import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../../../etl/load/load-file.ts';
import { WarehouseBusyError } from '../../../../warehouse/store/warehouse-store.ts';
import { example, fileHash, useTestWarehouse } from '../../../helpers/warehouse.ts';

const wh = useTestWarehouse();

const lockOf = () => `${wh.db}.lock`;
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The PID of a process that has already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('true', { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

/** A live process (the test kills it), standing for another writer or for an unrelated one. */
function liveProcess(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

describe('the writer lock', () => {
  it('is taken before the file is read: a second load is refused at once, saying nothing was published', async () => {
    const holder = liveProcess();
    const before = await fileHash(wh.db);
    const stages: string[] = [];
    try {
      await writeFile(lockOf(), String(holder.pid));
      const error = await loadFile(example('aggregates-2024.csv'), {
        db: wh.db,
        onProgress: (stage) => stages.push(stage),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WarehouseBusyError);
      expect((error as Error).message).toBe(
        `only one load may write the warehouse at a time, but process ${holder.pid} is writing ${wh.db}; nothing was published; try again when it has finished`,
      );
      expect(stages).toEqual([]); // not even hashed
      expect(await readFile(lockOf(), 'utf8')).toBe(String(holder.pid)); // the holder's lock stays
    } finally {
      holder.kill('SIGKILL');
    }
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('left by a killed writer is swept by the next load, even one of a file already loaded', async () => {
    const first = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    expect(first.outcome).toBe('PUBLISHED');
    // The writer published, then died before removing its lock.
    await writeFile(lockOf(), `${await deadPid()} 12345`);
    const again = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    expect(again.outcome).toBe('ALREADY_LOADED');
    expect(await exists(lockOf())).toBe(false);
  });

  it('names its holder by PID and start time: a PID reused by another process does not keep it', async () => {
    const unrelated = liveProcess();
    try {
      // A dead writer's lock whose PID now belongs to a live, unrelated process started later.
      await writeFile(lockOf(), `${unrelated.pid} 1`);
      const report = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
      expect(report.outcome).toBe('ALREADY_LOADED');
      expect(await exists(lockOf())).toBe(false);
    } finally {
      unrelated.kill('SIGKILL');
    }
  });
});
