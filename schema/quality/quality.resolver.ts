import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { FactRow } from '../../warehouse/queries/fact.queries.ts';
import { Topic } from '../common/enums.ts';
import { ratio } from '../common/ratio.type.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports, rowBase, sumAll } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { QualityReport, type QualityRow } from './quality.type.ts';

function toRow(row: FactRow): QualityRow {
  const goodOrFair = sumAll(row.rated_good, row.rated_fair);
  const rated = sumAll(row.rated_good, row.rated_fair, row.rated_average, row.rated_weak);
  return {
    ...rowBase(row),
    good: row.rated_good,
    fair: row.rated_fair,
    average: row.rated_average,
    weak: row.rated_weak,
    notRated: row.rated_none,
    rated,
    goodOrFairShareOfRated: ratio(goodOrFair, rated),
    goodOrFairShareOfAll: ratio(goodOrFair, row.org_count),
    effective: row.effective_count,
    effectiveShare: ratio(row.effective_count, row.org_count),
  };
}

/** Quality: rating distribution and operating effectively. */
@Resolver(() => QualityReport)
export class QualityResolver {
  @Query(() => [QualityReport], {
    description:
      'Rating distribution (good, fair, average, weak, not rated), good-or-fair share and share operating effectively.',
  })
  async quality(
    @Args(() => ReportArgs) args: ReportArgs,
    @Ctx() ctx: ApiContext,
  ): Promise<QualityReport[]> {
    return buildTopicReports(ctx, args, Topic.QUALITY, toRow);
  }
}
