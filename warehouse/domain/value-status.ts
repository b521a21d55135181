import { sql, type Expression, type RawBuilder } from 'kysely';
import { sqlText } from './sql-text.ts';

/**
 * How a figure was published — final report, estimate ("ước") or preliminary ("sơ bộ") — and the
 * one ranking of those statuses: a figure computed from parts has the weakest status of its parts
 * (a reported count with estimated members is estimated). The SQL fragments and the TypeScript
 * functions below are generated from the same table, {@link VALUE_STATUS_RANK}, and a test runs
 * both on every pair. The SQL is a typed Kysely expression (`…Expression`) for queries built with
 * Kysely, and the same expression as text (`…Sql`) for statements written as SQL text.
 */

/** The statuses, in the order the API and the input formats list them. */
export const VALUE_STATUSES = ['REPORTED', 'ESTIMATED', 'PROVISIONAL'] as const;
/** One of {@link VALUE_STATUSES}. */
export type ValueStatus = (typeof VALUE_STATUSES)[number];

/**
 * The weakness of each status, from the most final (1) up: a combination takes the highest. An
 * estimate is weaker than a preliminary figure, which is weaker than a final report.
 */
export const VALUE_STATUS_RANK: Readonly<Record<ValueStatus, number>> = {
  REPORTED: 1,
  PROVISIONAL: 2,
  ESTIMATED: 3,
};

/** The status a missing or unknown status is read as: the final report (the lowest rank). */
export const DEFAULT_VALUE_STATUS: ValueStatus = 'REPORTED';

/** The statuses from the most final to the weakest. */
const BY_RANK: readonly ValueStatus[] = [...VALUE_STATUSES].sort(
  (a, b) => VALUE_STATUS_RANK[a] - VALUE_STATUS_RANK[b],
);

/** The rank of a status; null and unknown strings rank as {@link DEFAULT_VALUE_STATUS}. */
export function valueStatusRank(status: string | null | undefined): number {
  return VALUE_STATUS_RANK[status as ValueStatus] ?? VALUE_STATUS_RANK[DEFAULT_VALUE_STATUS];
}

/** Orders two statuses by weakness: negative when `a` is more final than `b`, 0 when equal. */
export function compareValueStatus(a: string | null, b: string | null): number {
  return valueStatusRank(a) - valueStatusRank(b);
}

/** The weakest of some statuses: the status of a figure combining parts with these statuses. */
export function weakestValueStatus(statuses: Iterable<string | null>): ValueStatus {
  let rank = valueStatusRank(null);
  for (const s of statuses) rank = Math.max(rank, valueStatusRank(s));
  return valueStatusOfRank(rank);
}

/** The status of a rank ({@link valueStatusRank}); an unknown rank is the default status. */
export function valueStatusOfRank(rank: number): ValueStatus {
  return BY_RANK.find((s) => VALUE_STATUS_RANK[s] === rank) ?? DEFAULT_VALUE_STATUS;
}

/** SQL: the rank ({@link valueStatusRank}) of a status column or expression. */
export function valueStatusRankExpression(status: Expression<string | null>): RawBuilder<number> {
  const whens = BY_RANK.map((s) => sql`when ${sql.lit(s)} then ${sql.lit(VALUE_STATUS_RANK[s])}`);
  const otherwise = sql.lit(VALUE_STATUS_RANK[DEFAULT_VALUE_STATUS]);
  return sql<number>`(case ${status} ${sql.join(whens, sql` `)} else ${otherwise} end)`;
}

/** SQL: the status of a rank expression ({@link valueStatusOfRank}); combine ranks with `max`. */
export function valueStatusOfRankExpression(
  rank: Expression<number | null>,
): RawBuilder<ValueStatus> {
  const whens = BY_RANK.map((s) => sql`when ${sql.lit(VALUE_STATUS_RANK[s])} then ${sql.lit(s)}`);
  const otherwise = sql.lit(DEFAULT_VALUE_STATUS);
  return sql<ValueStatus>`(case ${rank} ${sql.join(whens, sql` `)} else ${otherwise} end)`;
}

/** SQL aggregate: the weakest status of a status column over the rows of a group. */
export function weakestValueStatusExpression(
  status: Expression<string | null>,
): RawBuilder<ValueStatus> {
  return valueStatusOfRankExpression(sql<number>`max(${valueStatusRankExpression(status)})`);
}

/** {@link valueStatusRankExpression} as SQL text; `expr` is SQL of the code, never a value. */
export const valueStatusRankSql = (expr: string): string =>
  sqlText(valueStatusRankExpression(sql.raw<string | null>(expr)));

/** {@link valueStatusOfRankExpression} as SQL text; `rank` is SQL of the code, never a value. */
export const valueStatusOfRankSql = (rank: string): string =>
  sqlText(valueStatusOfRankExpression(sql.raw<number | null>(rank)));

/** {@link weakestValueStatusExpression} as SQL text; `expr` is SQL of the code, never a value. */
export const weakestValueStatusSql = (expr: string): string =>
  sqlText(weakestValueStatusExpression(sql.raw<string | null>(expr)));
