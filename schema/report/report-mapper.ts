import type { ReportRow } from '../../warehouse/queries/report.queries.ts';
import { toIndicatorValue } from '../indicator/indicator.mapper.ts';
import type { IndicatorValue } from '../indicator/indicator.type.ts';
import type { ApiContext } from '../context.ts';
import { loadReportBasis, type ReportBasis } from './report-basis.ts';
import { withPartialSums } from './partial-sum.ts';
import type { ReportArgs } from './report.args.ts';
import type { TopicReport } from './report.type.ts';

/**
 * A topic report whose lists are read only when a query selects them: GraphQL's default resolver
 * reads each property, so `bySector`, `indicators` and `source` cost nothing unless asked for.
 * The rows are the precomputed `rpt_org_type_row` rows, whose names are the row types' fields.
 */
export interface LazyTopicReport<R> extends Omit<TopicReport, 'source' | 'indicators'> {
  readonly basis: ReportBasis;
  readonly source: Promise<string | null>;
  readonly byOrgType: Promise<R[]>;
  readonly bySector: Promise<R[]>;
  readonly indicators: Promise<IndicatorValue[]>;
}

/** The reports of one topic for the areas of `args`, every field read on demand. */
export async function buildTopicReports<R>(
  ctx: ApiContext,
  args: ReportArgs,
  topic: string,
): Promise<LazyTopicReport<R>[]> {
  const bases = await loadReportBasis(ctx, args);
  let codes: Promise<Set<string>> | undefined;
  const topicCodes = () =>
    (codes ??= ctx.loaders
      .indicators()
      .then((all) => new Set(all.filter((i) => i.topic === topic).map((i) => i.indicator_code))));
  const parts = (basis: ReportBasis, rows: Promise<ReportRow[]>) =>
    withPartialSums(
      {
        boundaries: basis.boundaries,
        unitId: basis.area.id,
        year: basis.year,
        ...(basis.asOfVersion === undefined ? {} : { asOfVersion: basis.asOfVersion }),
      },
      rows,
    );
  return bases.map((basis) => ({
    basis,
    area: basis.area,
    year: basis.year,
    boundaries: basis.boundaries,
    get source() {
      return basis.source();
    },
    get byOrgType() {
      return parts(basis, basis.rows('ALL')) as unknown as Promise<R[]>;
    },
    get bySector() {
      return parts(basis, basis.rows('SECTORS')) as unknown as Promise<R[]>;
    },
    get indicators() {
      return Promise.all([basis.values(), topicCodes()]).then(([values, wanted]) =>
        values.filter((v) => wanted.has(v.indicator_code)).map(toIndicatorValue),
      );
    },
  }));
}
