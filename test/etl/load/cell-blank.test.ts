import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CELL_BLANK_CHARACTERS, edgeBlankSql, trimCellSql } from '../../../etl/load/cell-blank.ts';
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

  it('is found in a record by one test exactly when some cell starts or ends with it', async () => {
    const records: (string | null)[][] = [];
    for (const blank of CELL_BLANK_CHARACTERS) {
      for (const at of [0, 1, 2]) {
        records.push(['a', null, 'b'].map((c, i) => (i === at ? `${blank}x` : c)));
        records.push(['a', null, 'b'].map((c, i) => (i === at ? `x${blank}` : c)));
        records.push(['a', null, 'b'].map((c, i) => (i === at ? `x${blank}y` : c))); // inside: none
      }
    }
    records.push(
      ['xẠ', '\u200b46\u200b', '\u0001'],
      [null, null, null],
      ['', '', ''],
      ['\u0001 ', 'a', 'b'],
    );
    const sql = `select ${edgeBlankSql(['$1', '$2', '$3'])} as edge`;
    for (const cells of records) {
      const [row] = await db.all<{ edge: boolean }>(sql, cells);
      expect([cells, row!.edge]).toEqual([cells, cells.some((c) => c !== null && c !== c.trim())]);
    }
  });
});
