import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES } from '../../../etl/reference/init-warehouse.ts';
import { countUndatedProvincialFigures } from '../../../etl/reference/provincial-figures.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { QUALIFIERS, qualifierOfQuote } from '../../../warehouse/domain/qualifier.ts';
import { query, useTestWarehouse } from '../../helpers/warehouse.ts';

const wh = useTestWarehouse();

interface ValueRow {
  unit_id: string;
  indicator_code: string;
  year: number;
  value: number;
  source_code: string;
  qualifier: string;
  is_approximate: boolean;
  is_preferred: boolean;
}
const published = (where: string) =>
  query<ValueRow>(
    wh.db,
    `select unit_id, indicator_code, year, value, source_code, qualifier, is_approximate, is_preferred
     from fct_published_value where valid_to_version is null and ${where}
     order by unit_id, indicator_code, year, value`,
  );

describe('qualifiers read from the hedge word of the quote', () => {
  it('takes the word written right before the number, not one elsewhere in the sentence', () => {
    const quote =
      'Năm 2020, cả nước có 17.000 hợp tác xã (HTX) nông nghiệp và 68 liên hiệp HTX. Tỷ lệ HTX hoạt động hiệu quả khoảng 70%. Có hơn 1.700 HTX ứng dụng công nghệ cao trong sản xuất.';
    expect(qualifierOfQuote(quote, 17000)).toBe('EXACT');
    expect(qualifierOfQuote(quote, 70)).toBe('ABOUT');
    expect(qualifierOfQuote(quote, 1700)).toBe('MORE_THAN');
    expect(qualifierOfQuote('khu vực HTX thu hút gần 6 triệu thành viên', 6_000_000)).toBe(
      'NEARLY',
    );
    expect(qualifierOfQuote('Phấn đấu thu hút tối thiểu 20% dân số', 20)).toBe('AT_LEAST');
    expect(qualifierOfQuote('Doanh thu bình quân HTX NN ước đạt 4.431 triệu đồng/năm', 4431)).toBe(
      'ABOUT',
    );
    expect(qualifierOfQuote('the total reached nearly 6 million people', 6_000_000)).toBe('NEARLY');
    expect(qualifierOfQuote('cả nước có 29.378 hợp tác xã', 5)).toBeNull();
  });

  it('stores the qualifier of every national figure beside is_approximate', async () => {
    const rows = await published(`unit_id = 'VN' and (
      (indicator_code = 'htx_members' and year in (2021, 2023, 2025)) or
      (indicator_code = 'htx_count' and year = 2023) or
      (indicator_code = 'htx_high_tech' and year = 2024) or
      (indicator_code = 'htx_in_value_chain' and year = 2024))`);
    expect(rows.map((r) => [r.indicator_code, r.year, r.value, r.qualifier])).toEqual([
      ['htx_count', 2023, 31000, 'MORE_THAN'], // "trên 31 nghìn"
      ['htx_count', 2023, 31364, 'EXACT'],
      ['htx_high_tech', 2024, 2000, 'ABOUT'], // "khoảng 2.000"
      ['htx_in_value_chain', 2024, 4000, 'MORE_THAN'], // "trên 4.000"
      ['htx_in_value_chain', 2024, 4000, 'MORE_THAN'],
      ['htx_members', 2021, 6000000, 'NEARLY'], // "gần 6 triệu"
      ['htx_members', 2023, 5800000, 'MORE_THAN'], // "hơn 5,8 triệu"
      ['htx_members', 2025, 6000000, 'NEARLY'], // "nearly 6 million"
    ]);
    const all = await published('true');
    expect(new Set(all.map((r) => r.qualifier))).toEqual(
      new Set(QUALIFIERS.filter((q) => q !== 'AT_LEAST')),
    );
    expect(all.every((r) => r.is_approximate === (r.qualifier !== 'EXACT'))).toBe(true);
  });
});

describe('provincial reference figures in the default warehouse', () => {
  it('loads every dated figure of the five provinces, as its own row, with its unit and qualifier', async () => {
    const rows = await published(`source_code = 'PROVINCIAL'`);
    const db = await DuckDbHandle.open(':memory:');
    const undated = await countUndatedProvincialFigures(db, REFERENCE_FILES.provincialFigures);
    db.close();
    expect(undated).toBe(2);
    expect(rows).toHaveLength(113 - undated);
    expect(new Set(rows.map((r) => r.unit_id))).toEqual(
      new Set([
        '19:2008-08-01',
        '19:2025-07-01',
        '06:2008-08-01',
        '12:2008-08-01',
        '91:2008-08-01',
        '89:2008-08-01',
      ]),
    );
    expect(
      rows
        .filter((r) => r.unit_id === '19:2008-08-01' && r.indicator_code === 'tht_count')
        .map((r) => [r.year, r.value, r.qualifier]),
    ).toContainEqual([2021, 4500, 'NEARLY']); // "gần 4.500 tổ hợp tác"
  });

  it('keeps contradicting figures side by side and prefers exactly one per unit, year and indicator', async () => {
    const kienGiang = await published(
      `unit_id = '91:2008-08-01' and indicator_code = 'htx_count' and year = 2021`,
    );
    // 513 (press, medium confidence) and 514 (provincial alliance, high): neither averaged nor dropped.
    expect(kienGiang.map((r) => [r.value, r.is_preferred])).toEqual([
      [513, false],
      [514, true],
    ]);
    const [dup] = await query<{ n: number }>(
      wh.db,
      `select count(*) as n from (
         select unit_id, indicator_code, year from fct_published_value
         where valid_to_version is null and source_code = 'PROVINCIAL'
         group by all having count(*) filter (where is_preferred) <> 1)`,
    );
    expect(dup?.n).toBe(0);
  });

  it('does not turn provincial figures into facts', async () => {
    const [facts] = await query<{ n: number }>(
      wh.db,
      `select count(*) as n from fct_org_annual where source_code = 'PROVINCIAL'`,
    );
    expect(facts?.n).toBe(0);
  });
});
