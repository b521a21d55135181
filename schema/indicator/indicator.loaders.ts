import DataLoader from 'dataloader';
import { findIndicators, type IndicatorRow } from '../../warehouse/queries/catalog.queries.ts';
import type { Boundaries } from '../../warehouse/domain/vocabulary.ts';
import {
  findIndicatorValues,
  type IndicatorValueRow,
} from '../../warehouse/queries/indicator.queries.ts';
import { asOf, distinct, readByGroup, versionOf, type LoaderScope } from '../common/batch.ts';
import { memoisedPerSnapshot, perSnapshot } from '../snapshot-memo.ts';

/** Key of the indicator values of one unit over years on some boundaries (as of a data version). */
export const valueKey = (boundaries: Boundaries, unitId: string, asOfVersion?: number) =>
  `${boundaries}|${unitId}|${asOfVersion ?? ''}`;

/** Key of the indicator values of one unit in one year on some boundaries (as of a data version). */
export const yearValueKey = (
  boundaries: Boundaries,
  unitId: string,
  year: number,
  asOfVersion?: number,
) => `${boundaries}|${unitId}|${year}|${asOfVersion ?? ''}`;

/**
 * The indicators of one request: the registry (once per snapshot) and the stored indicator values
 * of units, over all years or in one year. Values are computed at publish and fixed per
 * snapshot, so they are also kept in the snapshot's memo; one statement per boundaries and data
 * version for every unit of a batch.
 */
export function createIndicatorLoaders({ db, snapshotKey, record }: LoaderScope) {
  const indicators = () => perSnapshot(snapshotKey, 'indicators', () => findIndicators(db));

  const indicator = new DataLoader<string, IndicatorRow | null>(async (codes) => {
    record('indicator', codes);
    const byCode = new Map((await indicators()).map((i) => [i.indicator_code, i]));
    return codes.map((c) => byCode.get(c) ?? null);
  });

  const values = new DataLoader<string, IndicatorValueRow[]>(
    memoisedPerSnapshot(snapshotKey, 'values', async (keys) => {
      record('values', keys);
      const rows = await readByGroup(keys, {
        parse: (k) => {
          const [boundaries, unitId, version] = k.split('|') as [Boundaries, string, string];
          return { boundaries, unitId, asOfVersion: versionOf(version) };
        },
        groupOf: (p) => `${p.boundaries}|${p.asOfVersion}`,
        read: (group) =>
          findIndicatorValues(db, {
            boundaries: group[0]!.boundaries,
            unitIds: distinct(group, (g) => g.unitId),
            ...asOf(group[0]!.asOfVersion),
          }),
        keyOf: (row, { boundaries, asOfVersion }) => valueKey(boundaries, row.unit_id, asOfVersion),
      });
      return keys.map((k) => rows.get(k) ?? []);
    }),
  );

  const yearValues = new DataLoader<string, IndicatorValueRow[]>(
    memoisedPerSnapshot(snapshotKey, 'yearValues', async (keys) => {
      record('yearValues', keys);
      const rows = await readByGroup(keys, {
        parse: (k) => {
          const [boundaries, unitId, year, version] = k.split('|') as [
            Boundaries,
            string,
            string,
            string,
          ];
          return { boundaries, unitId, year: Number(year), asOfVersion: versionOf(version) };
        },
        groupOf: (p) => `${p.boundaries}|${p.asOfVersion}`,
        read: (group) => {
          const years = group.map((g) => g.year);
          return findIndicatorValues(db, {
            boundaries: group[0]!.boundaries,
            unitIds: distinct(group, (g) => g.unitId),
            fromYear: Math.min(...years),
            toYear: Math.max(...years),
            ...asOf(group[0]!.asOfVersion),
          });
        },
        keyOf: (row, { boundaries, asOfVersion }) =>
          yearValueKey(boundaries, row.unit_id, row.year, asOfVersion),
      });
      return keys.map((k) => rows.get(k) ?? []);
    }),
  );

  return { indicator, indicators, values, yearValues };
}
