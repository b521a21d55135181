import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { MAX_ECHOED_VALUE } from '../schema/index.ts';

/**
 * The one list of error codes the API answers with, in `errors[].extensions.code`. Clients
 * switch on the code, never on the message. Anything not coded here reaches a client as
 * `INTERNAL_SERVER_ERROR` with the message "internal error".
 */
export const ERROR_CODES = [
  /** An argument or variable is malformed or out of range. */
  'BAD_USER_INPUT',
  /** The thing asked for by id does not exist. */
  'NOT_FOUND',
  /** The year asked for has no loaded figures. */
  'YEAR_NOT_LOADED',
  /** The operation needs credentials that were absent or invalid. */
  'UNAUTHENTICATED',
  /** The credentials do not allow the operation. */
  'FORBIDDEN',
  /** `release: DRAFT` (figures not yet released) was asked for without a loader or admin key. */
  'DRAFT_FORBIDDEN',
  /** A release was refused: drafts of years not named, or nothing to release. */
  'RELEASE_REFUSED',
  /** The operation would cost more than the server allows. */
  'QUERY_TOO_COMPLEX',
  /** Selections nest deeper than the depth limit. */
  'QUERY_TOO_DEEP',
  /** The operation uses more aliases than the alias limit. */
  'TOO_MANY_ALIASES',
  /** The query document has more lexical tokens than the token limit. */
  'TOO_MANY_TOKENS',
  /** The query document (or the request body) is larger than the size limit. */
  'DOCUMENT_TOO_LARGE',
  /** A list argument asks for more items than the page-size limit. */
  'PAGE_SIZE_TOO_LARGE',
  /** The operation ran longer than the execution time limit and was stopped. */
  'QUERY_TIMEOUT',
  /**
   * Every warehouse connection is busy and the wait queue is full, or the wait outlasted its
   * limit (503, with `Retry-After`): send the request again later.
   */
  'SERVER_BUSY',
  /** An uploaded file was refused by validation (`POST /load`, 422); each finding is an error. */
  'LOAD_REFUSED',
  /** Another process is writing the warehouse (`POST /load`, 409); try again later. */
  'WAREHOUSE_BUSY',
  /** A fault on the server; details are in the server log only. */
  'INTERNAL_SERVER_ERROR',
  // Apollo Server's own codes, passed through:
  /** The query document is not valid GraphQL syntax. */
  'GRAPHQL_PARSE_FAILED',
  /** The document does not fit the schema (unknown field, wrong argument type…). */
  'GRAPHQL_VALIDATION_FAILED',
  /** The HTTP request is malformed, or blocked by CSRF prevention (see the README). */
  'BAD_REQUEST',
  /** An automatic persisted query hash is not known yet: send the query text with it. */
  'PERSISTED_QUERY_NOT_FOUND',
  /** Persisted queries are not accepted. */
  'PERSISTED_QUERY_NOT_SUPPORTED',
  /** The `operationName` names no operation of the document. */
  'OPERATION_RESOLUTION_FAILURE',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * What each code means and when it occurs: the README's list of codes is generated from this
 * (`npm run docs:error-codes`) and a test checks that it is current.
 */
export const ERROR_CODE_MEANINGS: Readonly<Record<ErrorCode, string>> = {
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
  GRAPHQL_PARSE_FAILED: 'the document is not valid GraphQL syntax (400)',
  GRAPHQL_VALIDATION_FAILED:
    'the document does not fit the schema: unknown field, wrong argument type, a variable that does not coerce (400)',
  BAD_REQUEST:
    'the HTTP request is malformed (no query, bad JSON), or a GET without a preflight header refused by CSRF prevention (400)',
  PERSISTED_QUERY_NOT_FOUND:
    'an automatic persisted query hash is not known yet: send the query text with it',
  PERSISTED_QUERY_NOT_SUPPORTED: 'persisted queries are not accepted',
  OPERATION_RESOLUTION_FAILURE: 'the `operationName` names no operation of the document',
};

/** The README's table of error codes, generated from {@link ERROR_CODE_MEANINGS}. */
export function renderErrorCodeTable(): string {
  return [
    '| `extensions.code` | meaning |',
    '| --- | --- |',
    ...ERROR_CODES.map((code) => `| \`${code}\` | ${ERROR_CODE_MEANINGS[code]} |`),
  ].join('\n');
}

const TABLE_START = '<!-- error-codes:start (generated by npm run docs:error-codes) -->';
const TABLE_END = '<!-- error-codes:end -->';

/** A markdown text with its generated error-code table (between the markers) made current. */
export function replaceErrorCodeTable(markdown: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start === -1 || end < start)
    throw new Error(`the markers ${TABLE_START} … ${TABLE_END} are missing`);
  return `${markdown.slice(0, start + TABLE_START.length)}\n${renderErrorCodeTable()}\n${markdown.slice(end)}`;
}

const KNOWN = new Set<string>(ERROR_CODES);

/** Codes whose message is built from the client's own document, not from server internals. */
const CLIENT_TEXT_CODES = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
]);

/** Codes of other libraries that mean one of ours. */
const ALIASES: Readonly<Record<string, ErrorCode>> = {
  // type-graphql's AuthorizationError
  UNAUTHORIZED: 'FORBIDDEN',
};

/** What a client is told when the real message must stay on the server. */
const GENERIC_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = {
  INTERNAL_SERVER_ERROR: 'internal error',
  BAD_USER_INPUT: 'invalid input',
};

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

/**
 * The one error body of the HTTP layer, for every JSON route (GraphQL before Apollo runs, CSV
 * and open-data exports, uploads, health, unknown routes): GraphQL-shaped, so a client reads
 * `errors[0].extensions.code` whichever route answered.
 */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: ErrorCode;
  readonly body: {
    readonly errors: readonly [
      { readonly message: string; readonly extensions: Readonly<Record<string, unknown>> },
    ];
  };
  /** Headers the answer needs besides its content type (`allow`, `retry-after`, …). */
  readonly headers: Readonly<Record<string, string>>;
}

/** An error answer with a stable code; `extensions` are sent beside the code. */
export function errorAnswer(
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  headers: Readonly<Record<string, string>> = {},
): ErrorAnswer {
  return {
    status,
    code,
    body: { errors: [{ message, extensions: { ...extensions, code } }] },
    headers,
  };
}

// DuckDB prefixes its messages with the error type ("Binder Error: …", "INTERRUPT Error: …") and
// quotes the statement after "LINE n:". Either means SQL detail that a client must not see.
const SQL_LEAK =
  /\b(binder|parser|catalog|conversion|invalid input|constraint|dependency|out of range|transaction|interrupt|serialization|internal|not implemented|permission|syntax|type mismatch|mismatch type|sequence|fatal|io|http|invalid type|invalid configuration|missing extension|autoload) error\b|\bLINE \d+:|\b(select|insert|update|delete|create|drop)\b[\s\S]*\b(from|into|set|table|where)\b|duckdb/i;

/** Whether a message carries SQL text or a DuckDB error (and must not reach a client). */
export function mentionsSql(message: string): boolean {
  return SQL_LEAK.test(message);
}

/** A quoted run in a message: the user's value, as our messages and graphql-js's quote it. */
const QUOTED = /'[^'\n]*'|"[^"\n]*"/g;

/** Longest quoted value a message repeats whole (the argument validators cut at the same). */
const MAX_QUOTED = MAX_ECHOED_VALUE;
/** Longest message sent whatever it quotes. */
const MAX_MESSAGE = 1_000;

/**
 * A message with every long quoted value cut to a short prefix and its length ("'AAAA…' (90000
 * characters)"), and the whole cut at {@link MAX_MESSAGE}: an argument of any length never
 * comes back whole.
 */
export function clipMessage(message: string): string {
  const clipped = message.replace(QUOTED, (quoted) => {
    const inner = [...quoted.slice(1, -1)];
    // Short, or already cut where the message was written.
    if (inner.length <= MAX_QUOTED || (inner.length === MAX_QUOTED + 1 && inner.at(-1) === '…'))
      return quoted;
    const q = quoted[0]!;
    return `${q}${inner.slice(0, MAX_QUOTED).join('')}…${q} (${inner.length} characters)`;
  });
  const chars = [...clipped];
  return chars.length <= MAX_MESSAGE
    ? clipped
    : `${chars.slice(0, MAX_MESSAGE).join('')}… (message of ${chars.length} characters cut)`;
}

/**
 * Whether a message written by the API about the user's input leaks SQL: the user's own quoted
 * values are left out of the check, so an input that looks like SQL gets the same detailed
 * message as any other.
 */
function leaksSqlBeyondValues(message: string): boolean {
  return mentionsSql(message.replace(QUOTED, "''"));
}

/** How {@link createFormatError} reports what it did. */
export interface FormatErrorOptions {
  /** Keep `extensions.stacktrace` (Apollo adds it when `includeStacktraceInErrorResponses`). */
  readonly stacktraces: boolean;
  /**
   * Called with the code sent for every error formatted, and with the original error when it
   * was hidden as `INTERNAL_SERVER_ERROR` (so it can be logged on the server).
   */
  readonly onError?: (code: ErrorCode, hidden: unknown) => void;
}

/**
 * The one `formatError` of the server. Known codes pass with their message; anything else
 * becomes `INTERNAL_SERVER_ERROR` "internal error". Messages that mention SQL or a DuckDB error
 * are replaced, stack traces are dropped unless asked for, and type-graphql's argument
 * validation errors become `BAD_USER_INPUT` with a message naming each broken constraint.
 */
export function createFormatError(
  options: FormatErrorOptions,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    const rawCode = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    const code: ErrorCode | undefined =
      ALIASES[rawCode] ?? (KNOWN.has(rawCode) ? (rawCode as ErrorCode) : undefined);
    const stacktrace =
      options.stacktraces && formatted.extensions?.stacktrace !== undefined
        ? { stacktrace: formatted.extensions.stacktrace }
        : {};
    const where = {
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
    };

    if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
      options.onError?.('INTERNAL_SERVER_ERROR', original);
      return {
        message: GENERIC_MESSAGES.INTERNAL_SERVER_ERROR!,
        ...where,
        extensions: { code: 'INTERNAL_SERVER_ERROR', ...stacktrace },
      };
    }

    const tokens =
      code === 'GRAPHQL_PARSE_FAILED' && /more tha[nt] (\d+) tokens/.exec(formatted.message); // graphql-js writes "more that"
    if (tokens) {
      options.onError?.('TOO_MANY_TOKENS', undefined);
      return {
        message: `a query may have at most ${tokens[1]} tokens, but got more (parsing stopped there)`,
        extensions: { code: 'TOO_MANY_TOKENS', limit: Number(tokens[1]) },
      };
    }
    const validation = argumentValidationDetails(original);
    let message = clipMessage(validation ? validation.message : formatted.message);
    if (!CLIENT_TEXT_CODES.has(code) && leaksSqlBeyondValues(message)) {
      options.onError?.(code, original);
      message = GENERIC_MESSAGES[code] ?? code.toLowerCase().replaceAll('_', ' ');
    } else {
      options.onError?.(code, undefined);
    }
    const {
      code: _code,
      stacktrace: _stacktrace,
      exception: _exception,
      validationErrors: _validationErrors,
      http: _http,
      ...rest
    } = formatted.extensions ?? {};
    return {
      message,
      ...where,
      extensions: {
        ...rest,
        code,
        ...(validation ? { validationErrors: validation.errors } : {}),
        ...stacktrace,
      },
    };
  };
}

/** One broken constraint of an argument, as sent to clients. */
interface ArgumentProblem {
  readonly argument: string;
  readonly constraints: Record<string, string>;
}

/**
 * type-graphql's `ArgumentValidationError` carries class-validator results (with the whole
 * argument object and its values); keep only what a client needs: which argument, which rule.
 */
function argumentValidationDetails(
  error: unknown,
): { message: string; errors: ArgumentProblem[] } | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const raw = error.extensions?.validationErrors;
  if (!Array.isArray(raw)) return undefined;
  const errors: ArgumentProblem[] = [];
  const walk = (items: unknown[], prefix: string) => {
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const { property, constraints, children } = item as {
        property?: unknown;
        constraints?: Record<string, string>;
        children?: unknown[];
      };
      const name = prefix + String(property ?? '?');
      if (constraints && Object.keys(constraints).length > 0) {
        errors.push({ argument: name, constraints: { ...constraints } });
      }
      if (Array.isArray(children)) walk(children, `${name}.`);
    }
  };
  walk(raw, '');
  if (errors.length === 0) return undefined;
  const message = `invalid arguments: ${errors
    .flatMap((e) => Object.values(e.constraints))
    .join('; ')}`;
  return { message, errors };
}
