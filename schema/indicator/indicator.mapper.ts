import type { IndicatorRow } from '../../warehouse/queries/catalog.queries.ts';
import type { IndicatorValueRow } from '../../warehouse/queries/indicator.queries.ts';
import type { IndicatorKind, Topic, ValueOrigin, ValueStatus } from '../common/enums.ts';
import type { Indicator, IndicatorValue } from './indicator.type.ts';

/** Maps a registry row to the GraphQL shape. */
export function toIndicator(row: IndicatorRow): Indicator {
  return {
    code: row.indicator_code,
    labelVi: row.label_vi,
    labelEn: row.label_en,
    topic: row.topic as Topic,
    unit: row.unit,
    kind: row.kind as IndicatorKind,
    higherIsBetter: row.is_higher_better,
    naturalLimit: row.natural_limit,
    publishedOnly: row.is_published_only,
    description: row.description,
  };
}

/** Maps an indicator value row to the GraphQL shape. */
export function toIndicatorValue(row: IndicatorValueRow): IndicatorValue {
  return {
    indicatorCode: row.indicator_code,
    unitId: row.unit_id,
    year: row.year,
    value: row.value,
    numerator: row.numerator,
    denominator: row.denominator,
    source: row.source_code,
    status: row.status as ValueStatus,
    origin: row.origin as ValueOrigin,
    qualifier: row.qualifier,
    approximate: row.is_approximate,
    orgTypes: row.org_types ? row.org_types.split(',') : [],
  };
}
