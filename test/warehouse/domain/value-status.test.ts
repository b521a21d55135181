import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import {
  compareValueStatus,
  VALUE_STATUSES,
  valueStatusOfRank,
  valueStatusOfRankSql,
  valueStatusRank,
  valueStatusRankSql,
  weakestValueStatus,
  weakestValueStatusSql,
} from '../../../warehouse/domain/value-status.ts';

/** Every status, plus what a column may hold besides one: null and a word outside the set. */
const INPUTS: readonly (string | null)[] = [...VALUE_STATUSES, null, 'UNKNOWN'];

const sqlLiteral = (s: string | null) => (s === null ? 'null::varchar' : `'${s}'`);

describe('the ranking of value statuses', () => {
  it('weakest first: an estimate over a preliminary figure over a final report', () => {
    expect(weakestValueStatus(['REPORTED', 'PROVISIONAL'])).toBe('PROVISIONAL');
    expect(weakestValueStatus(['PROVISIONAL', 'ESTIMATED', 'REPORTED'])).toBe('ESTIMATED');
    expect(weakestValueStatus([])).toBe('REPORTED');
    expect(weakestValueStatus([null, 'UNKNOWN'])).toBe('REPORTED');
    expect(compareValueStatus('REPORTED', 'ESTIMATED')).toBeLessThan(0);
    expect(compareValueStatus('ESTIMATED', 'PROVISIONAL')).toBeGreaterThan(0);
    for (const s of VALUE_STATUSES) expect(valueStatusOfRank(valueStatusRank(s))).toBe(s);
  });

  describe('the SQL fragments agree with the TypeScript functions (run in DuckDB)', () => {
    let db: DuckDbHandle;
    beforeAll(async () => {
      db = await DuckDbHandle.open(':memory:');
    });
    afterAll(() => db.close());

    it('on every pair: rank, order, the weakest of two, and the status of a rank', async () => {
      const values = INPUTS.map((s) => `(${sqlLiteral(s)})`).join(', ');
      const rows = await db.all<{
        a: string | null;
        b: string | null;
        rank_a: number;
        rank_b: number;
        weakest: string;
        weakest_of_max: string;
      }>(
        `with s(x) as (values ${values})
         select a.x as a, b.x as b,
           ${valueStatusRankSql('a.x')} as rank_a, ${valueStatusRankSql('b.x')} as rank_b,
           ${weakestValueStatusSql('t.x')} as weakest,
           ${valueStatusOfRankSql(`greatest(${valueStatusRankSql('a.x')}, ${valueStatusRankSql('b.x')})`)} as weakest_of_max
         from s a cross join s b cross join lateral (select a.x union all select b.x) t(x)
         group by all`,
      );
      expect(rows).toHaveLength(INPUTS.length ** 2);
      for (const r of rows) {
        const expected = weakestValueStatus([r.a, r.b]);
        expect([r.a, r.b, r.rank_a, r.rank_b]).toEqual([
          r.a,
          r.b,
          valueStatusRank(r.a),
          valueStatusRank(r.b),
        ]);
        expect(Math.sign(r.rank_a - r.rank_b)).toBe(Math.sign(compareValueStatus(r.a, r.b)));
        expect([r.a, r.b, r.weakest, r.weakest_of_max]).toEqual([r.a, r.b, expected, expected]);
      }
    });

    it('the status of a rank outside the table is the default, as in TypeScript', async () => {
      const [row] = await db.all<{ zero: string; big: string; none: string }>(
        `select ${valueStatusOfRankSql('0')} as zero, ${valueStatusOfRankSql('99')} as big,
           ${valueStatusOfRankSql('null::integer')} as none`,
      );
      expect(row).toEqual({
        zero: valueStatusOfRank(0),
        big: valueStatusOfRank(99),
        none: valueStatusOfRank(Number.NaN),
      });
    });
  });
});
