import { describe, expect, it } from 'vitest';
import { distinct, readByGroup, versionOf } from '../../../schema/common/batch.ts';

describe('readByGroup', () => {
  it('reads each group once, in the order first asked for, and gives each row to its key', async () => {
    const reads: { boundaries: string; units: string[] }[] = [];
    const keys = [
      'AS_REPORTED|01|',
      'CURRENT|91|',
      'AS_REPORTED|19|',
      'AS_REPORTED|01|',
      'CURRENT|12|',
    ];
    const rows = await readByGroup(keys, {
      parse: (k) => {
        const [boundaries, unitId] = k.split('|') as [string, string];
        return { boundaries, unitId };
      },
      groupOf: (p) => p.boundaries,
      read: async (group) => {
        const units = distinct(group, (g) => g.unitId);
        reads.push({ boundaries: group[0]!.boundaries, units });
        // Two rows for each unit asked, none for code 12 (a unit with no values).
        return units
          .filter((u) => u !== '12')
          .flatMap((u) => [
            { unit: u, year: 2023 },
            { unit: u, year: 2024 },
          ]);
      },
      keyOf: (row, first) => `${first.boundaries}|${row.unit}|`,
    });
    expect(reads).toEqual([
      { boundaries: 'AS_REPORTED', units: ['01', '19'] },
      { boundaries: 'CURRENT', units: ['91', '12'] },
    ]);
    expect(rows.get('AS_REPORTED|01|')).toEqual([
      { unit: '01', year: 2023 },
      { unit: '01', year: 2024 },
    ]);
    expect(rows.get('CURRENT|91|')?.map((r) => r.year)).toEqual([2023, 2024]);
    expect(rows.has('CURRENT|12|')).toBe(false);
    expect([...rows.keys()]).toEqual(['AS_REPORTED|01|', 'AS_REPORTED|19|', 'CURRENT|91|']);
  });

  it('reads the groups one after the other, never two at once', async () => {
    let open = 0;
    let most = 0;
    await readByGroup(['a', 'b', 'c'], {
      parse: (k) => k,
      groupOf: (k) => k,
      read: async (group) => {
        most = Math.max(most, ++open);
        await new Promise((resolve) => setImmediate(resolve));
        open--;
        return group;
      },
      keyOf: (row) => row,
    });
    expect(most).toBe(1);
  });
});

describe('versionOf', () => {
  it('reads an absent version as the current one and any other as its number', () => {
    expect([versionOf(''), versionOf(null), versionOf(undefined)]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect([versionOf('7'), versionOf(3)]).toEqual([7, 3]);
  });
});
