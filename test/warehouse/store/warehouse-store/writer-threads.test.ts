import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_WRITER_THREADS,
  ONE_THREAD_INPUT_BYTES,
  withWriter,
  writerThreadsFor,
} from '../../../../warehouse/store/warehouse-store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-writer-threads-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The DuckDB `threads` a writer on `path` runs with, given `threads`. */
const writerThreads = (path: string, threads?: number | (() => number)) =>
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

  it('are asked for once the input is known, when the writer is given a function', async () => {
    let asked = 0;
    const threads = () => {
      asked += 1;
      return 2;
    };
    expect(await writerThreads(join(dir, 'asked.duckdb'), threads)).toBe(2);
    expect(asked).toBe(1);
  });
});

describe('the DuckDB threads of a load, by the size of its file', () => {
  it('are one below 8 MiB, where a second thread only costs scheduling', () => {
    expect(ONE_THREAD_INPUT_BYTES).toBe(8 * 1024 * 1024);
    expect(writerThreadsFor(0)).toBe(1);
    expect(writerThreadsFor(165_089)).toBe(1);
    expect(writerThreadsFor(ONE_THREAD_INPUT_BYTES - 1)).toBe(1);
  });

  it('are every core from 8 MiB up, where the rows fill row groups that run in parallel', () => {
    expect(writerThreadsFor(ONE_THREAD_INPUT_BYTES)).toBe(DEFAULT_WRITER_THREADS);
    expect(writerThreadsFor(32_977_675)).toBe(DEFAULT_WRITER_THREADS);
  });
});
