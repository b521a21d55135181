import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The test files that cost the most (a run with per-file durations, 2026-12-03: from the bad-input
 * suite, about a tenth of the whole run, down to the shutdown of a real server), most costly first.
 * Several are small files (the bench smoke run, the shutdown and temp-file suites), which vitest
 * would start late on a clean checkout, where it has no durations and starts the larger files
 * first: one of them started last keeps a worker busy long after the other has finished.
 */
export const HEAVY_FIRST = [
  'test/e2e/misuse/bad-input.test.ts',
  'test/server/auth.test.ts',
  'test/etl/load/load-file.test.ts',
  'test/warehouse/store/warehouse-reader.test.ts',
  'test/e2e/api/http.test.ts',
  'test/etl/template/input-template.test.ts',
  'test/bench/run.test.ts',
  'test/etl/load/sheet-layout.test.ts',
  'test/e2e/cli/cli.test.ts',
  'test/warehouse/store/warehouse-store/temp-files.test.ts',
  'test/e2e/annual-cycle/release-cycle.test.ts',
  'test/e2e/process/shutdown.test.ts',
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
