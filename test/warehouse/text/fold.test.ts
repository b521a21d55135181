import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { createKysely, DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { fold, foldExpression, foldSql } from '../../../warehouse/text/fold.ts';

/** Headers and names as the input files spell them. */
const SAMPLES = [
  'Mã tỉnh',
  'MA TINH',
  'ma_tinh',
  'Tỉnh Thừa Thiên Huế',
  'Số HTX  đang hoạt động (*)',
  'ĐỒNG THÁP',
  '  Thành phố Hồ Chí Minh. ',
];

describe('fold in SQL', () => {
  let handle: DuckDbHandle;
  let db: Kysely<Record<string, never>>;
  beforeAll(async () => {
    handle = await DuckDbHandle.open(':memory:');
    db = createKysely(handle);
  });
  afterAll(() => handle.close());

  it('folds a typed expression in DuckDB as fold() does in JavaScript, each text a parameter', async () => {
    for (const text of SAMPLES) {
      const { rows } = await sql<{ folded: string }>`select ${foldExpression(
        sql<string>`${text}::varchar`,
      )} as folded`.execute(db);
      expect(rows[0]!.folded).toBe(fold(text));
    }
  });

  it('gives the statements written as text the same SQL around the expression', () => {
    const compiled = sql`${foldExpression(sql.ref('header'))}`.compile(db).sql;
    expect(foldSql('"header"')).toBe(compiled);
  });
});
