import { sql, type NotNull } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import type { Boundaries } from '../domain/vocabulary.ts';
import { kyselyOf, oneOf, validBetween } from '../database.ts';

/**
 * Number of sector rows that make an organisation type's total complete (every sector but `ALL`
 * of the sector vocabulary: AGRICULTURE … OTHER).
 */
export const SECTOR_PARTS = 8;

/** Which rows to read the parts of. */
export interface PartialSumFilter {
  readonly boundaries: Boundaries;
  readonly unitIds: readonly string[];
  readonly years: readonly number[];
  /** Read the rows as published in this data version (default: the current rows). */
  readonly asOfVersion?: number;
}

/**
 * Sums the reported parts of each organisation type's organisation count from the precomputed
 * report rows (`rpt_org_type_row`), so a total left null because parts are missing still comes
 * with a lower bound and its coverage. One statement for any number of units and years.
 *
 * The parts: on as-reported boundaries the type's sector rows, on current boundaries the units
 * merged into it (each unit's all-sector row). `total` is the total when it is known, `parts_sum`
 * the sum of the parts that reported a count (null when none did).
 */
export function findOrganisationParts(db: DuckDbHandle, filter: PartialSumFilter) {
  // Code constants are literals, as the planner sees them best; only the caller's values are parameters.
  const k = kyselyOf(db);
  const v = filter.asOfVersion;
  if (filter.boundaries === 'AS_REPORTED') {
    return k
      .selectFrom('rpt_org_type_row as r')
      .select((eb) => [
        'r.unit_id',
        'r.year',
        'r.source_code',
        'r.org_type',
        eb
          .cast<number | null>(
            eb.fn.max('r.organisations').filterWhere('r.sector', '=', sql.lit('ALL')),
            'double precision',
          )
          .as('total'),
        eb
          .cast<number | null>(
            eb.fn.sum('r.organisations').filterWhere('r.sector', '<>', sql.lit('ALL')),
            'double precision',
          )
          .as('parts_sum'),
        eb
          .cast<number>(
            eb.fn.count('r.organisations').filterWhere('r.sector', '<>', sql.lit('ALL')),
            'integer',
          )
          .as('parts_covered'),
        sql.lit(SECTOR_PARTS).$castTo<number>().as('parts_total'),
      ])
      .where('r.boundaries', '=', sql.lit('AS_REPORTED'))
      .where((eb) => validBetween(eb, 'r.valid_from_version', 'r.valid_to_version', v))
      .where((eb) => oneOf(eb, 'r.year', filter.years))
      .where((eb) => oneOf(eb, 'r.unit_id', filter.unitIds))
      .groupBy(['r.unit_id', 'r.year', 'r.source_code', 'r.org_type'])
      .execute();
  }
  return k
    .with('targets', (w) =>
      w
        .selectFrom('rpt_org_type_row as r')
        .select(['r.unit_id', 'r.year', 'r.source_code', 'r.org_type', 'r.organisations as total'])
        .distinct()
        .where('r.boundaries', '=', sql.lit('CURRENT'))
        .where('r.sector', '=', sql.lit('ALL'))
        .where((eb) => validBetween(eb, 'r.valid_from_version', 'r.valid_to_version', v))
        .where((eb) => oneOf(eb, 'r.year', filter.years))
        .where((eb) => oneOf(eb, 'r.unit_id', filter.unitIds)),
    )
    .with('parts', (w) =>
      w
        .selectFrom((s) => s.selectFrom('targets').select('unit_id').distinct().as('t'))
        .leftJoin('dim_unit_crosswalk as x', 'x.to_unit_id', 't.unit_id')
        .select((eb) => ['t.unit_id', eb.fn.coalesce('x.from_unit_id', 't.unit_id').as('part_id')]),
    )
    .with('reported', (w) =>
      w
        .selectFrom('rpt_org_type_row as r')
        .select(['r.unit_id', 'r.year', 'r.source_code', 'r.org_type', 'r.organisations'])
        .where('r.boundaries', '=', sql.lit('AS_REPORTED'))
        .where('r.sector', '=', sql.lit('ALL'))
        .where((eb) => validBetween(eb, 'r.valid_from_version', 'r.valid_to_version', v))
        .where((eb) => oneOf(eb, 'r.year', filter.years))
        .where('r.unit_id', 'in', (eb) => eb.selectFrom('parts').select('part_id')),
    )
    .selectFrom('targets as t')
    .innerJoin('parts as pa', 'pa.unit_id', 't.unit_id')
    .leftJoin('reported as rp', (join) =>
      join
        .onRef('rp.unit_id', '=', 'pa.part_id')
        .onRef('rp.year', '=', 't.year')
        .onRef('rp.source_code', '=', 't.source_code')
        .onRef('rp.org_type', '=', 't.org_type'),
    )
    .select((eb) => [
      't.unit_id',
      't.year',
      't.source_code',
      't.org_type',
      eb.cast<number | null>(eb.fn('any_value', ['t.total']), 'double precision').as('total'),
      eb.cast<number | null>(eb.fn.sum('rp.organisations'), 'double precision').as('parts_sum'),
      eb.cast<number>(eb.fn.count('rp.organisations'), 'integer').as('parts_covered'),
      eb.cast<number>(eb.fn.count('pa.part_id').distinct(), 'integer').as('parts_total'),
    ])
    .groupBy(['t.unit_id', 't.year', 't.source_code', 't.org_type'])
    .execute();
}

/** The reported parts of one organisation type's organisation count (see {@link findOrganisationParts}). */
export type PartialSumRow = Awaited<ReturnType<typeof findOrganisationParts>>[number];

/**
 * The facts' measure qualifiers behind the report rows of some units and years: on current
 * boundaries each row of a unit merged into the area, under the area's id (the caller combines
 * them as a sum). Only rows with a bounded measure are returned: most rows have none.
 * `measure_qualifier` is a JSON object measure → qualifier (see `warehouse/domain/measure-flags.ts`).
 */
export function findMeasureQualifiers(db: DuckDbHandle, filter: PartialSumFilter) {
  const current = filter.boundaries === 'CURRENT';
  return (
    kyselyOf(db)
      .selectFrom('fct_org_annual as f')
      // The crosswalk maps a unit onto its successor on current boundaries only.
      .leftJoin('dim_unit_crosswalk as x', (join) =>
        join.onRef('x.from_unit_id', '=', 'f.unit_id').on(sql.lit(current)),
      )
      .select((eb) => [
        eb.fn.coalesce('x.to_unit_id', 'f.unit_id').as('unit_id'),
        'f.year',
        'f.source_code',
        'f.org_type',
        'f.sector',
        'f.measure_qualifier',
      ])
      .$narrowType<{ measure_qualifier: NotNull }>()
      .where('f.universe', '=', sql.lit('REGISTERED'))
      .where('f.measure_qualifier', 'is not', null)
      .where((eb) =>
        validBetween(eb, 'f.valid_from_version', 'f.valid_to_version', filter.asOfVersion),
      )
      .where((eb) => oneOf(eb, 'f.year', filter.years))
      .where((eb) => oneOf(eb, eb.fn.coalesce('x.to_unit_id', 'f.unit_id'), filter.unitIds))
      .execute()
  );
}

/** The measure qualifiers of a report row's facts (only rows with a bounded measure). */
export type MeasureQualifierRow = Awaited<ReturnType<typeof findMeasureQualifiers>>[number];
