import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { FactRow } from '../../warehouse/queries/fact.queries.ts';
import { ratio } from '../common/ratio.type.ts';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { buildTopicReports, per, rowBase } from '../report/report-mapper.ts';
import { ReportArgs } from '../report/report.args.ts';
import { MembershipReport, type MembershipRow } from './membership.type.ts';

const PEOPLE_TYPES = new Set(['THT', 'HTX', 'QTDND']);

function toRow(row: FactRow): MembershipRow {
  return {
    ...rowBase(row),
    activeOrganisations: row.active_count,
    newlyFounded: row.new_count,
    dissolved: row.dissolved_count,
    members: row.members,
    officialMembers: row.official_members,
    capitalAssociates: row.capital_associates,
    otherAssociates: row.other_associates,
    employees: row.employees,
    membersPerOrganisation: per(row.members, row.org_count),
  };
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
    const reports = await buildTopicReports(ctx, args, Topic.MEMBERSHIP, toRow);
    return Promise.all(
      reports.map(async (report) => {
        const { basis } = report;
        const population = (await ctx.loaders.population.load(basis.area.id))
          .filter((p) => p.year <= basis.year)
          .at(-1);
        const people = basis.totals.filter(
          (r) => PEOPLE_TYPES.has(r.org_type) && r.members !== null,
        );
        const members = people.length > 0 ? people.reduce((s, r) => s + (r.members ?? 0), 0) : null;
        return Object.assign(report, {
          populationShare: ratio(members, population?.population ?? null),
        });
      }),
    );
  }
}
