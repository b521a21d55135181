import { describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { findIndicatorValues } from '../../../warehouse/queries/indicator.queries.ts';
import { fixture, query, useTestWarehouse } from '../../helpers/warehouse.ts';

const LC = '12:2008-08-01';

const wh = useTestWarehouse();

async function values(unitId: string, year: number, codes: string[], sources?: string[]) {
  const db = await DuckDbHandle.open(wh.db, { readOnly: true });
  try {
    const rows = await findIndicatorValues(db, {
      indicatorCodes: codes,
      unitIds: [unitId],
      fromYear: year,
      toYear: year,
      ...(sources ? { sources } : {}),
    });
    return rows.map((r) => [r.indicator_code, r.source_code, r.value, r.status, r.qualifier]);
  } finally {
    db.close();
  }
}

describe('status per measure', () => {
  it('keeps the reported 2022 cooperative count reported beside estimated members of the same row', async () => {
    // The White Book's 29,378 cooperatives are reported; the 5,935,000 members ("ước năm 2022")
    // are an estimate. Both land in one fact row (nation, 2022, HTX, MINISTRY).
    const [row] = await query<{ status: string; measure_status: string }>(
      wh.db,
      `select status, measure_status from fct_org_annual
       where valid_to_version is null and unit_id = 'VN' and year = 2022 and org_type = 'HTX'
         and sector = 'ALL' and source_code = 'MINISTRY'`,
    );
    expect(row!.status).toBe('ESTIMATED');
    expect(JSON.parse(row!.measure_status)).toEqual({
      org_count: 'REPORTED',
      members: 'ESTIMATED',
    });
    expect(await values('VN', 2022, ['htx_count', 'htx_members'], ['MINISTRY'])).toEqual([
      ['htx_count', 'MINISTRY', 29378, 'REPORTED', 'EXACT'],
      ['htx_members', 'MINISTRY', 5935000, 'ESTIMATED', 'EXACT'],
    ]);
  });
});

describe('qualifiers through facts and indicator values', () => {
  it('carries the bounds of the national figures into the values computed from them', async () => {
    // "hơn 5,8 triệu" members (2024) and "gần 6 triệu" (2025); "trên 4.000" cooperatives in
    // value chains of exactly 33,557: the share 11.9% is a lower bound.
    expect(
      await values('VN', 2024, ['htx_members', 'htx_value_chain_share', 'population_share_in_ktt']),
    ).toEqual([
      ['htx_members', 'MINISTRY', 5800000, 'REPORTED', 'MORE_THAN'],
      ['htx_members', 'VCA', 6139000, 'ESTIMATED', 'MORE_THAN'],
      ['htx_value_chain_share', 'VCA', (100 * 4000) / 33557, 'ESTIMATED', 'MORE_THAN'],
      [
        'population_share_in_ktt',
        'MINISTRY',
        expect.closeTo((100 * 6744587) / 101112656, 9),
        'REPORTED',
        'MORE_THAN',
      ],
      [
        'population_share_in_ktt',
        'VCA',
        expect.closeTo((100 * 6139000) / 101112656, 9),
        'ESTIMATED',
        'MORE_THAN',
      ],
    ]);
    // The same sentence states the share itself, "chiếm gần 13%": kept as the published figure,
    // an upper bound, beside the computed lower bound (the true share lies between).
    expect(
      await query(
        wh.db,
        `select value, qualifier, is_preferred, quote from fct_published_value
         where valid_to_version is null and unit_id = 'VN' and indicator_code = 'htx_value_chain_share'
           and year = 2024 and is_preferred`,
      ),
    ).toEqual([
      {
        value: 13,
        qualifier: 'NEARLY',
        is_preferred: true,
        quote:
          'Hiện có trên 4.000 HTX tham gia liên kết theo chuỗi giá trị, chiếm gần 13% tổng số HTX.',
      },
    ]);
    expect(await values('VN', 2025, ['htx_members'], ['MINISTRY'])).toEqual([
      ['htx_members', 'MINISTRY', 6000000, 'PROVISIONAL', 'NEARLY'],
    ]);
  });

  it('reads the qualifier column of an aggregates file and combines it in sums and totals', async () => {
    const report = await loadFile(fixture('etl', 'qualified-figures.csv'), {
      db: wh.db,
      maxYear: 2026,
    });
    expect(report.outcome).toBe('PUBLISHED');
    const facts = await query<{
      org_type: string;
      sector: string;
      measure_qualifier: string | null;
    }>(
      wh.db,
      `select org_type, sector, measure_qualifier from fct_org_annual
       where valid_to_version is null and unit_id = $1 and year = 2024 order by org_type, sector`,
      [LC],
    );
    expect(
      facts.map((f) => [
        f.org_type,
        f.sector,
        f.measure_qualifier && JSON.parse(f.measure_qualifier),
      ]),
    ).toEqual([
      ['HTX', 'ALL', { org_count: 'MORE_THAN', members: 'MORE_THAN', in_value_chain: 'MORE_THAN' }],
      // The credit funds' total is made from their only sector, and keeps its bound.
      ['QTDND', 'ALL', { org_count: 'NEARLY', members: 'NEARLY' }],
      ['QTDND', 'CREDIT', { org_count: 'NEARLY', members: 'NEARLY' }],
      ['THT', 'ALL', null],
    ]);
    expect(
      await values(LC, 2024, [
        'tht_count',
        'htx_count',
        'qtdnd_count',
        'htx_value_chain_share',
        'ktt_members_total',
      ]),
    ).toEqual([
      // The registry's cooperatives include the credit funds: more than 300 + nearly 2.
      ['htx_count', 'PSO', 302, 'REPORTED', 'ABOUT'],
      // more than 60 of more than 300: the bounds point both ways.
      ['htx_value_chain_share', 'PSO', 20, 'REPORTED', 'ABOUT'],
      // exact groups + more than 6,000 + nearly 3,000 members.
      ['ktt_members_total', 'PSO', 10000, 'REPORTED', 'ABOUT'],
      ['qtdnd_count', 'PSO', 2, 'REPORTED', 'NEARLY'],
      ['tht_count', 'PSO', 100, 'REPORTED', 'EXACT'],
    ]);
  });
});
