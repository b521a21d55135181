/**
 * The soak's loader (`scripts/soak.ts` forks it): loads the files it is sent, one at a time,
 * through the real ETL, in a process of its own, so that a load's JavaScript does not stall the
 * soak's clients and inflate the latencies they measure. Message in: `{ path, db, maxYear }`;
 * message out: `{ outcome }` or `{ error }`.
 */
import 'reflect-metadata';
import { loadFile } from '../etl/load/load-file.ts';

interface LoadRequest {
  readonly path: string;
  readonly db: string;
  readonly maxYear: number;
  /** DuckDB's `threads` for the load (`--loader-threads`); the writer's default when absent. */
  readonly threads?: number;
}

process.on('message', (request: LoadRequest) => {
  // Register and aggregates files take turns over the same slices: each replaces the other.
  loadFile(request.path, {
    db: request.db,
    maxYear: request.maxYear,
    replace: true,
    ...(request.threads === undefined ? {} : { threads: request.threads }),
  }).then(
    (report) => process.send?.({ outcome: report.outcome }),
    (error: unknown) =>
      process.send?.({ error: error instanceof Error ? error.message : String(error) }),
  );
});
