import DataLoader from 'dataloader';
import { Field, Int, ObjectType } from 'type-graphql';
import type { Boundaries } from '../../warehouse/queries/indicator.queries.ts';
import {
  findOrganisationParts,
  type PartialSumRow,
} from '../../warehouse/queries/partial-sum.queries.ts';
import type { ReportRow } from '../../warehouse/queries/report.queries.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';
import type { ApiContext } from '../context.ts';
import { SafeInt } from '../scalars.ts';

/** A count that may be a lower bound: the sum of the parts that reported, with its coverage. */
@ObjectType({
  description:
    'A total with its coverage. When every part reported, the total itself (EXACT). When parts are missing (the total is then null), the sum of the parts that did report as a lower bound (AT_LEAST), e.g. "226 of 252 groups": a number a dashboard may show with a label that tells the truth.',
})
export class PartialSum {
  @Field(() => SafeInt, {
    nullable: true,
    description:
      'The total (EXACT), or the sum of the reported parts (AT_LEAST); null when no part reported.',
  })
  atLeast!: number | null;

  @Field(() => ValueQualifier, {
    description: 'EXACT when the total is known, AT_LEAST when it is a sum over reported parts.',
  })
  qualifier!: ValueQualifier;

  @Field(() => Int, { description: 'Parts that reported a value.' })
  coveredParts!: number;

  @Field(() => Int, {
    description:
      'Parts the total is made of: the 8 sectors on AS_REPORTED boundaries, the units merged into the area on CURRENT boundaries.',
  })
  totalParts!: number;
}

/** The partial sum of a row from the parts read, for a null or a known total. */
export function toPartialSum(row: PartialSumRow | undefined, total: number | null): PartialSum {
  const covered = row?.parts_covered ?? 0;
  const parts = row?.parts_total ?? 0;
  if (total !== null)
    return { atLeast: total, qualifier: 'EXACT', coveredParts: parts, totalParts: parts };
  return {
    atLeast: row?.parts_sum ?? null,
    qualifier: covered === parts && parts > 0 ? 'EXACT' : 'AT_LEAST',
    coveredParts: covered,
    totalParts: parts,
  };
}

const partsKey = (r: Pick<PartialSumRow, 'unit_id' | 'year' | 'source_code' | 'org_type'>) =>
  `${r.unit_id}|${r.year}|${r.source_code}|${r.org_type}`;

type Key = { boundaries: Boundaries; unitId: string; year: number; asOfVersion?: number };

const loadersByRequest = new WeakMap<object, DataLoader<Key, Map<string, PartialSumRow>, string>>();

/** The request's loader of parts: one statement per boundaries and version for all areas asked. */
function partsLoader(ctx: ApiContext) {
  let loader = loadersByRequest.get(ctx.loaders);
  if (!loader) {
    loader = new DataLoader<Key, Map<string, PartialSumRow>, string>(
      async (keys) => {
        const result = new Map<string, Map<string, PartialSumRow>>();
        const groups = new Map<string, Key[]>();
        for (const k of keys) {
          const g = `${k.boundaries}|${k.asOfVersion ?? ''}`;
          groups.set(g, [...(groups.get(g) ?? []), k]);
        }
        for (const group of groups.values()) {
          const { boundaries, asOfVersion } = group[0]!;
          const rows = await findOrganisationParts(ctx.db, {
            boundaries,
            unitIds: [...new Set(group.map((g) => g.unitId))],
            years: [...new Set(group.map((g) => g.year))],
            ...(asOfVersion === undefined ? {} : { asOfVersion }),
          });
          for (const row of rows) {
            const k = `${boundaries}|${row.unit_id}|${row.year}|${asOfVersion ?? ''}`;
            let byRow = result.get(k);
            if (!byRow) result.set(k, (byRow = new Map()));
            byRow.set(partsKey(row), row);
          }
        }
        return keys.map(
          (k) =>
            result.get(`${k.boundaries}|${k.unitId}|${k.year}|${k.asOfVersion ?? ''}`) ?? new Map(),
        );
      },
      { cacheKeyFn: (k) => `${k.boundaries}|${k.unitId}|${k.year}|${k.asOfVersion ?? ''}` },
    );
    loadersByRequest.set(ctx.loaders, loader);
  }
  return loader;
}

/** The parts key of every kept row: the rows are shared by all requests on a snapshot. */
const rowKeys = new WeakMap<object, Key>();
const keyedLists = new WeakSet<readonly ReportRow[]>();

/**
 * The rows as they are kept for the snapshot (no copy per request), each remembered with the
 * key its parts are read by: a row belongs to one area, year, boundaries and data version, so
 * the key is recorded once per list and holds for every request that reads it.
 */
export function withPartialSums(
  key: Key,
  rows: Promise<readonly ReportRow[]>,
): Promise<readonly ReportRow[]> {
  return rows.then((list) => {
    if (!keyedLists.has(list)) {
      for (const row of list) rowKeys.set(row, key);
      keyedLists.add(list);
    }
    return list;
  });
}

/**
 * `organisationsReported` of a row: a sector row is one part (its own parts, merged units'
 * sector rows, are not summed); a total row reads its parts through the request's loader, only
 * when the field is selected.
 */
export function organisationsReported(
  ctx: ApiContext,
  row: ReportRow,
): PartialSum | Promise<PartialSum> {
  if (row.sector !== 'ALL') {
    const known = row.organisations !== null;
    return {
      atLeast: row.organisations,
      qualifier: known ? 'EXACT' : 'AT_LEAST',
      coveredParts: known ? 1 : 0,
      totalParts: 1,
    };
  }
  const key = rowKeys.get(row);
  if (!key) throw new Error(`no parts key for the ${row.orgType} row of ${row.unitId}`);
  return partsLoader(ctx)
    .load(key)
    .then((parts) =>
      toPartialSum(
        parts.get(
          partsKey({
            unit_id: row.unitId,
            year: row.year,
            source_code: row.sourceCode,
            org_type: row.orgType,
          }),
        ),
        row.organisations,
      ),
    );
}
