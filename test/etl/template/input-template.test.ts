import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { cli, ROOT } from '../../helpers/cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { runTemplate } from '../../../etl/cli/template.ts';
import { columnGuides } from '../../../etl/template/column-guide.ts';
import { TEMPLATE_SHEETS } from '../../../etl/template/input-template.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { testConfig } from '../../helpers/server.ts';
import { createTestWarehouse, query, type TestWarehouse } from '../../helpers/warehouse.ts';
import { rawGet } from '../../helpers/http.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
beforeAll(async () => {
  wh = await createTestWarehouse();
}, 120_000);
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

/** Opens a workbook and returns its data sheet's header row and the named list column. */
async function open(file: string | Buffer, lang: 'vi' | 'en') {
  const book = new ExcelJS.Workbook();
  if (typeof file === 'string') await book.xlsx.readFile(file);
  else await book.xlsx.load(file as unknown as ArrayBuffer);
  const data = book.getWorksheet(TEMPLATE_SHEETS[lang].data)!;
  const headers = (data.getRow(1).values as unknown[]).slice(1).map(String);
  const lists = book.getWorksheet(TEMPLATE_SHEETS[lang].lists)!;
  const listOf = (name: string) => {
    const column = (lists.getRow(2).values as unknown[]).indexOf(name);
    const values: string[] = [];
    for (let r = 3; lists.getCell(r, column).value !== null; r++)
      values.push(String(lists.getCell(r, column).value));
    return values;
  };
  return { book, data, headers, listOf };
}

/** Fills rows into the data sheet by header, as a clerk would, and saves the workbook. */
async function fill(
  file: string,
  lang: 'vi' | 'en',
  rows: readonly Readonly<Record<string, string | number>>[],
  out: string,
) {
  const { book, data, headers } = await open(file, lang);
  rows.forEach((row, i) => {
    for (const [header, value] of Object.entries(row)) {
      const column = headers.indexOf(header);
      expect(column, header).toBeGreaterThanOrEqual(0);
      data.getCell(2 + i, column + 1).value = value;
    }
  });
  await book.xlsx.writeFile(out);
}

/**
 * The example row the notes sheet ends with, as header → value: the last two rows of the sheet
 * (the headers, then the example's values), as a clerk would copy them.
 */
async function exampleRow(
  file: string,
  lang: 'vi' | 'en',
): Promise<Record<string, string | number>> {
  const { book } = await open(file, lang);
  const notes = book.getWorksheet(TEMPLATE_SHEETS[lang].notes)!;
  const headers = notes.getRow(notes.rowCount - 1);
  const values = notes.getRow(notes.rowCount);
  const row: Record<string, string | number> = {};
  headers.eachCell((cell, column) => {
    const value = values.getCell(column).value;
    if (value !== null) row[String(cell.value)] = value as string | number;
  });
  return row;
}

describe('coopstat template', () => {
  it('writes headers the loader maps, lists of the provinces valid that year, notes', async () => {
    const out = join(wh.dir, 'agg-vi-2024.xlsx');
    const run = await cli('template', 'aggregates', '--year', '2024', '-o', out, '--db', wh.db);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`wrote ${out}\n`);
    const { headers, listOf, book } = await open(out, 'vi');
    expect(headers).toEqual(columnGuides('aggregates', 'vi').map((g) => g.header));
    expect(headers.slice(0, 5)).toEqual(['Năm', 'Mã tỉnh', 'Tỉnh', 'Loại hình', 'Lĩnh vực']);
    expect(new Set(headers).size).toBe(headers.length);
    // 63 provinces on 31 December 2024; 34 after the 2025 mergers.
    expect(listOf('province_name')).toHaveLength(63);
    expect(listOf('province_name')).toContain('Tỉnh Bắc Kạn');
    expect(listOf('org_type')).toEqual([
      'Tổ hợp tác',
      'Hợp tác xã',
      'Liên hiệp hợp tác xã',
      'Quỹ tín dụng nhân dân',
    ]);
    const notes = book.getWorksheet(TEMPLATE_SHEETS.vi.notes)!;
    const text = (notes.getSheetValues() as unknown[][])
      .flat()
      .filter((v) => typeof v === 'string')
      .join('\n');
    expect(text).toContain('Ô để trống là không có số liệu');
    expect(text).toContain('triệu đồng');
    // What the command writes for another year (runTemplate, in this process), into a folder it
    // makes; a folder named as the workbook is refused.
    const later = join(wh.dir, 'templates', '2025', 'agg-vi-2025.xlsx');
    await expect(
      runTemplate({
        family: 'aggregates',
        lang: 'vi',
        year: '2025',
        output: wh.dir,
        dbPath: wh.db,
      }),
    ).rejects.toThrow(`-o must name the workbook to write, but got a folder at ${wh.dir}`);
    await runTemplate({
      family: 'aggregates',
      lang: 'vi',
      year: '2025',
      output: later,
      dbPath: wh.db,
    });
    expect((await open(later, 'vi')).listOf('province_name')).toHaveLength(34);
  }, 60_000);

  it('refuses an unknown family with exit 2 and the usage', async () => {
    const run = await cli('template', 'budget', '--db', wh.db);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      "coopstat template: needs the family, aggregates or register, but got 'budget'",
    );
  });

  it('a template filled in as its notes say loads (Vietnamese, real figures of Thái Nguyên 2021)', async () => {
    const template = join(wh.dir, 'agg-vi-2021.xlsx');
    await runTemplate({
      family: 'aggregates',
      lang: 'vi',
      year: '2021',
      output: template,
      dbPath: wh.db,
    });
    const { listOf } = await open(template, 'vi');
    const province = listOf('province_name').find((n) => n.includes('Thái Nguyên'))!;
    const [htx, lhhtx] = listOf('org_type').slice(1, 3);
    // Báo Thái Nguyên / VCCI, early 2022: 643 HTX with over 42,500 members and workers; 4 unions
    // with 26 member cooperatives.
    const filled = join(wh.dir, 'thai-nguyen-2021.xlsx');
    await fill(
      template,
      'vi',
      [
        { Năm: 2021, Tỉnh: province, 'Loại hình': htx!, 'Số tổ chức': 643 },
        {
          Năm: 2021,
          Tỉnh: province,
          'Loại hình': lhhtx!,
          'Số tổ chức': 4,
          'Thành viên': 26,
        },
      ],
      filled,
    );
    const report = await loadFile(filled, { db: wh.db });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(2);
    const rows = await query(
      wh.db,
      `select org_type, org_count, members from fct_org_annual
       where unit_id = (select unit_id from dim_admin_unit where code = '19' and valid_from <= '2021-12-31' and coalesce(valid_to, '9999-12-31') >= '2021-12-31')
         and year = 2021 and load_id = ? and valid_to_version is null order by org_type`,
      [report.loadId],
    );
    expect(rows).toEqual([
      { org_type: 'HTX', org_count: 643, members: null },
      { org_type: 'LHHTX', org_count: 4, members: 26 },
    ]);
  }, 60_000);

  it('a template filled in English over HTTP loads (Thái Nguyên 2018: 430 HTX, 7,150 THT)', async () => {
    server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
    const res = await rawGet(`${server.origin}/templates/aggregates.xlsx?lang=en&year=2018`, {});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const template = join(wh.dir, 'agg-en-2018.xlsx');
    await writeFile(template, res.body);
    const { headers, listOf } = await open(template, 'en');
    expect(headers).toEqual(columnGuides('aggregates', 'en').map((g) => g.header));
    expect(listOf('org_type')).toEqual(['THT', 'HTX', 'LHHTX', 'QTDND']);
    const filled = join(wh.dir, 'thai-nguyen-2018.xlsx');
    await fill(
      template,
      'en',
      [
        { year: 2018, province_code: '19', org_type: 'HTX', 'org_count (organisations)': 430 },
        { year: 2018, province_code: '19', org_type: 'THT', 'org_count (organisations)': 7150 },
      ],
      filled,
    );
    const report = await loadFile(filled, { db: wh.db });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.totals.added).toBe(2);
    const bad = await rawGet(`${server.origin}/templates/aggregates.xlsx?lang=fr`, {});
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).errors[0].message).toBe(
      "parameter lang must be vi or en, but got 'fr'",
    );
    expect((await rawGet(`${server.origin}/templates/budget.xlsx`, {})).status).toBe(404);
  }, 60_000);

  it.each(['aggregates', 'register'] as const)(
    "the %s template's example row, copied to the data sheet, loads",
    async (family) => {
      for (const lang of ['vi', 'en'] as const) {
        const template = join(wh.dir, `${family}-${lang}-example.xlsx`);
        await runTemplate({ family, lang, year: '2023', output: template, dbPath: wh.db });
        const row = await exampleRow(template, lang);
        // The example is one of Thái Nguyên's (code 19) rows.
        const codeHeader = columnGuides(family, lang).find(
          (g) => g.column.name === 'province_code',
        )!;
        expect(row[codeHeader.header], `${family} ${lang}`).toBe('19');
        const filled = join(wh.dir, `${family}-${lang}-example-filled.xlsx`);
        await fill(template, lang, [row], filled);
        const report = await loadFile(filled, { db: wh.db, dryRun: true });
        expect(report.outcome, `${family} ${lang}`).toBe('DRY_RUN');
        expect(report.rowsRead).toBe(1);
      }
    },
    60_000,
  );
});

describe('docs/input-format.md', () => {
  it('is generated from the descriptors and committed current (npm run docs:input-format)', async () => {
    const { renderInputFormatDoc } = await import('../../../etl/template/input-format-doc.ts');
    const committed = await readFile(join(ROOT, 'docs/input-format.md'), 'utf8');
    expect(committed).toBe(renderInputFormatDoc());
  });
});
