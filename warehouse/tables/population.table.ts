import { optional, required, type RowOf } from './columns.ts';

/**
 * `fct_population` — one row per unit × year × kind of population figure, one of them preferred.
 */
export const POPULATION_TABLE_COLUMNS = {
  unit_id: required('VARCHAR'),
  year: required('INTEGER'),
  population: required('BIGINT'),
  kind: required('VARCHAR'),
  is_preferred: required('BOOLEAN'),
  source_url: optional('VARCHAR'),
  quote: optional('VARCHAR'),
  confidence: optional('VARCHAR'),
  note: optional('VARCHAR'),
} as const;

/** A row of `fct_population`. */
export type PopulationTable = RowOf<typeof POPULATION_TABLE_COLUMNS>;
