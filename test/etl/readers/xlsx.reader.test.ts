/**
 * `readXlsx` with `onePass` (each worksheet inflated once, merged cells found in the same pass)
 * against the read that checks the whole package first: on every workbook the same rows, the
 * same warnings, the same merged ranges told, or the same refusal.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  readXlsx,
  readXlsxHeaders,
  sharedStringTablesParsed,
  type ReadXlsxOptions,
  type XlsxRow,
  type XlsxWarning,
} from '../../../etl/readers/xlsx.reader.ts';
import { writeBuiltWorkbook } from '../../helpers/xlsx.ts';
import { buildZip, locateEntry, WORKBOOK_RELS } from '../../helpers/zip-forge.ts';

/** The folder of this file's workbooks, removed at the end. */
const folder = { path: '' };
beforeAll(async () => {
  folder.path = await mkdtemp(join(tmpdir(), 'coopstat-xlsx-one-pass-'));
});
afterAll(() => rm(folder.path, { recursive: true, force: true }));

const workbook = (name: string, build: (wb: ExcelJS.Workbook) => void) =>
  writeBuiltWorkbook(join(folder.path, name), build);

/** What a read ends with: its rows and warnings, or its refusal; and the merged ranges told. */
interface Outcome {
  readonly rows?: XlsxRow[];
  readonly warnings?: XlsxWarning[];
  readonly refusal?: string;
  readonly merges: [string, readonly string[]][];
}

async function outcome(path: string, options: ReadXlsxOptions): Promise<Outcome> {
  const rows: XlsxRow[] = [];
  const warnings: XlsxWarning[] = [];
  const merges: [string, readonly string[]][] = [];
  const told = options.onMergedCells
    ? { onMergedCells: (sheet: string, ranges: readonly string[]) => merges.push([sheet, ranges]) }
    : {};
  try {
    for await (const row of readXlsx(path, {
      ...options,
      ...told,
      onWarning: (w) => warnings.push(w),
    }))
      rows.push(row);
  } catch (error) {
    return { refusal: (error as Error).message, merges };
  }
  return { rows, warnings, merges };
}

/** Reads `path` both ways, with and without `onMergedCells`, and expects the same outcomes. */
async function expectSameOutcome(path: string, options: ReadXlsxOptions = {}): Promise<Outcome> {
  let first: Outcome | undefined;
  for (const merged of [false, true]) {
    const base = merged ? { ...options, onMergedCells: () => {} } : options;
    const twoPass = await outcome(path, base);
    const onePass = await outcome(path, { ...base, onePass: true });
    expect(onePass).toEqual(twoPass);
    first ??= twoPass;
  }
  return first!;
}

/** A sheet part of `rows` rows, cells A (text) and B (number); `extra` is put before `</sheetData>`. */
function sheetXml(rows: number, extra = '', after = ''): string {
  const body = Array.from(
    { length: rows },
    (_, i) =>
      `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>Tỉnh ${i}</t></is></c><c r="B${i + 1}"><v>${i * 7919}</v></c></row>`,
  ).join('');
  return `<worksheet><sheetData>${body}${extra}</sheetData>${after}</worksheet>`;
}

const TWO_SHEETS_WORKBOOK = `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="HTX" sheetId="1" r:id="rId1"/><sheet name="THT" sheetId="2" r:id="rId2"/></sheets></workbook>`;
const TWO_SHEETS_RELS = WORKBOOK_RELS.replace(
  '</Relationships>',
  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>',
);

/** A two-sheet package written by hand; the last argument's bytes can be spoilt after. */
function twoSheets(first: string, second: string, notes = 'Nguồn: Cục Thống kê'): Buffer {
  return buildZip([
    { name: 'xl/workbook.xml', data: Buffer.from(TWO_SHEETS_WORKBOOK) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(TWO_SHEETS_RELS) },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(first) },
    { name: 'xl/worksheets/sheet2.xml', data: Buffer.from(second) },
    { name: 'docProps/notes.txt', data: Buffer.from(notes.repeat(50)) },
  ]);
}

async function writeBytes(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(folder.path, name);
  await writeFile(path, bytes);
  return path;
}

/** Spoils the first deflate block of `entry` (BTYPE 11 is reserved). */
function corrupt(zip: Buffer, entry: string): Buffer {
  const copy = Buffer.from(zip);
  copy[locateEntry(copy, entry).dataStart] = 0xff;
  return copy;
}

describe('readXlsx with onePass', () => {
  it('reads the rows, warnings and merged ranges of a workbook as the two-pass read does', async () => {
    const path = await workbook('plain.xlsx', (wb) => {
      const htx = wb.addWorksheet('HTX');
      htx.addRow(['Báo cáo năm 2024']);
      htx.mergeCells('A1:C1');
      htx.addRow(['Mã tỉnh', 'Số HTX', 'Số thành viên', 'Ngày']);
      for (let r = 0; r < 2000; r++)
        htx.addRow([
          String(r % 63).padStart(2, '0'),
          r,
          r / 8,
          new Date(Date.UTC(2024, 0, 1 + (r % 300))),
        ]);
      htx.addRow(['Cộng', { formula: 'SUM(B3:B2002)', result: 1999000 }]);
      htx.getCell('A2010').value = 'Ghi chú';
      htx.mergeCells('A2010:B2010');
      wb.addWorksheet('Trống');
      wb.addWorksheet('Ẩn', { state: 'hidden' }).addRow(['Nguồn: Cục Thống kê']);
    });
    const seen = await expectSameOutcome(path);
    // Without onMergedCells a merged title in the first rows is refused either way.
    expect(seen.refusal).toMatch(/^headers must be one row of single cells/);
    const told = await outcome(path, { onePass: true, onMergedCells: () => {} });
    expect(told.rows).toHaveLength(2005);
    expect(told.warnings).toHaveLength(1);
    expect(told.merges).toEqual([['HTX', ['A1:C1', 'A2010:B2010']]]);
  });

  it('refuses a formula without a saved result after a merged header as the two-pass read does', async () => {
    const path = await workbook('merged-then-formula.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['Mã tỉnh', 'Số HTX', null]);
      sheet.mergeCells('B1:C1');
      for (let r = 0; r < 50; r++) sheet.addRow(['01', r]);
      sheet.addRow(['02', { formula: 'B2*2' }]);
    });
    const seen = await expectSameOutcome(path);
    expect(seen.refusal).toMatch(/^headers must be one row of single cells/);
  });

  it('refuses corrupt data in a later sheet before a cell refused in an earlier one', async () => {
    const refused = sheetXml(30, '<row r="31"><c r="A31" t="e"><v>#REF!</v></c></row>');
    const zip = corrupt(twoSheets(refused, sheetXml(400)), 'xl/worksheets/sheet2.xml');
    const seen = await expectSameOutcome(await writeBytes('late-corrupt.xlsx', zip));
    expect(seen.refusal).toBe(
      "an .xlsx file's entries must decompress intact, but got corrupt data in xl/worksheets/sheet2.xml at late-corrupt.xlsx",
    );
  });

  it('refuses corrupt data in a small part, a sheet cut short and flipped bytes as the two-pass read does', async () => {
    const zip = twoSheets(sheetXml(300), sheetXml(300));
    await expectSameOutcome(
      await writeBytes('corrupt-notes.xlsx', corrupt(zip, 'docProps/notes.txt')),
    );
    await expectSameOutcome(
      await writeBytes('corrupt-second.xlsx', corrupt(zip, 'xl/worksheets/sheet2.xml')),
    );
    const flipped = Buffer.from(zip);
    const place = locateEntry(flipped, 'xl/worksheets/sheet1.xml');
    const middle = place.dataStart + (place.compressedSize >> 1);
    for (let i = middle; i < middle + 16; i++) flipped[i] ^= 0xff;
    const seen = await expectSameOutcome(await writeBytes('flipped-sheet.xlsx', flipped));
    expect(seen.refusal).toMatch(/^an \.xlsx .* at flipped-sheet\.xlsx$/);
  });

  it('tells merged cells found after the rows of a later sheet, and refuses a merged header row there', async () => {
    const merged = sheetXml(200, '', '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>');
    const path = await writeBytes('merged-second.xlsx', twoSheets(sheetXml(200), merged));
    const seen = await expectSameOutcome(path);
    expect(seen.refusal).toBe(
      'headers must be one row of single cells, but got merged cells A1:B1 at merged-second.xlsx, sheet THT',
    );
    const told = await outcome(path, { onePass: true, onMergedCells: () => {} });
    expect(told.merges).toEqual([['THT', ['A1:B1']]]);
    expect(told.rows).toHaveLength(400);
  });

  it('reads a part the fast tokenizer leaves to saxes once more, with the same outcome', async () => {
    const comment = sheetXml(500, '<!-- saxes reads this part -->');
    await expectSameOutcome(await writeBytes('comment.xlsx', twoSheets(comment, sheetXml(10))));
    const bytes = await readFile(
      await writeBytes('comment-copy.xlsx', twoSheets(sheetXml(10), comment)),
    );
    expect(bytes.length).toBeGreaterThan(0);
    await expectSameOutcome(join(folder.path, 'comment-copy.xlsx'), { maxCellChars: 6 });
  });

  it('has the header peek refuse damage below its rows as the package check does', async () => {
    const zip = Buffer.from(twoSheets(sheetXml(3000), sheetXml(10)));
    const place = locateEntry(zip, 'xl/worksheets/sheet1.xml');
    const middle = place.dataStart + (place.compressedSize >> 2);
    for (let i = middle; i < middle + 16; i++) zip[i] ^= 0xff;
    const path = await writeBytes('flipped-peek.xlsx', zip);
    const peek = await readXlsxHeaders(path, 10).then(
      () => 'read',
      (error: Error) => error.message,
    );
    const load = await outcome(path, { onePass: true, onMergedCells: () => {} });
    expect(load.refusal).toMatch(/^an \.xlsx .* at flipped-peek\.xlsx$/);
    // Read to its rows, or refused as the load refuses the package: never a parse error.
    if (peek !== 'read') expect(peek).toBe(load.refusal);
  });
});

describe('the shared-string table', () => {
  it('is parsed once for the header peek and the read of one file, and again when the file changes', async () => {
    const path = join(folder.path, 'shared-strings.xlsx');
    const write = (name: string) =>
      workbook('shared-strings.xlsx', (wb) => {
        const sheet = wb.addWorksheet('HTX');
        sheet.addRow(['year', 'province_name']);
        sheet.addRow([2024, name]);
      });
    const cells = async () => {
      const out: (string | null)[][] = [];
      for await (const row of readXlsx(path)) out.push(row.cells);
      return out;
    };
    await write('Thái Nguyên');
    // exceljs writes text cells through the table, as Excel does.
    expect((await readFile(path)).includes('xl/sharedStrings.xml')).toBe(true);
    const before = sharedStringTablesParsed();
    expect((await readXlsxHeaders(path))[0]?.cells).toEqual(['year', 'province_name']);
    expect(await cells()).toEqual([
      ['year', 'province_name'],
      ['2024', 'Thái Nguyên'],
    ]);
    expect(sharedStringTablesParsed() - before).toBe(1);

    await write('Lai Châu');
    expect(await cells()).toEqual([
      ['year', 'province_name'],
      ['2024', 'Lai Châu'],
    ]);
    expect(sharedStringTablesParsed() - before).toBe(2);
  });

  it('is held from the header peek to the read through a garbage collection, and only weakly after', async () => {
    // A collection between a load's peek and its read dropped a weakly held table.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    };
    const path = join(folder.path, 'shared-strings-pinned.xlsx');
    await workbook('shared-strings-pinned.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['year', 'province_name']);
      sheet.addRow([2024, 'Bắc Kạn']);
    });
    const cells = async () => {
      const out: (string | null)[][] = [];
      for await (const row of readXlsx(path, { onePass: true })) out.push(row.cells);
      return out;
    };
    const before = sharedStringTablesParsed();
    expect((await readXlsxHeaders(path))[0]?.cells).toEqual(['year', 'province_name']);
    await collect();
    expect(await cells()).toEqual([
      ['year', 'province_name'],
      ['2024', 'Bắc Kạn'],
    ]);
    expect(sharedStringTablesParsed() - before).toBe(1);
    // The read let go of it: the next collection may take it, and a read then parses again.
    await collect();
    await cells();
    expect(sharedStringTablesParsed() - before).toBe(2);
  });
});
