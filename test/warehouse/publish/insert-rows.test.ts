import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { insertRows, insertTableRows } from '../../../warehouse/publish/insert-rows.ts';

describe('reference rows inserted in the warehouse', () => {
  let db: DuckDbHandle;
  beforeAll(async () => {
    db = await DuckDbHandle.open(':memory:');
    await db.run(
      `create table dim_unit_crosswalk (from_unit_id varchar not null, to_unit_id varchar not null,
         effective_on date not null, relation varchar not null, source_url varchar)`,
    );
    await db.run(`create table pairs (n integer, label varchar)`);
  });
  afterAll(() => db.close());

  it('writes records of a table by column name, whatever the order of their keys', async () => {
    await insertTableRows(db, 'dim_unit_crosswalk', [
      {
        source_url: null,
        relation: 'MERGED',
        effective_on: '2025-07-01',
        to_unit_id: '91:2025-07-01',
        from_unit_id: '93:2008-08-01',
      },
    ]);
    expect(await db.all(`select * from dim_unit_crosswalk`)).toEqual([
      {
        from_unit_id: '93:2008-08-01',
        to_unit_id: '91:2025-07-01',
        effective_on: '2025-07-01',
        relation: 'MERGED',
        source_url: null,
      },
    ]);
  });

  it('writes positional rows 100 to a statement, and nothing for no rows', async () => {
    const before = db.statementCount;
    await insertRows(db, 'pairs', []);
    expect(db.statementCount).toBe(before);
    await insertRows(
      db,
      'pairs',
      Array.from({ length: 250 }, (_, i) => [i, `row ${i}`]),
    );
    expect(db.statementCount).toBe(before + 3);
    expect(await db.all(`select count(*) as n, max(label) as last from pairs`)).toEqual([
      { n: 250, last: 'row 99' },
    ]);
  });
});
