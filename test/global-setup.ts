import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { initWarehouse } from '../etl/reference/init-warehouse.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The default warehouse built once per run by the real `init`; tests copy it, never open it. */
    templateWarehouse: string;
  }
}

/**
 * Builds the default warehouse once per test run through the real `init` (about 2 s), so each
 * test file or test that needs one gets a copy of the file instead of running `init` again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-template-'));
  const db = join(dir, 'warehouse.duckdb');
  await initWarehouse(db);
  project.provide('templateWarehouse', db);
  return () => rm(dir, { recursive: true, force: true });
}
