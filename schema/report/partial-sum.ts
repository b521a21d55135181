import { Field, Int, ObjectType } from 'type-graphql';
import type {
  MeasureQualifierRow,
  PartialSumRow,
} from '../../warehouse/queries/partial-sum.queries.ts';
import {
  qualifierOfRatio,
  qualifierOfSum,
  type Qualifier,
} from '../../warehouse/domain/qualifier.ts';
import type { RatioValue } from '../../warehouse/tables/report-row.table.ts';
import type { Ratio } from '../common/ratio.type.ts';
import type { ReportRow } from '../../warehouse/queries/report.queries.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';
import type { ApiContext } from '../context.ts';
import type { PartsKey } from './report.loaders.ts';
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

/**
 * The ratio fields of the report rows with the measures of their numerator and denominator (as
 * `warehouse/publish/report-rows.ts` computes them), so a share carries the bounds of its counts.
 */
const RATIO_PARTS: Readonly<Record<string, readonly [readonly string[], readonly string[]]>> = {
  goodOrFairShareOfRated: [
    ['rated_good', 'rated_fair'],
    ['rated_good', 'rated_fair', 'rated_average', 'rated_weak'],
  ],
  goodOrFairShareOfAll: [['rated_good', 'rated_fair'], ['org_count']],
  effectiveShare: [['effective_count'], ['org_count']],
  valueChainShare: [['in_value_chain'], ['org_count']],
  linkedEnterpriseShare: [['linked_enterprise'], ['org_count']],
  valueChainShareOfGoodOrFair: [['good_fair_in_value_chain'], ['rated_good', 'rated_fair']],
  highTechShare: [['high_tech'], ['org_count']],
  digitalShare: [['digital'], ['org_count']],
};

/** The qualifier of each bounded measure of a row's facts (merged units combined as a sum). */
function measureQualifiers(rows: readonly MeasureQualifierRow[]): Map<string, Qualifier> {
  const parts = new Map<string, Qualifier[]>();
  for (const r of rows)
    for (const [measure, q] of Object.entries(
      JSON.parse(r.measure_qualifier) as Record<string, Qualifier>,
    ))
      parts.set(measure, [...(parts.get(measure) ?? []), q]);
  return new Map([...parts].map(([m, qs]) => [m, qualifierOfSum(qs)]));
}

/** The parts key of every kept row: the rows are shared by all requests on a snapshot. */
const rowKeys = new WeakMap<object, PartsKey>();
/** The row and field each kept share belongs to, so its qualifier can be read on demand. */
const ratioOwners = new WeakMap<object, { readonly row: ReportRow; readonly field: string }>();
const keyedLists = new WeakSet<readonly ReportRow[]>();

/**
 * The rows as they are kept for the snapshot (no copy per request), each remembered with the
 * key its parts are read by: a row belongs to one area, year, boundaries and data version, so
 * the key is recorded once per list and holds for every request that reads it.
 */
export function withPartialSums(
  key: PartsKey,
  rows: Promise<readonly ReportRow[]>,
): Promise<readonly ReportRow[]> {
  return rows.then((list) => {
    if (!keyedLists.has(list)) {
      for (const row of list) {
        rowKeys.set(row, key);
        const fields = row as unknown as Record<string, RatioValue | null | undefined>;
        for (const field of Object.keys(RATIO_PARTS)) {
          const share = fields[field];
          if (share && typeof share === 'object') ratioOwners.set(share, { row, field });
        }
      }
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
  const own = partsKey({
    unit_id: row.unitId,
    year: row.year,
    source_code: row.sourceCode,
    org_type: row.orgType,
  });
  return ctx.loaders.organisationParts.load(key).then((parts) =>
    toPartialSum(
      parts.find((p) => partsKey(p) === own),
      row.organisations,
    ),
  );
}

/**
 * The qualifier of a share: one given with it, else, for a share of a topic report's row, what
 * follows from the bounds of its counts (read through the request's loader only when selected);
 * null where the parts are not known.
 */
export function ratioQualifier(
  ctx: ApiContext,
  share: Ratio,
): Qualifier | null | Promise<Qualifier | null> {
  if (share.qualifier !== undefined)
    return share.qualifier as Qualifier | null | Promise<Qualifier>;
  const owner = ratioOwners.get(share);
  const key = owner && rowKeys.get(owner.row);
  if (!owner || !key) return null;
  const { row } = owner;
  const [numerator, denominator] = RATIO_PARTS[owner.field]!;
  return ctx.loaders.measureQualifiers.load(key).then((rows) => {
    const q = measureQualifiers(
      rows.filter(
        (r) =>
          r.source_code === row.sourceCode && r.org_type === row.orgType && r.sector === row.sector,
      ),
    );
    return qualifierOfRatio(
      qualifierOfSum(numerator.map((m) => q.get(m) ?? 'EXACT')),
      qualifierOfSum(denominator.map((m) => q.get(m) ?? 'EXACT')),
    );
  });
}
