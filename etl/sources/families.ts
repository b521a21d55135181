import type { InputFamily } from '../../warehouse/domain/vocabulary.ts';
import { AGGREGATES_SOURCE } from './aggregates.source.ts';
import { REGISTER_SOURCE } from './register.source.ts';
import type { SourceDescriptor } from './source-descriptor.ts';

/**
 * The source definition of each input family: what the loader reads a file of that family with,
 * and what its template and `docs/input-format.md` show.
 */
export const SOURCE_OF_FAMILY: Readonly<Record<InputFamily, SourceDescriptor>> = {
  aggregates: AGGREGATES_SOURCE,
  register: REGISTER_SOURCE,
};
