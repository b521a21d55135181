import { GraphQLDateTime, GraphQLLocalDate, GraphQLSafeInt } from 'graphql-scalars';

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

/** Every custom scalar, for tools that list them (schema emit, codegen scalar mapping). */
export const SCALARS = [SafeInt, DateTime, LocalDate] as const;
