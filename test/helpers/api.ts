import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { graphql, type GraphQLSchema } from 'graphql';
import {
  buildCoopstatSchema,
  createRequestContext,
  type RequestContext,
} from '../../schema/index.ts';
import { forgetSnapshot } from '../../schema/snapshot-memo.ts';
import { WarehouseReader } from '../../warehouse/store/warehouse-reader.ts';
import { createTestWarehouse, type TestWarehouse } from './warehouse.ts';

/** The text of a test operation in `test/operations/`. */
export function operation(name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../operations/${name}.graphql`, import.meta.url)),
    'utf8',
  );
}

/** What an in-process execution returns, with the statements it ran and the loader batches. */
export interface Executed<T> {
  readonly data: T;
  readonly errors: readonly { message: string; extensions?: Record<string, unknown> }[];
  readonly statements: number;
  readonly batches: RequestContext['loaders']['batches'];
}

/** Executes an operation in-process against a reader's current snapshot, as the server would. */
export async function execute<T>(
  schema: GraphQLSchema,
  reader: WarehouseReader,
  source: string,
  variableValues: Record<string, unknown> = {},
): Promise<Executed<T>> {
  const lease = await reader.acquire();
  try {
    const context = createRequestContext(lease, { maxPageSize: 1000 });
    const before = lease.handle.statementCount;
    const result = await graphql({ schema, source, variableValues, contextValue: context });
    return {
      data: result.data as T,
      errors: (result.errors ?? []).map((e) => ({ message: e.message, extensions: e.extensions })),
      statements: lease.handle.statementCount - before,
      batches: context.loaders.batches,
    };
  } finally {
    lease.release();
  }
}

/** Forgets what the loaders kept for the reader's current snapshot: the next request is cold. */
export async function forgetKept(reader: WarehouseReader): Promise<void> {
  const lease = await reader.acquire();
  forgetSnapshot(lease.snapshotKey);
  lease.release();
}

/** The API tests' warehouse (`createTestWarehouse('api')`) read in-process through the real schema. */
export interface ApiReader {
  readonly wh: TestWarehouse;
  readonly schema: GraphQLSchema;
  readonly reader: WarehouseReader;
  /** Closes the reader and removes the warehouse. */
  close(): Promise<void>;
}

/** Opens an {@link ApiReader} on a fresh copy of the API tests' warehouse (no file watching). */
export async function openApiReader(connections?: number): Promise<ApiReader> {
  const wh = await createTestWarehouse('api');
  const schema = await buildCoopstatSchema();
  const reader = await WarehouseReader.open(wh.db, {
    watch: false,
    ...(connections === undefined ? {} : { connections }),
  });
  return {
    wh,
    schema,
    reader,
    close: async () => {
      await reader.close();
      await wh.cleanup();
    },
  };
}
