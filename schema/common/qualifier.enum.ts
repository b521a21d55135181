import { QUALIFIERS, type Qualifier } from '../../warehouse/domain/qualifier.ts';
import { enumOf, registerEnum } from './enums.ts';

/** The warehouse's closed set of value qualifiers, as a GraphQL enum (same names, same order). */
export const ValueQualifier = registerEnum(
  enumOf(QUALIFIERS),
  'ValueQualifier',
  'How the source hedged a value. A bound (MORE_THAN, AT_LEAST, NEARLY) limits what progress may claim from it.',
  {
    EXACT: 'No hedge word: the number is the figure.',
    ABOUT:
      '"khoảng", "xấp xỉ", "ước" (about, approximately, estimated): either side of the number.',
    MORE_THAN:
      '"trên", "hơn" (more than, over): a lower bound; the true value is above the number.',
    NEARLY: '"gần" (nearly, almost): an upper bound; the true value is just below the number.',
    AT_LEAST: '"ít nhất", "tối thiểu" (at least): a lower bound; the number itself included.',
  },
);
/** One of {@link ValueQualifier}. */
export type ValueQualifier = Qualifier;
