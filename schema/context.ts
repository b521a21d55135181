import type { DuckDbHandle } from '../warehouse/dialect/index.ts';
import type { ReleaseResult } from '../warehouse/release/publish-release.ts';
import { createAdminUnitLoaders } from './admin-unit/admin-unit.loaders.ts';
import type { LoaderScope } from './common/batch.ts';
import { createValidateLoaders } from './common/validate.loaders.ts';
import { createIndicatorLoaders } from './indicator/indicator.loaders.ts';
import { createPlanLoaders } from './plan/plan.loaders.ts';
import { createReportLoaders } from './report/report.loaders.ts';

/**
 * The loaders of one request, gathered from each domain's factory (`<domain>/<domain>.loaders.ts`).
 * Each DataLoader batches the keys asked for in one tick, so the statements a request runs do not
 * grow with the number of provinces or targets in it; `batches` records the keys each batch
 * received, by loader name.
 */
export function createLoaders(db: DuckDbHandle, snapshotKey: object) {
  const batches: { loader: string; keys: readonly string[] }[] = [];
  const scope: LoaderScope = {
    db,
    snapshotKey,
    record: (loader, keys) => batches.push({ loader, keys: [...keys] }),
  };
  return {
    ...createAdminUnitLoaders(scope),
    ...createIndicatorLoaders(scope),
    ...createReportLoaders(scope),
    ...createPlanLoaders(scope),
    ...createValidateLoaders(scope),
    batches,
  };
}

/** The loaders of one request. */
export type Loaders = ReturnType<typeof createLoaders>;

/** What the domain resolvers receive: one snapshot, its data version and one loader set per request. */
export interface ApiContext {
  readonly db: DuckDbHandle;
  readonly dataVersion: number;
  /** The largest page a list field may return (`PAGE_SIZE_TOO_LARGE` above it). */
  readonly maxPageSize: number;
  /**
   * The UTC date (`YYYY-MM-DD`) this request is answered on, taken once when it arrived: areas
   * are read on it (`CURRENT` boundaries, a code without a date) and default years follow it.
   * The server's ETag and response cache use the same date.
   */
  readonly today: string;
  readonly loaders: Loaders;
  /**
   * The role of the request's API key, or null without one. Loader and admin keys may read the
   * draft (`release: DRAFT`); reviews and releases need admin.
   */
  readonly role: 'reader' | 'loader' | 'admin' | null;
  /**
   * Releases the draft in the warehouse this server serves (the one writer), as the key's holder;
   * absent where the process cannot write.
   */
  readonly publishRelease?: (options: {
    readonly years: readonly number[];
    readonly all: boolean;
    readonly note: string | null;
  }) => Promise<ReleaseResult>;
}
