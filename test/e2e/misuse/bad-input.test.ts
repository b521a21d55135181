import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatFinding, LoadRefusedError } from '../../../etl/load/findings.ts';
import { loadFile, type LoadReport } from '../../../etl/load/load-file.ts';
import { fileHash, fixture, query, useTestWarehouse } from '../../helpers/warehouse.ts';
import { writeWorkbook } from '../../helpers/xlsx.ts';
import { handmadeXlsx, locateEntry } from '../../helpers/zip-forge.ts';

/**
 * Every kind of bad input a statistics office can send, fed through the real ETL (`loadFile`):
 * each is refused with its rule, the value and the place, leaving the warehouse file
 * byte-for-byte unchanged — or, where the right answer is to read it, accepted with the values
 * and warnings asserted. The table in docs/hardening.md is rendered from the cases below.
 * Committed inputs are in test/fixtures/misuse/ (one file per failure mode); the others are
 * generated here.
 */

const MAX_YEAR = 2026;
/** Rows of the "one bad row at the end" case here; `scripts/bad-input-million-rows.ts` runs 1M. */
const BIG_ROWS = 200_000;

const wh = useTestWarehouse();

/** What a case must come to. */
type Outcome =
  | { readonly refused: readonly (string | RegExp)[] }
  | {
      readonly accepted: {
        /** One line per published row of the load, as {@link acceptedRows} prints them. */
        readonly rows: readonly string[];
        readonly warnings: readonly string[];
        /** Reads the rows; default: the load's facts, one line per row. */
        readonly sql?: string;
      };
    };

interface Case {
  /** The case, in words (the first column of the table in docs/hardening.md). */
  readonly what: string;
  /** The file name the uploader would see (and the messages cite). */
  readonly file: string;
  /** Writes the input at `path`: a committed fixture copied, or bytes generated here. */
  readonly make: (path: string) => Promise<void>;
  readonly outcome: Outcome;
  readonly timeoutMs?: number;
}

const fromFixture = (name: string) => (path: string) => copyFile(fixture('misuse', name), path);

const COUNT_RULE =
  'column `members` must be a whole number ≥ 0 (digits only, or with . or , between thousands)';
const AGG_HEADER = ['year', 'province_code', 'org_type', 'org_count', 'members'];
const REGISTER_HEADER =
  'year,org_id,org_name,org_type,sector,province_code,members,rating,in_value_chain';

/** The outcome of the small CSV fixtures that hold Lai Châu (12) and Thái Nguyên (19), 2024. */
const LAI_CHAU_AND_THAI_NGUYEN: Outcome = {
  accepted: {
    rows: [
      '12 2024 HTX ALL: org_count 200, members 3000',
      '19 2024 HTX ALL: org_count 610, members 5200',
    ],
    warnings: [],
  },
};

/** A small real workbook: one sheet HTX, English headers, two provinces. */
async function smallWorkbook(path: string, rows = 2): Promise<void> {
  await writeWorkbook(path, [
    {
      name: 'HTX',
      rows: [
        AGG_HEADER,
        ...Array.from({ length: rows }, (_, i) => [
          2024,
          i % 2 ? 12 : 19,
          'HTX',
          600 + i,
          6000 + i,
        ]),
      ],
    },
  ]);
}

/** A workbook built with exceljs directly, for formulas and merges. */
async function workbook(path: string, build: (sheet: ExcelJS.Worksheet) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('HTX'));
  await wb.xlsx.writeFile(path);
}

/** Deterministic text that does not compress well (so a zip-ratio check does not fire first). */
function noise(length: number): string {
  const alphabet = Buffer.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  // Written as bytes, then read as text once: a string built a character at a time took ~1 s
  // for the 10 MB cells.
  const bytes = Buffer.allocUnsafe(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = alphabet[x % alphabet.length]!;
  }
  return bytes.toString('latin1');
}

/** Writes a register of `rows` organisations in 2024, then `last` as the final line. */
async function writeRegister(path: string, rows: number, last?: string): Promise<void> {
  const out = createWriteStream(path);
  const provinces = ['01', '19', '12', '91', '89', '46', '79'];
  let chunk = `${REGISTER_HEADER}\n`;
  for (let i = 0; i < rows; i++) {
    chunk += `2024,${4600000000 + i},Hợp tác xã số ${i},HTX,${i % 3 ? 'AGRICULTURE' : 'TRADE_SERVICES'},${provinces[i % 7]},${5 + (i % 90)},${['GOOD', 'FAIR', 'AVERAGE', 'WEAK'][i % 4]},${i % 5 ? 'no' : 'yes'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  if (last !== undefined) chunk += `${last}\n`;
  out.end(chunk);
  await finished(out);
}

const RATIO_SHEET = Buffer.from('<worksheet><sheetData/></worksheet>'.padEnd(20 * 1024 * 1024));
const RATIO_COMPRESSED = deflateRawSync(RATIO_SHEET).length;

const CASES: readonly Case[] = [
  // ---- broken and hostile .xlsx packages
  {
    what: 'truncated .xlsx (the first half of a download)',
    file: 'truncated.xlsx',
    make: async (path) => {
      await smallWorkbook(path);
      const bytes = await readFile(path);
      await writeFile(path, bytes.subarray(0, bytes.length >> 1));
    },
    outcome: {
      refused: [
        'an .xlsx file must be a valid zip archive, but got a file that ends before its central directory at truncated.xlsx',
      ],
    },
  },
  {
    what: 'corrupt .xlsx (16 bytes flipped inside the deflated worksheet part)',
    file: 'corrupt.xlsx',
    make: async (path) => {
      await smallWorkbook(path, 2000);
      const bytes = await readFile(path);
      const sheet = locateEntry(bytes, 'xl/worksheets/sheet1.xml');
      const middle = sheet.dataStart + (sheet.compressedSize >> 1);
      for (let i = middle; i < middle + 16; i++) bytes[i]! ^= 0xff;
      await writeFile(path, bytes);
    },
    outcome: {
      // Inflating the damaged stream either fails, ends short (CRC) or overruns the declared size,
      // depending on the bits flipped; each is refused before any row is read.
      refused: [
        /^an \.xlsx (file's entries must decompress intact, but got corrupt data in|entry must expand to its declared size, but got) xl\/worksheets\/sheet1\.xml( expanding beyond its declared \d+ bytes)? at corrupt\.xlsx$/,
      ],
    },
  },
  {
    what: 'zip bomb: central directory forged to declare a 2 GB worksheet',
    file: 'bomb-declared.xlsx',
    make: async (path) => {
      await smallWorkbook(path);
      const bytes = await readFile(path);
      bytes.writeUInt32LE(0x7fff0000, locateEntry(bytes, 'xl/worksheets/sheet1.xml').central + 24);
      await writeFile(path, bytes);
    },
    outcome: {
      refused: [
        /^an \.xlsx file must expand to at most 536870912 bytes, but got entries declaring \d{10} bytes at bomb-declared\.xlsx$/,
      ],
    },
  },
  {
    what: 'zip bomb: a highly compressible worksheet (20 MiB of spaces)',
    file: 'bomb-ratio.xlsx',
    make: (path) => writeFile(path, handmadeXlsx(RATIO_SHEET)),
    outcome: {
      refused: [
        `an .xlsx entry must expand at most 200 times, but got xl/worksheets/sheet1.xml expanding ${Math.round(RATIO_SHEET.length / RATIO_COMPRESSED)} times (${RATIO_SHEET.length} bytes from ${RATIO_COMPRESSED}) at bomb-ratio.xlsx`,
      ],
    },
  },
  {
    what: 'zip bomb: an entry that inflates past the size it declares',
    file: 'bomb-lying.xlsx',
    make: (path) =>
      writeFile(path, handmadeXlsx(Buffer.alloc(2 * 1024 * 1024, 0x20), { declaredSize: 1000 })),
    outcome: {
      refused: [
        'an .xlsx entry must expand to its declared size, but got xl/worksheets/sheet1.xml expanding beyond its declared 1000 bytes at bomb-lying.xlsx',
      ],
    },
  },
  {
    what: 'a cell of 10 MB (.xlsx)',
    file: 'big-cell.xlsx',
    make: (path) =>
      writeWorkbook(path, [
        {
          name: 'HTX',
          rows: [
            ['year', 'province_code', 'org_type', 'org_count', 'province_name'],
            [2024, 19, 'HTX', 610, noise(10 * 1024 * 1024)],
          ],
        },
      ]),
    outcome: {
      refused: [
        'a cell must hold at most 32767 characters, but got 10485760 characters at big-cell.xlsx, sheet HTX, row 2, column E',
      ],
    },
  },
  {
    what: 'a cell of 10 MB (CSV)',
    file: 'big-cell.csv',
    make: (path) =>
      writeFile(
        path,
        `year,province_code,org_type,org_count,province_name\n2024,19,HTX,610,${noise(10 * 1024 * 1024)}\n`,
      ),
    outcome: {
      refused: [
        'a cell must hold at most 32767 characters, but got 10485760 characters at big-cell.csv, row 2, column E (province_name)',
      ],
    },
  },
  {
    what: 'a cell of 40,000 characters in a short row (CSV)',
    file: 'long-cell.csv',
    make: (path) =>
      writeFile(
        path,
        `year;province_code;org_type;org_count;Tỉnh\n2024;19;HTX;610;"${noise(40_000)}"\n`,
      ),
    outcome: {
      refused: [
        'a cell must hold at most 32767 characters, but got 40000 characters at long-cell.csv, row 2, column E (Tỉnh)',
      ],
    },
  },
  {
    what: 'a formula without a saved value',
    file: 'formula-no-result.xlsx',
    make: (path) =>
      workbook(path, (sheet) => {
        sheet.addRow(AGG_HEADER);
        sheet.addRow([2024, 19, 'HTX', 610, { formula: 'D2*10' }]);
      }),
    outcome: {
      refused: [
        'a cell must hold a value, not a formula without a saved result, but got =D2*10 at formula-no-result.xlsx, sheet HTX, row 2, column E',
      ],
    },
  },
  {
    what: 'a formula without a saved value in a register (met while rows stream into DuckDB)',
    file: 'register-formula.xlsx',
    make: (path) =>
      workbook(path, (sheet) => {
        sheet.addRow(['year', 'org_id', 'org_name', 'org_type', 'province_code', 'members']);
        sheet.addRow([2024, '4600000001', 'Hợp tác xã A', 'HTX', 19, { formula: 'F3*2' }]);
        sheet.addRow([2024, '4600000002', 'Hợp tác xã B', 'HTX', 19, 12]);
      }),
    outcome: {
      refused: [
        'a cell must hold a value, not a formula without a saved result, but got =F3*2 at register-formula.xlsx, sheet HTX, row 2, column F',
      ],
    },
  },
  {
    what: 'formulas with saved values',
    file: 'formula-saved.xlsx',
    make: (path) =>
      workbook(path, (sheet) => {
        sheet.addRow(AGG_HEADER);
        sheet.addRow([2024, 19, 'HTX', 610, { formula: 'D2*10', result: 6100 }]);
      }),
    outcome: {
      accepted: {
        rows: ['19 2024 HTX ALL: org_count 610, members 6100'],
        warnings: [
          "a cell should hold a value rather than a formula, so its saved result was used, but got '=D2*10' at formula-saved.xlsx, sheet HTX, row 2, column E",
        ],
      },
    },
  },
  {
    what: 'merged header cells',
    file: 'merged-header.xlsx',
    make: (path) =>
      workbook(path, (sheet) => {
        sheet.addRow(['year', 'province_code', 'org_type', 'Số lượng', null]);
        sheet.addRow(['', '', '', 'HTX', 'thành viên']);
        sheet.addRow([2024, 19, 'HTX', 610, 6100]);
        sheet.mergeCells('D1:E1');
      }),
    outcome: {
      refused: [
        'headers must be one row of single cells (unmerge them and give each column its own header in that one row; merged title rows above the header are fine, a header on two rows is not read), but got merged cells D1:E1 at merged-header.xlsx, sheet HTX, row 1',
      ],
    },
  },
  {
    what: 'several sheets (two of data, English and Vietnamese headers, and a note)',
    file: 'several-sheets.xlsx',
    make: (path) =>
      writeWorkbook(path, [
        { name: 'HTX', rows: [AGG_HEADER, [2024, 19, 'HTX', 610, 6100]] },
        { name: 'Ghi chú', rows: [['Nguồn: Cục Thống kê tỉnh']] },
        {
          name: 'THT',
          rows: [
            ['Năm', 'Mã tỉnh', 'Loại hình', 'Số lượng'],
            [2024, 19, 'THT', 120],
          ],
        },
      ]),
    outcome: {
      accepted: {
        rows: [
          '19 2024 HTX ALL: org_count 610, members 6100',
          '19 2024 THT ALL: org_count 120, members null',
        ],
        warnings: [
          "a sheet must start with a header row of the aggregates format to be loaded, so it was skipped, but got 'Nguồn: Cục Thống kê tỉnh' at several-sheets.xlsx, sheet Ghi chú, row 1",
        ],
      },
    },
  },
  {
    what: 'an empty sheet beside a sheet of data',
    file: 'empty-sheet.xlsx',
    make: (path) =>
      writeWorkbook(path, [
        { name: 'Trống', rows: [] },
        { name: 'HTX', rows: [AGG_HEADER, [2024, 12, 'HTX', 200, 3000]] },
      ]),
    outcome: {
      accepted: {
        rows: ['12 2024 HTX ALL: org_count 200, members 3000'],
        warnings: [
          'a sheet must have a header row and data to be loaded, so the empty sheet was skipped at empty-sheet.xlsx, sheet Trống',
        ],
      },
    },
  },
  {
    what: 'an empty workbook (one sheet, no cells)',
    file: 'empty-workbook.xlsx',
    make: (path) => writeWorkbook(path, [{ name: 'Sheet1', rows: [] }]),
    outcome: {
      refused: [
        "a workbook must have a sheet whose first row is an aggregates header (year, org_type, province_code or province_name), but got 'a workbook with no rows' at empty-workbook.xlsx",
      ],
    },
  },
  {
    what: 'an empty workbook (no sheets at all)',
    file: 'no-sheets.xlsx',
    make: (path) => new ExcelJS.Workbook().xlsx.writeFile(path),
    outcome: {
      refused: [
        "a workbook must have a sheet whose first row is an aggregates header (year, org_type, province_code or province_name), but got 'a workbook with no rows' at no-sheets.xlsx",
      ],
    },
  },
  {
    what: 'an HTML page saved as .xlsx (a web report "exported to Excel")',
    file: 'html-page.xlsx',
    make: fromFixture('html-page.xlsx'),
    outcome: {
      refused: [
        'an .xlsx file must be a valid zip archive, but got an HTML page, not a zip archive (a web page saved as .xlsx?) at html-page.xlsx',
      ],
    },
  },
  // ---- CSV text: delimiters, line endings, encodings
  {
    what: 'CSV separated by `;` (Vietnamese thousands `3.000`, a quoted `"5.200"`)',
    file: 'semicolon.csv',
    make: fromFixture('semicolon.csv'),
    outcome: LAI_CHAU_AND_THAI_NGUYEN,
  },
  {
    what: 'CSV separated by tabs, Vietnamese headers',
    file: 'tab.csv',
    make: fromFixture('tab.csv'),
    outcome: LAI_CHAU_AND_THAI_NGUYEN,
  },
  {
    what: 'mixed CRLF and LF line endings',
    file: 'mixed-line-endings.csv',
    make: fromFixture('mixed-line-endings.csv'),
    outcome: {
      accepted: {
        rows: [
          '01 2024 HTX ALL: org_count 100, members 2000',
          '12 2024 HTX ALL: org_count 200, members 3000',
          '19 2024 HTX ALL: org_count 610, members 5200',
        ],
        warnings: [],
      },
    },
  },
  {
    what: 'Windows-1258 text',
    file: 'windows-1258.csv',
    make: fromFixture('windows-1258.csv'),
    outcome: {
      refused: [
        'a CSV file must be UTF-8 or UTF-16 text, but got bytes that are not UTF-8 (0xE1 at line 2; the file looks like Windows-1258) at windows-1258.csv, row 2',
      ],
    },
  },
  {
    what: "UTF-16LE with BOM (Excel's “Unicode text”: tabs, CRLF)",
    file: 'utf16le-bom.csv',
    make: (path) =>
      writeFile(
        path,
        Buffer.concat([
          Buffer.from([0xff, 0xfe]),
          Buffer.from(
            'Năm\tMã tỉnh\tLoại hình\tSố HTX\tSố thành viên\r\n2024\t19\tHTX\t610\t5200\r\n',
            'utf16le',
          ),
        ]),
      ),
    outcome: {
      accepted: { rows: ['19 2024 HTX ALL: org_count 610, members 5200'], warnings: [] },
    },
  },
  {
    what: 'an old Excel 97-2003 workbook, by its signature',
    file: 'bao-cao.xls',
    make: (path) =>
      writeFile(
        path,
        Buffer.concat([
          Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
          Buffer.alloc(504),
        ]),
      ),
    outcome: {
      refused: [
        "a spreadsheet must be in the .xlsx format (Excel 2007 or later) or CSV; save it again as .xlsx, but got 'an Excel 97-2003 .xls file' at bao-cao.xls",
      ],
    },
  },
  {
    what: 'a PDF renamed .csv',
    file: 'bao-cao.csv',
    make: (path) =>
      writeFile(
        path,
        Buffer.concat([
          Buffer.from('%PDF-1.7\n%'),
          Buffer.from([0xe2, 0xe3, 0xcf, 0xd3]),
          Buffer.from('\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF\n'),
        ]),
      ),
    outcome: {
      refused: [
        'a CSV file must be UTF-8 or UTF-16 text, but got a PDF document (a printed report named as text?) at bao-cao.csv',
      ],
    },
  },
  // ---- values
  {
    what: 'a number with its unit in the cell (`1.200 người`)',
    file: 'units-in-cell.csv',
    make: fromFixture('units-in-cell.csv'),
    outcome: {
      refused: [
        `${COUNT_RULE}, but got '1.200 người' at units-in-cell.csv, row 2, column E (members)`,
      ],
    },
  },
  {
    what: 'a negative count',
    file: 'negative-count.csv',
    make: fromFixture('negative-count.csv'),
    outcome: {
      refused: [
        "column `org_count` must be a whole number ≥ 0 (digits only, or with . or , between thousands), but got '-5' at negative-count.csv, row 3, column D (org_count)",
      ],
    },
  },
  {
    what: 'a year in the future',
    file: 'future-year.csv',
    make: fromFixture('future-year.csv'),
    outcome: {
      refused: [
        `column \`year\` must be a year from 2000 to ${MAX_YEAR}, but got '2099' at future-year.csv, row 2, column A (year)`,
      ],
    },
  },
  {
    what: 'a letter in a number (`1.2a`), full aggregates format',
    file: 'bad-number.csv',
    make: fromFixture('bad-number.csv'),
    outcome: {
      refused: [`${COUNT_RULE}, but got '1.2a' at bad-number.csv, row 3, column G (members)`],
    },
  },
  {
    what: 'a negative member count, full aggregates format',
    file: 'negative-members.csv',
    make: fromFixture('negative-members.csv'),
    outcome: {
      refused: [`${COUNT_RULE}, but got '-5' at negative-members.csv, row 2, column G (members)`],
    },
  },
  {
    what: 'a number with its unit in the cell, full aggregates format',
    file: 'units-in-cell-full-row.csv',
    make: fromFixture('units-in-cell-full-row.csv'),
    outcome: {
      refused: [
        `${COUNT_RULE}, but got '1.200 người' at units-in-cell-full-row.csv, row 2, column G (members)`,
      ],
    },
  },
  {
    what: 'a year past the last one the load accepts, full aggregates format',
    file: 'future-year-2031.csv',
    make: fromFixture('future-year-2031.csv'),
    outcome: {
      refused: [
        `column \`year\` must be a year from 2000 to ${MAX_YEAR}, but got '2031' at future-year-2031.csv, row 2, column A (year)`,
      ],
    },
  },
  {
    what: 'a province code that does not exist',
    file: 'unknown-province.csv',
    make: fromFixture('unknown-province.csv'),
    outcome: {
      refused: [
        "column `province_code` must be the code of a province, but got '99' at unknown-province.csv, row 2, column B (province_code)",
      ],
    },
  },
  {
    what: 'a province code used after its province was merged away',
    file: 'code-outside-validity.csv',
    make: fromFixture('code-outside-validity.csv'),
    outcome: {
      refused: [
        "column `province_code` must name a province valid on 31 December 2025 (06 was Tỉnh Bắc Kạn from 2008-08-01 to 2025-06-30, then part of 19 Tỉnh Thái Nguyên), but got '06' at code-outside-validity.csv, row 2, column B (province_code)",
      ],
    },
  },
  {
    what: 'rated organisations outnumbering the organisations',
    file: 'inconsistent-counts.csv',
    make: fromFixture('inconsistent-counts.csv'),
    outcome: {
      refused: [
        "counts must be consistent: rated_good + rated_fair + rated_average + rated_weak + rated_none must not exceed org_count (610), but got '760' at inconsistent-counts.csv, row 2, column H (rated_good)",
      ],
    },
  },
  {
    what: 'every bad row of a file reported, not just the first (15 of 30)',
    file: 'many-bad-rows.csv',
    make: (path) =>
      writeFile(
        path,
        [
          'year,province_code,org_type,org_count',
          ...Array.from(
            { length: 30 },
            (_, i) => `${2010 + Math.floor(i / 2)},${i % 2 ? 'xx' : '19'},HTX,${i}`,
          ),
        ].join('\n'),
      ),
    outcome: {
      refused: Array.from(
        { length: 15 },
        (_, i) =>
          `column \`province_code\` must be a one- or two-digit province code, but got 'xx' at many-bad-rows.csv, row ${2 * i + 3}, column B (province_code)`,
      ),
    },
  },
  {
    what: `${BIG_ROWS.toLocaleString('en')} rows with one bad row at the end (1,000,000: scripts/bad-input-million-rows.ts)`,
    file: 'register-big.csv',
    make: (path) =>
      writeRegister(
        path,
        BIG_ROWS - 1,
        '2024,4699999999,Hợp tác xã cuối,HTX,AGRICULTURE,19,1.2a,GOOD,no',
      ),
    outcome: {
      refused: [
        `${COUNT_RULE}, but got '1.2a' at register-big.csv, row ${BIG_ROWS + 1}, column G (members)`,
      ],
    },
    timeoutMs: 120_000,
  },
  // ---- headers and shape
  {
    what: 'a required column missing from the header',
    file: 'missing-column.csv',
    make: fromFixture('missing-column.csv'),
    outcome: {
      refused: [
        'required column `org_type` must be present in the header row at missing-column.csv, row 1',
      ],
    },
  },
  {
    what: 'two rows for the same year, province, type and sector',
    file: 'duplicate-key.csv',
    make: fromFixture('duplicate-key.csv'),
    outcome: {
      refused: [
        "a row must be the only one for its year, province, org_type, sector, universe and source (row 2 has the same), but got '2024, 19, HTX, AGRICULTURE' at duplicate-key.csv, row 3, column D (org_type)",
      ],
    },
  },
  {
    what: 'duplicate header names',
    file: 'duplicate-headers.csv',
    make: fromFixture('duplicate-headers.csv'),
    outcome: {
      refused: [
        "column `members` must appear once, but headers 'members' (E) and 'members' (F) both name it at duplicate-headers.csv, row 1",
      ],
    },
  },
  {
    what: 'a header row only',
    file: 'header-only.csv',
    make: fromFixture('header-only.csv'),
    outcome: {
      refused: [
        "a file must have at least one data row below its header, but got 'no data rows' at header-only.csv",
      ],
    },
  },
  {
    what: 'a BOM and a header row only (Vietnamese headers, CRLF)',
    file: 'bom-header-only.csv',
    make: fromFixture('bom-header-only.csv'),
    outcome: {
      refused: [
        "a file must have at least one data row below its header, but got 'no data rows' at bom-header-only.csv",
      ],
    },
  },
  {
    what: 'ragged rows: more fields than the header (an unquoted `1,200`)',
    file: 'ragged-rows.csv',
    make: fromFixture('ragged-rows.csv'),
    outcome: {
      refused: [
        "a row must have no more fields than the header row (5), but got '200' at ragged-rows.csv, row 3, column F",
      ],
    },
  },
  {
    what: 'ragged rows: one more field in row 30,002 (past the rows DuckDB sniffs)',
    file: 'ragged-late.csv',
    make: (path) =>
      writeRegister(
        path,
        30_000,
        '2024,4700000000,Hợp tác xã Phú,Lộc,HTX,AGRICULTURE,19,12,GOOD,no',
      ),
    outcome: {
      refused: [
        'a CSV file must have the same number of fields on every row, separated by one delimiter, but got 10 fields where the rows before it have 9 at ragged-late.csv, row 30002',
      ],
    },
  },
  {
    what: 'ragged rows: fewer fields than the header',
    file: 'short-rows.csv',
    make: fromFixture('short-rows.csv'),
    outcome: {
      accepted: {
        rows: [
          '12 2024 HTX ALL: org_count null, members null',
          '19 2024 HTX ALL: org_count 610, members 5200',
        ],
        warnings: [],
      },
    },
  },
  {
    what: 'a quoted field holding a comma in row 30,002 (past the rows DuckDB sniffs)',
    file: 'quoted-late.csv',
    make: (path) =>
      writeRegister(
        path,
        30_000,
        '2024,4700000000,"Hợp tác xã Phú, Lộc",HTX,AGRICULTURE,19,12,GOOD,no',
      ),
    outcome: {
      accepted: {
        sql: `select org_id || ' ' || org_name || ': members ' || members as line
              from fct_org_register
              where source_code = $1 and valid_to_version is null and org_id in ('4600000000', '4700000000')
              order by line`,
        rows: [
          '4600000000 Hợp tác xã số 0: members 5',
          '4700000000 Hợp tác xã Phú, Lộc: members 12',
        ],
        warnings: [],
      },
    },
    timeoutMs: 60_000,
  },
];

/** The source code each accepted case loads under, so its rows can be read back alone. */
const sourceOf = (c: Case) =>
  `BAD_${c.file.replace(/\.[a-z]+$/, '').replace(/[^A-Za-z0-9]/g, '_')}`.toUpperCase().slice(0, 30);

const FACT_LINES = `select u.code || ' ' || f.year || ' ' || f.org_type || ' ' || f.sector ||
         ': org_count ' || coalesce(f.org_count::varchar, 'null') || ', members ' || coalesce(f.members::varchar, 'null') as line
  from fct_org_annual f join dim_admin_unit u using (unit_id)
  where f.source_code = $1 and f.valid_to_version is null
  order by line`;

async function logCount(): Promise<number> {
  const [row] = await query<{ n: number }>(wh.db, 'select count(*) as n from load_log');
  return row!.n;
}

describe('bad input through the real ETL', () => {
  for (const c of CASES) {
    it(
      c.what,
      async () => {
        const path = join(wh.dir, c.file);
        await c.make(path);
        const before = await fileHash(wh.db);
        const loadsBefore = await logCount();
        const result = await loadFile(path, {
          db: wh.db,
          maxYear: MAX_YEAR,
          source: sourceOf(c),
        }).then(
          (report: LoadReport) => ({ report }),
          (error: unknown) => ({ error }),
        );
        if ('refused' in c.outcome) {
          expect('error' in result && result.error).toBeInstanceOf(LoadRefusedError);
          const error = (result as { error: LoadRefusedError }).error;
          const messages = error.findings.filter((f) => f.severity === 'ERROR').map(formatFinding);
          expect(messages).toHaveLength(c.outcome.refused.length);
          c.outcome.refused.forEach((expected, i) =>
            typeof expected === 'string'
              ? expect(messages[i]).toBe(expected)
              : expect(messages[i]).toMatch(expected),
          );
          // Nothing at all was written: the published file is byte-for-byte the same.
          expect(await fileHash(wh.db)).toBe(before);
          expect(await logCount()).toBe(loadsBefore);
        } else {
          if ('error' in result) throw result.error;
          expect(result.report.outcome).toBe('PUBLISHED');
          expect(result.report.warnings.map(formatFinding)).toEqual(c.outcome.accepted.warnings);
          const lines = await query<{ line: string }>(wh.db, c.outcome.accepted.sql ?? FACT_LINES, [
            sourceOf(c),
          ]);
          expect(lines.map((l) => l.line)).toEqual(c.outcome.accepted.rows);
        }
      },
      c.timeoutMs ?? 60_000,
    );
  }

  it('keeps the mixed line endings of its fixture (no checkout normalised them)', async () => {
    const text = await readFile(fixture('misuse', 'mixed-line-endings.csv'), 'latin1');
    expect(text).toMatch(/\r\n/);
    expect(text).toMatch(/[^\r]\n/);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/hardening.md: the table of cases, rendered from CASES (what this file asserts)

const DOC = fileURLToPath(new URL('../../../docs/hardening.md', import.meta.url));
const START = '<!-- bad-input-cases:start (rendered by test/e2e/misuse/bad-input.test.ts) -->';
const END = '<!-- bad-input-cases:end -->';

/** A table cell holding text as code, whatever backticks and pipes it contains. */
const code = (text: string) => `\`\` ${text.replace(/\|/g, '\\|')} \`\``;

function renderTable(): string {
  const lines = ['| # | case | file | result |', '| --- | --- | --- | --- |'];
  CASES.forEach((c, i) => {
    let result: string;
    if ('refused' in c.outcome) {
      result =
        'refused: ' +
        c.outcome.refused
          .map((m) => (typeof m === 'string' ? code(m) : `matching ${code(m.source)}`))
          .join('<br>');
    } else {
      const { rows, warnings } = c.outcome.accepted;
      result =
        `accepted: ${rows.map(code).join('<br>')}` +
        (warnings.length > 0
          ? `<br>with warning${warnings.length > 1 ? 's' : ''}: ${warnings.map(code).join('<br>')}`
          : '<br>no warnings');
    }
    lines.push(`| ${i + 1} | ${c.what.replace(/\|/g, '\\|')} | \`${c.file}\` | ${result} |`);
  });
  return lines.join('\n');
}

describe('docs/hardening.md', () => {
  it('shows every case above with the outcome this file asserts (COOPSTAT_WRITE_DOCS=1 rewrites it)', async () => {
    const doc = await readFile(DOC, 'utf8');
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    expect(from).toBeGreaterThanOrEqual(0);
    expect(to).toBeGreaterThan(from);
    const rendered = `${START}\n\n${renderTable()}\n\n${END}`;
    const current = doc.slice(from, to + END.length);
    if (process.env.COOPSTAT_WRITE_DOCS === '1' && current !== rendered) {
      await writeFile(DOC, doc.slice(0, from) + rendered + doc.slice(to + END.length));
      return;
    }
    expect(current).toBe(rendered);
  });
});
