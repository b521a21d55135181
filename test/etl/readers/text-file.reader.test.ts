import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  firstLongCell,
  readCsvHeadLines,
  splitCsvRecords,
} from '../../../etl/readers/text-file.reader.ts';

describe('the records of a CSV text', () => {
  it('keeps a quoted line break inside its record, with any line ending', () => {
    expect(splitCsvRecords('"a\nb",c\r\nd,"e\r\nf"\rg')).toEqual(['"a\nb",c', 'd,"e\r\nf"', 'g']);
  });

  it('reads a quote inside a text as a character, and a doubled quote inside quotes as one', () => {
    expect(splitCsvRecords('Báo cáo "năm\n2024,"x ""y""\nz"\nlast')).toEqual([
      'Báo cáo "năm',
      '2024,"x ""y""\nz"',
      'last',
    ]);
  });

  it('gives the header row its index in records below a title on two lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coopstat-text-'));
    try {
      const path = join(dir, 'title.csv');
      await writeFile(path, '"BIỂU SỐ 01\nNăm 2024",,\nyear,province_code,org_count\n2024,19,5\n');
      expect(await readCsvHeadLines(path, 10)).toEqual([
        ['BIỂU SỐ 01\nNăm 2024', '', ''],
        ['year', 'province_code', 'org_count'],
        ['2024', '19', '5'],
        [''],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the first over-long cell of a CSV text', () => {
  it('counts a cell as it holds its text: quotes taken off, a doubled quote as one, delimiters inside quotes kept', () => {
    const long = 'x'.repeat(40);
    const text = `year;province_code;Tỉnh\n2024;19;ok\n2024;"1;9";"a ""${long}"" b;c"\n`;
    // The cell holds `a "` + 40 × x + `" b;c`: 48 characters.
    expect(firstLongCell(text, 47)).toEqual({ row: 3, field: 2, chars: 48, header: 'Tỉnh' });
    expect(firstLongCell(text, 48)).toBeUndefined();
  });

  it('measures a cell of 10 million characters', () => {
    const cell = 'y'.repeat(10_000_000);
    expect(firstLongCell(`a,b,c\n1,2,${cell}\n`, 32_767)).toEqual({
      row: 2,
      field: 2,
      chars: 10_000_000,
      header: 'c',
    });
  });
});
