import { GraphQLError } from 'graphql';

/** An argument names something that does not exist: `NOT_FOUND`. */
export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND' } });
}

/** An argument is out of range or inconsistent: `BAD_USER_INPUT`. */
export function badInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) },
  });
}

/** The year asked for has no figures in the warehouse: `YEAR_NOT_LOADED`, with the years there are. */
export function yearNotLoaded(year: number, loaded: readonly number[]): GraphQLError {
  return new GraphQLError(
    `year ${year} has no figures loaded; years with figures: ${loaded.join(', ') || 'none'}`,
    { extensions: { code: 'YEAR_NOT_LOADED', year, loadedYears: loaded } },
  );
}

/** A page size above the server's cap: `PAGE_SIZE_TOO_LARGE`. */
export function pageTooLarge(first: number, limit: number): GraphQLError {
  return new GraphQLError(`argument \`first\` must be at most ${limit}, but got ${first}`, {
    extensions: { code: 'PAGE_SIZE_TOO_LARGE', limit },
  });
}
