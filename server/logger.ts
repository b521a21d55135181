import type { LogLevel } from './config.ts';

const RANK: Readonly<Record<LogLevel, number>> = {
  silent: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
};

/** The server's log: one JSON object per line; `info` and `debug` to stdout, the rest to stderr. */
export interface Logger {
  readonly level: LogLevel;
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Whether a message at `level` would be written. */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
}

/** Where log lines go (tests capture them). */
export interface LogSink {
  stdout(line: string): void;
  stderr(line: string): void;
}

const PROCESS_SINK: LogSink = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Creates a logger writing at `level` and above; `base` fields (e.g. the worker process's `pid`)
 * are written on every line.
 */
export function createLogger(
  level: LogLevel,
  sink: LogSink = PROCESS_SINK,
  base: Readonly<Record<string, unknown>> = {},
): Logger {
  const enabled = (at: Exclude<LogLevel, 'silent'>) => RANK[at] <= RANK[level];
  const write =
    (at: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (!enabled(at)) return;
      const line = JSON.stringify({
        time: new Date().toISOString(),
        level: at,
        message,
        ...base,
        ...fields,
      });
      if (at === 'info' || at === 'debug') sink.stdout(line);
      else sink.stderr(line);
    };
  return {
    level,
    enabled,
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
  };
}
