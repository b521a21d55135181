import { DuckDbHandle, type SqlValue } from '../../warehouse/dialect/index.ts';

/**
 * The in-memory DuckDB instance a test file reads warehouses through: {@link readAttached}
 * attaches the file read-only, reads and detaches it. An instance opened per read cost ~50 ms
 * (DuckDB registers its catalog and pages its allocator in each time), over ~360 reads a run.
 * `test/setup.ts` closes it after each file ({@link closeReadHost}).
 */
let host: Promise<DuckDbHandle> | undefined;
/** Reads run one at a time: DuckDB attaches a path once per instance. */
let chain: Promise<unknown> = Promise.resolve();
let attached = 0;

/** Runs `sql` on the database file `path` as it is on disk now, read-only. */
export function readAttached<T>(path: string, sql: string, params: SqlValue[] = []): Promise<T[]> {
  const read = async () => {
    host ??= DuckDbHandle.open(':memory:');
    const db = await host;
    const alias = `test_read_${++attached}`;
    await db.run(`attach '${path.replace(/'/g, "''")}' as ${alias} (read_only)`);
    try {
      await db.run(`use ${alias}`);
      return await db.all<T>(sql, params);
    } finally {
      await db.run('use memory');
      await db.run(`detach ${alias}`);
    }
  };
  const result = chain.then(read, read);
  chain = result.catch(() => undefined);
  return result;
}

/** Closes the instance {@link readAttached} keeps, once its reads are done. */
export async function closeReadHost(): Promise<void> {
  if (!host) return;
  const db = host;
  host = undefined;
  await chain;
  (await db).close();
}
