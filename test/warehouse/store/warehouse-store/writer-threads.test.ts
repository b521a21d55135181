import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WRITER_THREADS, withWriter } from '../../../../warehouse/store/warehouse-store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-writer-threads-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The DuckDB `threads` a writer on `path` runs with, given `threads`. */
const writerThreads = (path: string, threads?: number) =>
  withWriter(
    path,
    async (db) => {
      const [row] = await db.all<{ threads: number }>(
        `select current_setting('threads') as threads`,
      );
      return { publish: false, result: row!.threads };
    },
    threads === undefined ? {} : { threads },
  );

describe('the DuckDB threads of a writer', () => {
  it('are every core by default, as DuckDB would use', async () => {
    expect(DEFAULT_WRITER_THREADS).toBe(Math.max(1, availableParallelism()));
    expect(await writerThreads(join(dir, 'default.duckdb'))).toBe(DEFAULT_WRITER_THREADS);
  });

  it('are what the writer is given when it is given a count', async () => {
    expect(await writerThreads(join(dir, 'given.duckdb'), 3)).toBe(3);
  });
});
