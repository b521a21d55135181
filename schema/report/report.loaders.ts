import DataLoader from 'dataloader';
import type { Boundaries } from '../../warehouse/domain/vocabulary.ts';
import {
  findMeasureQualifiers,
  findOrganisationParts,
  type MeasureQualifierRow,
  type PartialSumFilter,
  type PartialSumRow,
} from '../../warehouse/queries/partial-sum.queries.ts';
import {
  findReportRows,
  type ReportPart,
  type ReportRow,
} from '../../warehouse/queries/report.queries.ts';
import { asOf, distinct, readByGroup, versionOf, type LoaderScope } from '../common/batch.ts';
import { memoisedPerSnapshot } from '../snapshot-memo.ts';

/**
 * Key of the topic-report rows of one unit and year on some boundaries: the total rows or the
 * sector rows, of one source or (`null`) of the unit's default source.
 */
export const reportRowKey = (
  boundaries: Boundaries,
  source: string | null,
  part: ReportPart,
  unitId: string,
  year: number,
  asOfVersion?: number,
) => JSON.stringify([boundaries, source, part, unitId, year, asOfVersion ?? null]);

/** Key of the parts of a report row's figures: one unit and year on some boundaries. */
export interface PartsKey {
  readonly boundaries: Boundaries;
  readonly unitId: string;
  readonly year: number;
  readonly asOfVersion?: number | undefined;
}

const partsCacheKey = (k: PartsKey) =>
  `${k.boundaries}|${k.unitId}|${k.year}|${k.asOfVersion ?? ''}`;

/**
 * A loader of rows keyed by unit and year: one statement per boundaries and version for all the
 * areas asked, each key getting the rows of its unit and year. Not kept for the snapshot: only
 * the fields that ask for them (partial sums, qualifiers of shares) read these.
 */
function unitYearLoader<R extends { unit_id: string; year: number }>(
  read: (filter: PartialSumFilter) => Promise<R[]>,
): DataLoader<PartsKey, R[], string> {
  return new DataLoader<PartsKey, R[], string>(
    async (keys) => {
      const rows = await readByGroup(keys, {
        parse: (k) => k,
        groupOf: (k) => `${k.boundaries}|${k.asOfVersion ?? ''}`,
        read: (group) =>
          read({
            boundaries: group[0]!.boundaries,
            unitIds: distinct(group, (g) => g.unitId),
            years: distinct(group, (g) => g.year),
            ...asOf(group[0]!.asOfVersion),
          }),
        keyOf: (row, { boundaries, asOfVersion }) =>
          partsCacheKey({ boundaries, unitId: row.unit_id, year: row.year, asOfVersion }),
      });
      return keys.map((k) => rows.get(partsCacheKey(k)) ?? []);
    },
    { cacheKeyFn: partsCacheKey },
  );
}

/**
 * The topic reports of one request: the rows computed at publish, by unit, year, boundaries,
 * source and part (one statement per boundaries, source, part and data version), kept in the
 * snapshot's memo as they are fixed per snapshot; and the parts behind a row's totals and shares.
 */
export function createReportLoaders({ db, snapshotKey, record }: LoaderScope) {
  const facts = new DataLoader<string, ReportRow[]>(
    memoisedPerSnapshot(snapshotKey, 'reportRows', async (keys) => {
      record('facts', keys);
      const rows = await readByGroup(keys, {
        parse: (k) => {
          const [boundaries, source, part, unitId, year, version] = JSON.parse(k) as [
            Boundaries,
            string | null,
            ReportPart,
            string,
            number,
            number | null,
          ];
          return { boundaries, source, part, unitId, year, asOfVersion: versionOf(version) };
        },
        groupOf: (p) => `${p.boundaries}|${p.source}|${p.part}|${p.asOfVersion}`,
        read: (group) => {
          const { boundaries, source, part, asOfVersion } = group[0]!;
          return findReportRows(db, {
            boundaries,
            source,
            part,
            ...asOf(asOfVersion),
            unitIds: distinct(group, (g) => g.unitId),
            years: distinct(group, (g) => g.year),
          });
        },
        keyOf: (row, { boundaries, source, part, asOfVersion }) =>
          reportRowKey(boundaries, source, part, row.unitId, row.year, asOfVersion),
      });
      return keys.map((k) => rows.get(k) ?? []);
    }),
  );

  /** The organisation counts of the parts of a total row (`organisationsReported`). */
  const organisationParts = unitYearLoader<PartialSumRow>((f) => findOrganisationParts(db, f));
  /** The qualifiers of the measures of a row's facts (the qualifier of a share). */
  const measureQualifiers = unitYearLoader<MeasureQualifierRow>((f) =>
    findMeasureQualifiers(db, f),
  );

  return { facts, organisationParts, measureQualifiers };
}
