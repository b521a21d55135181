import { availableParallelism } from 'node:os';

/**
 * The server's configuration, read from the environment once at start, validated as a whole and
 * frozen. Only this module knows the variable names; the rest of the server reads `Config`.
 */

/** How much the server writes: `info` logs one line per request, `silent` nothing. */
export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated, frozen configuration of one server process. */
export interface Config {
  /** The published warehouse file (`COOPSTAT_DB`). */
  readonly dbPath: string;
  /** TCP port (`PORT`). */
  readonly port: number;
  /** Interface to listen on (`HOST`); loopback unless set. */
  readonly host: string;
  /** Whether introspection queries are allowed (`COOPSTAT_INTROSPECTION`). */
  readonly introspection: boolean;
  /** Whether the explorer page is served at `/explorer` (`COOPSTAT_EXPLORER`). */
  readonly explorer: boolean;
  /** Whether error responses carry stack traces (`COOPSTAT_STACKTRACES`); never in production. */
  readonly stacktraces: boolean;
  /** The largest page a list field may return (`COOPSTAT_MAX_PAGE_SIZE`). */
  readonly maxPageSize: number;
  /** The deepest selection nesting accepted (`COOPSTAT_MAX_DEPTH`). */
  readonly maxDepth: number;
  /** The most aliases one operation may use (`COOPSTAT_MAX_ALIASES`). */
  readonly maxAliases: number;
  /** The most lexical tokens a query document may have (`COOPSTAT_MAX_TOKENS`); parsing stops there. */
  readonly maxTokens: number;
  /** The highest estimated cost of one operation (`COOPSTAT_MAX_COST`; see query-cost.plugin). */
  readonly maxCost: number;
  /** The largest query document accepted, in bytes (`COOPSTAT_MAX_DOCUMENT_BYTES`). */
  readonly maxDocumentBytes: number;
  /** The largest request body accepted, in bytes (`COOPSTAT_MAX_BODY_BYTES`). */
  readonly maxBodyBytes: number;
  /**
   * How long one operation may execute before it is stopped (`COOPSTAT_QUERY_TIMEOUT_MS`),
   * counted from the start of execution: waiting for a connection does not count.
   */
  readonly queryTimeoutMs: number;
  /**
   * DuckDB connections per published snapshot (`COOPSTAT_DB_CONNECTIONS`): how many requests
   * run at once. Default: the number of CPU cores.
   */
  readonly dbConnections: number;
  /**
   * DuckDB's memory limit for the published snapshots the server has open, in bytes
   * (`COOPSTAT_DB_MEMORY_BYTES`; default 256 MiB). It bounds their buffer pool — the cached
   * blocks of the file and the working memory of the queries of all their connections — which
   * DuckDB otherwise lets grow to 80% of the machine's memory. Beyond it, a large query spills to
   * a temporary directory beside the file, or fails with an out-of-memory error. While a load's
   * new snapshot is swapped in, the old one stays open until its last request ends: attached
   * snapshots (`attachSnapshots`) share this limit, a snapshot on an instance of its own has it
   * to itself (at most twice this for a moment).
   */
  readonly dbMemoryBytes: number;
  /**
   * Threads DuckDB may use within one statement, per snapshot (`COOPSTAT_DB_THREADS`; default the
   * number of CPU cores, DuckDB's own default).
   */
  readonly dbThreads: number;
  /**
   * How many requests may wait for a connection when all are busy (`COOPSTAT_QUEUE_LIMIT`); one
   * more is answered 503 `SERVER_BUSY` with `Retry-After`. 0: none waits.
   */
  readonly queueLimit: number;
  /** How long a request may wait for a connection before 503 `SERVER_BUSY` (`COOPSTAT_QUEUE_TIMEOUT_MS`). */
  readonly queueTimeoutMs: number;
  /**
   * Memory for answers kept for identical requests on one snapshot, in bytes
   * (`COOPSTAT_RESPONSE_CACHE_BYTES`; default 8 MiB, some 80–160 dashboard answers); 0 turns the
   * response cache off. Every distinct request is kept until the budget is reached, so requests
   * that never repeat (texts that vary) fill it with answers never read again: live heap that the
   * collector must carry (and the heap may grow past it in proportion) for nothing. 32 MiB before.
   */
  readonly responseCacheBytes: number;
  /**
   * Memory for figures the loaders keep per published snapshot (report rows, indicator values,
   * target progress), in estimated bytes (`COOPSTAT_MEMO_BYTES`; default 32 MiB): the least
   * recently used go first beyond it, to be computed again when asked. 0 keeps nothing past the
   * requests computing it.
   */
  readonly memoBytes: number;
  /**
   * How far V8 lets the JavaScript heap grow past what was live after its last full collection
   * before it collects again, in percent (`COOPSTAT_HEAP_GROWING_PERCENT`; default 60; 0 keeps
   * V8's own policy). V8's own lets the heap grow up to 4× its live data on a machine with much
   * memory: under 32 concurrent dashboard pulls the server's old generation held ~240 MiB for
   * ~55 MiB of live data, and its resident memory reached 410–510 MiB (bench/RESULTS.md). 60%
   * keeps it near 1.6× and collects more often: in the benchmark's 32-client pulls the server's
   * peak RSS was 297 / 278 MiB at 60% against 319 / 306 MiB at 100%, at 374 against 399 dashboard
   * answers a second with 8 clients (30% cost ~40% more CPU per answer). Unlike `--max-old-space-size` it is no ceiling: a
   * request that needs more heap gets it.
   */
  readonly heapGrowingPercent: number;
  /**
   * How many of the queries answered most recently a newly published snapshot runs before it
   * serves (`COOPSTAT_WARM_UP_QUERIES`; default 16; 0: none, a new snapshot serves at once and
   * its first requests fill its memo). See `snapshot-warm-up.ts`.
   */
  readonly warmUpQueries: number;
  /**
   * Whether a newly published snapshot keeps what the loaders kept for the one it replaces where
   * it provably reads the same: figures as of earlier versions, and those of years the publish did
   * not change (`COOPSTAT_INHERIT_MEMO`; default true). See `schema/snapshot-inheritance.ts`.
   */
  readonly inheritMemo: boolean;
  /**
   * Whether each published snapshot is attached to one DuckDB instance the server process keeps
   * (`COOPSTAT_ATTACH_SNAPSHOTS`; default true) rather than opened on an instance of its own:
   * a swap then creates no instance, and the old snapshot is detached off the event loop instead
   * of closed on it, which also emptied DuckDB's allocator for the whole process. Where no hard
   * link can be made beside the warehouse file (a read-only folder), snapshots get instances of
   * their own all the same. See `DuckDbHandle.attachSnapshot`.
   */
  readonly attachSnapshots: boolean;
  /**
   * The longest a warm-up may delay serving a newly published snapshot, in ms
   * (`COOPSTAT_WARM_UP_MS`; default 5000): the queries still running then are stopped and the
   * snapshot serves as warm as it got.
   */
  readonly warmUpMs: number;
  /** `max-age` of cacheable query responses, in seconds (`COOPSTAT_CACHE_MAX_AGE`). */
  readonly cacheMaxAgeSeconds: number;
  /** How long a shutdown waits for in-flight requests (`COOPSTAT_SHUTDOWN_GRACE_MS`). */
  readonly shutdownGraceMs: number;
  /** How much is logged (`LOG_LEVEL`); `silent` by default under vitest. */
  readonly logLevel: LogLevel;
  /**
   * Whether reading (`/graphql`, CSV exports) needs an API key (`COOPSTAT_READ_REQUIRES_KEY`);
   * false by default: published data is open. Loading always needs a key.
   */
  readonly readRequiresKey: boolean;
  /** The largest file `POST /load` accepts, in bytes (`COOPSTAT_MAX_UPLOAD_BYTES`, 50 MiB). */
  readonly maxUploadBytes: number;
  /**
   * Server processes sharing the port (`COOPSTAT_WORKERS`), each with its own connections and
   * caches; 1 (the default) runs a single process with no primary. On the 2-core machine this
   * project is measured on, 2 workers did not raise the dashboard pull's throughput (the load
   * generator shares the cores) and doubled memory (bench/RESULTS.md), so more is opt-in.
   */
  readonly workers: number;
}

/** Thrown by {@link loadConfig}: every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** Reads the environment's settings; names not listed here are ignored. */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  /** The variable's trimmed value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number, unit = ''): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = /^[+]?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(
        `${name} must be an integer from ${min} to ${max}${unit}, but got '${this.env[name]}'`,
      );
      return fallback;
    }
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const word = value.toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    this.problems.push(
      `${name} must be one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}, but got '${this.env[name]}'`,
    );
    return fallback;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const word = value.toLowerCase() as T;
    if (values.includes(word)) return word;
    this.problems.push(`${name} must be one of ${values.join(', ')}, but got '${this.env[name]}'`);
    return fallback;
  }
}

/**
 * Builds the configuration from an environment (pass `process.env`). Pure but for the number of
 * CPU cores (the default connection and DuckDB thread counts). Every problem is collected, so one run reports them all; throws {@link ConfigError}.
 */
export function loadConfig(env: Env): Config {
  const read = new EnvReader(env);
  const maxDocumentBytes = read.integer(
    'COOPSTAT_MAX_DOCUMENT_BYTES',
    100_000,
    1_000,
    10_000_000,
    ' (bytes)',
  );
  const config: Config = {
    dbPath: read.string('COOPSTAT_DB', 'data/coopstat.duckdb'),
    port: read.integer('PORT', 4000, 1, 65_535),
    host: read.string('HOST', '127.0.0.1'),
    introspection: read.boolean('COOPSTAT_INTROSPECTION', true),
    explorer: read.boolean('COOPSTAT_EXPLORER', true),
    stacktraces: read.boolean('COOPSTAT_STACKTRACES', false),
    maxPageSize: read.integer('COOPSTAT_MAX_PAGE_SIZE', 1000, 1, 1_000_000),
    maxDepth: read.integer('COOPSTAT_MAX_DEPTH', 12, 2, 100),
    maxAliases: read.integer('COOPSTAT_MAX_ALIASES', 30, 0, 10_000),
    maxTokens: read.integer('COOPSTAT_MAX_TOKENS', 10_000, 100, 1_000_000),
    maxCost: read.integer('COOPSTAT_MAX_COST', 50_000, 1, 100_000_000),
    maxDocumentBytes,
    maxBodyBytes: read.integer(
      'COOPSTAT_MAX_BODY_BYTES',
      Math.max(1_000_000, maxDocumentBytes * 2),
      1_000,
      100_000_000,
      ' (bytes)',
    ),
    queryTimeoutMs: read.integer('COOPSTAT_QUERY_TIMEOUT_MS', 15_000, 10, 3_600_000, ' (ms)'),
    dbConnections: read.integer('COOPSTAT_DB_CONNECTIONS', availableParallelism(), 1, 64),
    dbMemoryBytes: read.integer(
      'COOPSTAT_DB_MEMORY_BYTES',
      256 * 1024 * 1024,
      16 * 1024 * 1024,
      1024 * 1024 * 1024 * 1024,
      ' (bytes)',
    ),
    dbThreads: read.integer('COOPSTAT_DB_THREADS', availableParallelism(), 1, 256),
    queueLimit: read.integer('COOPSTAT_QUEUE_LIMIT', 256, 0, 100_000),
    queueTimeoutMs: read.integer('COOPSTAT_QUEUE_TIMEOUT_MS', 10_000, 10, 3_600_000, ' (ms)'),
    responseCacheBytes: read.integer(
      'COOPSTAT_RESPONSE_CACHE_BYTES',
      8 * 1024 * 1024,
      0,
      4_000_000_000,
      ' (bytes)',
    ),
    memoBytes: read.integer(
      'COOPSTAT_MEMO_BYTES',
      32 * 1024 * 1024,
      0,
      64 * 1024 * 1024 * 1024,
      ' (bytes)',
    ),
    heapGrowingPercent: read.integer('COOPSTAT_HEAP_GROWING_PERCENT', 60, 0, 400, ' (percent)'),
    warmUpQueries: read.integer('COOPSTAT_WARM_UP_QUERIES', 16, 0, 1000),
    inheritMemo: read.boolean('COOPSTAT_INHERIT_MEMO', true),
    attachSnapshots: read.boolean('COOPSTAT_ATTACH_SNAPSHOTS', true),
    warmUpMs: read.integer('COOPSTAT_WARM_UP_MS', 5000, 0, 600_000, ' (ms)'),
    cacheMaxAgeSeconds: read.integer('COOPSTAT_CACHE_MAX_AGE', 60, 0, 31_536_000, ' (seconds)'),
    shutdownGraceMs: read.integer('COOPSTAT_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000, ' (ms)'),
    logLevel: read.oneOf(
      'LOG_LEVEL',
      LOG_LEVELS,
      env.VITEST !== undefined && env.VITEST !== '' ? 'silent' : 'info',
    ),
    readRequiresKey: read.boolean('COOPSTAT_READ_REQUIRES_KEY', false),
    maxUploadBytes: read.integer(
      'COOPSTAT_MAX_UPLOAD_BYTES',
      50 * 1024 * 1024,
      1_000,
      4_000_000_000,
      ' (bytes)',
    ),
    workers: read.integer('COOPSTAT_WORKERS', 1, 1, 64),
  };
  if (config.maxBodyBytes < config.maxDocumentBytes) {
    read.problems.push(
      `COOPSTAT_MAX_BODY_BYTES must be at least COOPSTAT_MAX_DOCUMENT_BYTES (${config.maxDocumentBytes}), but got '${config.maxBodyBytes}'`,
    );
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze(config);
}
