import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that cost the most, most costly first: the order of a run with per-file durations
 * (2026-12-05 11:30, `--reporter=json`, every file but {@link ISOLATED} sharing a process per
 * worker). Several are small files (the bench smoke run, the shutdown and demo suites), which
 * vitest would start late on a clean checkout, where it has no durations and starts the larger
 * files first: one of them started last keeps a worker busy long after the other has finished.
 */
export const HEAVY_FIRST = [
  'test/e2e/misuse/bad-input.test.ts',
  'test/etl/load/load-file.test.ts',
  'test/server/dashboard/dashboard.test.ts',
  'test/warehouse/publish/indicator-values.test.ts',
  'test/bench/run.test.ts',
  'test/e2e/cli/cli.test.ts',
  'test/e2e/annual-cycle/release-cycle.test.ts',
  'test/etl/load/sheet-layout.test.ts',
  'test/server/auth.test.ts',
  'test/e2e/misuse/injection.test.ts',
  'test/schema/snapshot-inheritance.test.ts',
  'test/etl/load/erasure-guard.test.ts',
  'test/warehouse/store/warehouse-store/crash.test.ts',
  'test/e2e/process/shutdown.test.ts',
  'test/etl/template/input-template.test.ts',
  'test/e2e/cli/readme-claims.test.ts',
  'test/e2e/cli/demo.test.ts',
  'test/e2e/cli/compiled-cli.test.ts',
] as const;

/**
 * The files that change the state of the process they run in — its time zone, its environment,
 * a spy on a module other files import — each run in a process of their own (vitest's project
 * `isolated`). Every other file shares one process per worker, one file after the other, and
 * with it the imports (graphql, type-graphql, DuckDB, the schema: about a second and a half of
 * each file's start): so every file must leave nothing behind — every server, child process
 * and DuckDB handle closed, no statement left running (`test/setup.ts` fails a file that leaves a
 * DuckDB database open). `test/sequencer.test.ts` finds the files that change their process's
 * state and holds this list to them.
 */
export const ISOLATED = [
  'test/etl/load/load-file.test.ts',
  'test/warehouse/dialect.test.ts',
  'test/warehouse/store/warehouse-store/temp-files.test.ts',
] as const;

/** Starts the files of {@link HEAVY_FIRST} first, in that order; the others as vitest orders them. */
export class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const path = relative(file.project.config.root, file.moduleId).split('\\').join('/');
      const index = (HEAVY_FIRST as readonly string[]).indexOf(path);
      return index < 0 ? HEAVY_FIRST.length : index;
    };
    return sorted
      .map((file, order) => ({ file, order, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.order - b.order)
      .map(({ file }) => file);
  }
}
