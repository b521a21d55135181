import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { buildCoopstatSchema } from '../../../schema/index.ts';
import { WarehouseReader } from '../../../warehouse/store/warehouse-reader.ts';
import { execute } from '../../helpers/api.ts';
import { createTestWarehouse, fixture, type TestWarehouse } from '../../helpers/warehouse.ts';

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await createTestWarehouse();
  await loadFile(fixture('etl', 'qualified-figures.csv'), { db: wh.db, maxYear: 2026 });
});
afterAll(async () => {
  await wh.cleanup();
});

type Share = { percent: number | null; qualifier: string | null };
type Rows = { valueChain: { byOrgType: { orgType: string; valueChainShare: Share }[] }[] };

describe('shares of the topic reports carry the bounds of their counts', () => {
  it('gives the national value-chain share of 2024 as more than 11.9%, a province’s as its bounds allow', async () => {
    const schema = await buildCoopstatSchema();
    const reader = await WarehouseReader.open(wh.db, { watch: false });
    try {
      const run = async (area: string, source: string) => {
        const r = await execute<Rows>(
          schema,
          reader,
          `query ($area: String!, $source: String!) {
             valueChain(area: { code: $area }, year: 2024, source: $source) {
               byOrgType { orgType valueChainShare { percent qualifier } }
             }
           }`,
          { area, source },
        );
        expect(r.errors).toEqual([]);
        return new Map(
          r.data.valueChain[0]!.byOrgType.map((row) => [row.orgType, row.valueChainShare]),
        );
      };
      // "trên 4.000 HTX" of exactly 33,557 (the alliance's 2024 figures).
      expect((await run('VN', 'VCA')).get('HTX')).toEqual({
        percent: (100 * 4000) / 33557,
        qualifier: 'MORE_THAN',
      });
      // Lai Châu's file: more than 60 of more than 300, bounds on both sides; groups exact.
      const laiChau = await run('12', 'PSO');
      expect(laiChau.get('HTX')).toEqual({ percent: 20, qualifier: 'ABOUT' });
      expect(laiChau.get('THT')).toEqual({ percent: null, qualifier: 'EXACT' });
    } finally {
      await reader.close();
    }
  });
});
