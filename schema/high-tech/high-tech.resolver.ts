import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { HighTechReport } from './high-tech.type.ts';

/** High technology and digital transformation. */
@Resolver(() => HighTechReport)
export class HighTechResolver {
  @Query(() => [HighTechReport], {
    description:
      'Organisations applying high technology and in digital transformation: counts and shares.',
  })
  async highTech(
    @Args(() => ReportArgs) args: ReportArgs,
    @Ctx() ctx: ApiContext,
  ): Promise<HighTechReport[]> {
    return (await buildTopicReports(ctx, args, Topic.HIGH_TECH)) as unknown as HighTechReport[];
  }
}
