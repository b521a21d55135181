import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatFinding, LoadRefusedError } from '../../../etl/load/findings.ts';
import { loadFile } from '../../../etl/load/load-file.ts';
import { fileHash, fixture, query, useTestWarehouse } from '../../helpers/warehouse.ts';

const TN = '19:2008-08-01';
const LC = '12:2008-08-01';

const wh = useTestWarehouse();

type Cell = string | number | null;

const HEADER: Cell[] = [
  'STT',
  'Năm',
  'Tỉnh',
  'Loại hình',
  'Lĩnh vực',
  'Số lượng (HTX)',
  'Số thành viên (người)',
  'Lao động (người)',
  'Doanh thu bình quân (triệu đồng)',
];

/**
 * A workbook laid out the way a provincial office makes one: a merged title, a subtitle, a blank
 * row, a unit line, the header with units, a row numbering the columns, data rows with typed
 * numbers beside text numbers, and a merged "Tổng cộng" row.
 */
async function provinceWorkbook(
  path: string,
  options: { header?: Cell[]; total?: Cell[]; rows?: Cell[][] } = {},
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Biểu 01');
  sheet.getCell('A1').value = 'BIỂU SỐ 01: SỐ LƯỢNG HỢP TÁC XÃ, THÀNH VIÊN, LAO ĐỘNG NĂM 2024';
  sheet.mergeCells('A1:I1');
  sheet.getCell('A2').value = '(Kèm theo Báo cáo số 125/BC-STC ngày 15/12/2024 của Sở Tài chính)';
  sheet.mergeCells('A2:I2');
  sheet.getCell('G4').value = 'Đơn vị tính: như ghi ở từng cột';
  sheet.getRow(5).values = options.header ?? HEADER;
  sheet.getRow(6).values = ['A', 'B', 'C', 'D', 'E', '1', '2', '3', '4'];
  const rows = options.rows ?? [
    [1, 2024, 'Thái Nguyên', 'HTX', 'Nông nghiệp', 590, 17800, 2100, 980.25],
    [2, 2024, 'Thái Nguyên', 'HTX', 'Công nghiệp - TTCN', 45, 900, 310, '1050,5'],
    [3, 2024, 'Thái Nguyên', 'HTX', 'Thương mại - dịch vụ', 70, 1400, 260, 1200],
  ];
  rows.forEach((values, i) => (sheet.getRow(7 + i).values = values));
  const totalRow = 7 + rows.length;
  sheet.getRow(totalRow).values = options.total ?? [
    'Tổng cộng',
    null,
    null,
    null,
    null,
    705,
    20100,
    2670,
    null,
  ];
  sheet.mergeCells(`A${totalRow}:E${totalRow}`);
  await workbook.xlsx.writeFile(path);
}

/** Writes `lines` as the CSV file `name` beside the test warehouse; returns its path. */
async function csvFile(name: string, lines: readonly string[]): Promise<string> {
  const path = join(wh.dir, name);
  await writeFile(path, lines.join('\n'));
  return path;
}

async function refusal(path: string): Promise<string[]> {
  const before = await fileHash(wh.db);
  const error = await loadFile(path, { db: wh.db, maxYear: 2026 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoadRefusedError);
  expect(await fileHash(wh.db)).toBe(before);
  const findings = (error as LoadRefusedError).findings;
  expect(findings.every((f) => typeof f.rule === 'string' && f.rule.length > 0)).toBe(true);
  return findings.filter((f) => f.severity === 'ERROR').map(formatFinding);
}

/** One expected sector row of {@link facts}: the figures not given are missing (null). */
const fact = (
  sector: string,
  org_count: number | null,
  members: number | null,
  employees: number | null = null,
  revenue_avg_vnd_million: number | null = null,
) => ({ sector, org_count, members, employees, revenue_avg_vnd_million });

const facts = (unitId: string) =>
  query<{
    sector: string;
    org_count: number | null;
    members: number | null;
    employees: number | null;
    revenue_avg_vnd_million: number | null;
  }>(
    wh.db,
    `select sector, org_count, members, employees, revenue_avg_vnd_million from fct_org_annual
     where valid_to_version is null and unit_id = $1 and year = 2024 and org_type = 'HTX'
       and source_code = 'PSO'
     order by sector`,
    [unitId],
  );

describe('workbooks as offices make them', () => {
  it('loads a provincial workbook: titles, merged title, STT, column numbers, units, typed numbers, a checked total row', async () => {
    const path = join(wh.dir, 'thai-nguyen-2024.xlsx');
    await provinceWorkbook(path);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026 });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(3);
    // No header was ignored: the units and the STT column are accepted as they are.
    expect(report.warnings.map(formatFinding).join('\n')).not.toMatch(/ignored/);
    const rows = await facts(TN);
    expect(rows.filter((r) => r.sector !== 'ALL')).toEqual([
      fact('AGRICULTURE', 590, 17800, 2100, 980.25),
      fact('INDUSTRY_HANDICRAFT', 45, 900, 310, 1050.5),
      fact('TRADE_SERVICES', 70, 1400, 260, 1200),
    ]);
  });

  it('refuses a total row that is not the sum of its rows, with both numbers and the place', async () => {
    const path = join(wh.dir, 'wrong-total.xlsx');
    await provinceWorkbook(path, {
      total: ['Tổng cộng', null, null, null, null, 710, 20100, 2670, null],
    });
    expect(await refusal(path)).toEqual([
      "a total row must equal the sum of the rows it totals (rows 7–9 sum to 705); correct the total or the rows, but got '710' at wrong-total.xlsx, sheet Biểu 01, row 10, column F (Số lượng (HTX))",
    ]);
  });

  it('refuses a unit of another scale in a header, saying what to convert', async () => {
    const path = join(wh.dir, 'thousands.xlsx');
    const header = [...HEADER];
    header[6] = 'Số thành viên (nghìn người)';
    await provinceWorkbook(path, { header });
    expect(await refusal(path)).toEqual([
      "a header's unit must be the unit of its column: column `members` is in thành viên (members), but '(nghìn người)' means thousands of people; convert the figures to thành viên and write the header as 'Số thành viên' — the loader never rescales figures, but got 'Số thành viên (nghìn người)' at thousands.xlsx, sheet Biểu 01, row 5, column G",
    ]);
  });

  it('refuses merged cells in the header row itself, saying how to fix the sheet', async () => {
    const path = join(wh.dir, 'merged-header-row.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('HTX');
    sheet.getCell('A1').value = 'BIỂU SỐ 01';
    sheet.mergeCells('A1:F1');
    sheet.getRow(3).values = ['Năm', 'Mã tỉnh', 'Loại hình', 'Xếp loại', null, 'Số lượng'];
    sheet.getRow(4).values = [2024, 12, 'HTX', 10, 20, 100];
    sheet.mergeCells('D3:E3');
    await workbook.xlsx.writeFile(path);
    expect(await refusal(path)).toEqual([
      'headers must be one row of single cells (unmerge them and give each column its own header in that one row; merged title rows above the header are fine, a header on two rows is not read), but got merged cells D3:E3 at merged-header-row.xlsx, sheet HTX, row 3',
    ]);
  });

  it('gives the place of a decimal written in the other convention, and no rule without text', async () => {
    const path = join(wh.dir, 'two-conventions.xlsx');
    await provinceWorkbook(path, {
      rows: [
        [1, 2024, 'Thái Nguyên', 'HTX', 'Nông nghiệp', 590, 17800, 2100, '980,25'],
        [2, 2024, 'Thái Nguyên', 'HTX', 'Công nghiệp - TTCN', 45, 900, 310, '1,050.5'],
      ],
      total: ['Tổng cộng', null, null, null, null, 635, 18700, 2410, null],
    });
    const messages = await refusal(path);
    expect(messages).toEqual([
      "column `revenue_avg_vnd_million` must be a number in the file's convention, but got '980,25' at two-conventions.xlsx, sheet Biểu 01, row 7, column I (Doanh thu bình quân (triệu đồng))",
      "decimal numbers must follow one convention in a file (1.234,5 or 1,234.5); the file also writes numbers as 1,234.5 (English), so this one is ambiguous: write every decimal one way, or type the cells as numbers in Excel, but got '980,25' at two-conventions.xlsx, sheet Biểu 01, row 7, column I (Doanh thu bình quân (triệu đồng))",
      "decimal numbers must follow one convention in a file (1.234,5 or 1,234.5); the file also writes numbers as 1.234,5 (Vietnamese), so this one is ambiguous: write every decimal one way, or type the cells as numbers in Excel, but got '1,050.5' at two-conventions.xlsx, sheet Biểu 01, row 8, column I (Doanh thu bình quân (triệu đồng))",
    ]);
  });

  it('refuses a total row whose province is unknown without a rule of null', async () => {
    // "Cả nước" under rows with no year: not a province, but a total, so it is checked as one.
    const path = await csvFile('national-total.csv', [
      'Năm,Tỉnh,Loại hình,Số lượng (HTX)',
      '2024,Lai Châu,HTX,200',
      ',Tỉnh Không Có,HTX,5',
    ]);
    const messages = await refusal(path);
    expect(messages.join('\n')).not.toMatch(/^null|- null/m);
    expect(messages).toContain(
      "column `province_name` must name a province valid on 31 December of the row's year, but got 'Tỉnh Không Có' at national-total.csv, row 3, column B (Tỉnh)",
    );
  });

  it('loads a CSV with title lines above its header and checks its total line', async () => {
    const path = await csvFile('lai-chau-2024.csv', [
      'BIỂU SỐ 01: SỐ LƯỢNG HỢP TÁC XÃ NĂM 2024',
      '',
      'Đơn vị tính: như ghi ở từng cột',
      'STT,Năm,Mã tỉnh,Loại hình,Lĩnh vực,Số lượng (HTX),Số thành viên (người)',
      '1,2024,12,HTX,Nông nghiệp,150,3000',
      '2,2024,12,HTX,Vận tải,20,400',
      'Cộng,,,,,170,3400',
    ]);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026 });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(2);
    expect((await facts(LC)).filter((r) => r.sector !== 'ALL')).toEqual([
      fact('AGRICULTURE', 150, 3000),
      fact('TRANSPORT', 20, 400),
    ]);

    const wrong = await csvFile('lai-chau-wrong.csv', [
      'BIỂU SỐ 01: SỐ LƯỢNG HỢP TÁC XÃ NĂM 2024',
      'STT,Năm,Mã tỉnh,Loại hình,Lĩnh vực,Số lượng (HTX),Số thành viên (người)',
      'Tổng số,,,,,171,3400',
      '1,2024,12,HTX,Nông nghiệp,150,3000',
      '2,2024,12,HTX,Vận tải,20,400',
    ]);
    expect(await refusal(wrong)).toEqual([
      "a total row must equal the sum of the rows it totals (rows 4–5 sum to 170); correct the total or the rows, but got '171' at lai-chau-wrong.csv, row 3, column F (Số lượng (HTX))",
    ]);
  });

  it('refuses the README example table, whose total row does not add up, with the message the README shows', async () => {
    expect(await refusal(fixture('etl', 'office-wrong-total.csv'))).toEqual([
      "a total row must equal the sum of the rows it totals (rows 5–7 sum to 4010); correct the total or the rows, but got '4100' at office-wrong-total.csv, row 8, column G (Số thành viên (người))",
    ]);
  });

  it('tells a register below a title line by its header, and checks its total row', async () => {
    const register = (name: string, total: string) =>
      csvFile(name, [
        'DANH SÁCH HỢP TÁC XÃ NĂM 2024',
        'STT,Năm,Mã số HTX,Tên HTX,Loại hình,Mã tỉnh,Số thành viên (người),Doanh thu (triệu đồng)',
        '1,2024,4601234567,HTX Chè Sóc Sơn,HTX,01,25,"1250,5"',
        '2,2024,4601234568,HTX Rau Đông Anh,HTX,01,12,"310,25"',
        `Cộng,,,,,,37,"${total}"`,
      ]);
    const path = await register('register-titled.csv', '1560,75');
    const report = await loadFile(path, { db: wh.db, maxYear: 2026 });
    expect(report.family).toBe('register');
    expect(report.rowsRead).toBe(2);

    const wrong = await register('register-titled-wrong.csv', '1570,75');
    expect(await refusal(wrong)).toEqual([
      "a total row must equal the sum of the rows it totals (rows 3–4 sum to 1560.75); correct the total or the rows, but got '1570,75' at register-titled-wrong.csv, row 5, column H (Doanh thu (triệu đồng))",
    ]);
  });

  it('loads an organisation whose name starts like a total word as a data row', async () => {
    const path = await csvFile('register-named-like-totals.csv', [
      'STT,Năm,Mã số HTX,Tên HTX,Loại hình,Mã tỉnh,Số thành viên (người)',
      '1,2024,4601234570,Cộng đồng Chè Tân Cương,HTX,02,25',
      '2,2024,4601234571,Tổng đội Thanh niên xung phong,HTX,02,12',
    ]);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026 });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(2);
  });
});

describe('a row that names a real unit is never a total row because of column A', () => {
  // Column A is a column the loader does not read ("Xã", a commune): a total word there marks a
  // total row only in a row with no organisation code and no known province.
  const header = 'Xã,Năm,Mã tỉnh,Loại hình,Lĩnh vực,Số lượng (HTX),Số thành viên (người)';

  it('loads CSV rows whose commune reads like a total word, with figures or without, and still checks a real total', async () => {
    const path = await csvFile('communes-2024.csv', [
      header,
      'Cộng Hòa,2024,12,HTX,Nông nghiệp,151,3001',
      'Tổng đội 3,2024,12,HTX,Vận tải,21,401',
      'Tổng cộng,,,,,172,3402',
    ]);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, replace: true });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(2);
    expect((await facts(LC)).filter((r) => r.sector !== 'ALL')).toEqual([
      fact('AGRICULTURE', 151, 3001),
      fact('TRANSPORT', 21, 401),
    ]);

    // The total row itself, with no unit, is still a total: checked, and refused when wrong.
    const wrong = await csvFile('communes-wrong-total.csv', [
      header,
      'Cộng Hòa,2024,12,HTX,Nông nghiệp,150,3000',
      'Tổng đội 3,2024,12,HTX,Vận tải,20,400',
      'Tổng cộng,,,,,171,3400',
    ]);
    expect(await refusal(wrong)).toEqual([
      "a total row must equal the sum of the rows it totals (rows 2–3 sum to 170); correct the total or the rows, but got '171' at communes-wrong-total.csv, row 4, column F (Số lượng (HTX))",
    ]);

    // A row with a province name and no figures at all is a data row, never dropped as a total.
    const empty = await csvFile('communes-empty-row.csv', [
      'Huyện,Năm,Tỉnh,Loại hình,Lĩnh vực,Số lượng (HTX),Số thành viên (người)',
      'Cộng đồng Nậm Nhùn,2024,Lai Chau,HTX,Xây dựng,,',
      'Toàn tỉnh Lai Châu,2024,Tỉnh Lai Châu,HTX,Môi trường,4,80',
      ',,Cộng,,,4,80',
    ]);
    const second = await loadFile(empty, { db: wh.db, maxYear: 2026, replace: true });
    expect(second.rowsRead).toBe(2);
    expect(
      (await facts(LC)).filter((r) => r.sector === 'CONSTRUCTION' || r.sector === 'ENVIRONMENT'),
    ).toEqual([fact('CONSTRUCTION', null, null), fact('ENVIRONMENT', 4, 80)]);
  });

  it('loads workbook rows whose commune reads like a total word, and still checks a real total', async () => {
    const header = [...HEADER];
    header[0] = 'Xã';
    const rows: Cell[][] = [
      ['Cộng Hòa', 2024, 'Thái Nguyên', 'HTX', 'Nông nghiệp', 590, 17800, 2100, 980.25],
      ['Tổng đội 3', 2024, 'Tỉnh Thái Nguyên', 'HTX', 'Vận tải', null, null, null, null],
    ];
    const path = join(wh.dir, 'communes.xlsx');
    await provinceWorkbook(path, {
      header,
      rows,
      total: ['Tổng cộng', null, null, null, null, 590, null, null, null],
    });
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, replace: true });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(2);
    expect((await facts(TN)).filter((r) => r.sector !== 'ALL')).toEqual([
      fact('AGRICULTURE', 590, 17800, 2100, 980.25),
      fact('TRANSPORT', null, null),
    ]);

    const wrong = join(wh.dir, 'communes-wrong-total.xlsx');
    await provinceWorkbook(wrong, {
      header,
      rows: [
        rows[0]!,
        ['Tổng đội 3', 2024, 'Tỉnh Thái Nguyên', 'HTX', 'Vận tải', 10, 200, 30, null],
      ],
      total: ['Tổng cộng', null, null, null, null, 600, 18100, 2130, null],
    });
    expect(await refusal(wrong)).toEqual([
      "a total row must equal the sum of the rows it totals (rows 7–8 sum to 18000); correct the total or the rows, but got '18100' at communes-wrong-total.xlsx, sheet Biểu 01, row 9, column G (Số thành viên (người))",
    ]);
  });

  it('reads a register row with an organisation code as data whatever column A says, and refuses it for what it holds', async () => {
    const path = await csvFile('register-communes.csv', [
      'Xã,Năm,Mã số HTX,Tên HTX,Loại hình,Mã tỉnh,Số thành viên (người)',
      'Cộng Hòa,2024,4601234580,HTX Cộng Hòa,HTX,99,25',
    ]);
    const messages = await refusal(path);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^column `province_code` must be the code of a province.*, but got '99' at register-communes\.csv, row 2, column F \(Mã tỉnh\)$/,
    );
  });
});

describe('the row numbering the columns of a CSV file is its record under the header', () => {
  it('drops a column-number row under a header with a cell on two lines', async () => {
    const path = await csvFile('numbered-two-line-header.csv', [
      'Năm,Tỉnh,Loại hình,"Số lượng',
      '(HTX)",Số thành viên (người)',
      'A,B,C,(1),(2)',
      '2024,Lai Châu,HTX,150,3000',
    ]);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, replace: true });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(1);
    expect((await facts(LC)).find((r) => r.sector === 'ALL')).toMatchObject({
      org_count: 150,
      members: 3000,
    });
  });

  it('drops a column-number row under a header below title lines, and only that row', async () => {
    const path = await csvFile('numbered-titled.csv', [
      'BIỂU SỐ 01: SỐ LƯỢNG HỢP TÁC XÃ NĂM 2024',
      'Đơn vị tính: như ghi ở từng cột',
      'STT,Năm,Tỉnh,Loại hình,Số lượng (HTX),Số thành viên (người)',
      'A,B,C,D,(1),(2)',
      '1,2024,Lai Châu,HTX,160,3100',
      '2,2024,Thái Nguyên,HTX,600,18000',
    ]);
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, replace: true });
    expect(report.rowsRead).toBe(2);
    expect((await facts(LC)).find((r) => r.sector === 'ALL')).toMatchObject({
      org_count: 160,
      members: 3100,
    });
  });
});

describe('total words, in JavaScript (workbooks) and in SQL (CSV files)', () => {
  // The texts a form writes its totals with are totals on both paths (by text alone: a sector
  // "Công nghiệp" folds like "Cộng", which is why a sector column never marks a total).
  const TOTALS = [
    'Tổng cộng',
    'TỔNG SỐ TOÀN TỈNH',
    'Cộng:',
    '- Tổng cộng',
    '– Cộng',
    '(Cộng)',
    '\tTổng',
    '* Tổng số',
    'Cộng Hòa',
    'Công nghiệp',
    'Cộng đồng Tân Cương',
    'Subtotal',
    'Grand total',
  ];
  const OTHERS = ['Thái Nguyên', '01', '1. Tổng', 'Đắk Lắk', '- Thái Nguyên'];
  const TEXTS = [...TOTALS, ...OTHERS];

  it('agree on every text, whatever comes before the word', async () => {
    const { DuckDbHandle } = await import('../../../warehouse/dialect/index.ts');
    const { isTotalSql, isTotalText } = await import('../../../etl/load/sheet-layout.ts');
    const db = await DuckDbHandle.open(':memory:');
    try {
      const sqlSays: boolean[] = [];
      for (const text of TEXTS) {
        const [row] = await db.all<{ total: boolean }>(
          `select ${isTotalSql('t')} as total from (select $1::varchar as t)`,
          [text],
        );
        sqlSays.push(row!.total);
      }
      expect(sqlSays).toEqual(TEXTS.map((t) => isTotalText(t)));
      expect(TEXTS.filter((t) => isTotalText(t))).toEqual(TOTALS);
    } finally {
      db.close();
    }
  });
});
