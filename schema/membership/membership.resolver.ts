import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { ratio, type Ratio } from '../common/ratio.type.ts';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import type { ReportBasis } from '../report/report-basis.ts';
import { buildTopicReports, TopicReportView } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { MembershipReport, type MembershipRow } from './membership.type.ts';

const PEOPLE_TYPES = new Set(['THT', 'HTX', 'QTDND']);

/** Members of THT, HTX and QTDND per 100 inhabitants (population of the year or the latest earlier). */
async function populationShare(
  ctx: ApiContext,
  report: TopicReportView<MembershipRow>,
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

/** One area's membership report: the topic's lists and its population share, read on demand. */
class MembershipView extends TopicReportView<MembershipRow> {
  readonly #ctx: ApiContext;
  #share: Promise<Ratio> | undefined;

  constructor(basis: ReportBasis, topicCodes: () => Promise<ReadonlySet<string>>, ctx: ApiContext) {
    super(basis, topicCodes);
    this.#ctx = ctx;
  }

  get populationShare(): Promise<Ratio> {
    return (this.#share ??= populationShare(this.#ctx, this));
  }
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
    const reports = await buildTopicReports(
      ctx,
      args,
      Topic.MEMBERSHIP,
      (basis, topicCodes) => new MembershipView(basis, topicCodes, ctx),
    );
    return reports as unknown as MembershipReport[];
  }
}
