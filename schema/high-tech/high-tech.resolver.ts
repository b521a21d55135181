import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { FactRow } from '../../warehouse/queries/fact.queries.ts';
import { Topic } from '../common/enums.ts';
import { ratio } from '../common/ratio.type.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports, rowBase } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { HighTechReport, type HighTechRow } from './high-tech.type.ts';

function toRow(row: FactRow): HighTechRow {
  return {
    ...rowBase(row),
    highTech: row.high_tech,
    digital: row.digital,
    highTechShare: ratio(row.high_tech, row.org_count),
    digitalShare: ratio(row.digital, row.org_count),
  };
}

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
    return buildTopicReports(ctx, args, Topic.HIGH_TECH, toRow);
  }
}
