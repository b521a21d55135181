import { mayReadDraft, releasedVersion } from '../common/data-version.ts';
import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { QUALIFIERS } from '../../warehouse/domain/qualifier.ts';
import {
  findFactRevisions,
  findPublishedValueRevisions,
  type RevisionRow,
} from '../../warehouse/queries/revision.queries.ts';
import { referenceDate, resolveArea } from '../admin-unit/area-resolver.ts';
import type { OrgType, Sector, ValueStatus } from '../common/enums.ts';
import { badInput, notFound } from '../common/errors.ts';
import type { ValueQualifier } from '../common/qualifier.enum.ts';
import { checkSource, quoteValue } from '../common/validate.ts';
import type { ApiContext } from '../context.ts';
import { RevisionsArgs } from './revision.args.ts';
import { Revision } from './revision.type.ts';

/**
 * The revisions a request may see: with a loader or admin key, all; otherwise only as released —
 * values the draft added are left out, and a value the draft replaced is still current.
 */
async function visibleRevisions(ctx: ApiContext, rows: RevisionRow[]): Promise<RevisionRow[]> {
  if (mayReadDraft(ctx)) return rows;
  const released = await releasedVersion(ctx);
  return rows
    .filter((r) => r.from_version <= released)
    .map((r) =>
      r.to_version !== null && r.to_version > released ? { ...r, to_version: null } : r,
    );
}

const toRevision = (row: RevisionRow): Revision => ({
  source: row.source_code,
  orgType: row.org_type as OrgType | null,
  sector: row.sector as Sector | null,
  value: row.value,
  status: row.status as ValueStatus,
  qualifier:
    row.qualifier === null
      ? null
      : (((QUALIFIERS as readonly string[]).includes(row.qualifier)
          ? row.qualifier
          : 'EXACT') as ValueQualifier),
  fromVersion: row.from_version,
  toVersion: row.to_version,
  isCurrent: row.to_version === null,
  loadId: row.load_id,
  file: row.file_name,
  loadedAt: row.loaded_at,
});

/** Revisions: every value a cell has had, so an earlier published figure stays readable. */
@Resolver()
export class RevisionResolver {
  @Query(() => [Revision], {
    description:
      'Every value ever published for one cell — a count (`measure`) of an area × year × organisation type × sector × source, or a published reference figure (`indicator`) — oldest first per source and type, each with its data-version range, load, file and load date. Read any of them with `asOfVersion` on the topic, series, observations and progress queries.',
  })
  async revisions(
    @Args(() => RevisionsArgs) args: RevisionsArgs,
    @Ctx() ctx: ApiContext,
  ): Promise<Revision[]> {
    if ((args.measure == null) === (args.indicator == null))
      throw badInput(
        'give exactly one of measure and indicator',
        args.measure ? 'indicator' : 'measure',
      );
    const source = await checkSource(ctx, args.source);
    const unit = await resolveArea(ctx, args.area, referenceDate(args.year));
    if (args.measure != null) {
      const rows = await findFactRevisions(ctx.db, {
        unitId: unit.id,
        year: args.year,
        measure: args.measure,
        orgType: args.orgType ?? null,
        sector: args.sector,
        source,
      });
      return (await visibleRevisions(ctx, rows)).map(toRevision);
    }
    if (args.orgType != null)
      throw badInput('orgType applies to a measure, not to a published indicator', 'orgType');
    const code = args.indicator!.trim();
    const rows = await findPublishedValueRevisions(ctx.db, {
      unitId: unit.id,
      year: args.year,
      indicatorCode: code,
      source,
    });
    if (rows.length === 0 && !(await ctx.loaders.indicator.load(code)))
      throw notFound(`no indicator or published figure has code ${quoteValue(code)}`);
    return (await visibleRevisions(ctx, rows)).map(toRevision);
  }
}
