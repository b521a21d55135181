import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { stageFile } from '../../../etl/load/staging.ts';
import { REGISTER_SOURCE } from '../../../etl/sources/register.source.ts';
import type { StagedFile } from '../../../etl/staged/staged-file.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { useTestWarehouse } from '../../helpers/warehouse.ts';
import { writeWorkbook } from '../../helpers/xlsx.ts';
import { buildZip, WORKBOOK_RELS } from '../../helpers/zip-forge.ts';

/**
 * A workbook's rows reach staging through a temporary CSV file: every text must come back as it
 * was read — delimiters, quotes, line breaks, a typed number's mark, a sheet name with spaces at
 * its edges — and an empty cell as null.
 */
// Staging reads the warehouse's provinces (a total word in column A is a total only on a row that
// names no unit): a real default warehouse, only temporary tables written.
const warehouse = useTestWarehouse();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-staging-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Stages the register file `path` on the warehouse (temporary tables only) and reads it. */
async function withStaged<T>(
  path: string,
  read: (db: DuckDbHandle, staged: StagedFile) => Promise<T>,
): Promise<T> {
  const db = await DuckDbHandle.open(warehouse.db);
  try {
    return await read(
      db,
      await stageFile(db, REGISTER_SOURCE, path, (await readFile(path)).subarray(0, 512)),
    );
  } finally {
    db.close();
  }
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const SHEET_NAME = ' Sổ "1", HTX ';
const text = (ref: string, value: string) =>
  `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${value}</t></is></c>`;
/** The register columns of the workbook, A to G. */
const HEADERS = 'year org_id org_name org_type sector province_code revenue_vnd_million'.split(' ');
const NAMES = [
  'HTX "Tân Cương", chè',
  'HTX dòng một\ndòng hai',
  'HTX _x000D_ xuống dòng',
  'HTX \\ gạch, "ngoặc" \'đơn\'',
];

describe('staging a workbook', () => {
  it('keeps every text as read, and empty cells null', async () => {
    const header = HEADERS.map((h, i) => text(`${String.fromCharCode(65 + i)}1`, h)).join('');
    const rows = NAMES.map((name, i) => {
      const r = i + 2;
      const escaped = name.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
      return (
        `<row r="${r}"><c r="A${r}"><v>2024</v></c>${text(`B${r}`, String(4600000000 + i))}` +
        `${text(`C${r}`, escaped)}${text(`D${r}`, 'HTX')}${text(`E${r}`, 'AGRICULTURE')}` +
        `${text(`F${r}`, '19')}${i === 0 ? '' : `<c r="G${r}"><v>${i}.25</v></c>`}</row>`
      );
    });
    const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}"><sheetData><row r="1">${header}</row>${rows.join('')}</sheetData></worksheet>`;
    const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${SHEET_NAME.replaceAll('"', '&quot;')}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
    const path = join(dir, 'texts.xlsx');
    await writeFile(
      path,
      buildZip([
        { name: 'xl/workbook.xml', data: Buffer.from(workbook) },
        { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS) },
        { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheet) },
      ]),
    );
    await withStaged(path, async (db, staged) => {
      expect(staged.rowsRead).toBe(NAMES.length);
      const got = await db.all<{
        src_sheet: string;
        src_row: number;
        org_name: string;
        revenue_vnd_million: string | null;
        members: string | null;
      }>(
        'select src_sheet, src_row, org_name, revenue_vnd_million, members from stg_raw order by src_row',
      );
      expect(got).toEqual(
        NAMES.map((name, i) => ({
          src_sheet: SHEET_NAME,
          src_row: i + 2,
          org_name: name.replace('_x000D_', '\r').trim(),
          revenue_vnd_million: i === 0 ? null : `${i}.25`,
          members: null,
        })),
      );
    });
  });
});

describe('staging a CSV file', () => {
  /** A register under a title line, its revenues written as `revenues`, then its total row. */
  const register = (revenues: readonly string[], total: string) =>
    [
      'DANH SÁCH HỢP TÁC XÃ NĂM 2024',
      'STT,Năm,Mã số HTX,Tên HTX,Loại hình,Mã tỉnh,Số thành viên (người),Doanh thu (triệu đồng)',
      ...revenues.map(
        (r, i) => `${i + 1},2024,460123456${i},HTX số ${i + 1},HTX,01,${10 + i},"${r}"`,
      ),
      `Cộng,,,,,,${revenues.length * 10 + (revenues.length * (revenues.length - 1)) / 2},"${total}"`,
    ].join('\n');

  const stage = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return withStaged(path, async (db, staged) => ({
      staged,
      rows: await db.all<{
        src_row: number;
        revenue_vnd_million: number | null;
        unit_id: string | null;
      }>('select src_row, revenue_vnd_million, unit_id from stg_resolved order by src_row'),
      totals: await db.all<{ src_row: number; revenue_vnd_million: string | null }>(
        'select src_row, revenue_vnd_million from stg_total_row order by src_row',
      ),
    }));
  };

  it('reads decimals by the data rows: a total row written the other way is no evidence', async () => {
    // `1.250` and `310.250` read either way; only the total row says Vietnamese, and it does not count.
    const { staged, rows, totals } = await stage(
      'total-says-vietnamese.csv',
      register(['1.250', '310.250'], '311.500,0'),
    );
    expect(staged.decimals).toEqual({ convention: 'en', mixed: false });
    expect(staged.rowsRead).toBe(2);
    expect(rows).toEqual([
      { src_row: 3, revenue_vnd_million: 1.25, unit_id: '01:2008-08-01' },
      { src_row: 4, revenue_vnd_million: 310.25, unit_id: '01:2008-08-01' },
    ]);
    expect(totals).toEqual([{ src_row: 5, revenue_vnd_million: '311.500,0' }]);
  });

  it('reads decimals the Vietnamese way when the data rows write them so', async () => {
    const { staged, rows, totals } = await stage(
      'data-says-vietnamese.csv',
      register(['1.250,5', '310'], '1.560,5'),
    );
    expect(staged.decimals).toEqual({ convention: 'vn', mixed: false });
    expect(rows.map((r) => r.revenue_vnd_million)).toEqual([1250.5, 310]);
    expect(totals).toEqual([{ src_row: 5, revenue_vnd_million: '1.560,5' }]);
  });
});

describe('the typed read of a CSV file', () => {
  it('runs once, judged by the plan it ran, for a layout not seen before; plainly after', async () => {
    // A layout no other test reads (the columns in reverse order), so its plan is judged here.
    const path = join(dir, 'reversed.csv');
    const lines = ['year,org_id,org_name,org_type,province_code,members'];
    for (let i = 0; i < 5; i++) lines.push(`2024,46000000${i},HTX số ${i},HTX,01,${10 + i}`);
    await writeFile(path, lines.map((line) => line.split(',').reverse().join(',')).join('\n'));
    const typedReads = async () => {
      const db = await DuckDbHandle.open(warehouse.db);
      const seen: string[] = [];
      db.onStatement = (sql) => {
        const typed = /^\s*((?:explain (?:analyze )?)?create temp table stg_csv)\b/.exec(sql);
        if (typed) seen.push(typed[1]!);
      };
      try {
        await stageFile(db, REGISTER_SOURCE, path, (await readFile(path)).subarray(0, 512));
        const [{ n }] = await db.all<{ n: number }>(
          'select count(*)::integer as n from stg_resolved',
        );
        return { seen, n };
      } finally {
        db.close();
      }
    };
    expect(await typedReads()).toEqual({
      seen: ['explain analyze create temp table stg_csv'],
      n: 5,
    });
    expect(await typedReads()).toEqual({ seen: ['create temp table stg_csv'], n: 5 });
  });
});

describe('the blank around a cell', () => {
  // Office exports write tabs and no-break spaces around codes; a CSV file and a workbook with
  // the same cells must stage the same texts (one definition: JavaScript's trim).
  const CELLS: readonly (readonly string[])[] = [
    ['2024', '\t4600000001', 'HTX Tân Cương\u00a0', 'HTX', 'AGRICULTURE', '19\u00a0'],
    ['2024', '4600000002\u3000', '\u2003HTX Ạ\u00a0', '\tHTX', 'AGRICULTURE\u202f', '\ufeff19'],
    // One blank in the whole record, at the end of its last cell, the end of a middle one, the
    // start of the first: the record is trimmed all the same.
    ['2024', '4600000003', 'HTX Cuối', 'HTX', 'AGRICULTURE', '19\u00a0'],
    ['2024', '4600000004', 'HTX Giữa\u205f', 'HTX', 'AGRICULTURE', '19'],
    ['\ufeff2024', '4600000005', 'HTX Đầu', 'HTX', 'AGRICULTURE', '19'],
    ['2024', '4600000006', 'HTX  Tân\u00a0Cương', 'HTX', 'AGRICULTURE', '19'],
  ];
  const HEADER = HEADERS.slice(0, 6);

  async function staged(path: string) {
    const db = await DuckDbHandle.open(warehouse.db);
    try {
      await stageFile(db, REGISTER_SOURCE, path, (await readFile(path)).subarray(0, 512));
      return await db.all(
        'select src_row, org_id, org_name, org_type, sector, province_code from stg_raw order by src_row',
      );
    } finally {
      db.close();
    }
  }

  it('is removed alike from a CSV file and from a workbook', async () => {
    const csv = join(dir, 'blank.csv');
    const quote = (c: string) => `"${c}"`;
    await writeFile(csv, [HEADER, ...CELLS].map((r) => r.map(quote).join(',')).join('\n') + '\n');
    const xlsx = join(dir, 'blank.xlsx');
    await writeWorkbook(xlsx, [{ name: 'Sổ', rows: [HEADER, ...CELLS] }]);
    const expected = CELLS.map((r, i) => ({
      src_row: i + 2,
      org_id: r[1]!.trim(),
      org_name: r[2]!.trim(),
      org_type: r[3]!.trim(),
      sector: r[4]!.trim(),
      province_code: r[5]!.trim(),
    }));
    expect(await staged(xlsx)).toEqual(expected);
    expect(await staged(csv)).toEqual(expected);
  });
});

describe('staging files one after the other on one connection', () => {
  it('replaces the staging tables and views the file before left, whichever kind they were', async () => {
    const rows = (ids: readonly string[]) => [
      HEADERS.slice(0, 6),
      ...ids.map((id) => ['2024', id, `HTX ${id}`, 'HTX', 'AGRICULTURE', '19']),
    ];
    const csvA = join(dir, 'one-connection-a.csv');
    await writeFile(
      csvA,
      rows(['4600000101', '4600000102'])
        .map((r) => r.join(','))
        .join('\n'),
    );
    const xlsx = join(dir, 'one-connection.xlsx');
    await writeWorkbook(xlsx, [{ name: 'Sổ', rows: rows(['4600000201']) }]);
    const csvB = join(dir, 'one-connection-b.csv');
    await writeFile(
      csvB,
      rows(['4600000301'])
        .map((r) => r.join(','))
        .join('\n'),
    );
    const db = await DuckDbHandle.open(warehouse.db);
    try {
      const ids = [];
      // A CSV file leaves `stg_raw` a view over its typed rows; a workbook stages into a table.
      for (const path of [csvA, xlsx, csvB, csvA]) {
        await stageFile(db, REGISTER_SOURCE, path, (await readFile(path)).subarray(0, 512));
        ids.push(
          (await db.all<{ org_id: string }>('select org_id from stg_raw order by src_row')).map(
            (r) => r.org_id,
          ),
        );
      }
      expect(ids).toEqual([
        ['4600000101', '4600000102'],
        ['4600000201'],
        ['4600000301'],
        ['4600000101', '4600000102'],
      ]);
    } finally {
      db.close();
    }
  });
});

describe('a CSV file with quoted cells on several lines', () => {
  it('finds the header below a title whose quoted cell spans lines, and reads a data cell on two lines', async () => {
    const csv = join(dir, 'multiline.csv');
    await writeFile(
      csv,
      [
        '"BIỂU SỐ 01: SỔ HỢP TÁC XÃ\nNăm 2024",,,,,',
        HEADERS.slice(0, 6).join(','),
        '2024,4600000001,"HTX dòng một\ndòng hai",HTX,AGRICULTURE,19',
        '2024,4600000002,HTX Tân Cương,HTX,AGRICULTURE,19',
        '',
      ].join('\n'),
    );
    const db = await DuckDbHandle.open(warehouse.db);
    try {
      const staged = await stageFile(
        db,
        REGISTER_SOURCE,
        csv,
        (await readFile(csv)).subarray(0, 512),
      );
      expect(staged.rowsRead).toBe(2);
      expect(staged.findings.filter((f) => f.severity === 'ERROR')).toEqual([]);
      // Rows are records, as a spreadsheet numbers them: the title 1, the header 2.
      expect(
        await db.all('select src_row, org_id, org_name from stg_raw order by src_row'),
      ).toEqual([
        { src_row: 3, org_id: '4600000001', org_name: 'HTX dòng một\ndòng hai' },
        { src_row: 4, org_id: '4600000002', org_name: 'HTX Tân Cương' },
      ]);
    } finally {
      db.close();
    }
  });
});
