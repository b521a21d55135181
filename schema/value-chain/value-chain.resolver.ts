import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { FactRow } from '../../warehouse/queries/fact.queries.ts';
import { Topic } from '../common/enums.ts';
import { ratio } from '../common/ratio.type.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports, rowBase, sumAll } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { ValueChainReport, type ValueChainRow } from './value-chain.type.ts';

function toRow(row: FactRow): ValueChainRow {
  return {
    ...rowBase(row),
    inValueChain: row.in_value_chain,
    linkedEnterprise: row.linked_enterprise,
    goodOrFairInValueChain: row.good_fair_in_value_chain,
    valueChainShare: ratio(row.in_value_chain, row.org_count),
    linkedEnterpriseShare: ratio(row.linked_enterprise, row.org_count),
    valueChainShareOfGoodOrFair: ratio(
      row.good_fair_in_value_chain,
      sumAll(row.rated_good, row.rated_fair),
    ),
  };
}

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
    return buildTopicReports(ctx, args, Topic.VALUE_CHAIN, toRow);
  }
}
