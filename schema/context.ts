import type { DuckDbHandle } from '../warehouse/dialect/index.ts';
import type { ReleaseResult } from '../warehouse/release/publish-release.ts';
import type { Loaders } from './loaders.ts';

/** What the domain resolvers receive: one snapshot, its data version and one loader set per request. */
export interface ApiContext {
  readonly db: DuckDbHandle;
  readonly dataVersion: number;
  /** The largest page a list field may return (`PAGE_SIZE_TOO_LARGE` above it). */
  readonly maxPageSize: number;
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
