import type { DuckDbHandle, SqlValue } from '../dialect/index.ts';
import { kyselyOf, validIn } from '../database.ts';
import { FACT_MEASURE_NAMES } from '../tables/org-annual.table.ts';
import {
  INDICATOR_VALUE_COLUMNS,
  type IndicatorValueFields,
} from '../tables/indicator-value.table.ts';
import { QueryParams } from './query-params.ts';
import { measureQualifierSql, measureStatusSql } from '../domain/measure-flags.ts';
import {
  invertMaskSql,
  qualifierMaskSql,
  qualifierOfMaskSql,
  type Qualifier,
} from '../domain/qualifier.ts';
import { valueStatusOfRankSql, valueStatusRankSql } from '../domain/value-status.ts';
import type { Boundaries } from '../domain/vocabulary.ts';

/** Which indicator values to compute. Every list is optional; absent means all. */
export interface IndicatorValueFilter {
  readonly indicatorCodes?: readonly string[];
  readonly unitIds?: readonly string[];
  readonly fromYear?: number;
  readonly toYear?: number;
  readonly sources?: readonly string[];
  /** `CURRENT` re-aggregates old units onto the units valid today through the crosswalk. */
  readonly boundaries?: Boundaries;
  /** Read the values as published in this data version (default: the latest). */
  readonly asOfVersion?: number;
  /**
   * Publishing only: the name of a temp table of `(unit_id, year, source_code)` slices; only the
   * facts and published figures of those slices are read.
   */
  readonly readSlices?: string;
}

/** One indicator value for a unit, year and source, with the parts it was computed from. */
export interface IndicatorValueRow extends Omit<IndicatorValueFields, 'qualifier'> {
  /** As {@link IndicatorValueFields.qualifier}, typed by the domain's closed set. */
  qualifier: Qualifier;
}

/** The fields of an {@link IndicatorValueRow}, as columns of `rpt_indicator_value`. */
const ROW_COLUMNS = INDICATOR_VALUE_COLUMNS.filter((c) => c.inRow).map((c) => c.name);

/**
 * Reads indicator values as computed when their data was published (`rpt_indicator_value`), the
 * same rows in the same order as {@link computeIndicatorValues} gives for the same filter: one
 * statement, by key, on the boundaries asked for (default as reported), current or as of a
 * data version.
 */
export function findIndicatorValues(
  handle: DuckDbHandle,
  filter: IndicatorValueFilter = {},
): Promise<IndicatorValueRow[]> {
  let query = kyselyOf(handle)
    .selectFrom('rpt_indicator_value')
    .select(ROW_COLUMNS)
    .where('boundaries', '=', filter.boundaries ?? 'AS_REPORTED')
    .where(validIn(filter.asOfVersion));
  // An empty list matches nothing; '' (never a code) keeps the `in` list from being empty.
  if (filter.indicatorCodes !== undefined)
    query = query.where('indicator_code', 'in', ['', ...filter.indicatorCodes]);
  if (filter.unitIds !== undefined) query = query.where('unit_id', 'in', ['', ...filter.unitIds]);
  if (filter.sources !== undefined)
    query = query.where('source_code', 'in', ['', ...filter.sources]);
  if (filter.fromYear !== undefined) query = query.where('year', '>=', filter.fromYear);
  if (filter.toYear !== undefined) query = query.where('year', '<=', filter.toYear);
  return query
    .orderBy('indicator_code')
    .orderBy('unit_id')
    .orderBy('year')
    .orderBy('source_code')
    .execute() as Promise<IndicatorValueRow[]>;
}

/**
 * Computes indicator values from the facts by the registry's formulas, in one SQL statement
 * whatever the number of indicators, units and years asked for:
 * - an operand sums its measures over its organisation types; for a sector list it sums those
 *   sector rows; for `ALL` it takes the all-sector row (a total is never added to its own
 *   breakdown, and a partial breakdown is never taken for a total);
 * - an organisation type is included only where it reports every measure of both parts, so the
 *   numerator and denominator cover the same organisations; `org_types` says which were;
 * - a share is 100 × summed numerator ÷ summed denominator, never an average of shares;
 * - a value is missing (`null`) when no organisation type reports its measures; never zero;
 * - on `CURRENT` boundaries a merged unit has a value only when every unit merged into it has one;
 * - published figures fill in where the facts give no value (shares published without counts).
 */
export function computeIndicatorValues(
  db: DuckDbHandle,
  filter: IndicatorValueFilter = {},
): Promise<IndicatorValueRow[]> {
  const { sql, params } = indicatorValuesSql(filter);
  return db.all<IndicatorValueRow>(sql, params);
}

/** The statement of {@link computeIndicatorValues} with its parameters. */
export function indicatorValuesSql(filter: IndicatorValueFilter = {}): {
  sql: string;
  params: SqlValue[];
} {
  const p = new QueryParams();
  const param = (value: number) => p.add(value);
  const inList = (column: string, values: readonly string[] | undefined) => p.in(column, values);
  const version =
    filter.asOfVersion === undefined
      ? 'valid_to_version is null'
      : `valid_from_version <= ${param(filter.asOfVersion)} and (valid_to_version is null or valid_to_version > ${param(filter.asOfVersion)})`;
  const years = [
    filter.fromYear === undefined ? 'true' : `year >= ${param(filter.fromYear)}`,
    filter.toYear === undefined ? 'true' : `year <= ${param(filter.toYear)}`,
  ].join(' and ');
  const current = filter.boundaries === 'CURRENT';
  // Identifiers come only from the measure list of the table definition.
  const measures = FACT_MEASURE_NAMES.map((m) => `${m}::double as ${m}`).join(', ');
  const indicators = inList('indicator_code', filter.indicatorCodes);
  // Read only the units asked for (and, on current boundaries, the units merged into them):
  // computing every unit's values and filtering at the end costs several times more.
  const slices = (alias: string) =>
    filter.readSlices === undefined
      ? 'true'
      : `(${alias}unit_id, ${alias}year, ${alias}source_code) in (select unit_id, year, source_code from ${filter.readSlices})`;
  const unitsRead = (column: string) =>
    filter.unitIds === undefined
      ? 'true'
      : current
        ? `(${inList(column, filter.unitIds)} or ${column} in (select x.from_unit_id from dim_unit_crosswalk x where ${inList('x.to_unit_id', filter.unitIds)}))`
        : inList(column, filter.unitIds);

  const sql = `
with indicators as (
  select * from dim_indicator where ${indicators}
),
operands as (
  select o.*, coalesce(i.universe, 'REGISTERED') as universe, i.kind
  from dim_indicator_operand o join indicators i using (indicator_code)
),
facts as (
  select unit_id, year, org_type, sector, source_code, universe, status, measure_status, measure_qualifier, ${measures}
  from fct_org_annual
  where ${version} and ${years} and ${inList('source_code', filter.sources)} and ${unitsRead('unit_id')}
    and ${slices('')}
),
long as (
  unpivot facts on ${FACT_MEASURE_NAMES.join(', ')} into name measure value v
),
totals as (
  select unit_id, year, source_code, universe, org_type, measure,
    v, status, measure_status, measure_qualifier
  from long where sector = 'ALL'
),
operand_values as (
  select o.indicator_code, o.role, o.measure, o.org_type, o.org_type_rank, t.unit_id, t.year, t.source_code, t.v,
    ${valueStatusRankSql(measureStatusSql('t', 't.measure'))} as status_rank, ${qualifierMaskSql(measureQualifierSql('t', 't.measure'))} as qmask
  from operands o join totals t
    on o.sector = 'ALL' and t.org_type = o.org_type and t.measure = o.measure and t.universe = o.universe
  union all
  select o.indicator_code, o.role, o.measure, o.org_type, o.org_type_rank, l.unit_id, l.year, l.source_code, l.v,
    ${valueStatusRankSql(measureStatusSql('l', 'l.measure'))} as status_rank, ${qualifierMaskSql(measureQualifierSql('l', 'l.measure'))} as qmask
  from operands o join long l
    on o.sector <> 'ALL' and l.sector = o.sector and l.org_type = o.org_type and l.measure = o.measure and l.universe = o.universe
),
cells as (
  select distinct unit_id, year, source_code from operand_values
),
population as (
  select c.unit_id, c.year, c.source_code, o.indicator_code, o.role,
    (select p.population from fct_population p
     where p.unit_id = c.unit_id and p.year <= c.year and p.is_preferred
     order by p.year desc limit 1)::double as v
  from cells c join operands o on o.measure = 'population'
),
expected as (
  select indicator_code, count(distinct (role, measure)) as n from operands where measure <> 'population' group by all
),
usable as (
  -- an organisation type counts only where it reports every measure of the numerator and the
  -- denominator, so both parts cover the same organisations
  select ov.indicator_code, ov.unit_id, ov.year, ov.source_code, ov.org_type, any_value(ov.org_type_rank) as org_type_rank
  from operand_values ov join expected e using (indicator_code)
  group by ov.indicator_code, ov.unit_id, ov.year, ov.source_code, ov.org_type
  having count(distinct (ov.role, ov.measure)) filter (where ov.v is not null) = any_value(e.n)
),
coverage as (
  select indicator_code, unit_id, year, source_code, string_agg(org_type, ',' order by org_type_rank) as org_types
  from usable group by all
),
parts as (
  select ov.indicator_code, ov.role, ov.unit_id, ov.year, ov.source_code, sum(ov.v) as v, max(ov.status_rank) as status_rank,
    bit_or(ov.qmask) as qmask
  from operand_values ov
  join usable u on u.indicator_code = ov.indicator_code and u.unit_id = ov.unit_id and u.year = ov.year
    and u.source_code = ov.source_code and u.org_type = ov.org_type
  group by ov.indicator_code, ov.role, ov.unit_id, ov.year, ov.source_code
  union all
  select indicator_code, role, unit_id, year, source_code, v, 1, 0 from population
),
per_unit as (
  select n.indicator_code, n.unit_id, n.year, n.source_code,
    n.v as numerator, d.v as denominator,
    greatest(n.status_rank, coalesce(d.status_rank, 1)) as status_rank,
    n.qmask as n_qmask, coalesce(d.qmask, 0) as d_qmask, c.org_types
  from parts n
  left join parts d on d.role = 'DENOMINATOR' and d.indicator_code = n.indicator_code and d.unit_id = n.unit_id
    and d.year = n.year and d.source_code = n.source_code
  left join coverage c on c.indicator_code = n.indicator_code and c.unit_id = n.unit_id
    and c.year = n.year and c.source_code = n.source_code
  where n.role = 'NUMERATOR'
),
${
  current
    ? `mapped as (
  select p.*, coalesce(x.to_unit_id, p.unit_id) as target_unit_id
  from per_unit p left join dim_unit_crosswalk x on x.from_unit_id = p.unit_id
),
predecessors as (
  select to_unit_id as target_unit_id, count(*) as n from dim_unit_crosswalk group by all
),
combined as (
  select m.indicator_code, m.target_unit_id as unit_id, m.year, m.source_code,
    case when count(m.numerator) = coalesce(max(pr.n), 1) then sum(m.numerator) end as numerator,
    case when count(m.denominator) = coalesce(max(pr.n), 1) then sum(m.denominator) end as denominator,
    case when count(m.numerator) = coalesce(max(pr.n), 1) then sum(m.numerator * m.denominator) end as weighted,
    max(m.status_rank) as status_rank, bit_or(m.n_qmask) as n_qmask, bit_or(m.d_qmask) as d_qmask,
    count(*) as unit_count, string_agg(distinct m.org_types, ',' order by m.org_types) as org_types
  from mapped m left join predecessors pr
    on pr.target_unit_id = m.target_unit_id and m.unit_id <> m.target_unit_id
  group by all
),`
    : `combined as (
  select indicator_code, unit_id, year, source_code, numerator, denominator,
    numerator * denominator as weighted, status_rank, n_qmask, d_qmask, 1 as unit_count, org_types
  from per_unit
),`
}
computed as (
  select c.indicator_code, c.unit_id, c.year, c.source_code,
    case i.kind
      when 'COUNT' then c.numerator
      when 'SHARE' then 100 * c.numerator / nullif(c.denominator, 0)
      when 'PER_POPULATION' then 100 * c.numerator / nullif(c.denominator, 0)
      when 'RATIO' then c.numerator / nullif(c.denominator, 0)
      when 'AVERAGE' then case when c.unit_count = 1 then c.numerator else c.weighted / nullif(c.denominator, 0) end
    end as value,
    c.numerator, c.denominator, ${valueStatusOfRankSql('c.status_rank')} as status,
    'FACTS' as origin, ${qualifierOfMaskSql('q.mask')} as qualifier, c.unit_count, c.org_types
  from combined c join indicators i using (indicator_code)
  cross join lateral (select case i.kind
      when 'COUNT' then c.n_qmask
      when 'AVERAGE' then c.n_qmask | case when c.unit_count > 1 and c.d_qmask <> 0 then ${qualifierMaskSql("'ABOUT'")} else 0 end
      else c.n_qmask | ${invertMaskSql('c.d_qmask')}
    end as mask) q
),
published as (
  select coalesce(a.indicator_code, p.indicator_code) as indicator_code, p.unit_id, p.year, p.source_code,
    p.value, null::double as numerator, null::double as denominator, p.status,
    'PUBLISHED' as origin, p.qualifier, 1 as unit_count, null::varchar as org_types
  from fct_published_value p
  left join dim_indicator_alias a on a.alias = p.indicator_code
  where p.is_preferred and ${version.replaceAll('valid_', 'p.valid_')} and ${years.replaceAll('year', 'p.year')}
    and ${unitsRead('p.unit_id')}
    and ${inList('p.source_code', filter.sources)} and ${slices('p.')}
),
all_values as (
  select * from computed where value is not null
  union all
  select pub.* from published pub
  join indicators i on i.indicator_code = pub.indicator_code
  where not exists (
    select 1 from computed c where c.value is not null and c.indicator_code = pub.indicator_code
      and c.unit_id = pub.unit_id and c.year = pub.year and c.source_code = pub.source_code)
)
select indicator_code, unit_id, year, source_code, value, numerator, denominator, status, origin,
  qualifier, qualifier <> 'EXACT' as is_approximate,
  unit_count::integer as unit_count, org_types
from all_values
where ${inList('unit_id', filter.unitIds)}
order by indicator_code, unit_id, year, source_code`;
  return { sql, params: p.values };
}
