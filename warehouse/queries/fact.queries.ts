import type { DuckDbHandle } from '../dialect/index.ts';
import { FACT_MEASURE_NAMES, type FactMeasure } from '../tables/org-annual.table.ts';
import type { Boundaries } from './indicator.queries.ts';
import { QueryParams } from './query-params.ts';

/** Which facts to read. */
export interface FactFilter {
  readonly unitIds?: readonly string[];
  readonly years?: readonly number[];
  readonly sources?: readonly string[];
  readonly boundaries?: Boundaries;
  readonly asOfVersion?: number;
  /** Only the universe counted (default `REGISTERED`). */
  readonly universe?: string;
}

/** Facts of one unit × year × source × organisation type × sector (`ALL` = the total). */
export type FactRow = {
  unit_id: string;
  year: number;
  source_code: string;
  org_type: string;
  sector: string;
  status: string;
  /** Units summed (more than one on current boundaries after a merger). */
  unit_count: number;
} & { [K in FactMeasure]: number | null };

/**
 * Reads the annual facts. On `CURRENT` boundaries the rows of units merged in 2025 are summed
 * onto their successor, a measure only where every merged unit reported it (otherwise missing).
 */
export async function findFacts(db: DuckDbHandle, filter: FactFilter = {}): Promise<FactRow[]> {
  const p = new QueryParams();
  const version =
    filter.asOfVersion === undefined
      ? 'f.valid_to_version is null'
      : `f.valid_from_version <= ${p.add(filter.asOfVersion)} and (f.valid_to_version is null or f.valid_to_version > ${p.add(filter.asOfVersion)})`;
  const where = `${version} and f.universe = ${p.add(filter.universe ?? 'REGISTERED')}
    and ${p.inNumbers('f.year', filter.years)} and ${p.in('f.source_code', filter.sources)}`;
  const statusRank = `max(case f.status when 'ESTIMATED' then 3 when 'PROVISIONAL' then 2 else 1 end)`;
  const statusName = `case ${statusRank} when 3 then 'ESTIMATED' when 2 then 'PROVISIONAL' else 'REPORTED' end`;
  if (filter.boundaries !== 'CURRENT') {
    return db.all<FactRow>(
      `select f.unit_id, f.year, f.source_code, f.org_type, f.sector, f.status, 1 as unit_count,
         ${FACT_MEASURE_NAMES.map((m) => `f.${m}`).join(', ')}
       from fct_org_annual f
       where ${where} and ${p.in('f.unit_id', filter.unitIds)}
       order by f.unit_id, f.year, f.source_code, f.org_type, f.sector`,
      p.values,
    );
  }
  const sums = FACT_MEASURE_NAMES.map((m) =>
    m.endsWith('_vnd_million')
      ? `case when count(f.${m}) = any_value(n.n) then avg(f.${m}) end as ${m}`
      : `case when count(f.${m}) = any_value(n.n) then sum(f.${m}) end as ${m}`,
  ).join(', ');
  return db.all<FactRow>(
    `with mapped as (
       select coalesce(x.to_unit_id, f.unit_id) as target_unit_id, f.*
       from fct_org_annual f left join dim_unit_crosswalk x on x.from_unit_id = f.unit_id
       where ${where}
     ),
     predecessors as (
       select to_unit_id, count(*) as n from dim_unit_crosswalk group by all
     )
     select f.target_unit_id as unit_id, f.year, f.source_code, f.org_type, f.sector, ${statusName} as status,
       count(*)::integer as unit_count, ${sums}
     from mapped f
     join (select u.unit_id, coalesce(pr.n, 1) as n from dim_admin_unit u left join predecessors pr on pr.to_unit_id = u.unit_id) n
       on n.unit_id = f.target_unit_id
     where ${p.in('f.target_unit_id', filter.unitIds)}
     group by f.target_unit_id, f.year, f.source_code, f.org_type, f.sector
     order by 1, 2, 3, 4, 5`,
    p.values,
  );
}

/** Years with loaded facts or published values, per source, for `YEAR_NOT_LOADED` checks. */
export async function findLoadedYears(
  db: DuckDbHandle,
): Promise<{ year: number; source_code: string }[]> {
  return db.all(
    `select distinct year, source_code from fct_org_annual where valid_to_version is null
     union select distinct year, source_code from fct_published_value where valid_to_version is null
     order by year, source_code`,
  );
}
