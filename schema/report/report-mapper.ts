import type { ApiContext } from '../context.ts';
import { toIndicatorValue } from '../indicator/indicator.mapper.ts';
import type { IndicatorValue } from '../indicator/indicator.type.ts';
import { loadReportBasis, type ReportBasis } from './report-basis.ts';
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

/**
 * One area's report of one topic. The lists are getters on the prototype, so a report costs one
 * small object per area (a dashboard builds some 250 per request), and each reads the area's
 * rows shared by every topic of the request (`ReportBasis.rows`).
 */
export class TopicReportView<R> implements LazyTopicReport<R> {
  readonly area: ReportBasis['area'];
  readonly year: number;
  readonly boundaries: ReportBasis['boundaries'];
  readonly #topicCodes: () => Promise<ReadonlySet<string>>;

  constructor(
    readonly basis: ReportBasis,
    /** The indicator codes of the report's topic. */
    topicCodes: () => Promise<ReadonlySet<string>>,
  ) {
    this.area = basis.area;
    this.year = basis.year;
    this.boundaries = basis.boundaries;
    this.#topicCodes = topicCodes;
  }

  get source(): Promise<string | null> {
    return this.basis.source();
  }

  get byOrgType(): Promise<R[]> {
    return this.basis.rows('ALL') as unknown as Promise<R[]>;
  }

  get bySector(): Promise<R[]> {
    return this.basis.rows('SECTORS') as unknown as Promise<R[]>;
  }

  get indicators(): Promise<IndicatorValue[]> {
    return Promise.all([this.basis.values(), this.#topicCodes()]).then(([values, wanted]) =>
      values.filter((v) => wanted.has(v.indicator_code)).map(toIndicatorValue),
    );
  }
}

/**
 * The reports of one topic for the areas of `args`, every field read on demand; `view` makes
 * each area's report (a topic with fields of its own passes a subclass of
 * {@link TopicReportView}).
 */
export async function buildTopicReports<R, V extends LazyTopicReport<R> = TopicReportView<R>>(
  ctx: ApiContext,
  args: ReportArgs,
  topic: string,
  view: (basis: ReportBasis, topicCodes: () => Promise<ReadonlySet<string>>) => V = (
    basis,
    topicCodes,
  ) => new TopicReportView<R>(basis, topicCodes) as unknown as V,
): Promise<V[]> {
  const bases = await loadReportBasis(ctx, args);
  let codes: Promise<ReadonlySet<string>> | undefined;
  const topicCodes = () =>
    (codes ??= ctx.loaders
      .indicators()
      .then((all) => new Set(all.filter((i) => i.topic === topic).map((i) => i.indicator_code))));
  return bases.map((basis) => view(basis, topicCodes));
}
