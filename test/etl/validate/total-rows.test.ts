import { describe, expect, it } from 'vitest';
import { formatFinding } from '../../../etl/load/findings.ts';
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
