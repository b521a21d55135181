import type { DuckDbHandle } from '../dialect/index.ts';
import { reviseDerivedRows } from './derived-rows.ts';
import { FACT_MEASURE_NAMES } from '../tables/org-annual.table.ts';
import { REPORT_ROW_COLUMNS, REPORT_ROW_KEY } from '../tables/report-row.table.ts';
import { weakestValueStatusSql } from '../domain/value-status.ts';
import { orgTypeRankSql } from '../domain/vocabulary.ts';

/**
 * Which report rows to recompute: those of the units and years whose facts a version changed
 * (`version`), or every unit and year with facts (`all`, when the table is first built).
 */
export type ReportScope = { readonly version: number } | 'all';

/** Rows closed and inserted in `rpt_org_type_row` by one publication. */
export interface ReportRowChange {
  readonly keys: number;
  readonly closed: number;
  readonly inserted: number;
}

const PREFERENCE = `case source_code when 'PSO' then 1 when 'MINISTRY' then 2 when 'VCA' then 3 when 'OTHER' then 4 else 5 end`;
const ORG_TYPE_RANK = orgTypeRankSql('org_type');

/** A share of two count expressions, as the API's `Ratio`. */
const ratio = (n: string, d: string) =>
  `struct_pack(percent := case when (${d}) <> 0 then (100 * (${n}))::double / (${d})::double end, numerator := ${n}, denominator := ${d})`;

/** Every report column computed from one row of measures (`m`), in table order. */
const REPORT_EXPRESSIONS: Record<(typeof REPORT_ROW_COLUMNS)[number]['name'], string> = {
  status: 'status',
  unit_count: 'unit_count',
  organisations: 'org_count',
  active_organisations: 'active_count',
  newly_founded: 'new_count',
  dissolved: 'dissolved_count',
  members: 'members',
  official_members: 'official_members',
  capital_associates: 'capital_associates',
  other_associates: 'other_associates',
  employees: 'employees',
  members_per_organisation: 'case when org_count <> 0 then members::double / org_count::double end',
  good: 'rated_good',
  fair: 'rated_fair',
  average: 'rated_average',
  weak: 'rated_weak',
  not_rated: 'rated_none',
  rated: 'rated_good + rated_fair + rated_average + rated_weak',
  good_or_fair_share_of_rated: ratio(
    'rated_good + rated_fair',
    'rated_good + rated_fair + rated_average + rated_weak',
  ),
  good_or_fair_share_of_all: ratio('rated_good + rated_fair', 'org_count'),
  effective: 'effective_count',
  effective_share: ratio('effective_count', 'org_count'),
  in_value_chain: 'in_value_chain',
  linked_enterprise: 'linked_enterprise',
  good_or_fair_in_value_chain: 'good_fair_in_value_chain',
  value_chain_share: ratio('in_value_chain', 'org_count'),
  linked_enterprise_share: ratio('linked_enterprise', 'org_count'),
  value_chain_share_of_good_or_fair: ratio('good_fair_in_value_chain', 'rated_good + rated_fair'),
  high_tech: 'high_tech',
  digital: 'digital',
  high_tech_share: ratio('high_tech', 'org_count'),
  digital_share: ratio('digital', 'org_count'),
};

const KEY = REPORT_ROW_KEY.join(', ');
const VALUE_COLUMNS = [
  'is_default_source',
  'org_type_rank',
  ...REPORT_ROW_COLUMNS.map((c) => c.name),
];

/**
 * The facts of the keyed units and years on both boundaries: on
 * `CURRENT` boundaries the rows of units merged in 2025 are summed onto their successor, a measure
 * only where every merged unit reported it; averages in VND are averaged.
 */
const FACTS_SQL = `
with facts as (
  select f.* from fct_org_annual f
  semi join rpt_read r on r.unit_id = f.unit_id and r.year = f.year
  where f.valid_to_version is null and f.universe = 'REGISTERED'
),
predecessors as (
  select to_unit_id, count(*) as n from dim_unit_crosswalk group by all
),
expected as (
  select u.unit_id, coalesce(pr.n, 1) as n
  from dim_admin_unit u left join predecessors pr on pr.to_unit_id = u.unit_id
),
mapped as (
  select coalesce(x.to_unit_id, f.unit_id) as target_unit_id, f.*
  from facts f left join dim_unit_crosswalk x on x.from_unit_id = f.unit_id
  semi join rpt_keys k on k.boundaries = 'CURRENT'
    and k.unit_id = coalesce(x.to_unit_id, f.unit_id) and k.year = f.year
)
select 'AS_REPORTED' as boundaries, f.unit_id, f.year, f.source_code, f.org_type, f.sector,
  f.status, 1 as unit_count, ${FACT_MEASURE_NAMES.map((m) => `f.${m}`).join(', ')}
from facts f join rpt_keys k on k.boundaries = 'AS_REPORTED' and k.unit_id = f.unit_id and k.year = f.year
union all
select 'CURRENT', f.target_unit_id, f.year, f.source_code, f.org_type, f.sector,
  ${weakestValueStatusSql('f.status')},
  count(*)::integer,
  ${FACT_MEASURE_NAMES.map((m) =>
    m.endsWith('_vnd_million')
      ? `case when count(f.${m}) = any_value(n.n) then avg(f.${m}) end`
      : `case when count(f.${m}) = any_value(n.n) then sum(f.${m}) end`,
  ).join(', ')}
from mapped f join expected n on n.unit_id = f.target_unit_id
group by f.target_unit_id, f.year, f.source_code, f.org_type, f.sector`;

/**
 * Recomputes the topic-report rows (`rpt_org_type_row`) that a publication changed, as data version
 * `version`: the units and years whose facts the version added, revised or removed, on as-reported
 * boundaries and on current boundaries (their successors). Rows whose values did not change stay
 * as they are; changed and vanished rows are closed at `version`, new values inserted from it, so
 * an earlier version still reads its own rows. Call inside the publishing transaction, after the
 * facts are applied; the work grows with the change, not with the history.
 */
export async function publishReportRows(
  db: DuckDbHandle,
  version: number,
  scope: ReportScope = { version },
): Promise<ReportRowChange> {
  const changed =
    scope === 'all'
      ? `select distinct unit_id, year from fct_org_annual where valid_to_version is null and universe = 'REGISTERED'`
      : `select distinct unit_id, year from fct_org_annual
         where universe = 'REGISTERED' and (valid_from_version = $1 or valid_to_version = $1)`;
  await db.run(
    `create or replace temp table rpt_keys as
    with changed as (${changed})
    select 'AS_REPORTED' as boundaries, unit_id, year from changed
    union
    select 'CURRENT', coalesce(x.to_unit_id, c.unit_id), c.year
    from changed c left join dim_unit_crosswalk x on x.from_unit_id = c.unit_id`,
    scope === 'all' ? [] : [scope.version],
  );
  // The facts those rows are computed from: the keyed units and, on current boundaries, every
  // unit mapped onto them.
  await db.run(`create or replace temp table rpt_read as
    select unit_id, year from rpt_keys
    union
    select x.from_unit_id, k.year from rpt_keys k
    join dim_unit_crosswalk x on x.to_unit_id = k.unit_id and k.boundaries = 'CURRENT'`);
  await db.run(`create or replace temp table rpt_fresh as
    with measured as (${FACTS_SQL}),
    defaults as (
      -- the preferred source: rank (one digit) then name, so min() picks it
      select boundaries, unit_id, year, substr(min((${PREFERENCE})::varchar || source_code), 2) as source_code
      from measured group by boundaries, unit_id, year
    )
    select ${REPORT_ROW_KEY.map((c) => `m.${c}`).join(', ')},
      d.source_code is not null as is_default_source,
      ${ORG_TYPE_RANK} as org_type_rank,
      ${REPORT_ROW_COLUMNS.map((c) => `${REPORT_EXPRESSIONS[c.name]} as ${c.name}`).join(',\n      ')}
    from measured m
    left join defaults d on d.boundaries = m.boundaries and d.unit_id = m.unit_id and d.year = m.year
      and d.source_code = m.source_code`);
  const { closed, inserted } = await reviseDerivedRows(
    db,
    {
      table: 'rpt_org_type_row',
      fresh: 'rpt_fresh',
      keys: 'rpt_keys',
      keyColumns: ['boundaries', 'unit_id', 'year'],
      key: REPORT_ROW_KEY,
      values: VALUE_COLUMNS,
    },
    version,
  );
  const [keys] = await db.all<{ n: number }>('select count(*) as n from rpt_keys');
  for (const table of ['rpt_keys', 'rpt_read', 'rpt_fresh']) await db.run(`drop table ${table}`);
  return { keys: keys?.n ?? 0, closed, inserted };
}
