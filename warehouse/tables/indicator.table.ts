import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_indicator` — one row per indicator of the registry (`catalog/indicators.yaml`): its labels, topic, unit, kind and direction.
 */
export const INDICATOR_TABLE_COLUMNS = {
  indicator_code: required('VARCHAR'),
  label_vi: required('VARCHAR'),
  label_en: required('VARCHAR'),
  topic: required('VARCHAR'),
  unit: required('VARCHAR'),
  kind: required('VARCHAR'),
  universe: optional('VARCHAR'),
  is_higher_better: required('BOOLEAN'),
  natural_limit: optional('DOUBLE'),
  is_published_only: required('BOOLEAN'),
  description: required('VARCHAR'),
} as const;

/** A row of `dim_indicator`. */
export type IndicatorTable = RowOf<typeof INDICATOR_TABLE_COLUMNS>;
