import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CELL_BLANK_CHARACTERS, trimCellSql } from '../../../etl/load/cell-blank.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';

let db: DuckDbHandle;
beforeAll(async () => {
  db = await DuckDbHandle.open(':memory:');
});
afterAll(() => db.close());

describe('the blank around a cell', () => {
  it('is exactly what JavaScript trim removes, over every character of the basic plane', () => {
    const blank: string[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      const s = String.fromCharCode(c);
      if (s.trim() === '') blank.push(s);
    }
    expect([...CELL_BLANK_CHARACTERS].sort()).toEqual(blank.sort());
  });

  it('is trimmed by the SQL as by JavaScript, and letters that share bytes with it are kept', async () => {
    const texts = [
      '\t01',
      '01\u00a0',
      '\u00a0\u3000Hợp tác xã\u2003\r\n',
      '\ufeff19\u202f',
      'xẠ', // U+1EA0 ends in the byte A0, as U+00A0 does
      'Ạ\u00a0',
      '\u200b46\u200b', // a zero-width space is not blank for either
      '  ',
      '',
    ];
    const trimmed: string[] = [];
    for (const text of texts) {
      const [row] = await db.all<{ t: string; same: boolean }>(
        `select ${trimCellSql('$1')} as t, $1 = $2 as same`,
        [text, text],
      );
      expect(row!.same).toBe(true); // the text reached DuckDB as it is
      trimmed.push(row!.t);
    }
    expect(trimmed).toEqual(texts.map((t) => t.trim()));
  });
});
