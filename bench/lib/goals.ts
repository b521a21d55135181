import { formatMs } from './stats.ts';

/**
 * The goals of issue 9, written once: one table of rules, each a limit on one measured figure.
 * The bench's printed table, its summary of goals and the soak's verdict all judge a figure with
 * {@link judge} against a rule of this table, so a limit and the way it is compared exist in one
 * place. Goals are reported, never asserted (the machine is shared and noisy).
 */

/** One goal: a figure, its limit, and on which side of the limit it must stay. */
export interface GoalRule {
  /** What is measured, as the summary of goals names it. */
  readonly goal: string;
  readonly limit: number;
  /** `at most`: the figure must not exceed the limit; `at least`: it must reach it. */
  readonly bound: 'at most' | 'at least';
  /** How the limit is printed. */
  readonly unit: 'ms' | '×' | 'req/s' | 'MiB' | 'more statements';
}

/** The goals of the issue. */
export const GOALS = {
  /** One client: the median answer of a pull. */
  c1P50: { goal: '1 client, p50', limit: 10, bound: 'at most', unit: 'ms' },
  /** Eight clients: answers a second (twice the peer's 136 measured on this machine), 0 errors. */
  c8Rps: { goal: '8 clients, req/s with 0 errors', limit: 270, bound: 'at least', unit: 'req/s' },
  /** Thirty-two clients: 0 errors and the 99th percentile. */
  c32P99: { goal: '32 clients, 0 errors and p99', limit: 500, bound: 'at most', unit: 'ms' },
  /** A request's median time at one client over the raw-SQL floor's time for the same numbers. */
  floorRatio: {
    goal: '1-client p50 over the raw-SQL floor',
    limit: 1.5,
    bound: 'at most',
    unit: '×',
  },
  /** The server's resident memory during the 32-client runs (peak). */
  serverRss: {
    goal: 'server RSS during the 32-client run (peak)',
    limit: 300,
    bound: 'at most',
    unit: 'MiB',
  },
  /** A full ETL load of one register year over DuckDB's `read_csv` of the same file. */
  loadFloorRatio: {
    goal: 'full ETL of one register year over the read_csv floor',
    limit: 2,
    bound: 'at most',
    unit: '×',
  },
  /** The `.xlsx` load of a year over the CSV load of the same rows. */
  xlsxCsvRatio: {
    goal: '.xlsx load over the CSV load of the same rows',
    limit: 2,
    bound: 'at most',
    unit: '×',
  },
  /**
   * The sixteenth year costs no more than the first (publishing grows with the change, not with
   * the history): the last year's file loaded onto the warehouse holding the years before it,
   * over the same file loaded into an empty warehouse.
   */
  lastFirstLoadRatio: {
    goal: "the last year's file loaded onto the years before it over the same file into an empty warehouse",
    limit: 1,
    bound: 'at most',
    unit: '×',
  },
  /** A repeated request answered `304 Not Modified` from its ETag, median. */
  cached304: { goal: 'cached repeat (304), median', limit: 2, bound: 'at most', unit: 'ms' },
  /**
   * SQL statements per dashboard request do not grow with the provinces that have data: the
   * largest difference between warehouses at the same request (see `statements.ts`).
   */
  statementGrowth: {
    goal: 'SQL statements per dashboard request: no more with more provinces with data',
    limit: 0,
    bound: 'at most',
    unit: 'more statements',
  },
  /** `coopstat --help`, wall time, median of several runs. */
  cliHelp: {
    goal: '`coopstat --help` wall time (median)',
    limit: 1000,
    bound: 'at most',
    unit: 'ms',
  },
  /** `coopstat loads`, wall time, median of several runs. */
  cliLoads: {
    goal: '`coopstat loads` wall time (median)',
    limit: 1500,
    bound: 'at most',
    unit: 'ms',
  },
  /** The soak (`scripts/soak.ts`): 32 clients, 60 s, loads publishing every few seconds. */
  soakP99: { goal: 'p99', limit: 500, bound: 'at most', unit: 'ms' },
} as const satisfies Record<string, GoalRule>;

/** One goal, judged: a line of the summary of goals. */
export interface Verdict {
  readonly goal: string;
  readonly target: string;
  readonly actual: string;
  readonly met: boolean;
}

/** What {@link judge} may be told besides the figure. */
export interface JudgeOptions {
  /** Printed before the rule's name (`CoopDashboard` → `CoopDashboard: 1 client, p50`). */
  readonly subject?: string;
  /** Printed after the rule's name, in parentheses (a floor, a mean). */
  readonly detail?: string;
  /** The figure as printed (default: the figure in the rule's unit). */
  readonly actual?: string;
  /** Another condition of the goal (0 errors, an exit code 0); default true. */
  readonly also?: boolean;
  /** That condition as printed after the target (`0 errors`). */
  readonly condition?: string;
}

/** The limit of a rule as printed: `≤ 10.0 ms`, `≥ 270 req/s`, `≤ 2×`, `≤ 0 more statements`. */
export function targetOf(rule: GoalRule): string {
  return `${rule.bound === 'at most' ? '≤' : '≥'} ${formatFigure(rule, rule.limit)}`;
}

/** A figure in a rule's unit. */
export function formatFigure(rule: GoalRule, value: number): string {
  switch (rule.unit) {
    case 'ms':
      return formatMs(value);
    case '×':
      return Number.isFinite(value) ? `${Number(value.toFixed(2))}×` : '–';
    default:
      return `${Number.isFinite(value) ? Number(value.toFixed(1)) : '–'} ${rule.unit}`;
  }
}

/** Judges `value` against `rule`: met when it is a number on the rule's side of the limit. */
export function judge(rule: GoalRule, value: number, options: JudgeOptions = {}): Verdict {
  const inside = rule.bound === 'at most' ? value <= rule.limit : value >= rule.limit;
  const name = `${options.subject ? `${options.subject}: ` : ''}${rule.goal}`;
  return {
    goal: options.detail ? `${name} (${options.detail})` : name,
    target: options.condition ? `${targetOf(rule)}, ${options.condition}` : targetOf(rule),
    actual: options.actual ?? formatFigure(rule, value),
    met: Number.isFinite(value) && inside && (options.also ?? true),
  };
}

/** The goal column of the printed table: the target and whether it was met. */
export function verdictCell(verdict: Verdict): string {
  return `${verdict.target} ${verdict.met ? '✓' : '✗ missed'}`;
}
