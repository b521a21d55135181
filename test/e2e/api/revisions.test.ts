import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { codes, post, testConfig } from '../../helpers/server.ts';
import { cli } from '../../helpers/cli.ts';
import {
  createTestWarehouse,
  example,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';

/**
 * A corrected file keeps the earlier value under its version range; these tests read both values
 * through every interface: the `revisions` field, `asOfVersion` on the topic, series, observations
 * and progress queries (over real HTTP), the CSV export and the CLI.
 */

let wh: TestWarehouse;
let server: RunningCoopstat;
/** Data version of the first load (Thái Nguyên HTX 705) and of the correction (715). */
let first: number;
let corrected: number;
/** Data version of the last load (Lai Châu 2023). */
let latest: number;

beforeAll(async () => {
  wh = await createTestWarehouse();
  const original = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
  // The correction: Thái Nguyên's agricultural cooperatives 610 → 620, so its HTX total 705 → 715.
  const text = (await readFile(example('aggregates-2024.csv'), 'utf8'))
    .replace('HTX,Nông nghiệp,610,', 'HTX,Nông nghiệp,620,')
    .replace('Tỉnh Thái Nguyên,HTX,,705,', 'Tỉnh Thái Nguyên,HTX,,715,');
  const path = join(wh.dir, 'aggregates-2024-corrected.csv');
  await writeFile(path, text);
  const correction = await loadFile(path, { db: wh.db });
  first = original.dataVersion!;
  corrected = correction.dataVersion!;
  // Lai Châu 2023: the HTX total row is there but its count is empty; two sectors reported.
  const header = text.split('\n')[0]!;
  const laiChau = join(wh.dir, 'lai-chau-2023.csv');
  await writeFile(
    laiChau,
    [
      header,
      '2023,12,Lai Châu,HTX,Nông nghiệp,270,,,,,,,,,,,,,,,',
      '2023,12,Lai Châu,HTX,Thương mại - dịch vụ,40,,,,,,,,,,,,,,,',
      '2023,12,Lai Châu,HTX,,,,,,,,,,,,,,,,,',
      '',
    ].join('\n'),
  );
  latest = (await loadFile(laiChau, { db: wh.db })).dataVersion!;
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

const gql = (q: string, variables: Record<string, unknown> = {}) =>
  post(server.graphqlUrl, { query: q, variables });

describe('the correction is published as a new version', () => {
  it('closes the old fact row and keeps it', async () => {
    expect(corrected).toBe(first + 1);
    const rows = await query<{
      org_count: number;
      valid_from_version: number;
      valid_to_version: number | null;
    }>(
      wh.db,
      `select org_count::integer as org_count, valid_from_version, valid_to_version from fct_org_annual
       where unit_id = (select unit_id from dim_admin_unit where code = '19' order by valid_from limit 1)
         and year = 2024 and org_type = 'HTX' and sector = 'ALL' order by valid_from_version`,
    );
    expect(rows).toEqual([
      { org_count: 705, valid_from_version: first, valid_to_version: corrected },
      { org_count: 715, valid_from_version: corrected, valid_to_version: null },
    ]);
  });
});

describe('revisions', () => {
  it('lists each published value of a count with its versions, load, file and date', async () => {
    const { json } = await gql(`{
      revisions(area: { code: "19" }, year: 2024, measure: ORGANISATIONS, orgType: HTX) {
        source orgType sector value status qualifier fromVersion toVersion isCurrent loadId file loadedAt
      }
    }`);
    expect(json.errors).toBeUndefined();
    const revisions = json.data!.revisions as Record<string, unknown>[];
    expect(
      revisions.map((r) => [r.value, r.fromVersion, r.toVersion, r.isCurrent, r.file]),
    ).toEqual([
      [705, first, corrected, false, 'aggregates-2024.csv'],
      [715, corrected, null, true, 'aggregates-2024-corrected.csv'],
    ]);
    expect(revisions[0]).toMatchObject({ orgType: 'HTX', sector: 'ALL', qualifier: 'EXACT' });
    expect(revisions[0]!.loadedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(revisions[1]!.loadId).toBeGreaterThan(revisions[0]!.loadId as number);
  });

  it("gives a fact's revisions the status and qualifier of the measure asked for", async () => {
    const { json } = await gql(`{
      a: revisions(area: { code: "VN" }, year: 2022, measure: ORGANISATIONS, orgType: HTX, source: "MINISTRY") { value status qualifier }
      b: revisions(area: { code: "VN" }, year: 2023, measure: ORGANISATIONS, orgType: HTX, source: "MINISTRY") { value status qualifier }
    }`);
    expect(json.errors).toBeUndefined();
    // 2022: the count is reported although the members of its row are estimated; 2023: "trên 31 nghìn".
    expect(json.data!.a).toEqual([{ value: 29378, status: 'REPORTED', qualifier: 'EXACT' }]);
    expect(json.data!.b).toEqual([{ value: 31000, status: 'REPORTED', qualifier: 'MORE_THAN' }]);
  });

  it('lists a published reference value with its qualifier', async () => {
    const { json } = await gql(`{
      revisions(area: { code: "VN" }, year: 2021, indicator: "htx_count") { source value qualifier fromVersion isCurrent }
    }`);
    expect(json.errors).toBeUndefined();
    const revisions = json.data!.revisions as { qualifier: string; isCurrent: boolean }[];
    expect(revisions.length).toBeGreaterThan(0);
    expect(revisions.every((r) => typeof r.qualifier === 'string' && r.isCurrent)).toBe(true);
  });

  it('asks for exactly one of measure and indicator', async () => {
    const { json } = await gql(`{ revisions(area: { code: "19" }, year: 2024) { value } }`);
    expect(codes(json)).toEqual(['BAD_USER_INPUT']);
    expect(json.errors![0]!.message).toBe('give exactly one of measure and indicator');
  });
});

describe('asOfVersion', () => {
  const membership = `query ($v: Int) {
    membership(area: { code: "19" }, year: 2024, asOfVersion: $v) { byOrgType { orgType organisations } }
  }`;
  const htx = (json: { data?: Record<string, unknown> | null }) =>
    (
      json.data!.membership as { byOrgType: { orgType: string; organisations: number }[] }[]
    )[0]!.byOrgType.find((r) => r.orgType === 'HTX')!.organisations;

  it('reads a topic report as published then and now', async () => {
    const [now, then, latest] = await Promise.all([
      gql(membership),
      gql(membership, { v: first }),
      gql(membership, { v: corrected }),
    ]);
    expect(htx(now.json)).toBe(715);
    expect(htx(then.json)).toBe(705);
    expect(htx(latest.json)).toBe(715);
  });

  it('refuses an unknown version, naming the versions there are', async () => {
    const { json } = await gql(membership, { v: corrected + 5 });
    expect(codes(json)).toEqual(['BAD_USER_INPUT']);
    expect(json.errors![0]!.message).toBe(
      `asOfVersion must be a published data version (0–${latest}), but got ${corrected + 5}`,
    );
  });

  it('reads series, observations and progress as of a version', async () => {
    const q = `query ($v: Int) {
      series(indicator: "htx_count", area: { code: "19" }, from: 2024, to: 2024, asOfVersion: $v) { points { year value } }
      observations(filter: { indicators: ["htx_count"], areas: [{ code: "19", validOn: "2024-12-31" }], fromYear: 2024, toYear: 2024 }, asOfVersion: $v) {
        nodes { value source }
      }
      plan(id: "thai-nguyen-03-kh-ubnd-2023") {
        targets { id progress(asOf: 2025, asOfVersion: $v) { latest { year value } } }
      }
    }`;
    const read = async (v?: number) => {
      const { json } = await gql(q, v === undefined ? {} : { v });
      expect(json.errors).toBeUndefined();
      const d = json.data as {
        series: { points: { value: number }[] };
        observations: { nodes: { value: number; source: string }[] };
        plan: {
          targets: { id: string; progress: { latest: { year: number; value: number } | null } }[];
        };
      };
      return {
        series: d.series.points.map((p) => p.value),
        observations: d.observations.nodes.map((n) => n.value),
        progress: d.plan.targets.find((t) => t.id === 'htx-count-2030')!.progress.latest,
      };
    };
    expect(await read(first)).toMatchObject({
      series: [705],
      observations: expect.arrayContaining([705]),
      progress: { year: 2024, value: 705 },
    });
    expect(await read()).toMatchObject({
      series: [715],
      observations: expect.arrayContaining([715]),
      progress: { year: 2024, value: 715 },
    });
  });

  it('reads the CSV export as of a version', async () => {
    const url = `${server.origin}/export/observations.csv?indicators=htx_count&level=PROVINCE&from=2024&to=2024`;
    const [then, now, bad] = await Promise.all([
      fetch(`${url}&asOfVersion=${first}`),
      fetch(url),
      fetch(`${url}&asOfVersion=abc`),
    ]);
    expect(then.status).toBe(200);
    expect(await then.text()).toMatch(/,19,Tỉnh Thái Nguyên,2024,705,/);
    expect(await now.text()).toMatch(/,19,Tỉnh Thái Nguyên,2024,715,/);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(
      "parameter asOfVersion must be a whole number, but got 'abc'",
    );
  });
});

describe('coopstat progress --as-of-version', () => {
  it('judges with the figures of that version', async () => {
    const args = [
      'progress',
      '--plan',
      'thai-nguyen-03-kh-ubnd-2023',
      '--as-of',
      '2025',
      '--db',
      wh.db,
      '--json',
    ];
    const [then, now, unknown] = await Promise.all([
      cli(...args, '--as-of-version', String(first)),
      cli(...args),
      cli(...args, '--as-of-version', '999'),
    ]);
    expect(then.code).toBe(0);
    expect(now.code).toBe(0);
    const latestOf = (stdout: string) =>
      (JSON.parse(stdout) as Record<string, unknown>[]).find((r) =>
        JSON.stringify(r).includes('htx-count-2030'),
      );
    expect(JSON.stringify(latestOf(then.stdout))).toContain('705');
    expect(JSON.stringify(latestOf(now.stdout))).toContain('715');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--as-of-version must be a published data version (');
    expect(unknown.stderr).toContain('but got 999');
  });
});

describe('organisationsReported: a total with missing parts still gives the reported parts', () => {
  type Reported = {
    atLeast: number | null;
    qualifier: string;
    coveredParts: number;
    totalParts: number;
  };
  it('sums the sector rows of a type whose total is empty (AS_REPORTED)', async () => {
    const { json } = await gql(`{
      membership(area: { code: "12" }, year: 2023) {
        byOrgType { orgType organisations organisationsReported { atLeast qualifier coveredParts totalParts } }
        bySector { sector organisationsReported { atLeast qualifier coveredParts totalParts } }
      }
    }`);
    expect(json.errors).toBeUndefined();
    const [laiChau] = json.data!.membership as {
      byOrgType: {
        orgType: string;
        organisations: number | null;
        organisationsReported: Reported;
      }[];
      bySector: { sector: string; organisationsReported: Reported }[];
    }[];
    const htx = laiChau!.byOrgType.find((r) => r.orgType === 'HTX')!;
    expect(htx.organisations).toBeNull();
    expect(htx.organisationsReported).toEqual({
      atLeast: 310,
      qualifier: 'AT_LEAST',
      coveredParts: 2,
      totalParts: 8,
    });
    expect(laiChau!.bySector.map((r) => [r.sector, r.organisationsReported])).toEqual([
      ['AGRICULTURE', { atLeast: 270, qualifier: 'EXACT', coveredParts: 1, totalParts: 1 }],
      ['TRADE_SERVICES', { atLeast: 40, qualifier: 'EXACT', coveredParts: 1, totalParts: 1 }],
    ]);
  });

  it('gives the known total as EXACT', async () => {
    const { json } = await gql(`{
      membership(area: { code: "12" }, year: 2024) {
        byOrgType { orgType organisationsReported { atLeast qualifier } }
      }
    }`);
    const [laiChau] = json.data!.membership as {
      byOrgType: { orgType: string; organisationsReported: Reported }[];
    }[];
    expect(
      laiChau!.byOrgType.find((r) => r.orgType === 'THT')!.organisationsReported,
    ).toMatchObject({
      atLeast: 530,
      qualifier: 'EXACT',
    });
  });

  it('sums the merged provinces that reported (CURRENT), as of each version', async () => {
    // Thái Nguyên today = Thái Nguyên + Bắc Kạn; Bắc Kạn sent no 2024 figures.
    const htxOf = async (v?: number) => {
      const { json } = await gql(
        `query ($v: Int) {
          membership(area: { code: "19" }, year: 2024, boundaries: CURRENT, asOfVersion: $v) {
            byOrgType { orgType organisations organisationsReported { atLeast qualifier coveredParts totalParts } }
          }
        }`,
        v === undefined ? {} : { v },
      );
      expect(json.errors).toBeUndefined();
      return (
        json.data!.membership as {
          byOrgType: {
            orgType: string;
            organisations: number | null;
            organisationsReported: Reported;
          }[];
        }[]
      )[0]!.byOrgType.find((r) => r.orgType === 'HTX')!;
    };
    const now = await htxOf();
    expect(now.organisations).toBeNull();
    expect(now.organisationsReported).toEqual({
      atLeast: 715,
      qualifier: 'AT_LEAST',
      coveredParts: 1,
      totalParts: 2,
    });
    expect((await htxOf(first)).organisationsReported.atLeast).toBe(705);
  });
});
