import { columnsOfList, optional, required, type TableColumns } from './columns.ts';

/**
 * `rpt_indicator_value` — one row per boundaries × indicator × admin unit × year × source, per
 * range of published data versions: every indicator of the registry computed by its formula from
 * `fct_org_annual` (published figures filling in where the facts give no value) when a load
 * publishes, so that series, rankings and progress read values by key instead of recomputing them.
 */

/**
 * The columns of `rpt_indicator_value` after `boundaries`, in table order, with their SQL type.
 * `inRow` says whether the column is a field of `IndicatorValueRow` (what the computation returns
 * and the read side hands back); `fallback` is the expression that fills a column the computation
 * does not return yet. Adding a field to `IndicatorValueRow` is one entry here.
 */
export const INDICATOR_VALUE_COLUMNS = [
  { name: 'indicator_code', sqlType: 'VARCHAR NOT NULL', inRow: true },
  { name: 'unit_id', sqlType: 'VARCHAR NOT NULL', inRow: true },
  { name: 'year', sqlType: 'INTEGER NOT NULL', inRow: true },
  { name: 'source_code', sqlType: 'VARCHAR NOT NULL', inRow: true },
  { name: 'value', sqlType: 'DOUBLE', inRow: true },
  { name: 'numerator', sqlType: 'DOUBLE', inRow: true },
  { name: 'denominator', sqlType: 'DOUBLE', inRow: true },
  { name: 'status', sqlType: 'VARCHAR NOT NULL', inRow: true },
  { name: 'origin', sqlType: 'VARCHAR NOT NULL', inRow: true },
  { name: 'qualifier', sqlType: 'VARCHAR NOT NULL', inRow: true },
  { name: 'is_approximate', sqlType: 'BOOLEAN NOT NULL', inRow: true },
  { name: 'unit_count', sqlType: 'INTEGER NOT NULL', inRow: true },
  { name: 'org_types', sqlType: 'VARCHAR', inRow: true },
] as const satisfies readonly {
  name: string;
  sqlType: string;
  inRow: boolean;
  fallback?: string;
}[];

/** The columns that identify a value within its boundaries. */
export const INDICATOR_VALUE_KEY = ['indicator_code', 'unit_id', 'year', 'source_code'] as const;

/** The fields of one indicator value, as the formula computes them (see `findIndicatorValues`). */
export interface IndicatorValueFields {
  indicator_code: string;
  unit_id: string;
  year: number;
  source_code: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /**
   * The weakest status among the measures used (each measure has its own status: a row may merge
   * a reported count with estimated members): ESTIMATED, then PROVISIONAL, then REPORTED.
   */
  status: string;
  /** `FACTS` when computed from counts, `PUBLISHED` when taken from a published figure. */
  origin: 'FACTS' | 'PUBLISHED';
  /**
   * How far the value can be trusted as a number: a published figure's own hedge ("gần" → NEARLY),
   * or, for a value computed from facts, what follows from the qualifiers of its parts
   * (`qualifierOfSum`, `qualifierOfRatio` in `warehouse/domain/qualifier.ts`).
   */
  qualifier: string;
  /** `qualifier` is not EXACT (kept for readers of the former flag). */
  is_approximate: boolean;
  /** Units whose figures were summed (more than one on current boundaries after a merger). */
  unit_count: number;
  /** Organisation types the value covers, comma-separated (`HTX` when only cooperatives reported). */
  org_types: string | null;
}

/** A row of `rpt_indicator_value`, as Kysely reads it. */
export interface IndicatorValueTable extends IndicatorValueFields {
  /** `AS_REPORTED`, or `CURRENT` (old units' figures summed onto the units valid today). */
  boundaries: string;
  valid_from_version: number;
  valid_to_version: number | null;
}

/** The columns of `rpt_indicator_value`, in table order. */
export const INDICATOR_VALUE_TABLE_COLUMNS = {
  boundaries: required('VARCHAR'),
  ...columnsOfList(INDICATOR_VALUE_COLUMNS),
  valid_from_version: required('INTEGER'),
  valid_to_version: optional('INTEGER'),
} as const satisfies TableColumns<IndicatorValueTable>;
