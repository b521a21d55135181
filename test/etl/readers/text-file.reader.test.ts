import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvHeadLines, splitCsvRecords } from '../../../etl/readers/text-file.reader.ts';

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
