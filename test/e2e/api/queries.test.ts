import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { graphql, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { buildCoopstatSchema, createRequestContext } from '../../../schema/index.ts';
import { forgetSnapshot } from '../../../schema/snapshot-memo.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { csvCell } from '../../../server/csv-export.ts';
import { WarehouseReader, type Lease } from '../../../warehouse/store/warehouse-reader.ts';
import { execute, operation } from '../../helpers/api.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';
import { get, post, testConfig } from '../../helpers/server.ts';
import type * as Ops from '../../operations/generated.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
let schema: GraphQLSchema;

beforeAll(async () => {
  wh = await createTestWarehouse('api');
  schema = await buildCoopstatSchema();
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

/** Runs an operation in-process and over real HTTP; both must give the same data. */
async function run<T>(name: string, variables: Record<string, unknown> = {}): Promise<T> {
  const source = operation(name);
  const inProcess = await execute<T>(schema, server.reader, source, variables);
  expect(inProcess.errors).toEqual([]);
  const http = await post(server.graphqlUrl, { query: source, variables });
  expect(http.status).toBe(200);
  expect(http.json.errors).toBeUndefined();
  expect(http.json.data).toEqual(JSON.parse(JSON.stringify(inProcess.data)));
  return inProcess.data;
}

describe('admin units', () => {
  it('lists 63 provinces on old boundaries and 34 on the new ones', async () => {
    const old = await run<Ops.AdminUnitsQuery>('admin-units', {
      level: 'PROVINCE',
      validOn: '2024-12-31',
    });
    const current = await run<Ops.AdminUnitsQuery>('admin-units', {
      level: 'PROVINCE',
      validOn: '2025-07-01',
    });
    expect(old.adminUnits).toHaveLength(63);
    expect(current.adminUnits).toHaveLength(34);
    expect(current.adminUnits.find((u) => u.code === '19')).toMatchObject({
      id: '19:2025-07-01',
      nameVi: 'Tỉnh Thái Nguyên',
      nameEn: 'Thai Nguyen Province',
      validFrom: '2025-07-01',
      validTo: null,
    });
  });

  it('reads code 91 by date and links it across the merger', async () => {
    const { adminUnit } = await run<Ops.AdminUnitQuery>('admin-unit', {
      code: '91',
      validOn: '2021-06-30',
    });
    expect(adminUnit).toMatchObject({
      id: '91:2008-08-01',
      nameVi: 'Tỉnh Kiên Giang',
      validTo: '2025-06-30',
      changeKind: 'MERGED_INTO_OTHER',
      parent: { id: 'VN' },
      predecessors: [],
      successors: [
        {
          id: '91:2025-07-01',
          nameVi: 'Tỉnh An Giang',
          predecessors: [{ id: '89:2008-08-01' }, { id: '91:2008-08-01' }],
        },
      ],
    });
    const hue = await run<Ops.AdminUnitQuery>('admin-unit', { code: '46' });
    expect(hue.adminUnit.names).toEqual([
      {
        nameVi: 'Tỉnh Thừa Thiên Huế',
        validFrom: '2008-08-01',
        validTo: '2024-12-31',
        kind: 'FORMER',
      },
      { nameVi: 'Thành phố Huế', validFrom: '2025-01-01', validTo: null, kind: 'OFFICIAL' },
    ]);
    const nation = await run<Ops.AdminUnitQuery>('admin-unit', { code: 'VN' });
    expect(nation.adminUnit.population).toEqual({
      year: 2024,
      population: 101112656,
      kind: 'MIDTERM_SURVEY',
    });
  });
});

describe('indicators', () => {
  it('lists the registry with labels in both languages', async () => {
    const { indicators } = await run<Ops.IndicatorsQuery>('indicators', { topic: 'QUALITY' });
    expect(indicators.find((i) => i.code === 'ktt_good_fair_share')).toEqual({
      code: 'ktt_good_fair_share',
      labelVi: expect.stringContaining('tốt, khá'),
      labelEn: expect.stringMatching(/good or fair/i),
      topic: 'QUALITY',
      unit: 'percent',
      kind: 'SHARE',
      higherIsBetter: true,
      naturalLimit: 100,
    });
  });
});

describe('topic reports', () => {
  it('gives membership of the nation from the ministry series, with the share of population', async () => {
    const { membership } = await run<Ops.MembershipQuery>('membership', { year: 2024 });
    const [nation] = membership;
    expect(nation!.source).toBe('MINISTRY');
    expect(nation!.byOrgType.map((r) => [r.orgType, r.organisations, r.members])).toEqual([
      ['THT', 63650, 944587],
      ['HTX', 33335, 5800000],
      ['LHHTX', 152, 993],
    ]);
    // (944,587 + 5,800,000) / 101,112,656 — union members are cooperatives, not people.
    expect(nation!.populationShare).toEqual({
      numerator: 6744587,
      denominator: 101112656,
      percent: (100 * 6744587) / 101112656,
    });
  });

  it('re-aggregates Kiên Giang and the old An Giang onto the new An Giang on current boundaries', async () => {
    const reported = await run<Ops.MembershipQuery>('membership', {
      area: { code: '91' },
      year: 2021,
    });
    expect(reported.membership[0]!.area.id).toBe('91:2008-08-01');
    expect(reported.membership[0]!.byOrgType[0]).toMatchObject({
      orgType: 'HTX',
      organisations: 240,
      members: 21000,
    });
    const current = await run<Ops.MembershipQuery>('membership', {
      area: { code: '91' },
      year: 2021,
      boundaries: 'CURRENT',
    });
    expect(current.membership[0]!.area.id).toBe('91:2025-07-01');
    expect(current.membership[0]!.byOrgType[0]).toMatchObject({
      orgType: 'HTX',
      organisations: 500,
      members: 45000,
    });
    const chain = await run<Ops.ValueChainQuery>('value-chain', {
      area: { code: '91' },
      year: 2021,
      boundaries: 'CURRENT',
    });
    expect(chain.valueChain[0]!.byOrgType[0]!.valueChainShare).toEqual({
      numerator: 95,
      denominator: 500,
      percent: 19,
    });
  });

  it('gives value chains, high tech and quality with numerators and denominators', async () => {
    const vars = { area: { code: '19', validOn: '2024-12-31' }, year: 2024 };
    const chain = (await run<Ops.ValueChainQuery>('value-chain', vars)).valueChain[0]!;
    expect(chain.source).toBe('PSO');
    expect(chain.byOrgType.find((r) => r.orgType === 'HTX')).toMatchObject({
      organisations: 705,
      inValueChain: 130,
      valueChainShare: { numerator: 130, denominator: 705, percent: (100 * 130) / 705 },
    });
    const tech = (await run<Ops.HighTechQuery>('high-tech', vars)).highTech[0]!;
    // high_tech is missing for trade and services, so the HTX total is missing, not 52.
    expect(tech.byOrgType.find((r) => r.orgType === 'HTX')).toMatchObject({
      highTech: null,
      highTechShare: { percent: null },
    });
    expect(tech.bySector.find((r) => r.sector === 'AGRICULTURE')).toMatchObject({
      highTech: 52,
      highTechShare: { percent: (100 * 52) / 610 },
    });
    const quality = (await run<Ops.QualityQuery>('quality', vars)).quality[0]!;
    expect(quality.byOrgType.find((r) => r.orgType === 'HTX')).toMatchObject({
      good: 110,
      fair: 240,
      average: 175,
      weak: 49,
      notRated: 81,
      rated: 574,
      goodOrFairShareOfRated: { numerator: 350, denominator: 574, percent: (100 * 350) / 574 },
      goodOrFairShareOfAll: { percent: (100 * 350) / 705 },
    });
  });

  it('reports every province of a level, with missing provinces as empty reports', async () => {
    const { membership } = await run<Ops.MembershipQuery>('membership', {
      level: 'PROVINCE',
      year: 2024,
    });
    expect(membership).toHaveLength(63);
    const laiChau = membership.find((m) => m.area.id === '12:2008-08-01')!;
    // Lai Châu gives its agricultural HTX only: no HTX total is invented from one sector.
    expect(laiChau.byOrgType.map((r) => r.orgType)).toEqual(['THT']);
    const haNoi = membership.find((m) => m.area.id === '01:2008-08-01')!;
    expect(haNoi).toMatchObject({ source: null, byOrgType: [] });
  });
});

describe('plans and progress', () => {
  it('lists the plans covering an area as it was on the plan date', async () => {
    const { plans } = await run<Ops.PlansQuery>('plans', {
      area: { code: '19', validOn: '2023-06-01' },
    });
    expect(plans.map((p) => p.id)).toEqual([
      'thai-nguyen-nq-15-nq-hdnd-2021',
      'thai-nguyen-03-kh-ubnd-2023',
    ]);
    const plan = plans.find((p) => p.id === 'thai-nguyen-03-kh-ubnd-2023')!;
    expect(plan.implements.map((p) => p.id)).toContain('nq-20-nq-tw-2022');
    expect(plan.targets.length).toBeGreaterThanOrEqual(15);
  });

  it('exposes every component of the progress of the national 2030 targets', async () => {
    const { plan } = await run<Ops.PlanProgressQuery>('plan-progress', {
      id: 'nq-20-nq-tw-2022',
      asOf: 2025,
    });
    const htx = plan.targets.find((t) => t.id === 'htx-count-2030')!;
    expect(htx).toMatchObject({
      comparator: 'APPROX',
      value: 45000,
      targetYear: 2030,
      quote: '45.000 hợp tác xã với 8 triệu thành viên',
    });
    const p = htx.progress;
    expect(p).toMatchObject({
      status: 'ON_TRACK',
      method: 'OVERALL',
      source: 'MINISTRY',
      latest: { year: 2025, value: 35041, source: 'MINISTRY', status: 'PROVISIONAL' },
      baseline: { year: 2022, value: 29378, kind: 'PLAN_YEAR' },
      boundary: { changed: false, validTo: null, successors: [] },
    });
    expect(p.cagrActual).toBeCloseTo(Math.pow(35041 / 29378, 1 / 3) - 1, 12);
    expect(p.cagrRequiredFromNow).toBeCloseTo(Math.pow(45000 / 35041, 1 / 5) - 1, 12);
    expect(p.methods.unsd.score).toBeCloseTo(
      (35041 * Math.pow(35041 / 29378, 5 / 3) - 29378) / (45000 - 29378),
      10,
    );
    const escap = await run<Ops.PlanProgressQuery>('plan-progress', {
      id: 'nq-20-nq-tw-2022',
      asOf: 2025,
      method: 'ESCAP',
    });
    const escapHtx = escap.plan.targets.find((t) => t.id === 'htx-count-2030')!.progress;
    expect(escapHtx).toMatchObject({ method: 'ESCAP', status: escapHtx.methods.escap.status });
  });

  it("says BOUNDARY_CHANGED for Thái Nguyên's 2023 targets after the merger", async () => {
    const { plan } = await run<Ops.PlanProgressQuery>('plan-progress', {
      id: 'thai-nguyen-03-kh-ubnd-2023',
      asOf: 2025,
    });
    const htx = plan.targets.find((t) => t.indicator.code === 'htx_count')!;
    expect(htx.area.id).toBe('19:2008-08-01');
    expect(htx.progress).toMatchObject({
      status: 'BOUNDARY_CHANGED',
      latest: { year: 2024, value: 705 },
      boundary: { changed: true, validTo: '2025-06-30', successors: [{ id: '19:2025-07-01' }] },
    });
  });
});

describe('per-year targets', () => {
  it('judges Thái Nguyên\'s "≥ 20 agricultural cooperatives a year 2021–2025" on every year, not on 2025 alone', async () => {
    const progressAsOf = async (asOf: number) =>
      (
        await run<Ops.PlanProgressQuery>('plan-progress', {
          id: 'thai-nguyen-nq-15-nq-hdnd-2021',
          asOf,
        })
      ).plan.targets.find((t) => t.id === 'htx-agri-new-per-year')!.progress;
    const codes = (p: { warnings: { code: string }[] }) => p.warnings.map((w) => w.code);
    // The latest value (48 in 2024) meets 20, but years of the range have no value: not
    // ACHIEVED, and the merger then takes the verdict.
    const atDeadline = await progressAsOf(2025);
    expect(atDeadline).toMatchObject({
      status: 'BOUNDARY_CHANGED',
      statusBasis: 'EVERY_YEAR_IN_RANGE',
      latest: { year: 2024, value: 48 },
    });
    expect(codes(atDeadline)).toContain('YEARS_MISSING_IN_RANGE');
    const before = await progressAsOf(2024);
    expect(before).toMatchObject({
      status: 'INSUFFICIENT_DATA',
      statusBasis: 'EVERY_YEAR_IN_RANGE',
    });
    expect(codes(before)).toContain('YEARS_MISSING_IN_RANGE');
  });
});

describe('observations, series and ranking', () => {
  it('pages through long-format rows with cursors and a total count, never capping silently', async () => {
    const filter = { indicators: ['htx_count'], areas: [{ code: 'VN' }] };
    const first = await run<Ops.ObservationsQuery>('observations', { filter, first: 4 });
    expect(first.observations.totalCount).toBe(15);
    expect(first.observations.nodes.map((n) => [n.year, n.source, n.value])).toEqual([
      [2015, 'VCA', 19663],
      [2016, 'VCA', 18859],
      [2017, 'VCA', 20846],
      [2018, 'MINISTRY', 22861],
    ]);
    const rest = await run<Ops.ObservationsQuery>('observations', {
      filter,
      first: 100,
      after: first.observations.pageInfo.endCursor,
    });
    expect(rest.observations.nodes).toHaveLength(11);
    expect(rest.observations.pageInfo.hasNextPage).toBe(false);
    const tooMany = await post(server.graphqlUrl, {
      query: operation('observations'),
      variables: { first: 5000 },
    });
    expect(tooMany.json.errors?.[0]?.extensions?.code).toBe('PAGE_SIZE_TOO_LARGE');
  });

  it('re-aggregates provinces when AREA is left out of groupBy', async () => {
    const { observations } = await run<Ops.ObservationsQuery>('observations', {
      filter: {
        indicators: ['htx_value_chain_share'],
        level: 'PROVINCE',
        fromYear: 2021,
        toYear: 2021,
      },
      groupBy: ['INDICATOR', 'YEAR', 'SOURCE'],
    });
    // (40 + 55 + 95) / (240 + 260 + 640): a share of sums, not a mean of shares.
    expect(observations.nodes).toEqual([
      expect.objectContaining({
        areaId: null,
        numerator: 190,
        denominator: 1140,
        value: (100 * 190) / 1140,
        unitCount: 3,
        coveredParts: 3,
        totalParts: 63,
        qualifier: 'EXACT',
      }),
    ]);
  });

  it('gives a count summed over the provinces that reported as a lower bound, with its coverage', async () => {
    const { observations } = await run<Ops.ObservationsQuery>('observations', {
      filter: {
        indicators: ['htx_count'],
        level: 'PROVINCE',
        fromYear: 2021,
        toYear: 2021,
        sources: ['PSO'],
      },
      groupBy: ['INDICATOR', 'YEAR', 'SOURCE'],
    });
    // Three of the 63 provinces of 2021 reported: the country has at least their 1,140.
    expect(observations.nodes).toEqual([
      expect.objectContaining({
        areaId: null,
        value: 1140,
        qualifier: 'AT_LEAST',
        coveredParts: 3,
        totalParts: 63,
      }),
    ]);
    const [one] = (
      await run<Ops.ObservationsQuery>('observations', {
        filter: {
          indicators: ['htx_count'],
          areas: [{ code: 'VN' }],
          fromYear: 2024,
          toYear: 2024,
        },
        groupBy: ['INDICATOR', 'YEAR', 'AREA'],
      })
    ).observations.nodes;
    expect(one).toEqual(
      expect.objectContaining({ value: 33335, qualifier: 'EXACT', coveredParts: 1, totalParts: 1 }),
    );
  });

  it('gives a series with year-on-year change and a ranking with missing provinces', async () => {
    const { series } = await run<Ops.SeriesQuery>('series', { indicator: 'htx_count', from: 2021 });
    expect(series.source).toBe('MINISTRY');
    expect(series.points.slice(0, 2)).toEqual([
      {
        year: 2021,
        value: 27342,
        change: null,
        changePercent: null,
        status: 'REPORTED',
        qualifier: 'EXACT',
      },
      {
        year: 2022,
        value: 29378,
        change: 2036,
        changePercent: (100 * 2036) / 27342,
        status: 'REPORTED',
        qualifier: 'EXACT',
      },
    ]);
    const { ranking } = await run<Ops.RankingQuery>('ranking', {
      indicator: 'htx_count',
      year: 2021,
    });
    expect(ranking.entries.map((e) => [e.rank, e.area.id, e.value.value])).toEqual([
      [1, '19:2008-08-01', 640],
      [2, '89:2008-08-01', 260],
      [3, '91:2008-08-01', 240],
    ]);
    expect(ranking.missing).toHaveLength(60);
  });

  it('lists the load log', async () => {
    const { loads, dataVersion } = await run<Ops.LoadsQuery>('loads', { first: 10 });
    expect(loads.map((l) => [l.family, l.fileName])).toEqual([
      ['AGGREGATES', 'aggregates-2024.csv'],
      ['AGGREGATES', 'provinces-2021-2025.csv'],
      ['CATALOG', 'catalog/'],
      ['REFERENCE', 'warehouse/reference/published-figures-national.csv'],
    ]);
    expect(dataVersion.version).toBe(4);
  });
});

describe('batching', () => {
  it('runs as many SQL statements for 34 provinces as for 63, with all their targets', async () => {
    const dashboard = operation('dashboard');
    // Each run starts cold: what earlier requests kept for the snapshot is forgotten first.
    const cold = async () => {
      const lease = await server.reader.acquire();
      forgetSnapshot(lease.snapshotKey);
      lease.release();
    };
    await cold();
    const old = await execute<Ops.DashboardQuery>(schema, server.reader, dashboard, { year: 2024 });
    await cold();
    const current = await execute<Ops.DashboardQuery>(schema, server.reader, dashboard, {
      year: 2025,
    });
    // Warm: the same request again on the same snapshot reuses what the first one computed.
    const again = await execute<Ops.DashboardQuery>(schema, server.reader, dashboard, {
      year: 2025,
    });
    expect(again.data).toEqual(current.data);
    expect(again.statements).toBeLessThan(current.statements);
    expect(old.errors).toEqual([]);
    expect(current.errors).toEqual([]);
    expect(old.data.membership).toHaveLength(63);
    expect(current.data.membership).toHaveLength(34);
    expect(old.data.plans.flatMap((p) => p.targets).length).toBeGreaterThan(70);
    expect(current.statements).toBe(old.statements);
    // One batch per loader, holding every province of the request.
    const facts = old.batches.filter((b) => b.loader === 'facts');
    expect(facts).toHaveLength(1);
    expect(facts[0]!.keys).toHaveLength(63);
    expect(old.batches.filter((b) => b.loader === 'progress')).toHaveLength(1);
  });

  it('answers each operation again on the same snapshot with no SQL, the data version with it', async () => {
    // What the soak's clients ask, each with the data version it was answered from.
    const asked: [string, Record<string, unknown>][] = [
      ['dashboard', { year: 2024 }],
      ['membership', { level: 'PROVINCE', year: 2024 }],
      [
        'observations',
        { filter: { indicators: ['htx_count', 'htx_members'], level: 'PROVINCE' }, first: 100 },
      ],
      ['series', { indicator: 'htx_count' }],
      ['ranking', { indicator: 'htx_count', year: 2024, level: 'PROVINCE' }],
      ['plan-progress', { id: 'nq-20-nq-tw-2022', asOf: 2025 }],
      ['admin-units', { level: 'PROVINCE', validOn: '2025-07-01' }],
      ['loads', { first: 20 }],
      ['value-chain', { area: { code: '19', validOn: '2024-12-31' }, year: 2024 }],
    ];
    const withVersion = (name: string) =>
      operation(name).replace(/\{/, '{\n  dataVersion { version loadId }');
    for (const [name, variables] of asked) {
      const first = await execute(schema, server.reader, withVersion(name), variables);
      expect(first.errors, name).toEqual([]);
      const again = await execute(schema, server.reader, withVersion(name), variables);
      expect(again.data, name).toEqual(first.data);
      expect(again.statements, name).toBe(0);
    }
  });

  /** Two leases held at once on a fresh reader: two connections of the same snapshot, cold. */
  async function withTwoConnections(use: (a: Lease, b: Lease) => Promise<void>): Promise<void> {
    const reader = await WarehouseReader.open(wh.db, { watch: false, connections: 2 });
    try {
      const a = await reader.acquire();
      const b = await reader.acquire();
      try {
        forgetSnapshot(a.snapshotKey);
        await use(a, b);
      } finally {
        a.release();
        b.release();
      }
    } finally {
      await reader.close();
    }
  }
  const dashboardOn = (lease: Lease) =>
    graphql({
      schema,
      source: operation('dashboard'),
      variableValues: { year: 2025 },
      contextValue: createRequestContext(lease, { maxPageSize: 1000 }),
    });

  it('keeps what a snapshot computed for every connection of its pool, not for one connection', async () => {
    await withTwoConnections(async (first, second) => {
      expect(second.handle).not.toBe(first.handle);
      expect(second.snapshotKey).toBe(first.snapshotKey);
      const runOn = async (lease: Lease) => {
        const before = lease.handle.statementCount;
        const result = await dashboardOn(lease);
        expect(result.errors).toBeUndefined();
        return { data: result.data, statements: lease.handle.statementCount - before };
      };
      const cold = await runOn(first);
      const warm = await runOn(second);
      expect(warm.data).toEqual(cold.data);
      expect(warm.statements).toBeLessThan(cold.statements);
      // An unknown source is refused from the same list on either connection.
      const refused = await graphql({
        schema,
        source: '{ membership(year: 2024, source: "FOO") { source } }',
        contextValue: createRequestContext(second, { maxPageSize: 1000 }),
      });
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  it('a request stopped while computing what the snapshot keeps does not fail another', async () => {
    await withTwoConnections(async (stopped, other) => {
      // Every statement of the first request fails, as when its time limit is reached.
      stopped.interrupt(new Error('stopped for the test'));
      const [failed, served] = await Promise.all([dashboardOn(stopped), dashboardOn(other)]);
      expect(failed.errors?.length).toBeGreaterThan(0);
      expect(served.errors).toBeUndefined();
      const alone = await execute(schema, server.reader, operation('dashboard'), { year: 2025 });
      expect(served.data).toEqual(alone.data);
    });
  });
});

describe('errors', () => {
  it('answers with stable codes and no internals', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['admin-unit', { code: '99' }, 'NOT_FOUND'],
      ['admin-unit', { code: '06', validOn: '2025-12-31' }, 'NOT_FOUND'],
      ['admin-unit', { code: 'TN' }, 'BAD_USER_INPUT'],
      ['membership', { year: 2031 }, 'YEAR_NOT_LOADED'],
      ['series', { indicator: 'no_such_indicator' }, 'NOT_FOUND'],
      ['plan-progress', { id: 'no-such-plan' }, 'NOT_FOUND'],
      ['observations', { filter: { indicators: ['nope'] } }, 'BAD_USER_INPUT'],
      ['observations', { after: 'not-a-cursor' }, 'BAD_USER_INPUT'],
    ];
    for (const [name, variables, code] of cases) {
      const { json } = await post(server.graphqlUrl, { query: operation(name), variables });
      expect(
        json.errors?.map((e) => e.extensions?.code),
        `${name} ${JSON.stringify(variables)}`,
      ).toEqual([code]);
      expect(JSON.stringify(json)).not.toMatch(/stacktrace|select |Binder Error|duckdb/i);
    }
  });
});

describe('HTTP caching', () => {
  it('answers a repeated GET with 304 until a new load publishes a new version', async () => {
    const params = {
      query: operation('membership'),
      variables: { year: 2024, area: { code: '12' } },
    };
    const headers = { 'apollo-require-preflight': 'true' };
    const first = await get(server.graphqlUrl, params, headers);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(first.headers.get('cache-control')).toMatch(/max-age/);
    const statements = async () => {
      const lease = await server.reader.acquire();
      const count = lease.handle.statementCount;
      lease.release();
      return count;
    };
    const before = await statements();
    const again = await get(server.graphqlUrl, params, { ...headers, 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(await statements()).toBe(before); // answered before executing: no SQL ran
    const revised = join(wh.dir, 'lai-chau-2024.csv');
    await writeFile(
      revised,
      'year,province_code,org_type,org_count,members\n2024,12,HTX,290,5200\n',
    );
    // The revision gives the HTX total in place of the sector row: an explicit replace.
    await loadFile(revised, { db: wh.db, replace: true });
    // The server swaps to the new snapshot at its next check of the file (every 250 ms).
    const after = await vi.waitFor(
      async () => {
        const response = await get(server.graphqlUrl, params, {
          ...headers,
          'if-none-match': etag!,
        });
        expect(response.status).toBe(200);
        return response;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(after.headers.get('etag')).not.toBe(etag);
    const body = (await after.json()) as { data: Ops.MembershipQuery };
    expect(body.data.membership[0]!.byOrgType.find((r) => r.orgType === 'HTX')!.organisations).toBe(
      290,
    );
  });
});

describe('CSV export for BI tools', () => {
  it('exports the observations as CSV with an ETag, whole and uncapped', async () => {
    const url = `${server.origin}/export/observations.csv?indicators=htx_count,tht_count&areas=VN&sources=MINISTRY&from=2022`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await res.text();
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'indicator_code,unit,area_id,area_code,area_name_vi,year,value,numerator,denominator,source,status,qualifier,origin,unit_count,covered_parts,total_parts',
    );
    // 2022: the count is the White Book's reported figure, whatever the status of the members
    // merged into the same row; 2023: "hơn 31.000" is a lower bound.
    expect(lines.slice(1)).toEqual([
      'htx_count,cooperatives,VN,VN,Việt Nam,2022,29378,29378,,MINISTRY,REPORTED,EXACT,FACTS,1,1,1',
      'htx_count,cooperatives,VN,VN,Việt Nam,2023,31000,31000,,MINISTRY,REPORTED,MORE_THAN,FACTS,1,1,1',
      'htx_count,cooperatives,VN,VN,Việt Nam,2024,33335,33335,,MINISTRY,REPORTED,EXACT,FACTS,1,1,1',
      'htx_count,cooperatives,VN,VN,Việt Nam,2025,35041,35041,,MINISTRY,PROVISIONAL,EXACT,FACTS,1,1,1',
      'tht_count,cooperative groups,VN,VN,Việt Nam,2022,71000,71000,,MINISTRY,ESTIMATED,EXACT,FACTS,1,1,1',
      'tht_count,cooperative groups,VN,VN,Việt Nam,2023,71500,71500,,MINISTRY,REPORTED,EXACT,FACTS,1,1,1',
      'tht_count,cooperative groups,VN,VN,Việt Nam,2024,63650,63650,,MINISTRY,REPORTED,EXACT,FACTS,1,1,1',
    ]);
    const again = await fetch(url, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const bad = await fetch(`${server.origin}/export/observations.csv?from=20x4`);
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions
        .code,
    ).toBe('BAD_USER_INPUT');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(['=SUM(A1)', '+1', '-2+3', '@cmd', 'Hà Nội', 'a,b', 'say "hi"'].map(csvCell)).toEqual([
      "'=SUM(A1)",
      "'+1",
      "'-2+3",
      "'@cmd",
      'Hà Nội',
      '"a,b"',
      '"say ""hi"""',
    ]);
    expect(csvCell(-5)).toBe('-5'); // a number stays a number
    expect(csvCell(null)).toBe('');
  });
});
