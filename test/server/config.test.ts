import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('has the documented defaults, frozen', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      dbPath: 'data/coopstat.duckdb',
      port: 4000,
      host: '127.0.0.1',
      introspection: true,
      explorer: true,
      stacktraces: false,
      maxPageSize: 1000,
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 10_000,
      maxDocumentBytes: 100_000,
      maxBodyBytes: 1_000_000,
      queryTimeoutMs: 15_000,
      dbConnections: availableParallelism(),
      dbMemoryBytes: 268_435_456,
      dbThreads: availableParallelism(),
      queueLimit: 256,
      queueTimeoutMs: 10_000,
      responseCacheBytes: 8_388_608,
      memoBytes: 33_554_432,
      heapGrowingPercent: 60,
      warmUpQueries: 16,
      inheritMemo: true,
      attachSnapshots: true,
      warmUpMs: 5000,
      cacheMaxAgeSeconds: 60,
      shutdownGraceMs: 10_000,
      logLevel: 'info',
      readRequiresKey: false,
      maxUploadBytes: 52_428_800,
      maxCost: 50_000,
      workers: 1,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('is silent by default under vitest, and LOG_LEVEL still wins', () => {
    expect(loadConfig({ VITEST: 'true' }).logLevel).toBe('silent');
    expect(loadConfig({ VITEST: 'true', LOG_LEVEL: 'info' }).logLevel).toBe('info');
  });

  it('reads every setting', () => {
    expect(
      loadConfig({
        COOPSTAT_DB: '/srv/coopstat.duckdb',
        PORT: '8080',
        HOST: '0.0.0.0',
        COOPSTAT_INTROSPECTION: 'off',
        COOPSTAT_EXPLORER: 'NO',
        COOPSTAT_STACKTRACES: '1',
        COOPSTAT_MAX_PAGE_SIZE: '250',
        COOPSTAT_MAX_DEPTH: '8',
        COOPSTAT_MAX_ALIASES: '0',
        COOPSTAT_MAX_TOKENS: '500',
        COOPSTAT_MAX_DOCUMENT_BYTES: '20000',
        COOPSTAT_MAX_BODY_BYTES: '50000',
        COOPSTAT_QUERY_TIMEOUT_MS: '2500',
        COOPSTAT_DB_CONNECTIONS: '3',
        COOPSTAT_DB_MEMORY_BYTES: '67108864',
        COOPSTAT_DB_THREADS: '1',
        COOPSTAT_QUEUE_LIMIT: '0',
        COOPSTAT_QUEUE_TIMEOUT_MS: '750',
        COOPSTAT_RESPONSE_CACHE_BYTES: '0',
        COOPSTAT_MEMO_BYTES: '1048576',
        COOPSTAT_HEAP_GROWING_PERCENT: '0',
        COOPSTAT_WARM_UP_QUERIES: '0',
        COOPSTAT_INHERIT_MEMO: 'false',
        COOPSTAT_ATTACH_SNAPSHOTS: 'false',
        COOPSTAT_WARM_UP_MS: '1500',
        COOPSTAT_CACHE_MAX_AGE: '0',
        COOPSTAT_SHUTDOWN_GRACE_MS: '500',
        LOG_LEVEL: 'warn',
        COOPSTAT_READ_REQUIRES_KEY: 'true',
        COOPSTAT_MAX_UPLOAD_BYTES: '1000000',
        COOPSTAT_MAX_COST: '20000',
        COOPSTAT_WORKERS: '1',
      }),
    ).toEqual({
      dbPath: '/srv/coopstat.duckdb',
      port: 8080,
      host: '0.0.0.0',
      introspection: false,
      explorer: false,
      stacktraces: true,
      maxPageSize: 250,
      maxDepth: 8,
      maxAliases: 0,
      maxTokens: 500,
      maxDocumentBytes: 20_000,
      maxBodyBytes: 50_000,
      queryTimeoutMs: 2500,
      dbConnections: 3,
      dbMemoryBytes: 67_108_864,
      dbThreads: 1,
      queueLimit: 0,
      queueTimeoutMs: 750,
      responseCacheBytes: 0,
      memoBytes: 1_048_576,
      heapGrowingPercent: 0,
      warmUpQueries: 0,
      inheritMemo: false,
      attachSnapshots: false,
      warmUpMs: 1500,
      cacheMaxAgeSeconds: 0,
      shutdownGraceMs: 500,
      logLevel: 'warn',
      readRequiresKey: true,
      maxUploadBytes: 1_000_000,
      maxCost: 20_000,
      workers: 1,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', COOPSTAT_EXPLORER: ' ' })).toMatchObject({
      port: 4000,
      explorer: true,
    });
  });

  it('states the rule and the value received for each bad setting', () => {
    expect(problemsOf({ COOPSTAT_WORKERS: '0' })).toEqual([
      "COOPSTAT_WORKERS must be an integer from 1 to 64, but got '0'",
    ]);
    expect(problemsOf({ PORT: 'abc' })).toEqual([
      "PORT must be an integer from 1 to 65535, but got 'abc'",
    ]);
    expect(problemsOf({ PORT: '70000' })).toEqual([
      "PORT must be an integer from 1 to 65535, but got '70000'",
    ]);
    expect(problemsOf({ PORT: '80.5' })).toEqual([
      "PORT must be an integer from 1 to 65535, but got '80.5'",
    ]);
    expect(problemsOf({ COOPSTAT_EXPLORER: 'maybe' })).toEqual([
      "COOPSTAT_EXPLORER must be one of true, 1, yes, on, false, 0, no, off, but got 'maybe'",
    ]);
    expect(problemsOf({ COOPSTAT_MAX_PAGE_SIZE: '0' })).toEqual([
      "COOPSTAT_MAX_PAGE_SIZE must be an integer from 1 to 1000000, but got '0'",
    ]);
    expect(problemsOf({ COOPSTAT_QUERY_TIMEOUT_MS: '15s' })).toEqual([
      "COOPSTAT_QUERY_TIMEOUT_MS must be an integer from 10 to 3600000 (ms), but got '15s'",
    ]);
    expect(problemsOf({ COOPSTAT_DB_MEMORY_BYTES: '1000000' })).toEqual([
      "COOPSTAT_DB_MEMORY_BYTES must be an integer from 16777216 to 1099511627776 (bytes), but got '1000000'",
    ]);
    expect(problemsOf({ COOPSTAT_MEMO_BYTES: '-1' })).toEqual([
      "COOPSTAT_MEMO_BYTES must be an integer from 0 to 68719476736 (bytes), but got '-1'",
    ]);
    expect(problemsOf({ COOPSTAT_DB_THREADS: '0' })).toEqual([
      "COOPSTAT_DB_THREADS must be an integer from 1 to 256, but got '0'",
    ]);
    expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual([
      "LOG_LEVEL must be one of silent, error, warn, info, debug, but got 'verbose'",
    ]);
    expect(
      problemsOf({ COOPSTAT_MAX_BODY_BYTES: '5000', COOPSTAT_MAX_DOCUMENT_BYTES: '9000' }),
    ).toEqual([
      "COOPSTAT_MAX_BODY_BYTES must be at least COOPSTAT_MAX_DOCUMENT_BYTES (9000), but got '5000'",
    ]);
  });

  it('reports every problem at once, one per line', () => {
    expect(() =>
      loadConfig({ PORT: 'abc', COOPSTAT_STACKTRACES: 'sure', COOPSTAT_MAX_DEPTH: '-3' }),
    ).toThrow(
      'invalid configuration:\n' +
        "  - PORT must be an integer from 1 to 65535, but got 'abc'\n" +
        "  - COOPSTAT_STACKTRACES must be one of true, 1, yes, on, false, 0, no, off, but got 'sure'\n" +
        "  - COOPSTAT_MAX_DEPTH must be an integer from 2 to 100, but got '-3'",
    );
  });
});
