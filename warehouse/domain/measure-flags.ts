import { FACT_MEASURE_NAMES, type FactMeasure } from '../tables/org-annual.table.ts';

/**
 * SQL over `fct_org_annual` (and staged facts of the same shape) for the status and the
 * qualifier of each measure of a row. `measure_status` and `measure_qualifier` are JSON objects
 * keyed by measure name: null when every measure has the row's status, or is exact.
 */

/** SQL: the status of the measure named by `measure` (a SQL expression) in the row `alias`. */
export const measureStatusSql = (alias: string, measure: string) =>
  `coalesce(${alias}.measure_status->>${measure}, ${alias}.status)`;

/** SQL: the qualifier of the measure named by `measure` (a SQL expression) in the row `alias`. */
export const measureQualifierSql = (alias: string, measure: string) =>
  `coalesce(${alias}.measure_qualifier->>${measure}, 'EXACT')`;

/**
 * SQL: a JSON object (as text, keys in table order so equal flags are equal text) of the
 * measures whose `flagOf(measure)` is neither null nor `omit`; null when there is none.
 */
export function measureObjectSql(
  flagOf: (measure: FactMeasure) => string,
  omit: string,
  measures: readonly FactMeasure[] = FACT_MEASURE_NAMES,
): string {
  const entries = measures.map(
    (m) =>
      `case when (${flagOf(m)}) is not null and (${flagOf(m)}) <> '${omit}' then '"${m}":"' || (${flagOf(m)}) || '"' end`,
  );
  return `nullif('{' || concat_ws(',', ${entries.join(', ')}) || '}', '{}')`;
}
