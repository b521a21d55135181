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

/** The fields every topic report shares, with the indicators of its topic(s). */
export function reportBase(
  basis: ReportBasis,
  topicIndicators: ReadonlySet<string>,
): Omit<TopicReport, never> & { indicators: IndicatorValue[] } {
  return {
    area: basis.area,
    year: basis.year,
    boundaries: basis.boundaries,
    source: basis.source,
    indicators: basis.values
      .filter((v) => topicIndicators.has(v.indicator_code))
      .map(toIndicatorValue),
  };
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
  (ReturnType<typeof reportBase> & { byOrgType: R[]; bySector: R[]; basis: ReportBasis })[]
> {
  const codes = new Set(
    (await ctx.loaders.indicators()).filter((i) => i.topic === topic).map((i) => i.indicator_code),
  );
  return (await loadReportBasis(ctx, args)).map((basis) => ({
    ...reportBase(basis, codes),
    byOrgType: basis.totals.map(toRow),
    bySector: basis.sectors.map(toRow),
    basis,
  }));
}
