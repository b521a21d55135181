import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatFinding, LoadRefusedError } from '../../../etl/load/findings.ts';
import { loadFile } from '../../../etl/load/load-file.ts';
import {
  createTestWarehouse,
  fileHash,
  fixture,
  query,
  type TestWarehouse,
} from '../../helpers/warehouse.ts';
import { writeWorkbook } from '../../helpers/xlsx.ts';

let wh: TestWarehouse;
let publishedHash: string;
beforeAll(async () => {
  wh = await createTestWarehouse();
  publishedHash = await fileHash(wh.db);
});
afterAll(async () => {
  await wh.cleanup();
});

/** Loads a file that must be refused; returns its error findings, and proves nothing was written. */
async function refuse(path: string): Promise<string[]> {
  const error = await loadFile(path, { db: wh.db, maxYear: 2026 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoadRefusedError);
  expect(await fileHash(wh.db)).toBe(publishedHash);
  const [log] = await query<{ n: number }>(wh.db, 'select count(*) as n from load_log');
  expect(log?.n).toBe(2); // the reference figures and the plan catalog
  return (error as LoadRefusedError).findings
    .filter((f) => f.severity === 'ERROR')
    .map(formatFinding);
}

describe('each malformed file is refused with its rule, value and place, and the warehouse is unchanged', () => {
  it.each([
    [
      'missing-column.csv',
      'required column `org_type` must be present in the header row at missing-column.csv, row 1',
    ],
    [
      'bad-number.csv',
      "column `members` must be a whole number ≥ 0 (digits only, or with . or , between thousands), but got '1.2a' at bad-number.csv, row 3, column G (members)",
    ],
    [
      'negative-count.csv',
      "column `members` must be a whole number ≥ 0 (digits only, or with . or , between thousands), but got '-5' at negative-count.csv, row 2, column G (members)",
    ],
    [
      'units-in-cell.csv',
      "column `members` must be a whole number ≥ 0 (digits only, or with . or , between thousands), but got '1.200 người' at units-in-cell.csv, row 2, column G (members)",
    ],
    [
      'unknown-province.csv',
      "column `province_code` must be the code of a province, but got '99' at unknown-province.csv, row 2, column B (province_code)",
    ],
    [
      'code-outside-validity.csv',
      "column `province_code` must name a province valid on 31 December 2025 (06 was Tỉnh Bắc Kạn from 2008-08-01 to 2025-06-30, then part of 19 Tỉnh Thái Nguyên), but got '06' at code-outside-validity.csv, row 2, column B (province_code)",
    ],
    [
      'duplicate-key.csv',
      "a row must be the only one for its year, province, org_type, sector, universe and source (row 2 has the same), but got '2024, 19, HTX, AGRICULTURE' at duplicate-key.csv, row 3, column D (org_type)",
    ],
    [
      'inconsistent-counts.csv',
      "counts must be consistent: rated_good + rated_fair + rated_average + rated_weak + rated_none must not exceed org_count (610), but got '760' at inconsistent-counts.csv, row 2, column H (rated_good)",
    ],
    [
      'future-year.csv',
      "column `year` must be a year from 2000 to 2026, but got '2031' at future-year.csv, row 2, column A (year)",
    ],
    [
      'wrong-encoding.csv',
      'a CSV file must be UTF-8 or UTF-16 text, but got bytes that are not UTF-8 (0xE1 at line 2; the file looks like Windows-1258) at wrong-encoding.csv, row 2',
    ],
  ])('%s', async (name, message) => {
    expect(await refuse(fixture('etl', name))).toEqual([message]);
  });

  it('a broken .xlsx (truncated download)', async () => {
    const whole = join(wh.dir, 'whole.xlsx');
    await writeWorkbook(whole, [
      {
        name: 'HTX',
        rows: [
          ['year', 'province_code', 'org_type', 'org_count'],
          [2024, 19, 'HTX', 610],
        ],
      },
    ]);
    const bytes = await readFile(whole);
    const broken = join(wh.dir, 'thai-nguyen-2024.xlsx');
    await writeFile(broken, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await refuse(broken)).toEqual([BROKEN_XLSX_MESSAGE]);
  });

  it('an old .xls workbook, by name', async () => {
    const path = join(wh.dir, 'bao-cao.xls');
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        Buffer.alloc(504),
      ]),
    );
    expect(await refuse(path)).toEqual([
      "a spreadsheet must be in the .xlsx format (Excel 2007 or later) or CSV; save it again as .xlsx, but got 'an Excel 97-2003 .xls file' at bao-cao.xls",
    ]);
  });

  it('a file with a header and no data', async () => {
    const path = join(wh.dir, 'empty.csv');
    await writeFile(path, 'year,province_code,org_type,org_count\n');
    expect(await refuse(path)).toEqual([
      "a file must have at least one data row below its header, but got 'no data rows' at empty.csv",
    ]);
  });

  it('reports every bad row of a file, not just the first', async () => {
    const path = join(wh.dir, 'many.csv');
    const rows = Array.from(
      { length: 30 },
      (_, i) => `${2010 + Math.floor(i / 2)},${i % 2 ? 'xx' : '19'},HTX,${i}`,
    );
    await writeFile(path, ['year,province_code,org_type,org_count', ...rows].join('\n'));
    const messages = await refuse(path);
    expect(messages).toHaveLength(15);
    expect(messages[0]).toBe(
      "column `province_code` must be a one- or two-digit province code, but got 'xx' at many.csv, row 3, column B (province_code)",
    );
  });
});

const BROKEN_XLSX_MESSAGE =
  'an .xlsx file must be a valid zip archive, but got a file that ends before its central directory at thai-nguyen-2024.xlsx';
