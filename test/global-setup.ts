import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { compiledIsCurrent } from '../bench/lib/build.ts';
import { loadFile } from '../etl/load/load-file.ts';
import { initWarehouse } from '../etl/reference/init-warehouse.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The default warehouse built once per run by the real `init`; tests copy it, never open it. */
    templateWarehouse: string;
    /** The default warehouse with `examples/aggregates-2024.csv` loaded (data version 2). */
    exampleWarehouse: string;
    /**
     * The default warehouse with `test/fixtures/api/provinces-2021-2025.csv`, then
     * `examples/aggregates-2024.csv` loaded (data versions 2 and 3): what the API tests query.
     */
    apiWarehouse: string;
    /** The command line and API server compiled by `scripts/build.mjs` (see `buildBundle`). */
    bundleDir: string;
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The command line and the API server compiled as `npm ci` does (`scripts/build.mjs`, what the
 * installed `coopstat` and `npm start` run), so that starting them takes a plain `node`, not tsx
 * compiling the sources at each start: `dist/` when it was compiled from the sources as they are
 * now (`compiledIsCurrent`, the check `bin/coopstat.mjs` makes), as on a checkout just installed;
 * otherwise compiled anew into a folder of `.tmp/` (git-ignored, inside the tree so that the
 * bundle finds its packages in node_modules), which the run removes (`owned`).
 */
async function buildBundle(): Promise<{ dir: string; owned: boolean }> {
  if (compiledIsCurrent()) return { dir: join(ROOT, 'dist'), owned: false };
  await mkdir(join(ROOT, '.tmp'), { recursive: true });
  const out = await mkdtemp(join(ROOT, '.tmp', 'test-cli-'));
  await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--outdir', out], {
    cwd: ROOT,
  });
  return { dir: out, owned: true };
}

/**
 * The warehouses several files start from, each made from the default one by the real ETL:
 * loaded once here and copied by the tests instead of loaded again in each file.
 */
async function buildLoadedWarehouses(dir: string, db: string) {
  const fixture = (path: string) => join(ROOT, path);
  const example = join(dir, 'example.duckdb');
  const api = join(dir, 'api.duckdb');
  await Promise.all([copyFile(db, example), copyFile(db, api)]);
  await Promise.all([
    loadFile(fixture('examples/aggregates-2024.csv'), { db: example }),
    loadFile(fixture('test/fixtures/api/provinces-2021-2025.csv'), { db: api, maxYear: 2026 }).then(
      () => loadFile(fixture('examples/aggregates-2024.csv'), { db: api }),
    ),
  ]);
  return { example, api };
}

/** What {@link setup} builds, and the projects (vitest runs a global set-up per project) using it. */
interface Built {
  readonly dir: string;
  readonly db: string;
  readonly example: string;
  readonly api: string;
  readonly bundle: { dir: string; owned: boolean };
}
interface SharedSetup {
  built: Promise<Built>;
  users: number;
}
/** Kept on the main process's global object: each project loads this module anew. */
const SHARED = Symbol.for('coopstat.test.globalSetup');
const shared = globalThis as { [SHARED]?: SharedSetup };

async function build(): Promise<Built> {
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-template-'));
  const db = join(dir, 'warehouse.duckdb');
  const [bundle, loaded] = await Promise.all([
    buildBundle(),
    initWarehouse(db).then(() => buildLoadedWarehouses(dir, db)),
  ]);
  return { dir, db, bundle, ...loaded };
}

/**
 * Builds once per test run what many files need: the default warehouse through the real `init`
 * (about 2 s) and two loaded from it ({@link buildLoadedWarehouses}), which each file or test
 * then copies, and the compiled command line and server ({@link buildBundle}), which the tests
 * start instead of tsx compiling the sources at each start. The test projects share one build;
 * the last to finish removes what it made.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = (shared[SHARED] ??= { built: build(), users: 0 });
  state.users += 1;
  const built = await state.built;
  project.provide('templateWarehouse', built.db);
  project.provide('exampleWarehouse', built.example);
  project.provide('apiWarehouse', built.api);
  project.provide('bundleDir', built.bundle.dir);
  return async () => {
    state.users -= 1;
    if (state.users > 0) return;
    delete shared[SHARED];
    await rm(built.dir, { recursive: true, force: true });
    if (built.bundle.owned) await rm(built.bundle.dir, { recursive: true, force: true });
  };
}
