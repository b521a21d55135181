import { findLoadedYears } from '../../warehouse/queries/fact.queries.ts';
import { findSourceCodes } from '../../warehouse/queries/source.queries.ts';
import type { LoaderScope } from './batch.ts';
import { perSnapshot } from '../snapshot-memo.ts';

/**
 * What the argument checks of `validate.ts` compare against, read once per snapshot: the loaded
 * years by source and the source codes, in code order.
 */
export function createValidateLoaders({ db, snapshotKey }: LoaderScope) {
  const loadedYears = () => perSnapshot(snapshotKey, 'loadedYears', () => findLoadedYears(db));
  const sourceCodes = () => perSnapshot(snapshotKey, 'sourceCodes', () => findSourceCodes(db));
  return { loadedYears, sourceCodes };
}
