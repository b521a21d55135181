import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { initWarehouse } from '../etl/reference/init-warehouse.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The default warehouse built once per run by the real `init`; tests copy it, never open it. */
    templateWarehouse: string;
    /** `cli.mjs` of the command line compiled once per run by `scripts/build.mjs`. */
    cliBundle: string;
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles the command line as `npm ci` does (`scripts/build.mjs`, what the installed `coopstat`
 * runs), into a folder of `.tmp/` (git-ignored, inside the tree so that the bundle finds its
 * packages in node_modules). Starting it takes a plain `node`, not tsx compiling the sources.
 */
async function buildCli(): Promise<string> {
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  const out = await mkdtemp(join(ROOT, '.tmp', 'test-cli-'));
  await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--outdir', out], {
    cwd: ROOT,
  });
  return out;
}

/**
 * Builds once per test run what many files need: the default warehouse through the real `init`
 * (about 2 s), which each file or test then copies, and the compiled command line, which the
 * tests run instead of starting tsx for each command.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-template-'));
  const db = join(dir, 'warehouse.duckdb');
  const [cli] = await Promise.all([buildCli(), initWarehouse(db)]);
  project.provide('templateWarehouse', db);
  project.provide('cliBundle', join(cli, 'cli.mjs'));
  return async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(cli, { recursive: true, force: true });
  };
}
