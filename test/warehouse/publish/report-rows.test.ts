import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCoopstatSchema } from '../../../schema/index.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { reportRowsMigration } from '../../../warehouse/migrations/006-report-rows.migration.ts';
import { MIGRATIONS, migrate } from '../../../warehouse/migrations/migrations.ts';
import { WarehouseReader } from '../../../warehouse/store/warehouse-reader.ts';
import type { ReportRowTable } from '../../../warehouse/tables/report-row.table.ts';
import { execute } from '../../helpers/api.ts';
import {
  loadBacKanRevision,
  loadGeneratedProvinces,
  type GeneratedYear,
} from '../../helpers/generated.ts';
import { createTestWarehouse, query, type TestWarehouse } from '../../helpers/warehouse.ts';

/**
 * The topic-report rows computed at publish (`rpt_org_type_row`) against the same figures computed
 * here, independently, in plain SQL from the fact table and with the ratios in JavaScript.
 */

const COUNTS = {
  organisations: 'org_count',
  activeOrganisations: 'active_count',
  newlyFounded: 'new_count',
  dissolved: 'dissolved_count',
  members: 'members',
  officialMembers: 'official_members',
  capitalAssociates: 'capital_associates',
  otherAssociates: 'other_associates',
  employees: 'employees',
  good: 'rated_good',
  fair: 'rated_fair',
  average: 'rated_average',
  weak: 'rated_weak',
  notRated: 'rated_none',
  effective: 'effective_count',
  inValueChain: 'in_value_chain',
  linkedEnterprise: 'linked_enterprise',
  goodOrFairInValueChain: 'good_fair_in_value_chain',
  highTech: 'high_tech',
  digital: 'digital',
} as const;
type Counts = { [K in keyof typeof COUNTS]: number | null };
type Measured = Counts &
  Pick<
    ReportRowTable,
    | 'boundaries'
    | 'unit_id'
    | 'year'
    | 'source_code'
    | 'org_type'
    | 'sector'
    | 'status'
    | 'unit_count'
  >;

/**
 * Facts on both boundaries, written without the production SQL: on current boundaries a unit's
 * figure is the sum over the units mapped onto it, kept only when each of them reported it.
 */
function measuredSql(): string {
  const cols = Object.values(COUNTS);
  const asReported = cols.map((c, i) => `${c} as m${i}`).join(', ');
  const summed = cols
    .map((c, i) => `if(count(${c}) = any_value(w.expected), sum(${c}), null) as m${i}`)
    .join(', ');
  return `
    with facts as (
      select * from fct_org_annual where valid_to_version is null and universe = 'REGISTERED'
    ),
    onto as (
      select f.*, coalesce(x.to_unit_id, f.unit_id) as onto_unit
      from facts f left join dim_unit_crosswalk x on f.unit_id = x.from_unit_id
    ),
    wanted as (
      select u.unit_id, greatest(1, (select count(*) from dim_unit_crosswalk c where c.to_unit_id = u.unit_id)) as expected
      from (select distinct unit_id from dim_admin_unit) u
    )
    select 'AS_REPORTED' as boundaries, unit_id, year, source_code, org_type, sector, status, 1 as unit_count, ${asReported}
    from facts
    union all
    select 'CURRENT', onto_unit, year, source_code, org_type, sector,
      if(bool_or(status = 'ESTIMATED'), 'ESTIMATED', if(bool_or(status = 'PROVISIONAL'), 'PROVISIONAL', 'REPORTED')),
      count(*)::integer, ${summed}
    from onto o join wanted w on w.unit_id = o.onto_unit
    group by onto_unit, year, source_code, org_type, sector`;
}

const ratio = (n: number | null, d: number | null) => ({
  percent: n === null || d === null || d === 0 ? null : (100 * n) / d,
  numerator: n,
  denominator: d,
});
const add = (...v: (number | null)[]) =>
  v.some((x) => x === null) ? null : v.reduce<number>((s, x) => s + x!, 0);
const PREFERRED = ['PSO', 'MINISTRY', 'VCA', 'OTHER'];
const ORDER = ['THT', 'HTX', 'LHHTX', 'QTDND'];

/** Every report row expected from the facts, keyed like the table. */
async function expectedRows(db: string) {
  const raw = await query<Record<string, unknown>>(db, measuredSql());
  const measured = raw.map((r) => {
    const row = { ...r } as Record<string, unknown>;
    Object.keys(COUNTS).forEach((field, i) => (row[field] = r[`m${i}`]));
    return row as Measured;
  });
  const sources = new Map<string, Set<string>>();
  for (const r of measured) {
    const k = `${r.boundaries}|${r.unit_id}|${r.year}`;
    sources.set(k, (sources.get(k) ?? new Set()).add(r.source_code));
  }
  const defaultOf = (k: string) => {
    const s = sources.get(k)!;
    return PREFERRED.find((p) => s.has(p)) ?? [...s].sort()[0];
  };
  return measured.map((r) => {
    const goodOrFair = add(r.good, r.fair);
    const rated = add(r.good, r.fair, r.average, r.weak);
    return {
      boundaries: r.boundaries,
      unit_id: r.unit_id,
      year: r.year,
      source_code: r.source_code,
      org_type: r.org_type,
      sector: r.sector,
      is_default_source: defaultOf(`${r.boundaries}|${r.unit_id}|${r.year}`) === r.source_code,
      org_type_rank: ORDER.indexOf(r.org_type),
      status: r.status,
      unit_count: r.unit_count,
      organisations: r.organisations,
      active_organisations: r.activeOrganisations,
      newly_founded: r.newlyFounded,
      dissolved: r.dissolved,
      members: r.members,
      official_members: r.officialMembers,
      capital_associates: r.capitalAssociates,
      other_associates: r.otherAssociates,
      employees: r.employees,
      members_per_organisation:
        r.members === null || !r.organisations ? null : r.members / r.organisations,
      good: r.good,
      fair: r.fair,
      average: r.average,
      weak: r.weak,
      not_rated: r.notRated,
      rated,
      good_or_fair_share_of_rated: ratio(goodOrFair, rated),
      good_or_fair_share_of_all: ratio(goodOrFair, r.organisations),
      effective: r.effective,
      effective_share: ratio(r.effective, r.organisations),
      in_value_chain: r.inValueChain,
      linked_enterprise: r.linkedEnterprise,
      good_or_fair_in_value_chain: r.goodOrFairInValueChain,
      value_chain_share: ratio(r.inValueChain, r.organisations),
      linked_enterprise_share: ratio(r.linkedEnterprise, r.organisations),
      value_chain_share_of_good_or_fair: ratio(r.goodOrFairInValueChain, goodOrFair),
      high_tech: r.highTech,
      digital: r.digital,
      high_tech_share: ratio(r.highTech, r.organisations),
      digital_share: ratio(r.digital, r.organisations),
    };
  });
}

const keyOf = (r: Record<string, unknown>) =>
  [r.boundaries, r.unit_id, r.year, r.source_code, r.org_type, r.sector].join('|');
const byKey = <T extends Record<string, unknown>>(rows: T[]) =>
  [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));

/** The current rows of the read table, without their version columns. */
async function publishedRows(db: string) {
  const rows = await query<Record<string, unknown>>(
    db,
    `select * exclude (valid_from_version, valid_to_version) from rpt_org_type_row where valid_to_version is null`,
  );
  return rows;
}

let dir: string;
let plain: TestWarehouse;
let generated: TestWarehouse;
let files: GeneratedYear[];
let schema: GraphQLSchema;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-report-rows-'));
  [plain, generated] = await Promise.all([createTestWarehouse(), createTestWarehouse()]);
  files = await loadGeneratedProvinces(generated.db, dir, 11);
  schema = await buildCoopstatSchema();
});
afterAll(async () => {
  await Promise.all([plain?.cleanup(), generated?.cleanup()]);
  await rm(dir, { recursive: true, force: true });
});

describe('topic-report rows computed at publish', () => {
  it('equal an independent computation on the default warehouse (the national series)', async () => {
    const expected = await expectedRows(plain.db);
    expect(expected.length).toBeGreaterThan(0);
    expect(byKey(await publishedRows(plain.db))).toEqual(byKey(expected));
  });

  it('equal an independent computation on generated provinces, old and current boundaries', async () => {
    const expected = await expectedRows(generated.db);
    // Old provinces merged in 2025 are summed onto their successors on current boundaries.
    expect(expected.some((r) => r.boundaries === 'CURRENT' && r.unit_count > 1)).toBe(true);
    expect(byKey(await publishedRows(generated.db))).toEqual(byKey(expected));
  });

  it('are what the API answers, by organisation type and by sector', async () => {
    const reader = await WarehouseReader.open(generated.db, { watch: false });
    try {
      const expected = (await expectedRows(generated.db)).filter(
        (r) =>
          r.boundaries === 'CURRENT' &&
          r.year === 2023 &&
          r.is_default_source &&
          r.unit_id !== 'VN',
      );
      const { data, errors } = await execute<{
        quality: {
          area: { id: string };
          source: string | null;
          byOrgType: Record<string, unknown>[];
          bySector: Record<string, unknown>[];
        }[];
      }>(
        schema,
        reader,
        `{ quality(level: PROVINCE, year: 2023, boundaries: CURRENT) { area { id } source
             byOrgType { orgType sector good rated goodOrFairShareOfAll { percent numerator denominator } }
             bySector { orgType sector good rated goodOrFairShareOfAll { percent numerator denominator } } } }`,
      );
      expect(errors).toEqual([]);
      expect(data.quality).toHaveLength(34);
      const answered = data.quality.flatMap((report) =>
        [...report.byOrgType, ...report.bySector].map((row) => ({
          unit: report.area.id,
          ...row,
        })),
      );
      const wanted = expected.map((r) => ({
        unit: r.unit_id,
        orgType: r.org_type,
        sector: r.sector,
        good: r.good,
        rated: r.rated,
        goodOrFairShareOfAll: r.good_or_fair_share_of_all,
      }));
      const order = (rows: Record<string, unknown>[]) =>
        [...rows].sort((a, b) =>
          `${a.unit}|${a.orgType}|${a.sector}` < `${b.unit}|${b.orgType}|${b.sector}` ? -1 : 1,
        );
      expect(wanted.length).toBeGreaterThan(34);
      expect(order(answered)).toEqual(order(wanted));
    } finally {
      await reader.close();
    }
  });

  it('are built by the migration for a warehouse that had facts before the table existed', async () => {
    const copy = join(dir, 'older.duckdb');
    await copyFile(generated.db, copy);
    const handle = await DuckDbHandle.open(copy);
    try {
      // The warehouse as it was before the report rows' migration: the facts, no report rows
      // (nor the tables of the migrations after it, which the schema version, the highest
      // applied, implies).
      const { version } = reportRowsMigration;
      const later = ['rpt_indicator_value', 'rpt_target_progress', 'release', 'release_policy'];
      for (const table of ['rpt_org_type_row', ...later]) await handle.run(`drop table ${table}`);
      await handle.run('delete from schema_migration where version >= $1', [version]);
      expect(await migrate(handle)).toEqual(
        MIGRATIONS.filter((m) => m.version >= version).map((m) => m.version),
      );
    } finally {
      handle.close();
    }
    expect(byKey(await publishedRows(copy))).toEqual(byKey(await expectedRows(copy)));
  });

  it('reads the sector rows only when a query selects them, in one batch for every province', async () => {
    const reader = await WarehouseReader.open(generated.db, { watch: false });
    try {
      const totalsOnly = await execute<unknown>(
        schema,
        reader,
        `{ membership(level: PROVINCE, year: 2023) { byOrgType { members } }
           highTech(level: PROVINCE, year: 2023) { byOrgType { highTech } } }`,
      );
      expect(totalsOnly.errors).toEqual([]);
      const batches = totalsOnly.batches.filter((b) => b.loader === 'facts');
      expect(batches).toHaveLength(1);
      expect(batches[0]!.keys).toHaveLength(63);
      expect(batches[0]!.keys.every((k) => JSON.parse(k)[2] === 'ALL')).toBe(true);
      const both = await execute<unknown>(
        schema,
        reader,
        `{ quality(level: PROVINCE, year: 2025) { byOrgType { good } bySector { good } } }`,
      );
      expect(both.errors).toEqual([]);
      const parts = both.batches
        .filter((b) => b.loader === 'facts')
        .flatMap((b) => b.keys.map((k) => JSON.parse(k)[2] as string));
      expect(parts.filter((p) => p === 'ALL')).toHaveLength(34);
      expect(parts.filter((p) => p === 'SECTORS')).toHaveLength(34);
    } finally {
      await reader.close();
    }
  });

  it('a second load recomputes only the rows of its slices and of their successors', async () => {
    const before = await query<Record<string, unknown>>(
      generated.db,
      `select * from rpt_org_type_row order by all`,
    );
    const [{ v: oldVersion }] = await query<{ v: number }>(
      generated.db,
      'select max(data_version) as v from publication',
    );
    // Bắc Kạn (06), merged into Thái Nguyên (19) in 2025: its 2023 figures, one count revised.
    const { report, rows } = await loadBacKanRevision(generated.db, dir, files, (cell, i) => {
      if (i === 0) cell('members', (n) => n + 7);
    });
    expect(rows).toBeGreaterThan(0);
    expect(report.outcome).toBe('PUBLISHED');
    const version = report.dataVersion;

    const touched = await query<{ boundaries: string; unit_id: string; year: number }>(
      generated.db,
      `select distinct boundaries, unit_id, year from rpt_org_type_row
       where valid_from_version = $1 or valid_to_version = $1 order by all`,
      [version],
    );
    expect(touched.map((t) => [t.boundaries, t.unit_id.slice(0, 2), t.year])).toEqual([
      ['AS_REPORTED', '06', 2023],
      ['CURRENT', '19', 2023],
    ]);

    // Within them, only the rows whose figures changed are replaced, one for one.
    const [counts] = await query<{ inserted: number; closed: number; current: number }>(
      generated.db,
      `select count(*) filter (where valid_from_version = $1) as inserted,
         count(*) filter (where valid_to_version = $1) as closed,
         count(*) filter (where valid_to_version is null) as current
       from rpt_org_type_row where (unit_id like '06:%' or unit_id like '19:%') and year = 2023`,
      [version],
    );
    expect(counts!.inserted).toBeGreaterThan(0);
    expect(counts!.inserted).toBe(counts!.closed);
    expect(counts!.inserted).toBeLessThan(counts!.current);
    // Every row of every other unit and year is exactly as it was, version range included.
    const outside = (rows: Record<string, unknown>[]) =>
      rows.filter(
        (r) =>
          !touched.some(
            (t) => t.boundaries === r.boundaries && t.unit_id === r.unit_id && t.year === r.year,
          ),
      );
    const after = await query<Record<string, unknown>>(
      generated.db,
      `select * from rpt_org_type_row order by all`,
    );
    expect(after.length).toBeGreaterThan(before.length);
    expect(outside(after)).toEqual(outside(before));
    // The version before still reads its own rows.
    const asOf = (v: number) =>
      query<Record<string, unknown>>(
        generated.db,
        `select * exclude (valid_from_version, valid_to_version) from rpt_org_type_row
         where valid_from_version <= $1 and (valid_to_version is null or valid_to_version > $1) order by all`,
        [v],
      );
    const beforeCurrent = before
      .filter((r) => r.valid_to_version === null)
      .map(({ valid_from_version: _f, valid_to_version: _t, ...rest }) => rest);
    expect(await asOf(oldVersion)).toEqual(beforeCurrent);
    // And the new current rows still equal the independent computation.
    expect(byKey(await publishedRows(generated.db))).toEqual(
      byKey(await expectedRows(generated.db)),
    );
  });
});
