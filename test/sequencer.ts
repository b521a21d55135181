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

/**
 * Files that run in one process per worker, one after the other, without a fresh module graph
 * each (vitest's `isolate: false`): each costs well under a second to run but about one to import
 * (graphql, type-graphql, DuckDB, the schema), so sharing the imports saves most of their time.
 * Only files that leave nothing behind belong here: no spies or mocks, no changed environment
 * variables or time zone, every server and DuckDB handle closed. A file not listed runs isolated,
 * which is always safe.
 */
export const SHARED_PROCESS = [
  'test/architecture-doc.test.ts',
  'test/bench/generate.test.ts',
  'test/bench/lib/goals.test.ts',
  'test/bench/lib/statements.test.ts',
  'test/bench/tasks/load.tasks.test.ts',
  'test/catalog/plans.test.ts',
  'test/codegen.test.ts',
  'test/e2e/api/argument-rules.test.ts',
  'test/e2e/api/explorer-examples.test.ts',
  'test/e2e/api/http-conformance.test.ts',
  'test/e2e/api/production-switches.test.ts',
  'test/e2e/api/ratio-qualifiers.test.ts',
  'test/e2e/api/request-date.test.ts',
  'test/e2e/misuse/query-limits.test.ts',
  'test/etl/catalog/catalog.reader.test.ts',
  'test/etl/load/cell-blank.test.ts',
  'test/etl/load/staging.test.ts',
  'test/etl/readers.test.ts',
  'test/etl/readers/plain-utf8.reader.test.ts',
  'test/etl/readers/text-file.reader.test.ts',
  'test/etl/readers/xlsx-sheet-scan.reader.test.ts',
  'test/etl/readers/xlsx-sheet.reader.test.ts',
  'test/etl/readers/xlsx.reader.test.ts',
  'test/etl/reference/init-warehouse.test.ts',
  'test/etl/reference/provincial-figures.test.ts',
  'test/etl/validate/validate.test.ts',
  'test/import-rules.test.ts',
  'test/query-rules.test.ts',
  'test/schema/bounded-memo.test.ts',
  'test/schema/common/batch.test.ts',
  'test/schema/common/data-version.test.ts',
  'test/schema/common/errors.test.ts',
  'test/schema/emit.test.ts',
  'test/schema/load/load.resolver.test.ts',
  'test/schema/plan/progress.loaders.test.ts',
  'test/schema/report/report-basis.test.ts',
  'test/schema/snapshot-memo.test.ts',
  'test/sequencer.test.ts',
  'test/server/app.test.ts',
  'test/server/app/routing.test.ts',
  'test/server/compiled-executor.test.ts',
  'test/server/config.test.ts',
  'test/server/errors.test.ts',
  'test/server/http-cache.test.ts',
  'test/server/plugins/plan-cache.plugin.test.ts',
  'test/server/response-cache.test.ts',
  'test/server/routes/download.route.test.ts',
  'test/server/routes/graphql.route.test.ts',
  'test/test-layout.test.ts',
  'test/warehouse/database.test.ts',
  'test/warehouse/domain/measure-flags.test.ts',
  'test/warehouse/domain/qualifier.test.ts',
  'test/warehouse/domain/sql-text.test.ts',
  'test/warehouse/domain/value-status.test.ts',
  'test/warehouse/domain/vocabulary.test.ts',
  'test/warehouse/keys/key-store.test.ts',
  'test/warehouse/migrations/migrations.test.ts',
  'test/warehouse/progress.test.ts',
  'test/warehouse/progress/progress-engine.test.ts',
  'test/warehouse/publish/insert-rows.test.ts',
  'test/warehouse/publish/target-progress.test.ts',
  'test/warehouse/queries/progress.queries.test.ts',
  'test/warehouse/store/warehouse-store/checkpoint.test.ts',
  'test/warehouse/store/warehouse-store/disk-full.test.ts',
  'test/warehouse/store/warehouse-store/writer-lock.test.ts',
  'test/warehouse/store/warehouse-store/writer-threads.test.ts',
  'test/warehouse/text/fold.test.ts',
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
