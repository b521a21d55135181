import { GraphQLError } from 'graphql';

/**
 * The one list of error codes the API answers with, in `errors[].extensions.code`, each with what
 * it means and when it occurs. Clients switch on the code, never on the message. Anything not
 * coded here reaches a client as `INTERNAL_SERVER_ERROR` with the message "internal error". The
 * README's table of codes is generated from this (`npm run docs:error-codes`) and a test checks
 * that it is current.
 */
export const ERROR_CODE_MEANINGS = {
  BAD_USER_INPUT:
    'an argument or variable is malformed or names nothing the warehouse has (an unknown source, a forged cursor, `first` below 1…); `extensions.argument` names it',
  NOT_FOUND: 'the unit, indicator or plan asked for by id or code does not exist',
  YEAR_NOT_LOADED:
    'the year asked for has no figures; `extensions.loadedYears` lists those that have',
  UNAUTHENTICATED: 'the operation needs an API key that was absent or invalid',
  FORBIDDEN: 'the key does not allow the operation',
  DRAFT_FORBIDDEN:
    '`release: DRAFT` (or `release=DRAFT`) reads loads not yet released: it needs a loader or admin key (403 on `/export`); without it the latest release is read',
  RELEASE_REFUSED:
    "a release was refused and nothing was published: drafts of years it did not name are pending (name them, or `all: true`), or nothing is pending; `extensions.pendingYears` lists the drafts' years",
  QUERY_TOO_COMPLEX: 'the operation would cost more than the server allows (400)',
  QUERY_TOO_DEEP: 'selections nest deeper than the depth limit (400)',
  TOO_MANY_ALIASES: 'the operation uses more aliases than the alias limit (400)',
  TOO_MANY_TOKENS: 'the document has more lexical tokens than the token limit (400)',
  DOCUMENT_TOO_LARGE: 'the document or the request body is larger than the size limit (413)',
  PAGE_SIZE_TOO_LARGE: '`first` asks for more items than the page-size limit (never a silent cap)',
  QUERY_TIMEOUT: 'the operation ran longer than the time limit and was stopped (503)',
  SERVER_BUSY:
    'every warehouse connection is busy and the wait queue is full, or the wait outlasted its limit (503, with `Retry-After`); send the request again later',
  LOAD_REFUSED:
    'an uploaded file was refused by validation (`POST /load`, 422); each finding is an error',
  WAREHOUSE_BUSY: 'another process is writing the warehouse (`POST /load`, 409); try again later',
  INTERNAL_SERVER_ERROR:
    'a fault on the server, answered "internal error"; the details (with the stack) are in the server log only',
  // Apollo Server's own codes, passed through:
  GRAPHQL_PARSE_FAILED: 'the document is not valid GraphQL syntax (400)',
  GRAPHQL_VALIDATION_FAILED:
    'the document does not fit the schema: unknown field, wrong argument type, a variable that does not coerce (400)',
  BAD_REQUEST:
    'the HTTP request is malformed (no query, bad JSON), or a GET without a preflight header refused by CSRF prevention (400)',
  PERSISTED_QUERY_NOT_FOUND:
    'an automatic persisted query hash is not known yet: send the query text with it',
  PERSISTED_QUERY_NOT_SUPPORTED: 'persisted queries are not accepted',
  OPERATION_RESOLUTION_FAILURE: 'the `operationName` names no operation of the document',
} as const satisfies Readonly<Record<string, string>>;

/** One of the codes of {@link ERROR_CODE_MEANINGS}. */
export type ErrorCode = keyof typeof ERROR_CODE_MEANINGS;

/** The codes of {@link ERROR_CODE_MEANINGS}, in its order. */
export const ERROR_CODES = Object.keys(ERROR_CODE_MEANINGS) as readonly ErrorCode[];

/** HTTP status of an error response that carries this code (others leave Apollo's choice). */
export const HTTP_STATUS: Readonly<Partial<Record<ErrorCode, number>>> = {
  QUERY_TOO_DEEP: 400,
  TOO_MANY_ALIASES: 400,
  TOO_MANY_TOKENS: 400,
  QUERY_TOO_COMPLEX: 400,
  DOCUMENT_TOO_LARGE: 413,
  QUERY_TIMEOUT: 503,
  SERVER_BUSY: 503,
};

/** A GraphQL error with one of our codes (and its HTTP status when it fails a whole request). */
export function codedError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, {
    extensions: { ...extensions, code, ...(status ? { http: { status } } : {}) },
  });
}

/** An argument names something that does not exist: `NOT_FOUND`. */
export function notFound(message: string): GraphQLError {
  return codedError('NOT_FOUND', message);
}

/** An argument is out of range or inconsistent: `BAD_USER_INPUT`. */
export function badInput(message: string, argument?: string): GraphQLError {
  return codedError('BAD_USER_INPUT', message, argument ? { argument } : {});
}

/** The year asked for has no figures in the warehouse: `YEAR_NOT_LOADED`, with the years there are. */
export function yearNotLoaded(year: number, loaded: readonly number[]): GraphQLError {
  return codedError(
    'YEAR_NOT_LOADED',
    `year ${year} has no figures loaded; years with figures: ${loaded.join(', ') || 'none'}`,
    { year, loadedYears: loaded },
  );
}

/** A page size above the server's cap: `PAGE_SIZE_TOO_LARGE`. */
export function pageTooLarge(first: number, limit: number): GraphQLError {
  return codedError(
    'PAGE_SIZE_TOO_LARGE',
    `argument \`first\` must be at most ${limit}, but got ${first}`,
    { limit },
  );
}

/**
 * The draft (loads not yet released) was asked for without a loader or admin key:
 * `DRAFT_FORBIDDEN`.
 */
export function draftForbidden(role: string | null): GraphQLError {
  return codedError(
    'DRAFT_FORBIDDEN',
    `release: DRAFT needs a loader or admin key, but the request ${role === null ? 'sent no key' : `has a ${role} key`}; without it the latest release is read`,
  );
}

/** The operation needs an admin key: `FORBIDDEN`. */
export function adminOnly(what: string, role: string | null): GraphQLError {
  return codedError(
    'FORBIDDEN',
    `${what} needs an admin key, but the request ${role === null ? 'sent no key' : `has a ${role} key`}`,
  );
}
