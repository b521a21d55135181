import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readXlsx, readXlsxHeaders, type XlsxRow } from '../../../etl/readers/xlsx.reader.ts';
import { peekFamily } from '../../../etl/load/staging.ts';
import { buildZip, WORKBOOK_RELS, WORKBOOK_XML } from '../../helpers/zip-forge.ts';

/**
 * Japanese and Chinese editions of Excel add a reading guide to a string: a phonetic run
 * (`<rPh>`) beside its text runs, in the shared strings and in inline strings alike. It is not
 * part of the cell's text: the header peek and the full read, which share one cell parser, must
 * both leave it out, or a header the peek matches is not the header the load maps.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-phonetic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
/** A phonetic run of `reading` over the first characters of a string. */
const rPh = (reading: string) => `<rPh sb="0" eb="2"><t>${reading}</t></rPh>`;

/** Shared strings 0–2: plain text runs, rich-text runs, each with a phonetic run. */
const SHARED_STRINGS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="${MAIN}" count="4" uniqueCount="4">
<si><t>Năm</t>${rPh('ネン')}<phoneticPr fontId="1"/></si>
<si><r><t>Mã số </t></r><r><rPr><b/></rPr><t>HTX</t></r>${rPh('マ')}<phoneticPr fontId="1"/></si>
<si><t>Tên HTX</t>${rPh('テン')}</si>
<si><t>Hợp tác xã Tân Cương</t>${rPh('ゴウ')}</si>
</sst>`;

/**
 * A title row, then the header row (shared strings and an inline string with a phonetic run),
 * then one data row.
 */
const SHEET = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="${MAIN}"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>BIỂU SỐ 01</t>${rPh('ヒョウ')}</is></c></row>
<row r="3">
<c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c><c r="C3" t="s"><v>2</v></c>
<c r="D3" t="inlineStr"><is><r><t>Mã </t></r><r><t>tỉnh</t></r>${rPh('マ')}</is></c>
</row>
<row r="4"><c r="A4"><v>2024</v></c><c r="B4" t="str"><v>4600123401</v></c><c r="C4" t="s"><v>3</v></c><c r="D4" t="str"><v>19</v></c></row>
</sheetData></worksheet>`;

async function phoneticWorkbook(): Promise<string> {
  const path = join(dir, 'phonetic-headers.xlsx');
  await writeFile(
    path,
    buildZip([
      { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK_XML) },
      { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS) },
      { name: 'xl/sharedStrings.xml', data: Buffer.from(SHARED_STRINGS) },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(SHEET) },
    ]),
  );
  return path;
}

const HEADER = ['Năm', 'Mã số HTX', 'Tên HTX', 'Mã tỉnh'];

describe('cells with phonetic runs', () => {
  it('read as their text alone, in the header peek and in the full read alike', async () => {
    const path = await phoneticWorkbook();

    const rows: XlsxRow[] = [];
    for await (const row of readXlsx(path)) rows.push(row);
    expect(rows.map((r) => [r.row, r.cells])).toEqual([
      [1, ['BIỂU SỐ 01']],
      [3, HEADER],
      [4, ['2024', '4600123401', 'Hợp tác xã Tân Cương', '19']],
    ]);

    // The peek reads the first rows of each sheet with the same parser: the same text.
    expect(await readXlsxHeaders(path, 2)).toEqual([
      { sheet: 'HTX', cells: ['BIỂU SỐ 01'] },
      { sheet: 'HTX', cells: HEADER },
    ]);
  });

  it("let the peek tell the file's family from a header with a phonetic run", async () => {
    const path = await phoneticWorkbook();
    // "Mã số HTX" names the organisation's registration code: a register, not aggregates.
    expect(await peekFamily(path, Buffer.from('PK\u0003\u0004', 'latin1'))).toBe('register');
  });
});
