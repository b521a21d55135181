import { sql, type Expression, type RawBuilder } from 'kysely';
import { FACT_MEASURE_NAMES, type FactMeasure } from '../tables/org-annual.table.ts';
import { sqlText } from './sql-text.ts';

/**
 * SQL over `fct_org_annual` (and staged facts of the same shape) for the status and the
 * qualifier of each measure of a row. `measure_status` and `measure_qualifier` are JSON objects
 * keyed by measure name: null when every measure has the row's status, or is exact.
 */

/** SQL: the status of the measure named by `measure` in the row `alias`. */
export function measureStatusExpression(
  alias: string,
  measure: Expression<string>,
): RawBuilder<string> {
  return sql<string>`coalesce(${sql.ref(`${alias}.measure_status`)}->>${measure}, ${sql.ref(`${alias}.status`)})`;
}

/** SQL: the qualifier of the measure named by `measure` in the row `alias`. */
export function measureQualifierExpression(
  alias: string,
  measure: Expression<string>,
): RawBuilder<string> {
  return sql<string>`coalesce(${sql.ref(`${alias}.measure_qualifier`)}->>${measure}, 'EXACT')`;
}

/**
 * SQL: a JSON object (as text, keys in table order so equal flags are equal text) of the
 * measures whose `flagOf(measure)` is neither null nor `omit`; null when there is none.
 */
export function measureObjectExpression(
  flagOf: (measure: FactMeasure) => Expression<string | null>,
  omit: string,
  measures: readonly FactMeasure[] = FACT_MEASURE_NAMES,
): RawBuilder<string | null> {
  const entries = measures.map((m) => {
    const flag = flagOf(m);
    return sql`case when (${flag}) is not null and (${flag}) <> ${sql.lit(omit)} then ${sql.lit(`"${m}":"`)} || (${flag}) || '"' end`;
  });
  return sql<string | null>`nullif('{' || concat_ws(',', ${sql.join(entries)}) || '}', '{}')`;
}

/** {@link measureStatusExpression} as SQL text; `measure` is SQL of the code, never a value. */
export const measureStatusSql = (alias: string, measure: string): string =>
  sqlText(measureStatusExpression(alias, sql.raw<string>(measure)));

/** {@link measureQualifierExpression} as SQL text; `measure` is SQL of the code, never a value. */
export const measureQualifierSql = (alias: string, measure: string): string =>
  sqlText(measureQualifierExpression(alias, sql.raw<string>(measure)));

/** {@link measureObjectExpression} over flags written as SQL text of the code (never values). */
export const measureObjectSql = (
  flagOf: (measure: FactMeasure) => string,
  omit: string,
  measures: readonly FactMeasure[] = FACT_MEASURE_NAMES,
): string =>
  sqlText(measureObjectExpression((m) => sql.raw<string | null>(flagOf(m)), omit, measures));
