import type { FactRow } from '../../warehouse/queries/fact.queries.ts';
import type { OrgType, Sector, ValueStatus } from '../common/enums.ts';
import { toIndicatorValue } from '../indicator/indicator.mapper.ts';
import type { IndicatorValue } from '../indicator/indicator.type.ts';
import type { ApiContext } from '../context.ts';
import { loadReportBasis, type ReportBasis } from './report-basis.ts';
import type { ReportArgs } from './report.args.ts';
import type { TopicReport } from './report.type.ts';

/** The fields every per-type row shares, from one fact row. */
export function rowBase(row: FactRow): {
  orgType: OrgType;
  sector: Sector;
  organisations: number | null;
  status: ValueStatus;
} {
  return {
    orgType: row.org_type as OrgType,
    sector: row.sector as Sector,
    organisations: row.org_count,
    status: row.status as ValueStatus,
  };
}

/** The fields every topic report shares (its indicators are added lazily, see below). */
export function reportBase(basis: ReportBasis): Omit<TopicReport, 'indicators'> {
  return { area: basis.area, year: basis.year, boundaries: basis.boundaries, source: basis.source };
}

/**
 * Adds `indicators` as a getter, so the topic's indicator values are read only when a query
 * selects the field (GraphQL's default resolver reads the property; a dashboard that asks only
 * for counts runs no indicator query).
 */
export function withLazyIndicators<T extends object>(
  report: T,
  basis: ReportBasis,
  topicIndicators: ReadonlySet<string>,
): T & { indicators: Promise<IndicatorValue[]> } {
  let pending: Promise<IndicatorValue[]> | undefined;
  return Object.defineProperty(report, 'indicators', {
    enumerable: true,
    get: () =>
      (pending ??= basis
        .values()
        .then((values) =>
          values.filter((v) => topicIndicators.has(v.indicator_code)).map(toIndicatorValue),
        )),
  }) as T & { indicators: Promise<IndicatorValue[]> };
}

/** `a ÷ b`, missing when either is missing or `b` is 0. */
export const per = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? null : a / b;

/** Sum of counts where all are present; missing when any is missing. */
export const sumAll = (...values: (number | null)[]) =>
  values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v ?? 0), 0);

/**
 * Builds the reports of one topic: the shared fields, the topic's indicators, and the per-type
 * and per-sector rows mapped by `toRow`.
 */
export async function buildTopicReports<R>(
  ctx: ApiContext,
  args: ReportArgs,
  topic: string,
  toRow: (row: FactRow) => R,
): Promise<
  (ReturnType<typeof reportBase> & {
    byOrgType: R[];
    bySector: R[];
    basis: ReportBasis;
    indicators: Promise<IndicatorValue[]>;
  })[]
> {
  const codes = new Set(
    (await ctx.loaders.indicators()).filter((i) => i.topic === topic).map((i) => i.indicator_code),
  );
  return (await loadReportBasis(ctx, args)).map((basis) =>
    withLazyIndicators(
      {
        ...reportBase(basis),
        byOrgType: basis.totals.map(toRow),
        bySector: basis.sectors.map(toRow),
        basis,
      },
      basis,
      codes,
    ),
  );
}
