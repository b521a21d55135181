import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { FACT_MEASURE_NAMES } from '../../warehouse/tables/org-annual.table.ts';
import { REGISTER_COLUMNS } from '../../warehouse/tables/register.table.ts';
import { asWritten, check, checkAll, RESOLVED_TABLE } from './validate.ts';
import { sqlString } from './typing.ts';
import { weakestValueStatusSql } from '../../warehouse/domain/value-status.ts';
import {
  LAW_2023_FROM_YEAR,
  legalMinimumMembersSql,
  SECTORS_OF_ORG_TYPE,
} from '../../warehouse/domain/vocabulary.ts';
import { measureObjectSql, measureQualifierSql } from '../../warehouse/domain/measure-flags.ts';
import { qualifierMaskSql, qualifierOfMaskSql } from '../../warehouse/domain/qualifier.ts';

/** Staged facts, in `fct_org_annual` column order without the version columns. */
export const FACT_STAGING = 'stg_fact';
/** Staged register rows, in `fct_org_register` column order without the version columns. */
export const REGISTER_STAGING = 'stg_register';

/** Options that fill what a file leaves out. */
export interface FactDefaults {
  readonly source: string;
  readonly status: string;
}

/** The member split (official, capital-contributing, other associates) exists from 1 July 2024. */
const SPLIT_COLUMNS = ['official_members', 'capital_associates', 'other_associates'] as const;

/**
 * The legal minimum of members per organisation by type and reporting year
 * (`LEGAL_MINIMUM_MEMBERS`). A figure below it is a warning.
 */
export const LEGAL_MINIMUM_SQL = legalMinimumMembersSql('org_type', 'year');
const LAW = `case when year >= ${LAW_2023_FROM_YEAR} then 'Law on Cooperatives 17/2023/QH15' else 'Law on Cooperatives 23/2012/QH13' end`;

/** `lhs ≤ rhs` consistency rules over counts, checked where both sides are present. */
const AGGREGATE_RULES: readonly { lhs: readonly string[]; rhs: readonly string[] }[] = [
  {
    lhs: ['rated_good', 'rated_fair', 'rated_average', 'rated_weak', 'rated_none'],
    rhs: ['org_count'],
  },
  { lhs: ['active_count'], rhs: ['org_count'] },
  { lhs: ['inactive_count'], rhs: ['org_count'] },
  { lhs: ['effective_count'], rhs: ['org_count'] },
  { lhs: ['in_value_chain'], rhs: ['org_count'] },
  { lhs: ['linked_enterprise'], rhs: ['org_count'] },
  { lhs: ['high_tech'], rhs: ['org_count'] },
  { lhs: ['digital'], rhs: ['org_count'] },
  { lhs: ['new_model'], rhs: ['org_count'] },
  { lhs: ['good_fair_in_value_chain'], rhs: ['in_value_chain'] },
  { lhs: ['good_fair_in_value_chain'], rhs: ['rated_good', 'rated_fair'] },
  { lhs: ['effective_in_value_chain'], rhs: ['in_value_chain'] },
  { lhs: ['effective_in_value_chain'], rhs: ['effective_count'] },
  { lhs: ['official_members', 'capital_associates', 'other_associates'], rhs: ['members'] },
  { lhs: ['employees_members'], rhs: ['employees'] },
  { lhs: ['managers_trained'], rhs: ['managers_total'] },
];

const sum = (columns: readonly string[]) =>
  columns.length === 1 ? columns[0]! : `(${columns.map((c) => `coalesce(${c}, 0)`).join(' + ')})`;
const anyPresent = (columns: readonly string[]) =>
  `(${columns.map((c) => `${c} is not null`).join(' or ')})`;
const label = (columns: readonly string[]) => columns.join(' + ');

/** `lhs ≤ rhs` rules of a register row. */
const REGISTER_RULES: readonly { lhs: readonly string[]; rhs: readonly string[] }[] = [
  { lhs: ['official_members', 'capital_associates', 'other_associates'], rhs: ['members'] },
  { lhs: ['managers_trained'], rhs: ['managers_total'] },
];

/** Refuses rows where a part exceeds its whole, for every rule (both sides present). */
function consistencyChecks(
  rules: readonly { lhs: readonly string[]; rhs: readonly string[] }[],
): string[] {
  return rules.map(
    (rule) =>
      `select 'ERROR',
           ${sqlString(`counts must be consistent: ${label(rule.lhs)} must not exceed ${label(rule.rhs)}`)} || ' (' || ${sum(rule.rhs)} || ')',
           (${sum(rule.lhs)})::varchar, src_sheet, src_row, ${sqlString(rule.lhs[0]!)}
         from ${RESOLVED_TABLE}
         where ${anyPresent(rule.lhs)} and ${rule.rhs.map((c) => `${c} is not null`).join(' and ')}
           and ${sum(rule.lhs)} > ${sum(rule.rhs)}`,
  );
}

/** Warns where a file gives the member split for a year before it existed (it is stored as missing). */
function memberSplitChecks(): string[] {
  return SPLIT_COLUMNS.map(
    (column) =>
      `select 'WARNING',
           ${sqlString(`column \`${column}\` exists only from 1 July ${LAW_2023_FROM_YEAR} (Law 17/2023/QH15), so it was stored as missing for `)} || year,
           ${asWritten(column)}, src_sheet, src_row, ${sqlString(column)}
         from ${RESOLVED_TABLE} where ${column} is not null and year < ${LAW_2023_FROM_YEAR}`,
  );
}

/** The select list of `columns`, with the member split nulled before it existed. */
const withoutEarlySplit = (columns: readonly string[]) =>
  columns
    .map((c) =>
      (SPLIT_COLUMNS as readonly string[]).includes(c)
        ? `case when year >= ${LAW_2023_FROM_YEAR} then ${c} end as ${c}`
        : c,
    )
    .join(', ');

/**
 * Checks an aggregates file (duplicate keys, `part ≤ total` consistency, legal minimums, the
 * member split's start) and stages its rows as facts.
 */
export async function stageAggregateFacts(db: DuckDbHandle, defaults: FactDefaults): Promise<void> {
  // The typed rows with their keys, as a table (a CSV file's typed rows are a view).
  await db.run(
    `create temp table stg_resolved_keyed as
     select *, coalesce(sector, 'ALL') as key_sector, coalesce(source, $1) as key_source,
       coalesce(universe, 'REGISTERED') as key_universe
     from ${RESOLVED_TABLE}`,
    [defaults.source],
  );
  const [view] = await db.all<{ n: number }>(
    `select count(*) as n from duckdb_views() where view_name = $1 and temporary`,
    [RESOLVED_TABLE],
  );
  await db.run(`drop ${view?.n ? 'view' : 'table'} ${RESOLVED_TABLE}`);
  await db.run(`alter table stg_resolved_keyed rename to ${RESOLVED_TABLE}`);
  await checkAll(db, [
    `select 'ERROR',
       'a row must be the only one for its year, province, org_type, sector, universe and source (row ' || first_row || ' has the same)',
       year || ', ' || coalesce(province_code, province_name) || ', ' || org_type || ', ' || key_sector, src_sheet, src_row, 'org_type'
     from (select *, first_value(src_row) over w as first_row, row_number() over w as n
           from ${RESOLVED_TABLE} where unit_id is not null and org_type is not null
           window w as (partition by year, unit_id, org_type, key_sector, key_universe, key_source order by src_sheet, src_row))
     where n > 1`,
    ...consistencyChecks(AGGREGATE_RULES),
    `select 'WARNING',
       'an ' || org_type || ' should have at least ' || ${LEGAL_MINIMUM_SQL} || ' members (' || ${LAW} || '), so ' ||
       org_count || ' of them should have at least ' || (${LEGAL_MINIMUM_SQL} * org_count) || ' members',
       ${asWritten('members')}, src_sheet, src_row, 'members'
     from ${RESOLVED_TABLE}
     where org_count > 0 and members is not null and members < ${LEGAL_MINIMUM_SQL} * org_count`,
    ...memberSplitChecks(),
  ]);
  const measures = withoutEarlySplit(FACT_MEASURE_NAMES);
  await db.run(`drop table if exists ${FACT_STAGING}`);
  await db.run(
    `create temp table ${FACT_STAGING} as
     select unit_id, year, org_type, key_sector as sector, key_source as source_code, key_universe as universe,
       ${measures}, coalesce(status, $1) as status, null::varchar as measure_status,
       ${measureObjectSql((m) => `case when ${m} is not null then qualifier end`, 'EXACT')} as measure_qualifier
     from ${RESOLVED_TABLE} where unit_id is not null`,
    [defaults.status],
  );
  const sectorRows = await deriveTotals(db);
  // One statement for the checks of the staged facts (see `checkAll`).
  await checkAll(db, [...(sectorRows > 0 ? SECTOR_TOTAL_CHECKS : []), STOCK_AND_FLOW_CHECK]);
}

/**
 * Stock and flow: count(t) ≈ count(t−1) + new − dissolved (DESIGN §4b), against the previous
 * year in the same file or, failing that, as published. Conversions and late registrations make
 * it approximate, so only a gap over 2% of the previous stock (and over 2) is a warning.
 */
const STOCK_AND_FLOW_CHECK = `
  select * from (
     with cur as (
       select u.name_vi, s.* from ${FACT_STAGING} s join dim_admin_unit u using (unit_id) where s.sector = 'ALL'
     ),
     prev as (
       select unit_id, year, org_type, source_code, universe, org_count from ${FACT_STAGING} where sector = 'ALL'
       union all
       select f.unit_id, f.year, f.org_type, f.source_code, f.universe, f.org_count
       from fct_org_annual f
       where f.valid_to_version is null and f.sector = 'ALL'
         and not exists (select 1 from ${FACT_STAGING} s where s.sector = 'ALL' and s.unit_id = f.unit_id and s.year = f.year
                           and s.org_type = f.org_type and s.source_code = f.source_code and s.universe = f.universe)
     )
     select 'WARNING',
       'the stock should follow the flows: ' || c.org_type || ' in ' || c.name_vi || ' ' || c.year || ' should be about ' ||
       p.org_count || ' (' || (c.year - 1) || ') + ' || c.new_count || ' new − ' || c.dissolved_count || ' dissolved = ' ||
       (p.org_count + c.new_count - c.dissolved_count),
       c.org_count::varchar, null, null, 'org_count'
     from cur c join prev p
       on p.unit_id = c.unit_id and p.year = c.year - 1 and p.org_type = c.org_type
          and p.source_code = c.source_code and p.universe = c.universe
     where c.new_count is not null and c.dissolved_count is not null and c.org_count is not null and p.org_count is not null
       and abs(c.org_count - (p.org_count + c.new_count - c.dissolved_count)) > greatest(2, 0.02 * p.org_count))`;

/** `list` of the sectors of each organisation type, as a SQL expression over `org_type`. */
const SECTORS_OF_TYPE_SQL = `(case org_type ${Object.entries(SECTORS_OF_ORG_TYPE)
  .map(([type, sectors]) => `when '${type}' then [${sectors.map((s) => `'${s}'`).join(', ')}]`)
  .join(' ')} end)`;

/**
 * Where a file gives sector rows and no all-sector row for a unit × year × type, stores their sum
 * as the total only when the sectors are complete for that type ({@link SECTORS_OF_ORG_TYPE});
 * otherwise the total stays missing ({@link SECTOR_TOTAL_CHECKS} warns, naming the sectors the file
 * lacks), so no indicator is computed on a part taken for the whole. A measure missing in any
 * sector stays missing in the total. Returns the number of sector rows staged.
 */
async function deriveTotals(db: DuckDbHandle): Promise<number> {
  const sums = FACT_MEASURE_NAMES.map(
    (m) => `case when count(${m}) = count(*) then sum(${m}) end as ${m}`,
  ).join(', ');
  // A total is made only from sector rows, and is bounded only where a sector's figure is: a
  // file without sector rows (most aggregates files) needs no statement, and one whose rows carry
  // no qualifier needs no qualifier columns (each costs DuckDB planning on any file, small or not).
  const [given] = await db.all<{ sector_rows: number; qualified: boolean | null }>(
    `select count(*) filter (where sector <> 'ALL') as sector_rows,
       bool_or(measure_qualifier is not null) filter (where sector <> 'ALL') as qualified
     from ${FACT_STAGING}`,
  );
  const sectorRows = Number(given?.sector_rows ?? 0);
  if (sectorRows > 0) {
    // The sum's qualifier, measure by measure: each aggregated once, in the inner query, and the
    // JSON object built from those columns outside (written inline, the object repeated every
    // aggregate three times, and DuckDB spent about 0.6 s planning that one statement).
    const qualifierColumns = given?.qualified
      ? FACT_MEASURE_NAMES.map(
          (m) =>
            `, case when count(s.${m}) = count(*) then ${qualifierOfMaskSql(`bit_or(${qualifierMaskSql(measureQualifierSql('s', `'${m}'`))})`)} end as q_${m}`,
        ).join('')
      : '';
    const qualifierObject = given?.qualified
      ? measureObjectSql((m) => `q_${m}`, 'EXACT')
      : 'null::varchar';
    await db.run(
      `insert into ${FACT_STAGING}
       select unit_id, year, org_type, 'ALL', source_code, universe, ${FACT_MEASURE_NAMES.join(', ')},
         status, null::varchar, ${qualifierObject}
       from (
         select unit_id, year, org_type, source_code, universe, ${sums},
           ${weakestValueStatusSql('status')} as status${qualifierColumns}
         from ${FACT_STAGING} s
         group by unit_id, year, org_type, source_code, universe
         having count(*) filter (where sector = 'ALL') = 0
           and list_has_all(list(sector), ${SECTORS_OF_TYPE_SQL})
       )`,
    );
  }
  return sectorRows;
}

/**
 * The warnings about sector rows (a file without them needs none): a unit × year × type whose
 * sectors are incomplete, so its total stays missing ({@link deriveTotals}), and sectors adding
 * up to more than the all-sector row.
 */
const SECTOR_TOTAL_CHECKS = [
  `select 'WARNING',
       'an all-sector total is made from sector rows only when every sector of ' || org_type ||
       ' has a row (' || array_to_string(expected, ', ') || '; a sector without organisations says 0) or the file gives a row without a sector, but ' ||
       u.name_vi || ' ' || year || ' has no row for ' || array_to_string(list_filter(expected, lambda x: not list_contains(given, x)), ', ') ||
       ', so its ' || org_type || ' total stays missing and no indicator is computed on it',
       array_to_string(given, ', '), first_sheet, first_row, 'sector'
     from (
       select unit_id, year, org_type, ${SECTORS_OF_TYPE_SQL} as expected,
         list(distinct key_sector order by key_sector) as given,
         arg_min(src_sheet, src_row) as first_sheet, min(src_row) as first_row
       from ${RESOLVED_TABLE}
       where unit_id is not null and org_type is not null
       group by unit_id, year, org_type, key_source, key_universe
       having count(*) filter (where key_sector = 'ALL') = 0
     ) g join dim_admin_unit u using (unit_id)
     where not list_has_all(given, expected)`,
  `select 'WARNING',
       'sector rows should not add up to more than the all-sector row: ' || measure || ' of the sectors sums to ' || sectors ||
       ' for ' || org_type || ' in ' || year,
       total::varchar, null, null, measure
     from (
       unpivot (
         select s.unit_id, s.year, s.org_type, ${FACT_MEASURE_NAMES.map((m) => `sum(s.${m}) as ${m}_sectors, any_value(t.${m}) as ${m}_total`).join(', ')}
         from ${FACT_STAGING} s join ${FACT_STAGING} t
           on t.sector = 'ALL' and s.sector <> 'ALL' and t.unit_id = s.unit_id and t.year = s.year and t.org_type = s.org_type
              and t.source_code = s.source_code and t.universe = s.universe
         group by s.unit_id, s.year, s.org_type
       ) on ${FACT_MEASURE_NAMES.map((m) => `(${m}_sectors, ${m}_total) as ${m}`).join(', ')} into name measure value sectors, total
     ) where sectors > total`,
];

/** Legal statuses that mean the organisation no longer exists at the end of the year. */
const GONE = `('DISSOLVED', 'BANKRUPT', 'CONVERTED')`;
/** Counts existing organisations meeting `condition`; `null` when none of them reports `known`. */
const countIf = (known: string, condition: string) =>
  `case when count(*) filter (where exists_) > 0 and count(${known}) filter (where exists_) = 0 then null
        else count(*) filter (where exists_ and ${condition}) end`;

/**
 * The average of a money column over existing organisations, the same bytes whatever order the
 * rows are summed in: a floating-point `avg` summed in parallel differs in its last bits from run
 * to run, and a load of the same figures would then publish a new version instead of "no change".
 * Values are summed exactly as DECIMAL(38,6) (to 1 VND), and the mean rounded to 6 decimals;
 * beyond 10^20 million VND (no real figure) it falls back to `avg`.
 */
const exactAverage = (column: string) =>
  `case when max(abs(${column})) filter (where exists_) < 1e20
     then round(sum(${column}::decimal(38, 6)) filter (where exists_) / count(${column}) filter (where exists_), 6)
     else avg(${column}) filter (where exists_) end`;

/**
 * Checks a register file (one row per organisation and year; legal minimums per organisation),
 * stages its rows, and stages their totals as facts: one `ALL` row per unit × year × type (the
 * total) plus one row per sector given.
 */
export async function stageRegisterFacts(db: DuckDbHandle, defaults: FactDefaults): Promise<void> {
  // One statement for the checks of the typed rows (see `checkAll`).
  await checkAll(db, [
    `select 'ERROR',
       'an organisation must appear once per year (row ' || first_row || ' has the same org_id for ' || year || ')',
       ${asWritten('org_id')}, src_sheet, src_row, 'org_id'
     from (select *, first_value(src_row) over w as first_row, row_number() over w as n
           from ${RESOLVED_TABLE} where org_id is not null and year is not null
           window w as (partition by year, org_id order by src_sheet, src_row))
     where n > 1`,
    `select 'WARNING',
       'an ' || org_type || ' should have at least ' || ${LEGAL_MINIMUM_SQL} || ' members (' || ${LAW} || ')',
       ${asWritten('members')}, src_sheet, src_row, 'members'
     from ${RESOLVED_TABLE}
     where coalesce(official_members, members) < ${LEGAL_MINIMUM_SQL}
       and (legal_status is null or legal_status not in ${GONE})`,
    ...consistencyChecks(REGISTER_RULES),
    ...memberSplitChecks(),
  ]);
  const registerColumns = withoutEarlySplit(REGISTER_COLUMNS.map((c) => c.name));
  // A view: its rows are read four times (the facts, a warning, the diff and the insert), and
  // each read costs less than copying a national register year once more (~170 ms).
  await db.run(`drop view if exists ${REGISTER_STAGING}`);
  await db.run(
    `create temp view ${REGISTER_STAGING} as
     select year, org_id, ${sqlString(defaults.source)}::varchar as source_code, ${registerColumns}
     from ${RESOLVED_TABLE} where unit_id is not null and org_id is not null and org_type is not null`,
  );

  const aggregates: Record<string, string> = {
    org_count: 'count(*) filter (where exists_)',
    active_count: countIf('legal_status', `legal_status = 'OPERATING'`),
    new_count: countIf('founded_year', 'founded_year = year'),
    dissolved_count: `case when count(legal_status) = 0 then null else count(*) filter (where legal_status in ('DISSOLVED', 'BANKRUPT')) end`,

    inactive_count: countIf('legal_status', `legal_status in ('SUSPENDED', 'CEASED')`),
    members: 'sum(members) filter (where exists_)',
    official_members: 'sum(official_members) filter (where exists_)',
    capital_associates: 'sum(capital_associates) filter (where exists_)',
    other_associates: 'sum(other_associates) filter (where exists_)',
    employees: 'sum(employees) filter (where exists_)',
    employees_members: 'null',
    rated_good: countIf('rating', `rating = 'GOOD'`),
    rated_fair: countIf('rating', `rating = 'FAIR'`),
    rated_average: countIf('rating', `rating = 'AVERAGE'`),
    rated_weak: countIf('rating', `rating = 'WEAK'`),
    rated_none: countIf('rating', `rating = 'NOT_RATED'`),
    effective_count: countIf('effective', 'effective'),
    in_value_chain: countIf('in_value_chain', 'in_value_chain'),
    good_fair_in_value_chain: countIf(
      'case when rating is not null and in_value_chain is not null then 1 end',
      `rating in ('GOOD', 'FAIR') and in_value_chain`,
    ),
    effective_in_value_chain: countIf(
      'case when effective is not null and in_value_chain is not null then 1 end',
      'effective and in_value_chain',
    ),
    linked_enterprise: countIf('linked_enterprise', 'linked_enterprise'),
    high_tech: countIf('high_tech', 'high_tech'),
    digital: countIf('digital', 'digital'),
    new_model: countIf('new_model', 'new_model'),
    managers_trained: 'sum(managers_trained) filter (where exists_)',
    managers_total: 'sum(managers_total) filter (where exists_)',
    revenue_avg_vnd_million: exactAverage('revenue_vnd_million'),
    revenue_members_avg_vnd_million: 'null',
    profit_avg_vnd_million: exactAverage('profit_vnd_million'),
    worker_income_avg_vnd_million: 'null',
  };
  const select = FACT_MEASURE_NAMES.map((m) => `${aggregates[m]} as ${m}`).join(',\n    ');
  await db.run(`drop table if exists ${FACT_STAGING}`);
  await db.run(
    `create temp table ${FACT_STAGING} as
     with orgs as (
       select *, (legal_status is null or legal_status not in ${GONE}) as exists_ from ${REGISTER_STAGING}
     ),
     grouped as (
       select unit_id, year, org_type, coalesce(sector, 'ALL') as sector, ${select}
       from orgs
       group by grouping sets ((unit_id, year, org_type), (unit_id, year, org_type, sector))
       having not (grouping(sector) = 0 and sector is null)
     )
     select unit_id, year, org_type, sector, $1::varchar as source_code, 'REGISTERED' as universe,
       ${FACT_MEASURE_NAMES.join(', ')}, $2::varchar as status,
       null::varchar as measure_status, null::varchar as measure_qualifier
     from grouped`,
    [defaults.source, defaults.status],
  );
  await check(
    db,
    `select 'WARNING',
       'members should be given for every organisation; the total for ' || u.name_vi || ' ' || o.year || ' ' || o.org_type ||
       ' counts only the ' || count(o.members) || ' of ' || count(*) || ' organisations that report it',
       null, null, null, 'members'
     from ${REGISTER_STAGING} o join dim_admin_unit u using (unit_id)
     where o.legal_status is null or o.legal_status not in ${GONE}
     group by u.name_vi, o.year, o.org_type
     having count(o.members) > 0 and count(o.members) < count(*)`,
  );
}
