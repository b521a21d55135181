import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ReaderError } from '../../etl/readers/reader.error.ts';
import { buildZip, handmadeXlsx, WORKBOOK_RELS, WORKBOOK_XML } from '../helpers/zip-forge.ts';
import { decodeTextFile, detectLineEndings } from '../../etl/readers/text-file.reader.ts';
import {
  columnLetter,
  listSheets,
  readXlsx,
  readXlsxHeaders,
  type ReadXlsxOptions,
  type XlsxRow,
  type XlsxWarning,
} from '../../etl/readers/xlsx.reader.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-readers-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a workbook built by `build` to the temp dir and returns its path. */
async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

async function readAll(
  path: string,
  options: ReadXlsxOptions = {},
): Promise<{ rows: XlsxRow[]; warnings: XlsxWarning[] }> {
  const rows: XlsxRow[] = [];
  const warnings: XlsxWarning[] = [];
  for await (const row of readXlsx(path, { ...options, onWarning: (w) => warnings.push(w) })) {
    rows.push(row);
  }
  return { rows, warnings };
}

/** The error `promise` rejects with, checked to be a ReaderError. */
async function refusal(promise: Promise<unknown>): Promise<ReaderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReaderError);
  return error as ReaderError;
}

async function writeBytes(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('readXlsx', () => {
  it('yields cell text with its exact place, sheet by sheet', async () => {
    const path = await workbook('thai-nguyen-2024.xlsx', (wb) => {
      const htx = wb.addWorksheet('HTX');
      htx.addRow(['Mã tỉnh', 'Số HTX', 'Số thành viên', 'Ngày báo cáo', 'Hoạt động']);
      htx.addRow(['06', 1234, 12.5, new Date(Date.UTC(2024, 11, 31)), true]);
      htx.addRow(['  19 ', null, 0.1, null, false]);
      htx.addRow([]); // an empty row is not yielded
      htx.addRow([
        'Ma\u0303', // decomposed ã: delivered as NFC
        { richText: [{ text: 'Hợp ' }, { text: 'tác', font: { bold: true } }] },
        { formula: 'SUM(C2:C3)', result: 12.6 },
        1e21,
        -0.000001,
      ]);
      const notes = wb.addWorksheet('Ghi chú', { state: 'hidden' });
      notes.addRow(['Nguồn: Cục Thống kê']);
    });

    const { rows, warnings } = await readAll(path);

    expect(rows).toEqual([
      {
        sheet: 'HTX',
        hidden: false,
        row: 1,
        cells: ['Mã tỉnh', 'Số HTX', 'Số thành viên', 'Ngày báo cáo', 'Hoạt động'],
      },
      // Typed fractional numbers are named, so a text convention elsewhere does not misread them.
      {
        sheet: 'HTX',
        hidden: false,
        row: 2,
        cells: ['06', '1234', '12.5', '2024-12-31', 'TRUE'],
        fractional: [2],
      },
      {
        sheet: 'HTX',
        hidden: false,
        row: 3,
        cells: ['19', null, '0.1', null, 'FALSE'],
        fractional: [2],
      },
      {
        sheet: 'HTX',
        hidden: false,
        row: 5,
        cells: ['Mã', 'Hợp tác', '12.6', '1e+21', '-0.000001'],
        fractional: [2, 4],
      },
      { sheet: 'Ghi chú', hidden: true, row: 1, cells: ['Nguồn: Cục Thống kê'] },
    ]);
    expect(warnings).toEqual([
      {
        rule: 'a cell should hold a value rather than a formula, so its saved result was used',
        value: '=SUM(C2:C3)',
        file: 'thai-nguyen-2024.xlsx',
        sheet: 'HTX',
        row: 5,
        column: 'C',
      },
    ]);
    expect(await listSheets(path)).toEqual([
      { name: 'HTX', state: 'visible', hidden: false, path: 'xl/worksheets/sheet1.xml' },
      { name: 'Ghi chú', state: 'hidden', hidden: true, path: 'xl/worksheets/sheet2.xml' },
    ]);
  });

  it('keeps Vietnamese text intact across stream chunks (exceljs 4.4.0 garbles it)', async () => {
    const names = Array.from(
      { length: 5000 },
      (_, i) => `Hợp tác xã nông nghiệp Thành phố Hồ Chí Minh số ${i}`,
    );
    const path = await workbook('many-strings.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      for (const name of names) sheet.addRow([name, `Ấp ${name}`]);
    });
    const { rows } = await readAll(path);
    expect(rows.map((r) => r.cells[0])).toEqual(names);
    expect(rows.every((r) => !r.cells.join('').includes('\ufffd'))).toBe(true);
  });

  it('yields nothing for a workbook whose sheets are empty', async () => {
    const path = await workbook('empty.xlsx', (wb) => {
      wb.addWorksheet('HTX');
    });
    expect((await readAll(path)).rows).toEqual([]);
    expect((await listSheets(path)).map((s) => s.name)).toEqual(['HTX']);
  });

  it('refuses a formula without a saved result, after the rows before it', async () => {
    const path = await workbook('script-made.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['Mã tỉnh', 'Số HTX']);
      for (let r = 2; r < 12; r++) sheet.addRow(['01', r]);
      sheet.addRow(['02', { formula: 'SUM(B2:B9)' }]);
    });
    const rows: number[] = [];
    const error = await refusal(
      (async () => {
        for await (const row of readXlsx(path)) rows.push(row.row);
      })(),
    );
    expect(error.message).toBe(
      'a cell must hold a value, not a formula without a saved result, but got =SUM(B2:B9) at script-made.xlsx, sheet HTX, row 12, column B',
    );
    expect(error).toMatchObject({ sheet: 'HTX', row: 12, column: 'B', value: '=SUM(B2:B9)' });
    expect(rows).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('refuses error cells, naming the error (and the formula that gave it)', async () => {
    const plain = await workbook('errors.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['Mã tỉnh', 'Số HTX']);
      sheet.addRow(['01', { error: '#REF!' }]);
    });
    expect((await refusal(readAll(plain))).message).toBe(
      'a cell must hold a value, but got the error #REF! at errors.xlsx, sheet HTX, row 2, column B',
    );
    const fromFormula = await workbook('formula-errors.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['Mã tỉnh', 'Số HTX']);
      sheet.addRow(['01', 5, { formula: 'B2/0', result: { error: '#DIV/0!' } }]);
    });
    expect((await refusal(readAll(fromFormula))).message).toBe(
      'a cell must hold a value, but got the error #DIV/0! (from =B2/0) at formula-errors.xlsx, sheet HTX, row 2, column C',
    );
  });

  it('refuses merged cells in the first 10 rows of any sheet before yielding any row', async () => {
    const path = await workbook('merged.xlsx', (wb) => {
      wb.addWorksheet('Tổng hợp').addRow(['Mã tỉnh', 'Số HTX']);
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['Số lượng HTX', null, null]);
      sheet.addRow(['Mã tỉnh', 'Số HTX', 'Số thành viên']);
      sheet.mergeCells('A1:C1');
    });
    const rows: XlsxRow[] = [];
    const error = await refusal(
      (async () => {
        for await (const row of readXlsx(path)) rows.push(row);
      })(),
    );
    expect(error.message).toBe(
      'headers must be one row of single cells, but got merged cells A1:C1 at merged.xlsx, sheet HTX',
    );
    expect(rows).toEqual([]);
  });

  it('accepts merged cells below the header rows', async () => {
    const path = await workbook('merged-notes.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      sheet.addRow(['Mã tỉnh', 'Số HTX']);
      for (let r = 2; r <= 12; r++) sheet.addRow(['01', r]);
      sheet.getCell('A13').value = 'Ghi chú';
      sheet.mergeCells('A13:B13');
    });
    expect((await readAll(path)).rows.at(-1)).toEqual({
      sheet: 'HTX',
      hidden: false,
      row: 13,
      cells: ['Ghi chú'],
    });
  });

  it('refuses a cell longer than maxCellChars, with its length', async () => {
    const path = await workbook('long.xlsx', (wb) => {
      wb.addWorksheet('HTX').addRow(['Mã tỉnh', 'x'.repeat(40)]);
    });
    expect((await refusal(readAll(path, { maxCellChars: 32 }))).message).toBe(
      'a cell must hold at most 32 characters, but got 40 characters at long.xlsx, sheet HTX, row 1, column B',
    );
  });

  it('reads XML that exceljs never writes: inline strings, escapes, shared formulas, prefixes', async () => {
    const sheet = `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:r><x:t>Số thành</x:t></x:r><x:r><x:t xml:space="preserve"> viên_x000D_
</x:t></x:r></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Mã &amp; tên</x:t></x:is></x:c></x:row>
<x:row><x:c r="A2"><x:f t="shared" ref="A2:A3" si="0">B2*2</x:f><x:v>4</x:v></x:c><x:c r="C2" t="b"><x:f>B2&gt;1</x:f><x:v>1</x:v></x:c><x:c r="D2" t="str"><x:f>"a"&amp;"b"</x:f><x:v>ab</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3"><x:f t="shared" si="0"/><x:v>6</x:v></x:c><x:c r="AA3"><x:v>7</x:v></x:c></x:row>
</x:sheetData></x:worksheet>`;
    const path = await writeBytes('handmade.xlsx', handmadeXlsx(sheet));
    const { rows, warnings } = await readAll(path);
    const cells3: (string | null)[] = Array(27).fill(null);
    cells3[0] = '6';
    cells3[26] = '7';
    expect(rows).toEqual([
      { sheet: 'HTX', hidden: false, row: 1, cells: ['Số thành viên', 'Mã & tên'] },
      { sheet: 'HTX', hidden: false, row: 2, cells: ['4', null, 'TRUE', 'ab'] },
      { sheet: 'HTX', hidden: false, row: 3, cells: cells3 },
    ]);
    expect(warnings.map((w) => `${w.column}${w.row} ${w.value}`)).toEqual([
      'A2 =B2*2',
      'C2 =B2>1',
      'D2 ="a"&"b"',
      'A3 =B2*2 (shared from A2)',
    ]);
  });

  it('refuses a cell reference beyond column XFD', async () => {
    const sheet =
      '<worksheet><sheetData><row r="4"><c r="XFE4"><v>1</v></c></row></sheetData></worksheet>';
    const path = await writeBytes('wide.xlsx', handmadeXlsx(sheet));
    expect((await refusal(readAll(path))).message).toBe(
      "a cell reference must name one of Excel's 16384 columns, but got XFE4 at wide.xlsx, sheet HTX, row 4",
    );
  });

  it('turns date-formatted serials into dates, without a time-zone shift, in both date systems', async () => {
    const styles = `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="#,##0&quot; đồng&quot;"/></numFmts>
<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="20"/></cellXfs></styleSheet>`;
    const sheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" s="1"><v>45657</v></c><c r="B1" s="2"><v>1500</v></c><c r="C1" s="3"><v>45292</v></c><c r="D1" s="4"><v>45292.5</v></c><c r="E1" s="5"><v>0.75</v></c><c r="F1"><v>45657</v></c></row>
</sheetData></worksheet>`;
    const rels = WORKBOOK_RELS.replace(
      '</Relationships>',
      '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    );
    const pack = (workbookXml: string) =>
      buildZip([
        { name: 'xl/workbook.xml', data: Buffer.from(workbookXml) },
        { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(rels) },
        { name: 'xl/styles.xml', data: Buffer.from(styles) },
        { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheet) },
      ]);
    const path = await writeBytes('dates.xlsx', pack(WORKBOOK_XML));
    expect((await readAll(path)).rows[0].cells).toEqual([
      '2024-12-31',
      '1500',
      '2024-01-01',
      '2024-01-01T12:00:00',
      '18:00:00',
      '45657',
    ]);
    const mac = await writeBytes(
      'dates-1904.xlsx',
      pack(WORKBOOK_XML.replace('<sheets>', '<workbookPr date1904="1"/><sheets>')),
    );
    expect((await readAll(mac)).rows[0].cells[0]).toBe('2029-01-01');
  });

  it('refuses a truncated file (the first half of its bytes)', async () => {
    const path = await workbook('whole.xlsx', (wb) => {
      wb.addWorksheet('HTX').addRow(['Mã tỉnh', 'Số HTX']);
    });
    const bytes = await readFile(path);
    const truncated = await writeBytes(
      'thai-nguyen-2024-cut.xlsx',
      bytes.subarray(0, bytes.length >> 1),
    );
    expect((await refusal(readAll(truncated))).message).toBe(
      'an .xlsx file must be a valid zip archive, but got a file that ends before its central directory at thai-nguyen-2024-cut.xlsx',
    );
  });

  it('refuses corrupt deflate data inside an entry as a ReaderError, not a crash or a hang', async () => {
    const bytes = handmadeXlsx('<worksheet><sheetData/></worksheet>'.padEnd(4000, ' '));
    const at = bytes.indexOf('xl/worksheets/sheet1.xml') + 'xl/worksheets/sheet1.xml'.length;
    bytes[at] = 0xff; // first deflate block header: BTYPE 11 is reserved
    const path = await writeBytes('corrupt.xlsx', bytes);
    expect((await refusal(readAll(path))).message).toBe(
      "an .xlsx file's entries must decompress intact, but got corrupt data in xl/worksheets/sheet1.xml at corrupt.xlsx",
    );
  });

  it('reads entries by the central directory, whatever sizes a local header gives', async () => {
    // The central directory is right (the pre-flight check passes) but the local header gives
    // half the compressed size. Parts are inflated by the directory's sizes, as Excel does (a
    // stream-based zip reader used to inflate a cut stream here and hang).
    const sheet = Buffer.from(
      `<worksheet><sheetData>${Array.from({ length: 500 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i * 7919}</v></c></row>`).join('')}</sheetData></worksheet>`,
    );
    const half = deflateRawSync(sheet).length >> 1;
    const path = await writeBytes(
      'mismatch.xlsx',
      handmadeXlsx(sheet, { localCompressedSize: half }),
    );
    const { rows } = await readAll(path);
    expect(rows).toHaveLength(500);
    expect(rows[499]).toMatchObject({ row: 500, cells: [String(499 * 7919)] });
  }, 5000);

  it('refuses a copy with bytes flipped in the middle', async () => {
    const path = await workbook('big.xlsx', (wb) => {
      const sheet = wb.addWorksheet('HTX');
      for (let r = 0; r < 3000; r++) sheet.addRow([`Tỉnh ${r}`, r, r * 1.5]);
    });
    const bytes = await readFile(path);
    const middle = bytes.length >> 1;
    for (let i = middle; i < middle + 16; i++) bytes[i] ^= 0xff;
    const flipped = await writeBytes('flipped.xlsx', bytes);
    const error = await refusal(readAll(flipped));
    expect(error.message).toMatch(/^an \.xlsx .* at flipped\.xlsx$/);
  });

  it('refuses a zip bomb by its declared size, before inflating anything', async () => {
    const bytes = handmadeXlsx('<worksheet/>'.padEnd(2_000_000, ' '), {
      declaredSize: 600 * 1024 * 1024,
    });
    const path = await writeBytes('bomb.xlsx', bytes);
    const declared = 600 * 1024 * 1024 + WORKBOOK_XML.length + WORKBOOK_RELS.length;
    expect((await refusal(readAll(path))).message).toBe(
      `an .xlsx file must expand to at most 536870912 bytes, but got entries declaring ${declared} bytes at bomb.xlsx`,
    );
  });

  it('refuses an entry that expands more than maxCompressionRatio times', async () => {
    const zeros = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const compressed = deflateRawSync(zeros).length;
    const path = await writeBytes('ratio.xlsx', handmadeXlsx(zeros));
    expect((await refusal(readAll(path))).message).toBe(
      `an .xlsx entry must expand at most 200 times, but got xl/worksheets/sheet1.xml expanding ${Math.round(zeros.length / compressed)} times (10485760 bytes from ${compressed}) at ratio.xlsx`,
    );
  });

  it('refuses an entry that inflates past its declared size (a lying zip bomb)', async () => {
    const path = await writeBytes(
      'liar.xlsx',
      handmadeXlsx(Buffer.alloc(2 * 1024 * 1024, 0x20), { declaredSize: 1000 }),
    );
    expect((await refusal(readAll(path))).message).toBe(
      'an .xlsx entry must expand to its declared size, but got xl/worksheets/sheet1.xml expanding beyond its declared 1000 bytes at liar.xlsx',
    );
  });

  it('refuses files that are not .xlsx packages, naming what they are', async () => {
    const csv = await writeBytes('csv-named.xlsx', Buffer.from('Mã tỉnh,Số HTX\n01,3\n'));
    expect((await refusal(readAll(csv))).message).toBe(
      'an .xlsx file must be a valid zip archive, but got text, not a zip archive (a CSV named .xlsx?) at csv-named.xlsx',
    );
    const ole = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    const xls = await writeBytes('legacy.xlsx', ole);
    expect((await refusal(readAll(xls))).message).toBe(
      'an .xlsx file must be a valid zip archive, but got an OLE2 compound file (a legacy .xls, or a workbook protected by a password) at legacy.xlsx',
    );
    const empty = await writeBytes('zero.xlsx', Buffer.alloc(0));
    expect((await refusal(readAll(empty))).message).toBe(
      'an .xlsx file must be a valid zip archive, but got an empty file (0 bytes) at zero.xlsx',
    );
    const docx = await writeBytes(
      'notes.xlsx',
      buildZip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }]),
    );
    expect((await refusal(readAll(docx))).message).toBe(
      'an .xlsx file must contain xl/workbook.xml, but got a zip archive without it (entries word/document.xml) at notes.xlsx',
    );
    expect((await refusal(listSheets(docx))).rule).toBe(
      'an .xlsx file must contain xl/workbook.xml',
    );
  });

  it('refuses a ZIP64 archive', async () => {
    const bytes = handmadeXlsx('<worksheet/>');
    bytes.writeUInt16LE(0xffff, bytes.length - 12); // EOCD total entries
    const path = await writeBytes('zip64.xlsx', bytes);
    expect((await refusal(readAll(path))).message).toBe(
      'an .xlsx file must be a zip archive without ZIP64 extensions, but got a ZIP64 archive at zip64.xlsx',
    );
  });

  it('names columns like Excel', () => {
    expect([0, 5, 25, 26, 27, 701, 702].map(columnLetter)).toEqual([
      'A',
      'F',
      'Z',
      'AA',
      'AB',
      'ZZ',
      'AAA',
    ]);
  });
});

describe('decodeTextFile', () => {
  const header = 'Mã tỉnh,Số HTX,Số thành viên\n06,12,340\n';

  it('accepts UTF-8', async () => {
    const path = await writeBytes('utf8.csv', Buffer.from(header));
    expect(await decodeTextFile(path)).toEqual({
      encoding: 'utf-8',
      lineEndings: 'lf',
      text: header,
      isPlainUtf8: true,
    });
  });

  it('accepts UTF-8 with a BOM and strips it', async () => {
    const path = await writeBytes('utf8-bom.csv', Buffer.from(`\ufeff${header}`));
    expect(await decodeTextFile(path)).toMatchObject({ encoding: 'utf-8-bom', text: header });
  });

  it("accepts Excel's Unicode Text (UTF-16LE with BOM, tabs, CRLF)", async () => {
    const tsv = 'Mã tỉnh\tSố HTX\r\n06\t12\r\n';
    const path = await writeBytes('unicode.txt', Buffer.from(`\ufeff${tsv}`, 'utf16le'));
    expect(await decodeTextFile(path)).toEqual({
      encoding: 'utf-16le',
      lineEndings: 'crlf',
      text: 'Mã tỉnh\tSố HTX\n06\t12\n',
      isPlainUtf8: false,
    });
  });

  it('accepts UTF-16BE with BOM', async () => {
    const bytes = Buffer.from(`\ufeff${header}`, 'utf16le').swap16();
    const path = await writeBytes('utf16be.csv', bytes);
    expect(await decodeTextFile(path)).toMatchObject({ encoding: 'utf-16be', text: header });
  });

  it('normalises to NFC and mixed line endings to LF', async () => {
    const path = await writeBytes(
      'mixed.csv',
      Buffer.from('Ma\u0303 ti\u0309nh,b\r\n1,2\n3,4\r\n'),
    );
    expect(await decodeTextFile(path)).toEqual({
      encoding: 'utf-8',
      lineEndings: 'mixed',
      text: 'Mã tỉnh,b\n1,2\n3,4\n',
      isPlainUtf8: false,
    });
  });

  it('refuses Windows-1258 bytes by name, with the line', async () => {
    // "Thành phố" in Windows-1258 on line 3: 0xE0 is à.
    const bytes = Buffer.concat([
      Buffer.from('Ma tinh,Ten\n01,Ha Noi\n02,Th'),
      Buffer.from([0xe0, 0x6e, 0x68, 0x20, 0x70, 0x68, 0xf4, 0xd2, 0x0a]),
    ]);
    const path = await writeBytes('x.csv', bytes);
    const error = await refusal(decodeTextFile(path));
    expect(error.message).toBe(
      'a CSV file must be UTF-8 or UTF-16 text, but got bytes that are not UTF-8 (0xE0 at line 3; the file looks like Windows-1258) at x.csv, row 3',
    );
    expect(error).toMatchObject({ file: 'x.csv', row: 3 });
  });

  it('refuses TCVN3 (ABC) bytes by name', async () => {
    // "Hợp tác xã" in TCVN3: ợ 0xEE, á 0xB8, ã 0xB7.
    const bytes = Buffer.from([0x48, 0xee, 0x70, 0x20, 0x74, 0xb8, 0x63, 0x20, 0x78, 0xb7, 0x0a]);
    const path = await writeBytes('abc.csv', bytes);
    expect((await refusal(decodeTextFile(path))).message).toBe(
      'a CSV file must be UTF-8 or UTF-16 text, but got bytes that are not UTF-8 (0xEE at line 1; the file looks like TCVN3 (ABC)) at abc.csv, row 1',
    );
  });

  it('refuses binary data, UTF-16 without BOM, and workbooks named as text', async () => {
    const blob = await writeBytes('blob.csv', Buffer.from('a,b\n\u0000\u0001\u0002'));
    expect((await refusal(decodeTextFile(blob))).message).toBe(
      'a CSV file must be UTF-8 or UTF-16 text, but got binary data (a NUL byte at line 2) at blob.csv, row 2',
    );
    const bomless = await writeBytes('bomless.csv', Buffer.from(header, 'utf16le'));
    expect((await refusal(decodeTextFile(bomless))).message).toBe(
      'a CSV file must be UTF-8 or UTF-16 text, but got UTF-16 text without a byte-order mark (NUL bytes from line 1) at bomless.csv, row 1',
    );
    const zip = await writeBytes('book.csv', handmadeXlsx('<worksheet/>'));
    expect((await refusal(decodeTextFile(zip))).message).toBe(
      'a CSV file must be UTF-8 or UTF-16 text, but got a zip archive (an .xlsx workbook named as text?) at book.csv',
    );
  });

  it('refuses an empty file and a file with no text', async () => {
    const empty = await writeBytes('empty.csv', Buffer.alloc(0));
    expect((await refusal(decodeTextFile(empty))).message).toBe(
      'a CSV file must hold a header row, but got an empty file (0 bytes) at empty.csv',
    );
    const bomOnly = await writeBytes('bom-only.csv', Buffer.from('\ufeff\r\n \r\n'));
    expect((await refusal(decodeTextFile(bomOnly))).message).toBe(
      'a CSV file must hold a header row, but got a file with no text at bom-only.csv',
    );
  });

  it('classifies line endings', () => {
    expect(['a\nb\n', 'a\r\nb\r\n', 'a\rb\r', 'a\r\nb\n', 'ab'].map(detectLineEndings)).toEqual([
      'lf',
      'crlf',
      'cr',
      'mixed',
      'none',
    ]);
  });

  it('tells a plain UTF-8 upload from one that needs decoding before DuckDB reads it', async () => {
    const plain = await writeBytes('plain.csv', Buffer.from(header));
    expect(await decodeTextFile(plain)).toMatchObject({
      encoding: 'utf-8',
      lineEndings: 'lf',
      isPlainUtf8: true,
    });

    const tsv = 'Mã tỉnh\tSố HTX\r\n06\t12\n';
    const utf16 = await writeBytes('excel-unicode.txt', Buffer.from(`\ufeff${tsv}`, 'utf16le'));
    expect(await decodeTextFile(utf16)).toEqual({
      encoding: 'utf-16le',
      lineEndings: 'mixed',
      text: 'Mã tỉnh\tSố HTX\n06\t12\n',
      isPlainUtf8: false,
    });
  });
});

describe('readXlsxHeaders', () => {
  it('reads the first non-empty row of every worksheet from the zip, shared and inline strings alike', async () => {
    const path = await workbook('headers.xlsx', (wb) => {
      const notes = wb.addWorksheet('Ghi chú');
      notes.addRow([]);
      notes.addRow(['Biểu mẫu', null, 2024]);
      const data = wb.addWorksheet('HTX');
      data.addRow(['Năm', 'Mã số HTX', 'Loại hình']);
      data.addRow([2024, '0101234567', 'HTX']);
      wb.addWorksheet('Trống');
    });
    expect(await readXlsxHeaders(path)).toEqual([
      { sheet: 'Ghi chú', cells: ['Biểu mẫu', null, '2024'] },
      { sheet: 'HTX', cells: ['Năm', 'Mã số HTX', 'Loại hình'] },
    ]);
  });
});
