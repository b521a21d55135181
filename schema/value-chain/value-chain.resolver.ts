import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { ValueChainReport } from './value-chain.type.ts';

/** Value chains: organisations in value-chain linkages and linked with enterprises. */
@Resolver(() => ValueChainReport)
export class ValueChainResolver {
  @Query(() => [ValueChainReport], {
    description:
      'Organisations in value-chain linkages and linked with enterprises: counts and shares with numerator and denominator.',
  })
  async valueChain(
    @Args(() => ReportArgs) args: ReportArgs,
    @Ctx() ctx: ApiContext,
  ): Promise<ValueChainReport[]> {
    return (await buildTopicReports(ctx, args, Topic.VALUE_CHAIN)) as unknown as ValueChainReport[];
  }
}
