import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, LoadRefusedError } from '../../../etl/load/findings.ts';
import { loadFile } from '../../../etl/load/load-file.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import {
  createTestWarehouse,
  fileHash,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';
import { codes, post, testConfig, type GraphqlResponse } from '../../helpers/server.ts';
import { handmadeXlsx } from '../../helpers/zip-forge.ts';

/**
 * Hostile strings in every string argument of the API, in the CSV export's parameters and in
 * the headers and cells of uploaded files: each is answered with a clean BAD_USER_INPUT or
 * NOT_FOUND (or read as the plain text it is), never INTERNAL_SERVER_ERROR, and the warehouse
 * holds afterwards exactly the rows it held before.
 */

const HOSTILE = [
  "'; drop table fct_org_annual; --",
  '" or 1=1 --',
  '\u0000',
  'x'.repeat(200_000),
  'VΝ', // Greek capital Nu
  'НТХ', // Cyrillic
  '１９', // full-width digits
  '19\u200b', // zero-width space
  '$1',
  '%',
  '_',
  '\\',
  "\\'",
  'MINISTRY|VCA', // the separator some queries split lists on
  'MINISTRY\u001fVCA', // the other one
  'MINISTRY,VCA', // the separator of the CSV export's lists and of DataLoader keys
] as const;

/** A short label for test output (the long string would flood it). */
const label = (value: string) =>
  JSON.stringify(value.length > 40 ? `${value.slice(0, 10)}… (${value.length} chars)` : value);

let wh: TestWarehouse;
let server: RunningCoopstat;

beforeAll(async () => {
  wh = await createTestWarehouse('api');
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

/** Row counts of every table of the warehouse, by name. */
async function tableCounts(db: string): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(
    db,
    `select table_name as name from duckdb_tables() where not temporary order by table_name`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await query<{ n: number }>(db, `select count(*) as n from "${name}"`);
    counts[name] = row!.n;
  }
  return counts;
}

/** A string argument of the API and an operation that passes the value `$v` to it. */
interface Target {
  readonly argument: string;
  readonly query: string;
  /** Variables around `$v` (the value goes where `v` is used). */
  readonly variables: (v: string) => Record<string, unknown>;
}

const REPORT = (field: string) => `query($v: String, $area: AreaInput) {
  ${field}(year: 2024, source: $v, area: $area) { source area { id } }
}`;

const TARGETS: readonly Target[] = [
  {
    argument: 'adminUnit(code)',
    query: 'query($v: String!) { adminUnit(code: $v) { id nameVi } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'adminUnit(validOn)',
    query: 'query($v: LocalDate) { adminUnit(code: "19", validOn: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'adminUnits(validOn)',
    query: 'query($v: LocalDate) { adminUnits(validOn: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'adminUnits(level) (an enum given a string)',
    query: 'query($v: AdminLevel) { adminUnits(level: $v) { id } }',
    variables: (v) => ({ v }),
  },
  ...['membership', 'valueChain', 'highTech', 'quality'].flatMap((field): Target[] => [
    {
      argument: `${field}(source)`,
      query: REPORT(field),
      variables: (v) => ({ v, area: { code: '19', validOn: '2024-12-31' } }),
    },
    {
      argument: `${field}(area.code)`,
      query: `query($area: AreaInput) { ${field}(year: 2024, area: $area) { source } }`,
      variables: (v) => ({ area: { code: v } }),
    },
    {
      argument: `${field}(area.validOn)`,
      query: `query($area: AreaInput) { ${field}(year: 2024, area: $area) { source } }`,
      variables: (v) => ({ area: { code: '19', validOn: v } }),
    },
  ]),
  {
    argument: 'plans(area.code)',
    query: 'query($v: String!) { plans(area: { code: $v }) { id } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'plan(id)',
    query: 'query($v: String!) { plan(id: $v) { id } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'Target.progress(sources)',
    query: `query($v: String!) { plan(id: "nq-20-nq-tw-2022") {
      targets { id progress(asOf: 2025, sources: [$v]) { status source latest { value } } } } }`,
    variables: (v) => ({ v }),
  },
  {
    argument: 'series(indicator)',
    query: 'query($v: String!) { series(indicator: $v) { source points { year value } } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'series(source)',
    query:
      'query($v: String) { series(indicator: "htx_count", source: $v) { source points { year value source } } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'series(area.code)',
    query: 'query($v: String!) { series(indicator: "htx_count", area: { code: $v }) { source } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'ranking(indicator)',
    query:
      'query($v: String!) { ranking(indicator: $v, year: 2021, level: PROVINCE) { entries { rank } } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'ranking(source)',
    query: `query($v: String) { ranking(indicator: "htx_count", year: 2021, level: PROVINCE, source: $v) {
      entries { rank value { source } } } }`,
    variables: (v) => ({ v }),
  },
  {
    argument: 'observations(after) (a cursor)',
    query: 'query($v: String) { observations(first: 2, after: $v) { nodes { year } } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'observations(filter.indicators)',
    query:
      'query($v: String!) { observations(first: 5, filter: { indicators: [$v] }) { totalCount } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'observations(filter.sources)',
    query: `query($v: String!) { observations(first: 5, filter: { indicators: ["htx_count"], areas: [{ code: "VN" }], sources: [$v] }) {
      totalCount nodes { source } } }`,
    variables: (v) => ({ v }),
  },
  {
    argument: 'observations(filter.areas.code)',
    query:
      'query($v: String!) { observations(first: 5, filter: { areas: [{ code: $v }] }) { totalCount } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'observations(filter.areas.validOn)',
    query:
      'query($v: LocalDate) { observations(first: 5, filter: { areas: [{ code: "19", validOn: $v }] }) { totalCount } }',
    variables: (v) => ({ v }),
  },
  {
    argument: 'observations(filter.topics) (an enum list given a string)',
    query: 'query($v: [Topic!]) { observations(first: 5, filter: { topics: $v }) { totalCount } }',
    variables: (v) => ({ v: [v] }),
  },
  {
    argument: 'loads(first) (an Int given a string)',
    query: 'query($v: Int) { loads(first: $v) { id } }',
    variables: (v) => ({ v }),
  },
];

const CLEAN_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND']);

/** What is wrong with one response (an internal error, SQL or a stack shown), or null. */
function problemOf(json: GraphqlResponse, status: number): string | null {
  const found = codes(json).map(String);
  const unclean = found.filter((c) => !CLEAN_CODES.has(c));
  if (status >= 500 || unclean.length > 0) return `HTTP ${status}, ${found.join(', ')}`;
  if (/stacktrace|Binder Error|Parser Error|Catalog Error|duckdb/i.test(JSON.stringify(json)))
    return 'internals in the response';
  return null;
}

/**
 * Arguments that still answer INTERNAL_SERVER_ERROR to some value (reported; see
 * docs/hardening.md). The sweep asserts exactly this list, so a fix makes it fail until the
 * entry is removed.
 */
const KNOWN_FAILURES: string[] = [];

describe('hostile strings in every string argument of the API', () => {
  it('are answered with BAD_USER_INPUT or NOT_FOUND, or read as plain text, and change nothing', async () => {
    const before = await tableCounts(wh.db);
    const hash = await fileHash(wh.db);
    const problems: string[] = [];
    let answered = 0;
    for (const target of TARGETS) {
      for (const value of HOSTILE) {
        const { status, json } = await post(server.graphqlUrl, {
          query: target.query,
          variables: target.variables(value),
        });
        const problem = problemOf(json, status);
        if (problem) problems.push(`${target.argument} = ${label(value)}: ${problem}`);
        else answered++;
      }
    }
    expect(problems).toEqual(KNOWN_FAILURES);
    expect(answered).toBe(TARGETS.length * HOSTILE.length - KNOWN_FAILURES.length);
    expect(await tableCounts(wh.db)).toEqual(before);
    expect(await fileHash(wh.db)).toBe(hash);
  }, 120_000);

  it('never widens a source filter through a list separator inside one value', async () => {
    // Lists reach SQL as one parameter split on '|' or U+001F: a value holding one must not
    // become two sources (a series never mixes them).
    for (const value of ['MINISTRY|VCA', 'MINISTRY\u001fVCA', 'MINISTRY,VCA']) {
      const series = await post(server.graphqlUrl, {
        query:
          'query($v: String) { series(indicator: "htx_count", source: $v) { source points { source } } }',
        variables: { v: value },
      });
      const points =
        (series.json.data?.series as { points: { source: string }[] } | undefined)?.points ?? [];
      expect(new Set(points.map((p) => p.source)).size, label(value)).toBeLessThanOrEqual(1);
      const observations = await post(server.graphqlUrl, {
        query: `query($v: String!) { observations(first: 100, filter: { indicators: ["htx_count"], areas: [{ code: "VN" }], sources: [$v] }) { totalCount } }`,
        variables: { v: value },
      });
      expect(
        (observations.json.data?.observations as { totalCount: number } | undefined)?.totalCount,
      ).toBe(0);
    }
  });
});

describe('hostile strings in the CSV export parameters', () => {
  const PARAMS = [
    'indicators',
    'topics',
    'areas',
    'level',
    'from',
    'to',
    'sources',
    'groupBy',
    'boundaries',
  ];

  it('give 400/404 with a code, or a CSV of what matched, never a 500', async () => {
    const before = await tableCounts(wh.db);
    const problems: string[] = [];
    for (const name of PARAMS) {
      for (const value of HOSTILE) {
        const what = `${name}=${label(value)}`;
        const search = new URLSearchParams({ indicators: 'htx_count', [name]: value });
        const res = await fetch(`${server.origin}/export/observations.csv?${search}`);
        const text = await res.text();
        if (res.status === 200) {
          expect(res.headers.get('content-type'), what).toBe('text/csv; charset=utf-8');
          expect(text.replace(/^\uFEFF/, '').split('\r\n')[0], what).toMatch(/^indicator_code,/);
        } else if (res.status === 431) {
          // Node refuses a request line over 16 KiB before the app sees it.
          expect(value.length, what).toBeGreaterThan(16_000);
        } else {
          const problem = [400, 404].includes(res.status)
            ? problemOf(JSON.parse(text) as GraphqlResponse, res.status)
            : `HTTP ${res.status}`;
          if (problem) problems.push(`${what}: ${problem}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await tableCounts(wh.db)).toEqual(before);
  }, 120_000);
});

describe('hostile strings in the headers and cells of uploaded files', () => {
  const HEADER = 'year,org_id,org_name,org_type,sector,province_code,members';
  /** Hostile strings a CSV can carry (NUL is refused as binary data, below). */
  const CELLS = HOSTILE.filter((v) => v !== '\u0000' && v.length < 1000);

  it('stores hostile organisation names verbatim, as text', async () => {
    const path = join(wh.dir, 'hostile-names.csv');
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const lines = CELLS.map(
      (name, i) => `2024,${4800000000 + i},${quote(name)},HTX,AGRICULTURE,19,${10 + i}`,
    );
    await writeFile(path, [HEADER, ...lines].join('\n'));
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, source: 'HOSTILE' });
    expect(report.outcome).toBe('PUBLISHED');
    const rows = await query<{ org_id: string; org_name: string }>(
      wh.db,
      `select org_id, org_name from fct_org_register
       where source_code = 'HOSTILE' and valid_to_version is null order by org_id`,
    );
    expect(rows.map((r) => r.org_name)).toEqual(CELLS.map((v) => v.normalize('NFC').trim()));
    expect((await tableCounts(wh.db)).fct_org_annual).toBeGreaterThan(0);
  });

  it('ignores a hostile header with a warning, and refuses hostile codes and names by rule', async () => {
    const accepted = join(wh.dir, 'hostile-header.csv');
    await writeFile(
      accepted,
      `year,province_code,org_type,org_count,'; drop table fct_org_annual; --\n2024,12,HTX,200,1\n`,
    );
    const report = await loadFile(accepted, { db: wh.db, maxYear: 2026, source: 'HOSTILE_HDR' });
    expect(report.warnings.map(formatFinding)).toEqual([
      "a column must be part of the aggregates format to be loaded, so it was ignored, but got ''; drop table fct_org_annual; --' at hostile-header.csv, row 1, column E",
    ]);

    const counts = await tableCounts(wh.db);
    const hash = await fileHash(wh.db);
    const refuse = async (name: string, text: string | Buffer) => {
      const path = join(wh.dir, name);
      await writeFile(path, text);
      const error = await loadFile(path, { db: wh.db, maxYear: 2026 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(LoadRefusedError);
      return (error as LoadRefusedError).findings
        .filter((f) => f.severity === 'ERROR')
        .map(formatFinding);
    };
    expect(
      await refuse(
        'hostile-province.csv',
        `year,province_name,org_type,org_count\n2024,'; drop table fct_org_annual; --,HTX,5\n`,
      ),
    ).toEqual([
      "column `province_name` must name a province valid on 31 December 2024, but got ''; drop table fct_org_annual; --' at hostile-province.csv, row 2, column B (province_name)",
    ]);
    expect(
      await refuse(
        'hostile-source.csv',
        `year,province_code,org_type,org_count,source\n2024,19,HTX,5,"$1' or 1=1 --"\n`,
      ),
    ).toEqual([
      "column `source` must be a source code of letters, digits and _, but got '$1' or 1=1 --' at hostile-source.csv, row 2, column E (source)",
    ]);
    expect(
      await refuse('hostile-nul.csv', `${HEADER}\n2024,4900000000,HTX\u0000,HTX,,19,12\n`),
    ).toEqual([
      'a CSV file must be UTF-8 or UTF-16 text, but got binary data (a NUL byte at line 2) at hostile-nul.csv, row 2',
    ]);
    expect(await tableCounts(wh.db)).toEqual(counts);
    expect(await fileHash(wh.db)).toBe(hash);
  });

  it('reads hostile text in .xlsx cells and sheet names as text', async () => {
    const path = join(wh.dir, 'hostile.xlsx');
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('; drop table fct_org_annual; --');
    sheet.addRow(HEADER.split(','));
    CELLS.forEach((name, i) =>
      sheet.addRow([2024, String(4810000000 + i), name, 'HTX', 'AGRICULTURE', 19, 10 + i]),
    );
    await wb.xlsx.writeFile(path);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, source: 'HOSTILE_XLSX' });
    expect(report.outcome).toBe('PUBLISHED');
    const rows = await query<{ org_name: string }>(
      wh.db,
      `select org_name from fct_org_register
       where source_code = 'HOSTILE_XLSX' and valid_to_version is null order by org_id`,
    );
    // XML cannot hold control characters: exceljs leaves U+001F out of the file it writes.
    const written = CELLS.map((v) =>
      v
        .replace(/[\u0000-\u001f]/g, '')
        .normalize('NFC')
        .trim(),
    );
    expect(rows.map((r) => r.org_name)).toEqual(written);
  });

  it('refuses a NUL character in an .xlsx cell however it is written', async () => {
    const cell = (ref: string, text: string) =>
      `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
    const sheetWith = (name: string) =>
      Buffer.from(
        `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
          `<row r="1">${['year', 'org_id', 'org_name', 'org_type', 'province_code'].map((h, i) => cell(`${'ABCDE'[i]}1`, h)).join('')}</row>` +
          `<row r="2"><c r="A2"><v>2024</v></c>${cell('B2', '4830000000')}${cell('C2', name)}${cell('D2', 'HTX')}<c r="E2"><v>19</v></c></row>` +
          `</sheetData></worksheet>`,
      );
    const hash = await fileHash(wh.db);
    const cases: [string, string, string | RegExp][] = [
      [
        'nul-raw.xlsx',
        'HTX\u0000A',
        /^a worksheet must be well-formed UTF-8 XML, but got 1:\d+: disallowed character\. at nul-raw\.xlsx, sheet HTX$/,
      ],
      [
        'nul-reference.xlsx',
        'HTX&#0;A',
        /^a worksheet must be well-formed UTF-8 XML, but got 1:\d+: malformed character entity\. at nul-reference\.xlsx, sheet HTX$/,
      ],
      [
        'nul-escape.xlsx',
        'HTX_x0000_A',
        'a cell must hold text without NUL characters, but got a NUL character (written _x0000_) at nul-escape.xlsx, sheet HTX, row 2, column C',
      ],
    ];
    for (const [name, text, message] of cases) {
      const path = join(wh.dir, name);
      await writeFile(path, handmadeXlsx(sheetWith(text)));
      const error = await loadFile(path, { db: wh.db, maxYear: 2026 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(LoadRefusedError);
      const messages = (error as LoadRefusedError).findings.map(formatFinding);
      expect(messages).toHaveLength(1);
      if (typeof message === 'string') expect(messages[0]).toBe(message);
      else expect(messages[0]).toMatch(message);
    }
    expect(await fileHash(wh.db)).toBe(hash);
  });
});
