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

/**
 * The draft (loads not yet released) was asked for without a loader or admin key:
 * `DRAFT_FORBIDDEN`.
 */
export function draftForbidden(role: string | null): GraphQLError {
  return new GraphQLError(
    `release: DRAFT needs a loader or admin key, but the request ${role === null ? 'sent no key' : `has a ${role} key`}; without it the latest release is read`,
    { extensions: { code: 'DRAFT_FORBIDDEN' } },
  );
}

/** The operation needs an admin key: `FORBIDDEN`. */
export function adminOnly(what: string, role: string | null): GraphQLError {
  return new GraphQLError(
    `${what} needs an admin key, but the request ${role === null ? 'sent no key' : `has a ${role} key`}`,
    { extensions: { code: 'FORBIDDEN' } },
  );
}
