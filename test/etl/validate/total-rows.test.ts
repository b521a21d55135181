import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, LoadRefusedError } from '../../../etl/load/findings.ts';
import { loadFile } from '../../../etl/load/load-file.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { computeTargetProgress, findTargets } from '../../../warehouse/queries/progress.queries.ts';
import { currentFacts, fixture, useTestWarehouse } from '../../helpers/warehouse.ts';

const TN = '19:2008-08-01';
const LC = '12:2008-08-01';

const wh = useTestWarehouse();

const current = (unitId: string, orgType: string) => currentFacts(wh.db, unitId, orgType);

describe('totals are never invented from sector rows', () => {
  it('leaves the total missing, with a warning, when a file gives only some sectors', async () => {
    const report = await loadFile(fixture('etl', 'agriculture-only.csv'), {
      db: wh.db,
      maxYear: 2026,
    });
    expect(report.outcome).toBe('PUBLISHED');
    expect(await current(TN, 'HTX')).toEqual([
      { sector: 'AGRICULTURE', org_count: 590, members: 17800 },
    ]);
    expect(report.warnings.map(formatFinding)).toContain(
      "an all-sector total is made from sector rows only when every sector of HTX has a row (AGRICULTURE, INDUSTRY_HANDICRAFT, CONSTRUCTION, TRANSPORT, TRADE_SERVICES, CREDIT, ENVIRONMENT, OTHER; a sector without organisations says 0) or the file gives a row without a sector, but Tỉnh Thái Nguyên 2024 has no row for INDUSTRY_HANDICRAFT, CONSTRUCTION, TRANSPORT, TRADE_SERVICES, CREDIT, ENVIRONMENT, OTHER, so its HTX total stays missing and no indicator is computed on it, but got 'AGRICULTURE' at agriculture-only.csv, row 2, column E (lĩnh vực)",
    );
    // Thái Nguyên's "about 1,000 cooperatives by 2030" is not measured on agriculture alone.
    const db = await DuckDbHandle.open(wh.db, { readOnly: true });
    try {
      const targets = await findTargets(db, {
        planIds: ['thai-nguyen-03-kh-ubnd-2023'],
        indicatorCodes: ['htx_count'],
      });
      expect(targets.length).toBeGreaterThan(0);
      const [progress] = await computeTargetProgress(db, targets.slice(0, 1), { asOfYear: 2024 });
      expect(progress!.progress.latest?.value).not.toBe(590);
      expect(progress!.progress.latest?.year ?? 0).not.toBe(2024);
    } finally {
      db.close();
    }
  });

  it('sums sectors that are complete for their type: every sector for HTX, credit for QTDND', async () => {
    const report = await loadFile(fixture('etl', 'all-sectors.csv'), { db: wh.db, maxYear: 2026 });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.warnings.map(formatFinding).join('\n')).not.toContain('all-sector total');
    expect((await current(LC, 'HTX')).find((r) => r.sector === 'ALL')).toEqual({
      sector: 'ALL',
      org_count: 285,
      members: 5200,
    });
    expect((await current(LC, 'QTDND')).find((r) => r.sector === 'ALL')).toEqual({
      sector: 'ALL',
      org_count: 3,
      members: 4100,
    });
  });
});

describe('total rows are checked in one reading of the data', () => {
  const header = 'STT,Năm,Mã tỉnh,Loại hình,Lĩnh vực,Số lượng (HTX),Số thành viên (người)';
  const refusal = async (path: string) => {
    const error = await loadFile(path, { db: wh.db, maxYear: 2026 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadRefusedError);
    return (error as LoadRefusedError).findings
      .filter((f) => f.severity === 'ERROR')
      .map(formatFinding);
  };

  it('checks subtotals against the rows above them and a grand total against every row', async () => {
    const file = (subtotal: string, grand: string) =>
      [
        header,
        '1,2024,12,HTX,Nông nghiệp,150,3000',
        '2,2024,12,HTX,Vận tải,20,400',
        `Cộng,,,,,${subtotal}`,
        '3,2024,12,QTDND,Tín dụng,3,4100',
        'Cộng,,,,,3,4100',
        `Tổng cộng,,,,,${grand}`,
      ].join('\n');
    const wrong = join(wh.dir, 'subtotals-wrong.csv');
    await writeFile(wrong, file('171,3400', '173,7600'));
    expect(await refusal(wrong)).toEqual([
      "a total row must equal the sum of the rows it totals (rows 2–3 sum to 170); correct the total or the rows, but got '171' at subtotals-wrong.csv, row 4, column F (Số lượng (HTX))",
      "a total row must equal the sum of the rows it totals (rows 2–5 sum to 7500); correct the total or the rows, but got '7600' at subtotals-wrong.csv, row 7, column G (Số thành viên (người))",
    ]);
    const right = join(wh.dir, 'subtotals.csv');
    await writeFile(right, file('170,3400', '173,7500'));
    const report = await loadFile(right, { db: wh.db, maxYear: 2026, replace: true });
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.rowsRead).toBe(3);
    expect(report.warnings.map(formatFinding).join('\n')).not.toContain('total row');
  });

  it('tells a total row that could not be checked instead of dropping it unseen', async () => {
    const path = join(wh.dir, 'total-without-figures.csv');
    await writeFile(path, [header, '1,2024,12,HTX,Xây dựng,7,90', 'Tổng cộng,,,,,,'].join('\n'));
    const report = await loadFile(path, { db: wh.db, maxYear: 2026, replace: true });
    expect(report.rowsRead).toBe(1);
    expect(report.warnings.map(formatFinding)).toContain(
      'a total row ("Tổng cộng", "Cộng", "Toàn tỉnh" …) is not loaded as data but checked against the rows it totals, and this one could not be checked, so it was left out unchecked: if it is the row of an organisation or a province, give it its organisation code or its province, but got \'a total row with no figures\' at total-without-figures.csv, row 3',
    );
  });
});
