import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initWarehouse } from '../../../etl/reference/init-warehouse.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { createApiKey } from '../../../warehouse/keys/key-store.ts';
import { cli } from '../../helpers/cli.ts';
import { example, query } from '../../helpers/warehouse.ts';
import { codes, post, testConfig, type GraphqlResponse } from '../../helpers/server.ts';

/**
 * One annual cycle on a warehouse that requires review, through the real ETL, a real DuckDB file
 * and the real HTTP server: two provinces upload with their loader keys, the draft stays
 * invisible to the public, the admin reviews and releases it, a correction becomes release 3
 * while release 2 still answers the old value.
 */

let dir: string;
let db: string;
let server: RunningCoopstat;
const keys = { admin: '', loader19: '', loader12: '', reader: '' };
const files = {
  thaiNguyen: '',
  laiChau: '',
  correction: '',
  laiChau2023: '',
  draft725: '',
  draft730: '',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-release-'));
  db = join(dir, 'warehouse.duckdb');
  await initWarehouse(db, { releases: 'reviewed' });
  keys.admin = (await createApiKey(db, { name: 'national-office', role: 'admin' })).key;
  keys.loader19 = (
    await createApiKey(db, { name: 'thai-nguyen-pso', role: 'loader', provinces: ['19'] })
  ).key;
  keys.loader12 = (
    await createApiKey(db, { name: 'lai-chau-pso', role: 'loader', provinces: ['12'] })
  ).key;
  keys.reader = (await createApiKey(db, { name: 'analyst', role: 'reader' })).key;
  const [header, ...rows] = (await readFile(example('aggregates-2024.csv'), 'utf8'))
    .trim()
    .split('\n');
  const write = async (name: string, lines: string[]) => {
    const path = join(dir, name);
    await writeFile(path, `${[header, ...lines].join('\n')}\n`);
    return path;
  };
  const of = (code: string) => rows.filter((r) => r.split(',')[1] === code);
  files.thaiNguyen = await write('thai-nguyen-2024.csv', of('19'));
  files.laiChau = await write('lai-chau-2024.csv', of('12'));
  files.correction = await write(
    'thai-nguyen-2024-corrected.csv',
    of('19').map((r) =>
      r
        .replace('HTX,Nông nghiệp,610,', 'HTX,Nông nghiệp,620,')
        .replace('Tỉnh Thái Nguyên,HTX,,705,', 'Tỉnh Thái Nguyên,HTX,,715,'),
    ),
  );
  const corrected = (name: string, sector: number, total: number) =>
    write(
      name,
      of('19').map((r) =>
        r
          .replace('HTX,Nông nghiệp,610,', `HTX,Nông nghiệp,${sector},`)
          .replace('Tỉnh Thái Nguyên,HTX,,705,', `Tỉnh Thái Nguyên,HTX,,${total},`),
      ),
    );
  files.draft725 = await corrected('thai-nguyen-2024-draft-a.csv', 630, 725);
  files.draft730 = await corrected('thai-nguyen-2024-draft-b.csv', 635, 730);
  files.laiChau2023 = await write('lai-chau-2023.csv', [
    '2023,12,Lai Châu,HTX,Nông nghiệp,270,,,,,,,,,,,,,,,',
  ]);
  server = await startCoopstatServer(testConfig(db), { port: 0 });
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const gql = (q: string, key?: string, variables: Record<string, unknown> = {}) =>
  post(server.graphqlUrl, { query: q, variables }, key ? { authorization: `Bearer ${key}` } : {});

async function upload(file: string, key: string) {
  const res = await fetch(
    `${server.origin}/load?${new URLSearchParams({ name: file.split('/').pop()! })}`,
    {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` },
      body: await readFile(file),
    },
  );
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const MEMBERSHIP = `query M($release: ReleaseChoice) {
  membership(area: { code: "19" }, year: 2024, release: $release) { byOrgType { orgType organisations } }
}`;

/** Thái Nguyên's 2024 HTX count as the response gives it (null when there is none). */
function htx(json: GraphqlResponse): number | null {
  expect(json.errors).toBeUndefined();
  const reports = json.data!.membership as {
    byOrgType: { orgType: string; organisations: number | null }[];
  }[];
  return reports[0]?.byOrgType.find((r) => r.orgType === 'HTX')?.organisations ?? null;
}

describe('the annual cycle', () => {
  it('lands uploads as a draft the public does not see', async () => {
    const before = htx((await gql(MEMBERSHIP)).json);
    expect((await upload(files.thaiNguyen, keys.loader19)).status).toBe(200);
    expect((await upload(files.laiChau, keys.loader12)).status).toBe(200);
    // The same query, anonymous and with a reader key: the release, not the draft.
    expect(htx((await gql(MEMBERSHIP)).json)).toBe(before);
    expect(htx((await gql(MEMBERSHIP, keys.reader)).json)).toBe(before);
    expect(before).not.toBe(705);
    // Loader and admin keys read the draft only when they ask for it.
    expect(htx((await gql(MEMBERSHIP, keys.loader19)).json)).toBe(before);
    expect(htx((await gql(MEMBERSHIP, keys.loader19, { release: 'DRAFT' })).json)).toBe(705);
    expect(
      htx(
        (
          await gql(
            `{ membership(area: { code: "19" }, year: 2024, release: DRAFT) { byOrgType { orgType organisations } } }`,
            keys.admin,
          )
        ).json,
      ),
    ).toBe(705);
  });

  it('keeps the draft’s loads and version out of the public load log', async () => {
    const LOG = `{ loads { fileName } dataVersion { version } }`;
    const files = (json: GraphqlResponse) =>
      (json.data!.loads as { fileName: string }[]).map((l) => l.fileName);
    const version = (json: GraphqlResponse) =>
      (json.data!.dataVersion as { version: number }).version;
    const [anonymous, reader, admin] = await Promise.all([
      gql(LOG),
      gql(LOG, keys.reader),
      gql(LOG, keys.admin),
    ]);
    expect(files(admin.json)).toEqual(
      expect.arrayContaining(['thai-nguyen-2024.csv', 'lai-chau-2024.csv']),
    );
    for (const { json } of [anonymous, reader]) {
      expect(json.errors).toBeUndefined();
      expect(files(json)).not.toContain('thai-nguyen-2024.csv');
      expect(files(json)).not.toContain('lai-chau-2024.csv');
      expect(version(json)).toBeLessThan(version(admin.json));
    }
  });

  it('refuses the draft to public and reader keys with a stable code', async () => {
    for (const key of [undefined, keys.reader]) {
      const { json } = await gql(MEMBERSHIP, key, { release: 'DRAFT' });
      expect(codes(json)).toEqual(['DRAFT_FORBIDDEN']);
    }
    const csv = await fetch(
      `${server.origin}/export/observations.csv?indicators=htx_count&areas=19&release=DRAFT`,
    );
    expect(csv.status).toBe(403);
    expect(((await csv.json()) as GraphqlResponse).errors![0]!.extensions!.code).toBe(
      'DRAFT_FORBIDDEN',
    );
  });

  it('reviews the draft for admin keys: missing provinces, changes, warnings', async () => {
    expect(codes((await gql(`{ review(year: 2024) { year } }`, keys.loader19)).json)).toEqual([
      'FORBIDDEN',
    ]);
    const { json } = await gql(
      `{ review(year: 2024) {
          year previousRelease pendingYears
          provinces { reported expected ratePercent missing { code nameVi } }
          families { family reported expected }
          measures { measure reported }
          changes { added changed removed largest { kind provinceCode orgType sector measure before after delta } }
          warningCount warnings { fileName rule }
      } }`,
      keys.admin,
    );
    expect(json.errors).toBeUndefined();
    const review = json.data!.review as {
      previousRelease: number;
      pendingYears: number[];
      provinces: {
        reported: number;
        expected: number;
        ratePercent: number;
        missing: { code: string }[];
      };
      families: { family: string; reported: number }[];
      changes: { added: number; changed: number; largest: Record<string, unknown>[] };
      warningCount: number;
      warnings: { fileName: string }[];
    };
    expect(review.previousRelease).toBe(1);
    expect(review.pendingYears).toEqual([2024]);
    // 2024 is before the 2025 merger: 63 provinces, of which Thái Nguyên and Lai Châu reported.
    expect(review.provinces).toMatchObject({ reported: 2, expected: 63, ratePercent: 3.2 });
    expect(review.provinces.missing).toHaveLength(61);
    expect(review.provinces.missing.map((m) => m.code)).toContain('01');
    expect(review.provinces.missing.map((m) => m.code)).not.toContain('19');
    expect(review.families).toEqual([
      expect.objectContaining({ family: 'aggregates', reported: 2 }),
    ]);
    expect(review.changes.changed).toBe(0);
    expect(review.changes.added).toBeGreaterThan(0);
    expect(review.changes.largest[0]).toMatchObject({
      kind: 'ADDED',
      provinceCode: '19',
      orgType: 'HTX',
      sector: 'ALL',
      measure: 'members',
      before: null,
      after: 19760,
      delta: 19760,
    });
    // Lai Châu's HTX file has one sector only: the loader's warning is part of the review.
    expect(review.warningCount).toBe(1);
    expect(review.warnings[0]!.fileName).toBe('lai-chau-2024.csv');
  });

  it('releases for admin keys only, atomically, with notes in both languages', async () => {
    const RELEASE = `mutation R($years: [Int!]) { release(years: $years, note: "first provincial figures") {
      number dataVersion years releasedBy note notesVi notesEn automatic
    } }`;
    expect(codes((await gql(RELEASE, keys.loader19, { years: [2024] })).json)).toEqual([
      'FORBIDDEN',
    ]);
    const wrongYear = await gql(RELEASE, keys.admin, { years: [2023] });
    expect(codes(wrongYear.json)).toEqual(['RELEASE_REFUSED']);
    expect(wrongYear.json.errors![0]!.extensions!.pendingYears).toEqual([2024]);
    expect(htx((await gql(MEMBERSHIP)).json)).not.toBe(705);

    const { json } = await gql(RELEASE, keys.admin, { years: [2024] });
    expect(json.errors).toBeUndefined();
    const release = json.data!.release as Record<string, unknown>;
    expect(release).toMatchObject({
      number: 2,
      years: [2024],
      releasedBy: 'national-office',
      note: 'first provincial figures',
      automatic: false,
    });
    expect(release.notesVi).toContain('# Bản phát hành số 2 — số liệu năm 2024');
    expect(release.notesVi).toContain('Tỉnh, thành phố đã báo cáo: 2/63 (3.2%).');
    expect(release.notesEn).toContain('# Release 2 — figures for 2024');
    expect(release.notesEn).toContain('Provinces reporting: 2 of 63 (3.2%).');
    expect(release.notesEn).toContain(
      '| Tỉnh Thái Nguyên (19) | HTX | ALL | members | PSO | — | 19,760 | +19,760 |',
    );
    // The same query text as before the release: no cached answer of the old release is served.
    expect(htx((await gql(MEMBERSHIP)).json)).toBe(705);
    const listed = await gql(`{ releases { number years note } }`);
    expect(listed.json.data!.releases).toEqual([
      expect.objectContaining({ number: 1 }),
      { number: 2, years: [2024], note: 'first provincial figures' },
    ]);
    const rows = await query<{ release_no: number; notes_md_en: string }>(
      db,
      'select release_no, notes_md_en from release order by release_no',
    );
    expect(rows.map((r) => r.release_no)).toEqual([1, 2]);
    expect(rows[1]!.notes_md_en).toBe(release.notesEn);
  });

  it('makes a correction release 3 while release 2 still answers the old value', async () => {
    expect((await upload(files.correction, keys.loader19)).status).toBe(200);
    expect((await upload(files.laiChau2023, keys.loader12)).status).toBe(200);
    expect(htx((await gql(MEMBERSHIP)).json)).toBe(705);
    expect(htx((await gql(MEMBERSHIP, keys.admin, { release: 'DRAFT' })).json)).toBe(715);
    // The history of the value: the draft's correction only for loader and admin keys.
    const REVISIONS = `{ revisions(area: { code: "19" }, year: 2024, measure: ORGANISATIONS, orgType: HTX) { value isCurrent } }`;
    expect((await gql(REVISIONS)).json.data!.revisions).toEqual([{ value: 705, isCurrent: true }]);
    expect((await gql(REVISIONS, keys.loader12)).json.data!.revisions).toEqual([
      { value: 705, isCurrent: false },
      { value: 715, isCurrent: true },
    ]);

    const review = await cli('review', '--year', '2024', '--db', db, '--json');
    expect(review.code).toBe(0);
    const parsed = JSON.parse(review.stdout) as {
      changes: { changed: number; largest: Record<string, unknown>[] };
      otherYears: { year: number; added: number }[];
      pendingYears: number[];
    };
    expect(parsed.pendingYears).toEqual([2023, 2024]);
    expect(parsed.changes.largest).toContainEqual(
      expect.objectContaining({
        kind: 'CHANGED',
        provinceCode: '19',
        orgType: 'HTX',
        sector: 'ALL',
        measure: 'org_count',
        before: 705,
        after: 715,
        delta: 10,
      }),
    );
    expect(parsed.otherYears).toEqual([expect.objectContaining({ year: 2023, added: 1 })]);

    // 2023 has a draft too: releasing 2024 alone would publish what nobody reviewed.
    const refused = await cli('release', '--year', '2024', '--db', db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('but 2023 was not');
    expect(htx((await gql(MEMBERSHIP)).json)).toBe(705);

    const released = await cli(
      'release',
      '--year',
      '2024',
      '--year',
      '2023',
      '--by',
      'reviewer',
      '--db',
      db,
    );
    expect(released.stderr).toBe('');
    expect(released.code).toBe(0);
    expect(released.stdout).toMatch(
      /^released as release 3 \(data version \d+\), years 2023, 2024, by reviewer/,
    );
    await server.reader.refresh();
    expect(htx((await gql(MEMBERSHIP)).json)).toBe(715);
    expect(htx((await gql(MEMBERSHIP, undefined, { release: 2 })).json)).toBe(705);
    expect(htx((await gql(MEMBERSHIP, keys.reader, { release: 3 })).json)).toBe(715);
    const unknown = await gql(MEMBERSHIP, undefined, { release: 9 });
    expect(codes(unknown.json)).toEqual(['BAD_USER_INPUT']);
    expect(unknown.json.errors![0]!.message).toBe(
      'release must be a release number (1–3) or DRAFT, but got 9',
    );
    const listed = await gql(`{ releases { number notesEn } }`);
    const notes = (listed.json.data!.releases as { number: number; notesEn: string }[])[2]!;
    expect(notes.number).toBe(3);
    expect(notes.notesEn).toContain('### Changes against release 2');
    expect(notes.notesEn).toContain('### Revisions of earlier years');
    expect(notes.notesEn).toContain('- 2023: 1 added, 0 changed, 0 removed.');
  });

  it('exports a release by number over HTTP', async () => {
    const url = `${server.origin}/export/observations.csv?indicators=htx_count&level=PROVINCE&from=2024&to=2024`;
    const [two, latest] = await Promise.all([fetch(`${url}&release=2`), fetch(url)]);
    expect(two.status).toBe(200);
    expect(await two.text()).toMatch(/,19,Tỉnh Thái Nguyên,2024,705,/);
    expect(await latest.text()).toMatch(/,19,Tỉnh Thái Nguyên,2024,715,/);

    const facts = (search: string, key?: string) =>
      fetch(`${server.origin}/export/facts.csv?${search}`, {
        headers: key ? { authorization: `Bearer ${key}` } : {},
      });
    const THAI_NGUYEN_HTX = (n: number) =>
      new RegExp(`,19,Tỉnh Thái Nguyên,2024,HTX,ALL,PSO,REGISTERED,${n},`);
    expect(await (await facts('release=2')).text()).toMatch(THAI_NGUYEN_HTX(705));
    expect(await (await facts('')).text()).toMatch(THAI_NGUYEN_HTX(715));
    expect((await facts('release=DRAFT')).status).toBe(403);
    expect((await facts('release=DRAFT', keys.loader12)).status).toBe(200);
    expect((await facts('release=7')).status).toBe(400);
  });

  it('exports a release by number from the CLI', async () => {
    const out = join(dir, 'release-2');
    const run = await cli('export', '--format', 'csv', '-o', out, '--release', '2', '--db', db);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^release 2 \(data version \d+\)$/);
    expect(await readFile(join(out, 'facts.csv'), 'utf8')).toMatch(
      /,19,Tỉnh Thái Nguyên,2024,HTX,ALL,PSO,REGISTERED,705,/,
    );
  });

  it('reads an earlier version for the public as its release then, never a draft between releases', async () => {
    const first = await upload(files.draft725, keys.loader19);
    expect(first.status).toBe(200);
    const draftVersion = first.json.dataVersion as number;
    expect((await upload(files.draft730, keys.loader19)).status).toBe(200);
    const released = await gql(`mutation { release(all: true) { number } }`, keys.admin);
    expect(released.json.errors).toBeUndefined();
    const AS_OF = `query A($v: Int) {
      membership(area: { code: "19" }, year: 2024, asOfVersion: $v) { byOrgType { orgType organisations } }
    }`;
    // 725 was corrected to 730 before any release: the public never had it.
    expect(htx((await gql(AS_OF, undefined, { v: draftVersion })).json)).toBe(715);
    expect(htx((await gql(AS_OF, keys.reader, { v: draftVersion })).json)).toBe(715);
    expect(htx((await gql(AS_OF, keys.admin, { v: draftVersion })).json)).toBe(725);
    expect(htx((await gql(MEMBERSHIP)).json)).toBe(730);
  });

  it('says a year that has figures only in the draft is not loaded, except to the draft', async () => {
    const file = join(dir, 'lai-chau-2026.csv');
    const header = (await readFile(example('aggregates-2024.csv'), 'utf8')).split('\n')[0]!;
    await writeFile(file, `${header}\n2026,12,Lai Châu,HTX,Nông nghiệp,275,,,,,,,,,,,,,,,\n`);
    expect((await upload(file, keys.loader12)).status).toBe(200);
    const Y2026 = `query Y($release: ReleaseChoice) {
      membership(area: { code: "12" }, year: 2026, release: $release) { byOrgType { orgType organisations } }
    }`;
    for (const key of [undefined, keys.reader, keys.loader12]) {
      const hidden = await gql(Y2026, key);
      expect(codes(hidden.json)).toEqual(['YEAR_NOT_LOADED']);
      expect(hidden.json.errors![0]!.extensions!.loadedYears).not.toContain(2026);
    }
    const draft = await gql(Y2026, keys.loader12, { release: 'DRAFT' });
    expect(draft.json.errors).toBeUndefined();
  });
});
