import { GraphQLScalarType, Kind } from 'graphql';
import { GraphQLDateTime, GraphQLLocalDate, GraphQLSafeInt } from 'graphql-scalars';
import { badInput } from './common/errors.ts';

/**
 * The custom scalars of the API, one instance each: every domain imports them from here, since
 * two scalar objects with one name make schema building fail.
 *
 * - `SafeInt`: counts (of organisations, members, rows). GraphQL's `Int` is 32-bit and counts of
 *   people pass 2^31 in national totals; SafeInt goes to 2^53 − 1 and refuses a `bigint`.
 * - `DateTime`: an instant, serialised as ISO-8601 UTC (`2024-12-31T17:00:00.000Z`).
 * - `LocalDate`: a calendar date without time zone (`2025-07-01`), as the warehouse stores DATEs.
 */
export const SafeInt = GraphQLSafeInt;

/** An instant, ISO-8601 UTC; resolvers return the warehouse's ISO strings. See {@link SafeInt}. */
export const DateTime = GraphQLDateTime;

/** A calendar date `YYYY-MM-DD`, never shifted by a time zone. See {@link SafeInt}. */
export const LocalDate = GraphQLLocalDate;

/** Which published figures to read: a release number, or the draft (the latest loads). */
export type ReleaseChoice = number | 'DRAFT';

const releaseChoiceError = (got: string) =>
  badInput(
    `release must be a release number (1, 2, …) or DRAFT, but got ${got.slice(0, 40)}`,
    'release',
  );

function parseReleaseChoice(value: unknown): ReleaseChoice {
  if (value === 'DRAFT') return 'DRAFT';
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw releaseChoiceError(typeof value === 'string' ? `'${value}'` : String(value));
}

/**
 * `ReleaseChoice`: `release: 3` reads release 3, `release: DRAFT` (or the string `"DRAFT"` in
 * variables) reads the draft, for loader and admin keys only.
 */
export const ReleaseChoiceScalar = new GraphQLScalarType<ReleaseChoice, ReleaseChoice>({
  name: 'ReleaseChoice',
  description:
    'A release number (1, 2, …), or DRAFT for the latest loads not yet released (loader and admin keys only). Written `release: 2` or `release: DRAFT` (in variables: 2 or "DRAFT").',
  serialize: (value) => parseReleaseChoice(value),
  parseValue: (value) => parseReleaseChoice(value),
  parseLiteral(ast) {
    if (ast.kind === Kind.INT) return parseReleaseChoice(Number(ast.value));
    if (ast.kind === Kind.ENUM || ast.kind === Kind.STRING) return parseReleaseChoice(ast.value);
    throw releaseChoiceError(ast.kind);
  },
});
