import { DuckDbHandle, type SqlValue } from '../../warehouse/dialect/index.ts';

/**
 * Profiling by wrapping the public methods of `DuckDbHandle` (`run`, `all`, `append`) in this
 * process only: every call is timed from the call to its answer. In a sequential load nothing
 * waits in the handle's queue, so that is the statement's own time (value conversion included).
 * Concurrent callers (the dashboard's DataLoaders) do wait in the queue: for those, replay the
 * recorded statements one at a time with {@link replayAlone}.
 */

/** One timed call. */
export interface TimedStatement {
  readonly method: 'run' | 'all' | 'append';
  readonly sql: string;
  readonly params: readonly SqlValue[] | undefined;
  readonly ms: number;
  /** The load stage it ran in (from `onProgress`), when known. */
  readonly stage: string | undefined;
}

/** A statement's cost with repeated statements grouped (same SQL text). */
export interface StatementCost {
  /** The first 160 characters of the SQL, whitespace collapsed. */
  readonly sql: string;
  readonly stage: string | undefined;
  readonly calls: number;
  readonly ms: number;
  readonly share: number;
}

type Method = 'run' | 'all' | 'append';
const METHODS: readonly Method[] = ['run', 'all', 'append'];

/** Starts timing every call on every handle of this process; returns the recorder. */
export function installStatementTimer(currentStage: () => string | undefined = () => undefined) {
  const recorded: TimedStatement[] = [];
  const proto = DuckDbHandle.prototype as unknown as Record<
    Method,
    (this: DuckDbHandle, ...args: unknown[]) => Promise<unknown>
  >;
  const originals = new Map(METHODS.map((m) => [m, proto[m]]));
  for (const method of METHODS) {
    const original = originals.get(method)!;
    proto[method] = async function timed(this: DuckDbHandle, ...args: unknown[]) {
      const started = performance.now();
      const stage = currentStage();
      try {
        return await original.apply(this, args);
      } finally {
        recorded.push({
          method,
          sql: method === 'append' ? `append to ${String(args[0])}` : String(args[0]),
          params: method === 'append' ? undefined : (args[1] as SqlValue[] | undefined),
          ms: performance.now() - started,
          stage,
        });
      }
    };
  }
  return {
    recorded,
    /** Restores the original methods. */
    uninstall(): void {
      for (const method of METHODS) proto[method] = originals.get(method)!;
    },
  };
}

/** Collapses whitespace and cuts a SQL text for a table. */
export function shortSql(sql: string, length = 160): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

/** Groups timed statements by SQL text, costliest first. */
export function costliest(statements: readonly TimedStatement[], top = 15): StatementCost[] {
  const total = statements.reduce((s, x) => s + x.ms, 0);
  const groups = new Map<string, { stage: string | undefined; calls: number; ms: number }>();
  for (const s of statements) {
    const key = shortSql(s.sql);
    const g = groups.get(key) ?? { stage: s.stage, calls: 0, ms: 0 };
    g.calls += 1;
    g.ms += s.ms;
    groups.set(key, g);
  }
  return [...groups]
    .map(([sql, g]) => ({
      sql,
      stage: g.stage,
      calls: g.calls,
      ms: Math.round(g.ms * 10) / 10,
      share: total > 0 ? Math.round((g.ms / total) * 1000) / 10 : 0,
    }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

/**
 * Runs each recorded read statement again, alone, `times` times on `handle`, and keeps the
 * median: the statement's own cost without waiting behind the others.
 */
export async function replayAlone(
  handle: DuckDbHandle,
  statements: readonly TimedStatement[],
  times = 3,
): Promise<TimedStatement[]> {
  const replayed: TimedStatement[] = [];
  for (const s of statements) {
    if (s.method !== 'all') continue;
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      await handle.all(s.sql, s.params);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    replayed.push({ ...s, ms: samples[Math.floor(samples.length / 2)]! });
  }
  return replayed;
}
