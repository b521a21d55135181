import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that cost the most, most costly first: the order of a run with per-file durations
 * (2026-12-03 22:14, `--reporter=json`), where the bad-input suite alone was a tenth of the whole,
 * with the bench smoke run second as in the quieter afternoon's run (one child process that a
 * loaded machine slows less than the files that load). Several are small files (the bench smoke
 * run, the shutdown and demo suites), which vitest would start late on a clean checkout, where it
 * has no durations and starts the larger files first: one of them started last keeps a worker
 * busy long after the other has finished.
 */
export const HEAVY_FIRST = [
  'test/e2e/misuse/bad-input.test.ts',
  'test/bench/run.test.ts',
  'test/etl/load/sheet-layout.test.ts',
  'test/e2e/annual-cycle/release-cycle.test.ts',
  'test/etl/load/load-file.test.ts',
  'test/warehouse/store/warehouse-reader.test.ts',
  'test/e2e/cli/cli.test.ts',
  'test/etl/template/input-template.test.ts',
  'test/etl/load/erasure-guard.test.ts',
  'test/e2e/misuse/injection.test.ts',
  'test/etl/validate/total-rows.test.ts',
  'test/e2e/process/shutdown.test.ts',
  'test/e2e/cli/demo.test.ts',
  'test/e2e/cli/compiled-cli.test.ts',
  'test/etl/export/open-formats.test.ts',
  'test/server/auth.test.ts',
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
