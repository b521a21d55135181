import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { ratio, type Ratio } from '../common/ratio.type.ts';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports, type LazyTopicReport } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { MembershipReport, type MembershipRow } from './membership.type.ts';

const PEOPLE_TYPES = new Set(['THT', 'HTX', 'QTDND']);

/** Members of THT, HTX and QTDND per 100 inhabitants (population of the year or the latest earlier). */
async function populationShare(
  ctx: ApiContext,
  report: LazyTopicReport<MembershipRow>,
): Promise<Ratio> {
  const [rows, populations] = await Promise.all([
    report.byOrgType,
    ctx.loaders.population.load(report.area.id),
  ]);
  const population = populations.filter((p) => p.year <= report.year).at(-1);
  const people = rows.filter((r) => PEOPLE_TYPES.has(r.orgType) && r.members !== null);
  const members = people.length > 0 ? people.reduce((s, r) => s + (r.members ?? 0), 0) : null;
  return ratio(members, population?.population ?? null);
}

/** Membership: organisations and members by type and sector. */
@Resolver(() => MembershipReport)
export class MembershipResolver {
  @Query(() => [MembershipReport], {
    description:
      'Organisations and members (THT, HTX, LHHTX, QTDND) by type and sector, for one area or every unit of a level.',
  })
  async membership(
    @Args(() => ReportArgs) args: ReportArgs,
    @Ctx() ctx: ApiContext,
  ): Promise<MembershipReport[]> {
    const reports = await buildTopicReports<MembershipRow>(ctx, args, Topic.MEMBERSHIP);
    return reports.map((report) => {
      let share: Promise<Ratio> | undefined;
      return Object.defineProperty(report, 'populationShare', {
        enumerable: true,
        get: () => (share ??= populationShare(ctx, report)),
      }) as unknown as MembershipReport;
    });
  }
}
