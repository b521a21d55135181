import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import {
  invertMaskSql,
  invertQualifier,
  QUALIFIERS,
  qualifierMaskSql,
  qualifierOfMaskSql,
  qualifierOfRatio,
  qualifierOfSum,
  type Qualifier,
} from '../../../warehouse/domain/qualifier.ts';

const E = 'EXACT';
const A = 'ABOUT';
const M = 'MORE_THAN';
const N = 'NEARLY';
const L = 'AT_LEAST';

// The sum of two parts, written out by hand: row + column.
const SUM: Record<Qualifier, Record<Qualifier, Qualifier>> = {
  EXACT: { EXACT: E, ABOUT: A, MORE_THAN: M, NEARLY: N, AT_LEAST: L },
  ABOUT: { EXACT: A, ABOUT: A, MORE_THAN: A, NEARLY: A, AT_LEAST: A },
  MORE_THAN: { EXACT: M, ABOUT: A, MORE_THAN: M, NEARLY: A, AT_LEAST: M },
  NEARLY: { EXACT: N, ABOUT: A, MORE_THAN: A, NEARLY: N, AT_LEAST: A },
  AT_LEAST: { EXACT: L, ABOUT: A, MORE_THAN: M, NEARLY: A, AT_LEAST: L },
};

// numerator ÷ denominator, written out by hand: row ÷ column.
const RATIO: Record<Qualifier, Record<Qualifier, Qualifier>> = {
  EXACT: { EXACT: E, ABOUT: A, MORE_THAN: N, NEARLY: L, AT_LEAST: N },
  ABOUT: { EXACT: A, ABOUT: A, MORE_THAN: A, NEARLY: A, AT_LEAST: A },
  MORE_THAN: { EXACT: M, ABOUT: A, MORE_THAN: A, NEARLY: M, AT_LEAST: A },
  NEARLY: { EXACT: N, ABOUT: A, MORE_THAN: N, NEARLY: A, AT_LEAST: N },
  AT_LEAST: { EXACT: L, ABOUT: A, MORE_THAN: A, NEARLY: L, AT_LEAST: A },
};

describe('qualifiers of computed values', () => {
  it('sums: exact adds nothing, one direction keeps it, mixed directions are ABOUT', () => {
    for (const a of QUALIFIERS)
      for (const b of QUALIFIERS) expect([a, b, qualifierOfSum([a, b])]).toEqual([a, b, SUM[a][b]]);
    expect(qualifierOfSum([])).toBe('EXACT');
    expect(qualifierOfSum(['EXACT', 'AT_LEAST', 'MORE_THAN'])).toBe('MORE_THAN');
  });

  it('ratios: a bounded numerator keeps its side, a bounded denominator turns it round', () => {
    for (const n of QUALIFIERS)
      for (const d of QUALIFIERS)
        expect([n, d, qualifierOfRatio(n, d)]).toEqual([n, d, RATIO[n][d]]);
    // "more than 4,000" of exactly 33,557 is more than 11.9%; 4,000 of "more than 33,557" at most.
    expect(qualifierOfRatio('MORE_THAN', 'EXACT')).toBe('MORE_THAN');
    expect(qualifierOfRatio('EXACT', 'MORE_THAN')).toBe('NEARLY');
    expect(invertQualifier('NEARLY')).toBe('AT_LEAST');
  });

  describe('the SQL fragments follow the same table', () => {
    let db: DuckDbHandle;
    beforeAll(async () => {
      db = await DuckDbHandle.open(':memory:');
    });
    afterAll(() => db.close());

    it('for sums over rows (bit_or) and for ratios', async () => {
      const values = QUALIFIERS.map((q) => `('${q}')`).join(', ');
      const rows = await db.all<{ a: string; b: string; sum: string; ratio: string }>(
        `with q(x) as (values ${values})
         select a.x as a, b.x as b,
           ${qualifierOfMaskSql(`bit_or(${qualifierMaskSql('t.x')})`)} as sum,
           ${qualifierOfMaskSql(`${qualifierMaskSql('a.x')} | ${invertMaskSql(qualifierMaskSql('b.x'))}`)} as ratio
         from q a cross join q b cross join lateral (select a.x union all select b.x) t(x)
         group by a.x, b.x`,
      );
      expect(rows).toHaveLength(25);
      for (const r of rows) {
        expect([r.a, r.b, r.sum]).toEqual([r.a, r.b, SUM[r.a as Qualifier][r.b as Qualifier]]);
        expect([r.a, r.b, r.ratio]).toEqual([r.a, r.b, RATIO[r.a as Qualifier][r.b as Qualifier]]);
      }
    });
  });
});
