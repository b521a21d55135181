import type { DuckDbHandle } from '../dialect/index.ts';
import type { Boundaries } from '../domain/vocabulary.ts';
import { QueryParams } from './query-params.ts';

/**
 * Number of sector rows that make an organisation type's total complete (every sector but `ALL`
 * of the sector vocabulary: AGRICULTURE … OTHER).
 */
export const SECTOR_PARTS = 8;

/**
 * The reported parts of one organisation type's organisation count: on as-reported boundaries
 * its sector rows, on current boundaries the units merged into it (each unit's all-sector row).
 */
export interface PartialSumRow {
  unit_id: string;
  year: number;
  source_code: string;
  org_type: string;
  /** The total when it is known (not null), else null. */
  total: number | null;
  /** Sum of the parts that reported a count; null when none did. */
  parts_sum: number | null;
  parts_covered: number;
  parts_total: number;
}

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
 */
export function findOrganisationParts(
  db: DuckDbHandle,
  filter: PartialSumFilter,
): Promise<PartialSumRow[]> {
  const p = new QueryParams();
  const version =
    filter.asOfVersion === undefined
      ? 'r.valid_to_version is null'
      : `r.valid_from_version <= ${p.add(filter.asOfVersion)} and (r.valid_to_version is null or r.valid_to_version > ${p.add(filter.asOfVersion)})`;
  const years = p.inNumbers('r.year', filter.years);
  if (filter.boundaries === 'AS_REPORTED') {
    return db.all(
      `select r.unit_id, r.year, r.source_code, r.org_type,
         max(r.organisations) filter (where r.sector = 'ALL')::double as total,
         sum(r.organisations) filter (where r.sector <> 'ALL')::double as parts_sum,
         count(r.organisations) filter (where r.sector <> 'ALL')::integer as parts_covered,
         ${SECTOR_PARTS} as parts_total
       from rpt_org_type_row r
       where r.boundaries = 'AS_REPORTED' and ${version} and ${years}
         and ${p.in('r.unit_id', filter.unitIds)}
       group by all`,
      p.values,
    );
  }
  return db.all(
    `with targets as (
       select distinct r.unit_id, r.year, r.source_code, r.org_type, r.organisations as total
       from rpt_org_type_row r
       where r.boundaries = 'CURRENT' and r.sector = 'ALL' and ${version} and ${years}
         and ${p.in('r.unit_id', filter.unitIds)}
     ),
     parts as (
       select t.unit_id, coalesce(x.from_unit_id, t.unit_id) as part_id
       from (select distinct unit_id from targets) t
       left join dim_unit_crosswalk x on x.to_unit_id = t.unit_id
     ),
     reported as (
       select r.unit_id, r.year, r.source_code, r.org_type, r.organisations
       from rpt_org_type_row r
       where r.boundaries = 'AS_REPORTED' and r.sector = 'ALL' and ${version} and ${years}
         and r.unit_id in (select part_id from parts)
     )
     select t.unit_id, t.year, t.source_code, t.org_type, any_value(t.total)::double as total,
       sum(rp.organisations)::double as parts_sum, count(rp.organisations)::integer as parts_covered,
       count(distinct pa.part_id)::integer as parts_total
     from targets t
     join parts pa on pa.unit_id = t.unit_id
     left join reported rp on rp.unit_id = pa.part_id and rp.year = t.year
       and rp.source_code = t.source_code and rp.org_type = t.org_type
     group by t.unit_id, t.year, t.source_code, t.org_type`,
    p.values,
  );
}

/** The measure qualifiers of a report row's facts (only rows with a bounded measure). */
export interface MeasureQualifierRow {
  unit_id: string;
  year: number;
  source_code: string;
  org_type: string;
  sector: string;
  /** JSON object measure → qualifier (see `warehouse/domain/measure-flags.ts`). */
  measure_qualifier: string;
}

/**
 * The facts' measure qualifiers behind the report rows of some units and years: on current
 * boundaries each row of a unit merged into the area, under the area's id (the caller combines
 * them as a sum). Only rows with a bounded measure are returned: most rows have none.
 */
export function findMeasureQualifiers(
  db: DuckDbHandle,
  filter: PartialSumFilter,
): Promise<MeasureQualifierRow[]> {
  const p = new QueryParams();
  const version =
    filter.asOfVersion === undefined
      ? 'f.valid_to_version is null'
      : `f.valid_from_version <= ${p.add(filter.asOfVersion)} and (f.valid_to_version is null or f.valid_to_version > ${p.add(filter.asOfVersion)})`;
  const current = filter.boundaries === 'CURRENT';
  const unit = current ? 'coalesce(x.to_unit_id, f.unit_id)' : 'f.unit_id';
  return db.all(
    `select ${unit} as unit_id, f.year, f.source_code, f.org_type, f.sector, f.measure_qualifier
     from fct_org_annual f
     ${current ? 'left join dim_unit_crosswalk x on x.from_unit_id = f.unit_id' : ''}
     where f.universe = 'REGISTERED' and f.measure_qualifier is not null and ${version}
       and ${p.inNumbers('f.year', filter.years)} and ${p.in(unit, filter.unitIds)}`,
    p.values,
  );
}
