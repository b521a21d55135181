import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import {
  INDICATOR_KINDS,
  indicatorValueSql,
  LAW_2023_FROM_YEAR,
  LEGAL_MINIMUM_MEMBERS,
  legalMinimumMembersSql,
  ORG_TYPES,
  orgTypeRankSql,
} from '../../../warehouse/domain/vocabulary.ts';

describe('the SQL generated from the closed vocabularies (run in DuckDB)', () => {
  let db: DuckDbHandle;
  beforeAll(async () => {
    db = await DuckDbHandle.open(':memory:');
  });
  afterAll(() => db.close());

  it('orders organisation types as the list does, anything else last', async () => {
    const values = [...ORG_TYPES, 'OTHER'].map((t) => `('${t}')`).join(', ');
    const rows = await db.all<{ t: string; rank: number }>(
      `select t, ${orgTypeRankSql('t')} as rank from (values ${values}) v(t)`,
    );
    expect(rows.map((r) => [r.t, r.rank])).toEqual([
      ...ORG_TYPES.map((t, i) => [t, i]),
      ['OTHER', -1],
    ]);
  });

  it('gives the legal minimum of members of each type under each law', async () => {
    const years = [LAW_2023_FROM_YEAR - 1, LAW_2023_FROM_YEAR];
    const pairs = ORG_TYPES.flatMap((t) => years.map((y) => `('${t}', ${y})`)).join(', ');
    const rows = await db.all<{ t: string; y: number; minimum: number }>(
      `select t, y, ${legalMinimumMembersSql('t', 'y')} as minimum from (values ${pairs}) v(t, y)`,
    );
    expect(rows.map((r) => [r.t, r.y, r.minimum])).toEqual(
      ORG_TYPES.flatMap((t) => [
        [t, LAW_2023_FROM_YEAR - 1, LEGAL_MINIMUM_MEMBERS[t].law2012],
        [t, LAW_2023_FROM_YEAR, LEGAL_MINIMUM_MEMBERS[t].law2023],
      ]),
    );
    // The founding minimums of DESIGN §4b, written out: HTX 7 → 5, LHHTX 4 → 3, THT 2.
    expect(rows.find((r) => r.t === 'HTX' && r.y === 2023)?.minimum).toBe(7);
    expect(rows.find((r) => r.t === 'HTX' && r.y === 2024)?.minimum).toBe(5);
    expect(rows.find((r) => r.t === 'LHHTX' && r.y === 2024)?.minimum).toBe(3);
    expect(rows.find((r) => r.t === 'THT' && r.y === 2023)?.minimum).toBe(2);
  });

  it('computes an indicator value by its kind, null over a zero denominator', async () => {
    const values = [...INDICATOR_KINDS, 'OTHER']
      .flatMap((k) => [`('${k}', 30.0, 120.0)`, `('${k}', 30.0, 0.0)`])
      .join(', ');
    const rows = await db.all<{
      k: string;
      d: number;
      value: number | null;
      average: number | null;
    }>(
      `select k, d, ${indicatorValueSql('k', 'n', 'd')} as value,
         ${indicatorValueSql('k', 'n', 'd', '7.5')} as average
       from (values ${values}) v(k, n, d)`,
    );
    expect(rows.map((r) => [r.k, r.d, r.value])).toEqual([
      ['COUNT', 120, 30],
      ['COUNT', 0, 30],
      ['SHARE', 120, 25],
      ['SHARE', 0, null],
      ['RATIO', 120, 0.25],
      ['RATIO', 0, null],
      ['PER_POPULATION', 120, 25],
      ['PER_POPULATION', 0, null],
      ['AVERAGE', 120, 30],
      ['AVERAGE', 0, 30],
      ['OTHER', 120, null],
      ['OTHER', 0, null],
    ]);
    expect(rows.filter((r) => r.k === 'AVERAGE').map((r) => r.average)).toEqual([7.5, 7.5]);
  });
});
