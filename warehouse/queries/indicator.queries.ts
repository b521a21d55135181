import { sql, type RawBuilder } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { columnOf, kyselyOf, validIn } from '../database.ts';
import { FACT_MEASURE_NAMES, type OrgAnnualTable } from '../tables/org-annual.table.ts';
import type { PublishedValueTable } from '../tables/published-value.table.ts';
import type { UnitCrosswalkTable } from '../tables/unit-crosswalk.table.ts';
import {
  INDICATOR_VALUE_COLUMNS,
  type IndicatorValueFields,
} from '../tables/indicator-value.table.ts';
import { measureQualifierExpression, measureStatusExpression } from '../domain/measure-flags.ts';
import {
  invertMaskExpression,
  qualifierMaskExpression,
  qualifierOfMaskExpression,
  type Qualifier,
} from '../domain/qualifier.ts';
import { valueStatusOfRankExpression, valueStatusRankExpression } from '../domain/value-status.ts';
import { BOUNDARIES, type Boundaries } from '../domain/vocabulary.ts';

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
export async function computeIndicatorValues(
  db: DuckDbHandle,
  filter: IndicatorValueFilter = {},
): Promise<IndicatorValueRow[]> {
  const { rows } = await indicatorValuesQuery(filter).execute(kyselyOf(db));
  return rows;
}

/** A column of `fct_org_annual` (alias `alias`, if any) or of `fct_published_value`. */
const fact = (column: keyof OrgAnnualTable & string, alias?: string) =>
  columnOf('fct_org_annual', column, alias);
const published = (column: keyof PublishedValueTable & string) =>
  columnOf('fct_published_value', column, 'p');

/** `column in (values)`, each value a parameter; `true` without a list, `false` for an empty one. */
function inList(
  column: RawBuilder<unknown>,
  values: readonly string[] | undefined,
): RawBuilder<boolean> {
  if (values === undefined) return sql<boolean>`true`;
  if (values.length === 0) return sql<boolean>`false`;
  return sql<boolean>`${column} in (${sql.join(values)})`;
}

/** The rows of a versioned table valid in the data version asked for (the current rows by default). */
function validRows(
  filter: IndicatorValueFilter,
  from: RawBuilder<unknown>,
  to: RawBuilder<unknown>,
): RawBuilder<boolean> {
  const v = filter.asOfVersion;
  if (v === undefined) return sql<boolean>`${to} is null`;
  return sql<boolean>`${from} <= ${v} and (${to} is null or ${to} > ${v})`;
}

/** The years asked for. */
function yearsAsked(filter: IndicatorValueFilter, year: RawBuilder<unknown>): RawBuilder<boolean> {
  const from = filter.fromYear === undefined ? sql`true` : sql`${year} >= ${filter.fromYear}`;
  const to = filter.toYear === undefined ? sql`true` : sql`${year} <= ${filter.toYear}`;
  return sql<boolean>`${from} and ${to}`;
}

/**
 * The units read: those asked for and, on current boundaries, the units merged into them
 * (computing every unit's values and filtering at the end costs several times more).
 */
function unitsRead(filter: IndicatorValueFilter, unit: RawBuilder<unknown>): RawBuilder<boolean> {
  if (filter.unitIds === undefined) return sql<boolean>`true`;
  if (filter.boundaries !== 'CURRENT') return inList(unit, filter.unitIds);
  const crosswalk = (column: keyof UnitCrosswalkTable & string) =>
    columnOf('dim_unit_crosswalk', column, 'x');
  return sql<boolean>`(${inList(unit, filter.unitIds)} or ${unit} in (select ${crosswalk('from_unit_id')} from ${sql.table('dim_unit_crosswalk')} x where ${inList(crosswalk('to_unit_id'), filter.unitIds)}))`;
}

/** Publishing only: the slices of the temp table named by `readSlices`, for a row's key columns. */
function slicesRead(
  filter: IndicatorValueFilter,
  key: readonly [RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown>],
): RawBuilder<boolean> {
  if (filter.readSlices === undefined) return sql<boolean>`true`;
  return sql<boolean>`(${sql.join(key)}) in (select unit_id, year, source_code from ${sql.table(filter.readSlices)})`;
}

/** Step 1: the indicators asked for and their operands (measures × organisation types × roles). */
function indicatorsStep(filter: IndicatorValueFilter) {
  return sql`indicators as (
  select * from ${sql.table('dim_indicator')} where ${inList(columnOf('dim_indicator', 'indicator_code'), filter.indicatorCodes)}
),
operands as (
  select o.*, coalesce(i.universe, 'REGISTERED') as universe, i.kind
  from ${sql.table('dim_indicator_operand')} o join indicators i using (indicator_code)
)`;
}

/** Step 2: the facts read, as doubles, and the same in long form (one row per measure). */
function factsStep(filter: IndicatorValueFilter) {
  const measures = sql.join(
    FACT_MEASURE_NAMES.map((m) => sql`${fact(m)}::double as ${sql.ref(m)}`),
  );
  const keys = sql.join(
    (
      [
        'unit_id',
        'year',
        'org_type',
        'sector',
        'source_code',
        'universe',
        'status',
        'measure_status',
        'measure_qualifier',
      ] as const
    ).map((c) => fact(c)),
  );
  return sql`facts as (
  select ${keys}, ${measures}
  from ${sql.table('fct_org_annual')}
  where ${validRows(filter, fact('valid_from_version'), fact('valid_to_version'))} and ${yearsAsked(filter, fact('year'))} and ${inList(fact('source_code'), filter.sources)} and ${unitsRead(filter, fact('unit_id'))}
    and ${slicesRead(filter, [fact('unit_id'), fact('year'), fact('source_code')])}
),
long as (
  unpivot facts on ${sql.join(FACT_MEASURE_NAMES.map((m) => sql.ref(m)))} into name measure value v
),
totals as (
  select unit_id, year, source_code, universe, org_type, measure,
    v, status, measure_status, measure_qualifier
  from long where sector = 'ALL'
)`;
}

/** Step 3: each operand's values with their status rank and qualifier mask: totals for `ALL`, else sector rows. */
function operandValuesStep() {
  const flags = (alias: 't' | 'l') => {
    const measure = sql.ref<string>(`${alias}.measure`);
    return sql`${valueStatusRankExpression(measureStatusExpression(alias, measure))} as status_rank, ${qualifierMaskExpression(measureQualifierExpression(alias, measure))} as qmask`;
  };
  return sql`operand_values as (
  select o.indicator_code, o.role, o.measure, o.org_type, o.org_type_rank, t.unit_id, t.year, t.source_code, t.v,
    ${flags('t')}
  from operands o join totals t
    on o.sector = 'ALL' and t.org_type = o.org_type and t.measure = o.measure and t.universe = o.universe
  union all
  select o.indicator_code, o.role, o.measure, o.org_type, o.org_type_rank, l.unit_id, l.year, l.source_code, l.v,
    ${flags('l')}
  from operands o join long l
    on o.sector <> 'ALL' and l.sector = o.sector and l.org_type = o.org_type and l.measure = o.measure and l.universe = o.universe
),
cells as (
  select distinct unit_id, year, source_code from operand_values
),
population as (
  select c.unit_id, c.year, c.source_code, o.indicator_code, o.role,
    (select p.population from ${sql.table('fct_population')} p
     where p.unit_id = c.unit_id and p.year <= c.year and p.is_preferred
     order by p.year desc limit 1)::double as v
  from cells c join operands o on o.measure = 'population'
)`;
}

/**
 * Step 4: the organisation types usable for each value (those reporting every measure of both
 * parts, so numerator and denominator cover the same organisations), and the parts summed over them.
 */
function partsStep() {
  return sql`expected as (
  select indicator_code, count(distinct (role, measure)) as n from operands where measure <> 'population' group by all
),
usable as (
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
)`;
}

/**
 * Step 5: numerator and denominator per unit as reported, or on current boundaries summed onto
 * each successor, only where every unit merged into it has them; one set of rows per boundaries
 * asked for, each row naming its boundaries.
 */
function combinedStep(boundaries: readonly Boundaries[]) {
  const crosswalk = sql.table('dim_unit_crosswalk');
  const variants = boundaries.map((b) =>
    b === 'AS_REPORTED'
      ? sql`select 'AS_REPORTED' as boundaries, indicator_code, unit_id, year, source_code, numerator, denominator,
    numerator * denominator as weighted, status_rank, n_qmask, d_qmask, 1 as unit_count, org_types
  from per_unit`
      : sql`select 'CURRENT' as boundaries, m.indicator_code, m.target_unit_id as unit_id, m.year, m.source_code,
    case when count(m.numerator) = coalesce(max(pr.n), 1) then sum(m.numerator) end as numerator,
    case when count(m.denominator) = coalesce(max(pr.n), 1) then sum(m.denominator) end as denominator,
    case when count(m.numerator) = coalesce(max(pr.n), 1) then sum(m.numerator * m.denominator) end as weighted,
    max(m.status_rank) as status_rank, bit_or(m.n_qmask) as n_qmask, bit_or(m.d_qmask) as d_qmask,
    count(*) as unit_count, string_agg(distinct m.org_types, ',' order by m.org_types) as org_types
  from mapped m left join predecessors pr
    on pr.target_unit_id = m.target_unit_id and m.unit_id <> m.target_unit_id
  group by m.indicator_code, m.target_unit_id, m.year, m.source_code`,
  );
  const current = boundaries.includes('CURRENT')
    ? sql`mapped as (
  select p.*, coalesce(x.to_unit_id, p.unit_id) as target_unit_id
  from per_unit p left join ${crosswalk} x on x.from_unit_id = p.unit_id
),
predecessors as (
  select to_unit_id as target_unit_id, count(*) as n from ${crosswalk} group by all
),
`
    : sql``;
  return sql`${current}combined as (
  ${sql.join(
    variants,
    sql`
  union all
  `,
  )}
)`;
}

/** Step 6: the value by the indicator's kind, with its status and qualifier. */
function computedStep() {
  return sql`computed as (
  select c.boundaries, c.indicator_code, c.unit_id, c.year, c.source_code,
    case i.kind
      when 'COUNT' then c.numerator
      when 'SHARE' then 100 * c.numerator / nullif(c.denominator, 0)
      when 'PER_POPULATION' then 100 * c.numerator / nullif(c.denominator, 0)
      when 'RATIO' then c.numerator / nullif(c.denominator, 0)
      when 'AVERAGE' then case when c.unit_count = 1 then c.numerator else c.weighted / nullif(c.denominator, 0) end
    end as value,
    c.numerator, c.denominator, ${valueStatusOfRankExpression(sql.ref('c.status_rank'))} as status,
    'FACTS' as origin, ${qualifierOfMaskExpression(sql.ref('q.mask'))} as qualifier, c.unit_count, c.org_types
  from combined c join indicators i using (indicator_code)
  cross join lateral (select case i.kind
      when 'COUNT' then c.n_qmask
      when 'AVERAGE' then c.n_qmask | case when c.unit_count > 1 and c.d_qmask <> 0 then ${qualifierMaskExpression(sql.lit('ABOUT'))} else 0 end
      else c.n_qmask | ${invertMaskExpression(sql.ref('c.d_qmask'))}
    end as mask) q
)`;
}

/** Step 7: published figures, filling in where the facts give no value, on each boundaries asked for. */
function publishedStep(filter: IndicatorValueFilter, boundaries: readonly Boundaries[]) {
  const asked = sql.join(boundaries.map((b) => sql`(${sql.lit(b)})`));
  return sql`published as (
  select b.boundaries, coalesce(a.indicator_code, p.indicator_code) as indicator_code, p.unit_id, p.year, p.source_code,
    p.value, null::double as numerator, null::double as denominator, p.status,
    'PUBLISHED' as origin, p.qualifier, 1 as unit_count, null::varchar as org_types
  from ${sql.table('fct_published_value')} p
  left join ${sql.table('dim_indicator_alias')} a on a.alias = p.indicator_code
  cross join (values ${asked}) b(boundaries)
  where ${published('is_preferred')} and ${validRows(filter, published('valid_from_version'), published('valid_to_version'))} and ${yearsAsked(filter, published('year'))}
    and ${unitsRead(filter, published('unit_id'))}
    and ${inList(published('source_code'), filter.sources)} and ${slicesRead(filter, [published('unit_id'), published('year'), published('source_code')])}
),
all_values as (
  select * from computed where value is not null
  union all
  select pub.* from published pub
  join indicators i on i.indicator_code = pub.indicator_code
  where not exists (
    select 1 from computed c where c.value is not null and c.boundaries = pub.boundaries
      and c.indicator_code = pub.indicator_code and c.unit_id = pub.unit_id and c.year = pub.year and c.source_code = pub.source_code)
)`;
}

/** The statement of {@link computeIndicatorValues}: its named steps, then the rows asked for. */
export function indicatorValuesQuery(
  filter: IndicatorValueFilter = {},
): RawBuilder<IndicatorValueRow> {
  const boundaries = filter.boundaries ?? 'AS_REPORTED';
  return sql<IndicatorValueRow>`
with ${valueSteps(filter, [boundaries])}
select ${VALUE_COLUMNS}
from all_values
where ${inList(sql.ref('unit_id'), filter.unitIds)}
order by indicator_code, unit_id, year, source_code`;
}

/**
 * Publishing only: the statement of {@link indicatorValuesQuery} for both boundaries at once,
 * each row naming its `boundaries`, in no order (its rows go into a table). The two share every
 * step up to the sums per unit, so one statement plans and reads them once (two statements took
 * about twice as long for a small load, most of it planning).
 */
export function indicatorValuesOnEveryBoundariesQuery(
  filter: Omit<IndicatorValueFilter, 'boundaries' | 'unitIds'>,
): RawBuilder<IndicatorValueRow & { boundaries: Boundaries }> {
  return sql<IndicatorValueRow & { boundaries: Boundaries }>`
with ${valueSteps(filter, BOUNDARIES)}
select boundaries, ${VALUE_COLUMNS}
from all_values`;
}

/** The columns of an {@link IndicatorValueRow}, from `all_values`. */
const VALUE_COLUMNS =
  sql.raw(`indicator_code, unit_id, year, source_code, value, numerator, denominator, status, origin,
  qualifier, qualifier <> 'EXACT' as is_approximate,
  unit_count::integer as unit_count, org_types`);

/**
 * The named steps that compute indicator values on `boundaries`. On current boundaries the units
 * read include those merged into the units asked for ({@link unitsRead}); a statement computing
 * both boundaries is asked for no units.
 */
function valueSteps(filter: IndicatorValueFilter, boundaries: readonly Boundaries[]) {
  const read = {
    ...filter,
    boundaries: boundaries.includes('CURRENT') ? 'CURRENT' : 'AS_REPORTED',
  } as const;
  return sql.join(
    [
      indicatorsStep(read),
      factsStep(read),
      operandValuesStep(),
      partsStep(),
      combinedStep(boundaries),
      computedStep(),
      publishedStep(read, boundaries),
    ],
    sql`,\n`,
  );
}
