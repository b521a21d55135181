import { registerEnumType } from 'type-graphql';
import { QUALIFIERS, type Qualifier } from '../../warehouse/domain/qualifier.ts';

/** The warehouse's closed set of value qualifiers, as a GraphQL enum (same names, same order). */
export const ValueQualifier = Object.fromEntries(QUALIFIERS.map((q) => [q, q])) as {
  readonly [K in Qualifier]: K;
};
/** One of {@link ValueQualifier}. */
export type ValueQualifier = Qualifier;

const DESCRIPTIONS: Record<Qualifier, string> = {
  EXACT: 'No hedge word: the number is the figure.',
  ABOUT: '"khoảng", "xấp xỉ", "ước" (about, approximately, estimated): either side of the number.',
  MORE_THAN: '"trên", "hơn" (more than, over): a lower bound; the true value is above the number.',
  NEARLY: '"gần" (nearly, almost): an upper bound; the true value is just below the number.',
  AT_LEAST: '"ít nhất", "tối thiểu" (at least): a lower bound; the number itself included.',
};

registerEnumType(ValueQualifier, {
  name: 'ValueQualifier',
  description:
    'How the source hedged a value. A bound (MORE_THAN, AT_LEAST, NEARLY) limits what progress may claim from it.',
  valuesConfig: Object.fromEntries(
    QUALIFIERS.map((q) => [q, { description: DESCRIPTIONS[q] }]),
  ) as Record<Qualifier, { description: string }>,
});
