import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { QualityReport } from './quality.type.ts';

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
    return (await buildTopicReports(ctx, args, Topic.QUALITY)) as unknown as QualityReport[];
  }
}
