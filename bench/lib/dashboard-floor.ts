import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { indicatorValueSql } from '../../warehouse/domain/vocabulary.ts';
import { computeProgress, type Comparator } from '../../warehouse/progress/progress-engine.ts';
import { FACT_MEASURE_NAMES } from '../../warehouse/tables/org-annual.table.ts';

/**
 * The dashboard's numbers fetched with hand-written SQL straight through the DuckDB client
 * (`DuckDbHandle`, one read-only connection): the floor the GraphQL dashboard is compared with.
 *
 * Three statements: (1) every province × organisation type of the year with its organisations,
 * members and the value-chain, high-tech and good-or-fair shares computed in SQL, on the source
 * the API prefers (PSO, MINISTRY, VCA, OTHER); (2) the targets; (3) each target's series, from
 * the facts by the indicator registry's operands (sector `ALL` or the operand's sectors) or else
 * from the published figures. Progress (latest value, attainment) is then the same pure engine
 * the API uses (`computeProgress`), which is arithmetic and costs no SQL.
 *
 * It is a floor, not a second implementation: it does not narrow a series to one coverage of
 * organisation types and it sums an operand over whatever types report it, so a few target
 * figures may differ from the API's; `compareDashboard` counts how many agree.
 */

const SOURCE_RANK = `case source_code when 'PSO' then 1 when 'MINISTRY' then 2 when 'VCA' then 3 when 'OTHER' then 4 else 5 end`;

export const PROVINCE_SQL = `
with units as (
  select unit_id from dim_admin_unit
  where level = 'PROVINCE' and make_date($1, 12, 31) between valid_from and coalesce(valid_to, date '9999-12-31')
),
facts as (
  select f.unit_id, f.source_code, f.org_type, f.org_count, f.members, f.in_value_chain, f.high_tech,
    f.rated_good, f.rated_fair, f.rated_average, f.rated_weak
  from fct_org_annual f join units using (unit_id)
  where f.valid_to_version is null and f.year = $1 and f.sector = 'ALL' and f.universe = 'REGISTERED'
),
chosen as (
  select unit_id, source_code from (select distinct unit_id, source_code from facts)
  qualify row_number() over (partition by unit_id order by ${SOURCE_RANK}, source_code) = 1
)
select f.unit_id, f.org_type, f.org_count as organisations, f.members,
  100 * f.in_value_chain / nullif(f.org_count, 0) as value_chain_pct,
  100 * f.high_tech / nullif(f.org_count, 0) as high_tech_pct,
  100 * (f.rated_good + f.rated_fair) / nullif(f.rated_good + f.rated_fair + f.rated_average + f.rated_weak, 0) as good_fair_pct
from facts f join chosen c using (unit_id, source_code)
order by f.unit_id, f.org_type`;

export const TARGET_SQL = `
select t.plan_id, t.target_id, t.comparator, t.value, t.value_high, t.target_year, t.unit,
  t.baseline_year, t.baseline_value, year(p.issued_on) as plan_year, i.is_higher_better, i.natural_limit
from dim_target t join dim_plan p using (plan_id) join dim_indicator i using (indicator_code)
order by t.plan_id, t.target_year, t.target_id`;

const MEASURES = FACT_MEASURE_NAMES.map((m) => `${m}::double as ${m}`).join(', ');

export const SERIES_SQL = `
with tgt as (
  select plan_id, target_id, indicator_code, unit_id, target_year from dim_target
),
pairs as (select distinct indicator_code, unit_id from tgt),
ops as (
  select o.indicator_code, o.role, o.measure, o.org_type, coalesce(o.sector, 'ALL') as sector,
    coalesce(i.universe, 'REGISTERED') as universe
  from dim_indicator_operand o join dim_indicator i using (indicator_code)
  where o.indicator_code in (select indicator_code from pairs)
),
facts as (
  unpivot (
    select unit_id, year, source_code, org_type, sector, universe, ${MEASURES}
    from fct_org_annual
    where valid_to_version is null and unit_id in (select unit_id from pairs)
  ) on ${FACT_MEASURE_NAMES.join(', ')} into name measure value v
),
parts as (
  select o.indicator_code, f.unit_id, f.year, f.source_code, o.role, sum(f.v) as v
  from ops o
  join facts f on f.measure = o.measure and f.org_type = o.org_type and f.sector = o.sector and f.universe = o.universe
  join pairs p on p.indicator_code = o.indicator_code and p.unit_id = f.unit_id
  group by all
  union all
  select o.indicator_code, p.unit_id, pop.year, src.source_code, o.role, pop.population::double
  from ops o join pairs p using (indicator_code)
  join fct_population pop on pop.unit_id = p.unit_id and pop.is_preferred
  cross join (select distinct source_code from fct_org_annual) src
  where o.measure = 'population'
),
computed as (
  select n.indicator_code, n.unit_id, n.year, n.source_code,
    ${indicatorValueSql('i.kind', 'n.v', 'd.v')} as value
  from parts n
  join dim_indicator i on i.indicator_code = n.indicator_code
  left join parts d on d.role = 'DENOMINATOR' and d.indicator_code = n.indicator_code
    and d.unit_id = n.unit_id and d.year = n.year and d.source_code = n.source_code
  where n.role = 'NUMERATOR'
),
published as (
  select coalesce(a.indicator_code, p.indicator_code) as indicator_code, p.unit_id, p.year, p.source_code, p.value
  from fct_published_value p left join dim_indicator_alias a on a.alias = p.indicator_code
  where p.is_preferred and p.valid_to_version is null and p.unit_id in (select unit_id from pairs)
),
series as (
  select * from computed where value is not null
  union all
  select * from published pub
  where not exists (select 1 from computed c where c.value is not null and c.indicator_code = pub.indicator_code
    and c.unit_id = pub.unit_id and c.year = pub.year and c.source_code = pub.source_code)
)
select t.plan_id, t.target_id, s.year, s.source_code, s.value
from tgt t join series s on s.indicator_code = t.indicator_code and s.unit_id = t.unit_id
where s.year <= greatest($1, t.target_year)
order by t.plan_id, t.target_id, s.year, s.source_code`;

/** One province × organisation type, as the floor reads it. */
export interface FloorProvinceRow {
  unit_id: string;
  org_type: string;
  organisations: number | null;
  members: number | null;
  value_chain_pct: number | null;
  high_tech_pct: number | null;
  good_fair_pct: number | null;
}

/** One target's progress, as the floor computes it. */
export interface FloorTarget {
  readonly planId: string;
  readonly targetId: string;
  readonly latest: number | null;
  readonly attainmentPercent: number | null;
}

export interface FloorNumbers {
  readonly provinces: FloorProvinceRow[];
  readonly targets: FloorTarget[];
  readonly statements: number;
}

interface TargetRow {
  plan_id: string;
  target_id: string;
  comparator: Comparator;
  value: number;
  value_high: number | null;
  target_year: number;
  unit: string;
  baseline_year: number | null;
  baseline_value: number | null;
  plan_year: number;
  is_higher_better: boolean;
  natural_limit: number | null;
}

const PREFERENCE = ['PSO', 'MINISTRY', 'VCA', 'OTHER'];
const rank = (s: string) => (PREFERENCE.includes(s) ? PREFERENCE.indexOf(s) : PREFERENCE.length);

/**
 * The issue's `CoopDashboard` pull by hand: every province valid at the end of the year × organisation
 * type, with the unit's code and Vietnamese name, organisations, members, rated good + fair, in a
 * value chain and applying high technology, on the source the API prefers. One statement.
 */
export const PULL_SQL = `
with units as (
  select unit_id, code, name_vi from dim_admin_unit
  where level = 'PROVINCE' and make_date($1, 12, 31) between valid_from and coalesce(valid_to, date '9999-12-31')
),
facts as (
  select f.unit_id, f.source_code, f.org_type, f.org_count, f.members, f.rated_good, f.rated_fair,
    f.in_value_chain, f.high_tech
  from fct_org_annual f join units using (unit_id)
  where f.valid_to_version is null and f.year = $1 and f.sector = 'ALL' and f.universe = 'REGISTERED'
),
chosen as (
  select unit_id, source_code from (select distinct unit_id, source_code from facts)
  qualify row_number() over (partition by unit_id order by ${SOURCE_RANK}, source_code) = 1
)
select u.code, u.name_vi, f.org_type, f.org_count as organisations, f.members,
  f.rated_good + f.rated_fair as good_or_fair, f.in_value_chain, f.high_tech
from units u join facts f using (unit_id) join chosen c using (unit_id, source_code)
order by u.code, f.org_type`;

/** One province × organisation type of the pull, as the floor reads it. */
export interface PullGroup {
  code: string;
  name_vi: string;
  org_type: string;
  organisations: number | null;
  members: number | null;
  good_or_fair: number | null;
  in_value_chain: number | null;
  high_tech: number | null;
}

/** The 252 groups (in 2024) of the pull, by one statement. */
export function fetchPullFloor(db: DuckDbHandle, year: number): Promise<PullGroup[]> {
  return db.all<PullGroup>(PULL_SQL, [year]);
}

/** Every target's progress as of `year`: two statements, then the API's own progress engine. */
export async function fetchProgressFloor(db: DuckDbHandle, year: number): Promise<FloorTarget[]> {
  const targets = await db.all<TargetRow>(TARGET_SQL);
  const series = await db.all<{
    plan_id: string;
    target_id: string;
    year: number;
    source_code: string;
    value: number;
  }>(SERIES_SQL, [year]);
  const byTarget = new Map<string, typeof series>();
  for (const row of series) {
    const key = `${row.plan_id}|${row.target_id}`;
    let list = byTarget.get(key);
    if (!list) byTarget.set(key, (list = []));
    list.push(row);
  }
  return targets.map((t): FloorTarget => {
    const rows = byTarget.get(`${t.plan_id}|${t.target_id}`) ?? [];
    const sources = [...new Set(rows.filter((r) => r.year <= year).map((r) => r.source_code))];
    const source = sources.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0];
    const progress = computeProgress({
      target: {
        comparator: t.comparator,
        value: t.value,
        valueHigh: t.value_high,
        targetYear: t.target_year,
        planYear: t.plan_year,
        statedBaseline:
          t.baseline_year === null || t.baseline_value === null
            ? null
            : { year: t.baseline_year, value: t.baseline_value },
        higherIsBetter: t.is_higher_better,
        naturalLimit: t.natural_limit,
        unit: t.unit,
      },
      series: rows
        .filter((r) => r.source_code === source)
        .map((r) => ({ year: r.year, value: r.value, source: r.source_code })),
      asOfYear: year,
    });
    return {
      planId: t.plan_id,
      targetId: t.target_id,
      latest: progress.latest?.value ?? null,
      attainmentPercent: progress.attainment?.percent ?? null,
    };
  });
}

/** Fetches the dashboard's numbers for one year with the three statements above. */
export async function fetchDashboardFloor(db: DuckDbHandle, year: number): Promise<FloorNumbers> {
  const before = db.statementCount;
  const provinces = await db.all<FloorProvinceRow>(PROVINCE_SQL, [year]);
  const targets = await fetchProgressFloor(db, year);
  return { provinces, targets, statements: db.statementCount - before };
}

/** The parts of the GraphQL dashboard response the comparison reads. */
interface DashboardData {
  membership: {
    area: { id: string };
    byOrgType: { orgType: string; organisations: number | null; members: number | null }[];
  }[];
  valueChain: {
    area: { id: string };
    byOrgType: { orgType: string; valueChainShare: { percent: number | null } }[];
  }[];
  highTech: {
    area: { id: string };
    byOrgType: { orgType: string; highTechShare: { percent: number | null } }[];
  }[];
  quality: {
    area: { id: string };
    byOrgType: { orgType: string; goodOrFairShareOfRated: { percent: number | null } }[];
  }[];
  plans: {
    id: string;
    targets: {
      id: string;
      progress: {
        attainmentPercent: number | null;
        latest: { value: number | null } | null;
      } | null;
    }[];
  }[];
}

const close = (a: number | null | undefined, b: number | null | undefined) =>
  (a ?? null) === null || (b ?? null) === null
    ? (a ?? null) === (b ?? null)
    : Math.abs(a! - b!) <= 1e-6 * Math.max(1, Math.abs(a!), Math.abs(b!));

/** How many of the floor's numbers equal the API's. */
export interface DashboardComparison {
  readonly provinceCells: { compared: number; equal: number };
  readonly targets: { compared: number; latestEqual: number; attainmentEqual: number };
}

/** Compares the floor's numbers with a dashboard response (`data` of the GraphQL result). */
export function compareDashboard(floor: FloorNumbers, data: unknown): DashboardComparison {
  const d = data as DashboardData;
  const byCell = new Map(floor.provinces.map((r) => [`${r.unit_id}|${r.org_type}`, r]));
  let compared = 0;
  let equal = 0;
  const check = (
    unit: string,
    orgType: string,
    pick: (r: FloorProvinceRow) => number | null,
    api: number | null,
  ) => {
    compared += 1;
    const row = byCell.get(`${unit}|${orgType}`);
    if (row && close(pick(row), api)) equal += 1;
  };
  for (const report of d.membership ?? [])
    for (const r of report.byOrgType) {
      check(report.area.id, r.orgType, (f) => f.organisations, r.organisations);
      check(report.area.id, r.orgType, (f) => f.members, r.members);
    }
  for (const report of d.valueChain ?? [])
    for (const r of report.byOrgType)
      check(report.area.id, r.orgType, (f) => f.value_chain_pct, r.valueChainShare.percent);
  for (const report of d.highTech ?? [])
    for (const r of report.byOrgType)
      check(report.area.id, r.orgType, (f) => f.high_tech_pct, r.highTechShare.percent);
  for (const report of d.quality ?? [])
    for (const r of report.byOrgType)
      check(report.area.id, r.orgType, (f) => f.good_fair_pct, r.goodOrFairShareOfRated.percent);

  const floorTargets = new Map(floor.targets.map((t) => [`${t.planId}|${t.targetId}`, t]));
  let targetCount = 0;
  let latestEqual = 0;
  let attainmentEqual = 0;
  for (const plan of d.plans ?? [])
    for (const t of plan.targets) {
      targetCount += 1;
      const f = floorTargets.get(`${plan.id}|${t.id}`);
      if (!f) continue;
      if (close(f.latest, t.progress?.latest?.value ?? null)) latestEqual += 1;
      if (close(f.attainmentPercent, t.progress?.attainmentPercent ?? null)) attainmentEqual += 1;
    }
  return {
    provinceCells: { compared, equal },
    targets: { compared: targetCount, latestEqual, attainmentEqual },
  };
}

/** How many cells of a pull's answer equal the floor's (organisations, members, good + fair, value chain, high tech). */
export interface PullComparison {
  readonly floorGroups: number;
  readonly answerGroups: number;
  readonly cells: number;
  readonly equal: number;
}

type Cells = Map<string, (number | null)[]>;

function compareCells(floor: readonly PullGroup[], answer: Cells): PullComparison {
  let cells = 0;
  let equal = 0;
  for (const g of floor) {
    const mine = [g.organisations, g.members, g.good_or_fair, g.in_value_chain, g.high_tech];
    const theirs = answer.get(`${g.code}|${g.org_type}`);
    mine.forEach((v, i) => {
      cells += 1;
      if (theirs && close(v, theirs[i])) equal += 1;
    });
  }
  return { floorGroups: floor.length, answerGroups: answer.size, cells, equal };
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Compares coopstat's `CoopDashboard` answer (`data`) with the floor's groups. */
export function compareCoopPull(floor: readonly PullGroup[], data: unknown): PullComparison {
  type Report<R> = { area: { code: string }; byOrgType: ({ orgType: string } & R)[] }[];
  const d = data as {
    membership: Report<{ organisations: number | null; members: number | null }>;
    quality: Report<{ goodOrFairShareOfAll: { numerator: number | null } }>;
    valueChain: Report<{ inValueChain: number | null }>;
    highTech: Report<{ highTech: number | null }>;
  };
  const answer: Cells = new Map();
  const cell = (code: string, orgType: string) => {
    const key = `${code}|${orgType}`;
    let row = answer.get(key);
    if (!row) answer.set(key, (row = [null, null, null, null, null]));
    return row;
  };
  for (const r of d.membership ?? [])
    for (const t of r.byOrgType) {
      const row = cell(r.area.code, t.orgType);
      row[0] = t.organisations;
      row[1] = t.members;
    }
  for (const r of d.quality ?? [])
    for (const t of r.byOrgType) cell(r.area.code, t.orgType)[2] = t.goodOrFairShareOfAll.numerator;
  for (const r of d.valueChain ?? [])
    for (const t of r.byOrgType) cell(r.area.code, t.orgType)[3] = t.inValueChain;
  for (const r of d.highTech ?? [])
    for (const t of r.byOrgType) cell(r.area.code, t.orgType)[4] = t.highTech;
  return compareCells(floor, answer);
}

/** Compares the peer's `groupedAggregates` answer (`data`) with the floor's groups. */
export function comparePeerPull(floor: readonly PullGroup[], data: unknown): PullComparison {
  const d = data as {
    allOrgFacts: {
      groupedAggregates: {
        keys: string[];
        sum: Record<
          'organisations' | 'members' | 'ratedGood' | 'ratedFair' | 'inValueChain' | 'highTech',
          unknown
        >;
      }[];
    };
  };
  const answer: Cells = new Map();
  for (const g of d.allOrgFacts?.groupedAggregates ?? []) {
    const s = g.sum;
    const good = num(s.ratedGood);
    const fair = num(s.ratedFair);
    answer.set(`${g.keys[0]}|${g.keys[1]}`, [
      num(s.organisations),
      num(s.members),
      good === null || fair === null ? null : good + fair,
      num(s.inValueChain),
      num(s.highTech),
    ]);
  }
  return compareCells(floor, answer);
}
