import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../../etl/load/load-file.ts';
import { query, useTestWarehouse } from '../../helpers/warehouse.ts';

const wh = useTestWarehouse('test');

const HEADER =
  'year,org_id,org_name,org_type,sector,province_code,members,revenue_vnd_million,profit_vnd_million';

/**
 * A register whose money columns add up to different doubles in different orders (0.1 + 0.2 +
 * 0.3 is not 0.3 + 0.2 + 0.1 in floating point), 2,400 cooperatives in two provinces.
 */
function registerRows(): string[] {
  const rows: string[] = [];
  for (let i = 0; i < 2400; i++) {
    const revenue = `${(i * 7919) % 100000}.${(i * 31) % 10}${(i * 17) % 10}`;
    const profit = `-${(i * 104729) % 3000}.${(i * 13) % 10}`;
    const province = i % 2 === 0 ? '12' : '19';
    const sector = i % 3 === 0 ? 'AGRICULTURE' : 'TRADE_SERVICES';
    rows.push(
      `2024,ORG${100000 + i},Hợp tác xã ${i},HTX,${sector},${province},${7 + (i % 40)},${revenue},${profit}`,
    );
  }
  return rows;
}

const averages = (db: string) =>
  query<{ unit_id: string; sector: string; revenue: number; profit: number }>(
    db,
    `select unit_id, sector, revenue_avg_vnd_million as revenue, profit_avg_vnd_million as profit
     from fct_org_annual where valid_to_version is null and org_type = 'HTX' and year = 2024 and source_code = 'PSO'
       and universe = 'REGISTERED'
     order by unit_id, sector`,
  );

describe('sums and averages of a register load', () => {
  it('are the same bytes for the same file on copies of the same base, and a reordered file publishes nothing', async () => {
    const rows = registerRows();
    const file = join(wh.dir, 'register-2024.csv');
    await writeFile(file, [HEADER, ...rows].join('\n') + '\n');
    const copy = join(wh.dir, 'copy.duckdb');
    await copyFile(wh.db, copy);

    const first = await loadFile(file, { db: wh.db, family: 'register', maxYear: 2024 });
    const second = await loadFile(file, { db: copy, family: 'register', maxYear: 2024 });
    expect(first.outcome).toBe('PUBLISHED');
    expect(second.outcome).toBe('PUBLISHED');
    const a = await averages(wh.db);
    const b = await averages(copy);
    expect(a.length).toBe(6); // two provinces × (ALL + two sectors)
    // toEqual on numbers is Object.is: every bit of each double must match.
    expect(b).toEqual(a);
    expect(a.find((r) => r.sector === 'ALL' && r.unit_id.startsWith('12:'))?.revenue).toBeCloseTo(
      rows.filter((_, i) => i % 2 === 0).reduce((s, r) => s + Number(r.split(',')[7]), 0) / 1200,
      5,
    );

    // The same figures in the opposite order, with CRLF line ends: a different file, equal values.
    const reversed = join(wh.dir, 'register-2024-reversed.csv');
    await writeFile(reversed, [HEADER, ...rows.reverse()].join('\r\n') + '\r\n');
    const again = await loadFile(reversed, { db: wh.db, family: 'register', maxYear: 2024 });
    expect(again.outcome).toBe('NO_CHANGE');
    expect(again.dataVersion).toBe(first.dataVersion);
    expect(await averages(wh.db)).toEqual(a);
  });
});
