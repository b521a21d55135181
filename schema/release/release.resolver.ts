import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../warehouse/domain/years.ts';
import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { ReleaseRefusedError } from '../../warehouse/release/publish-release.ts';
import { findReleases, type ReleaseRow } from '../../warehouse/release/release.queries.ts';
import { reviewYear } from '../../warehouse/release/review.queries.ts';
import { adminOnly, badInput, codedError } from '../common/errors.ts';
import type { ApiContext } from '../context.ts';
import { Release, Review } from './release.type.ts';

const toRelease = (r: ReleaseRow): Release => ({
  number: r.release_no,
  dataVersion: r.data_version,
  years: r.years,
  releasedAt: r.released_at,
  releasedBy: r.released_by,
  note: r.note,
  notesVi: r.notes_md_vi,
  notesEn: r.notes_md_en,
  automatic: r.automatic,
});

const checkYear = (year: number) => {
  if (!isYearInRange(year))
    throw badInput(`year must be from ${FIRST_YEAR} to ${LAST_YEAR}, but got ${year}`, 'year');
};

@Resolver()
export class ReleaseResolver {
  @Query(() => [Release], {
    description:
      'Every release, oldest first, with its notes. Reading fields serve the latest by default; `release: N` reads an earlier one.',
  })
  async releases(@Ctx() ctx: ApiContext): Promise<Release[]> {
    return (await findReleases(ctx.db)).map(toRelease);
  }

  @Query(() => Review, {
    description:
      "The review of a year's draft (admin keys; FORBIDDEN for others): which provinces valid that year reported each family and measure, what changed against the latest release, the draft's warnings.",
  })
  async review(
    @Arg('year', () => Int, { description: 'The reporting year to review.' }) year: number,
    @Ctx() ctx: ApiContext,
  ): Promise<Review> {
    if (ctx.role !== 'admin') throw adminOnly('review', ctx.role);
    checkYear(year);
    const r = await reviewYear(ctx.db, year);
    return {
      ...r,
      previousRelease: r.previousRelease?.releaseNo ?? null,
      pendingYears: [...r.pendingYears],
      provinces: { ...r.provinces, missing: [...r.provinces.missing] },
      families: r.families.map((f) => ({ ...f, missing: [...f.missing] })),
      measures: [...r.measures],
      changes: { ...r.changes, largest: [...r.changes.largest] },
      otherYears: r.otherYears.map((o) => ({ ...o, largest: [...o.largest] })),
      warnings: [...r.warnings],
    };
  }

  @Mutation(() => Release, {
    description:
      'Publishes the draft as the next release, with notes written from its review (admin keys; FORBIDDEN for others). Every pending draft is released together, so each year with a draft must be named in `years` (or `all: true`): otherwise RELEASE_REFUSED, with `extensions.pendingYears`, and nothing is published.',
  })
  async release(
    @Arg('years', () => [Int], {
      nullable: true,
      description: 'The years reviewed; every year with a draft must be among them.',
    })
    years: number[] | null,
    @Arg('all', () => Boolean, {
      defaultValue: false,
      description: 'Release every pending draft, whatever its year.',
    })
    all: boolean,
    @Arg('note', () => String, { nullable: true, description: 'A note kept with the release.' })
    note: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<Release> {
    if (ctx.role !== 'admin') throw adminOnly('release', ctx.role);
    if (!ctx.publishRelease) throw new Error('this server cannot write the warehouse');
    for (const y of years ?? []) checkYear(y);
    // An argument left out arrives as undefined, not null.
    const kept = note ?? null;
    if (kept !== null && kept.length > 2000)
      throw badInput(`note must be at most 2000 characters, but got ${kept.length}`, 'note');
    try {
      const { release } = await ctx.publishRelease({
        years: years ?? [],
        all: all ?? false,
        note: kept,
      });
      return toRelease(release);
    } catch (error) {
      if (!(error instanceof ReleaseRefusedError)) throw error;
      throw codedError('RELEASE_REFUSED', error.message, {
        pendingYears: [...error.pendingYears],
      });
    }
  }
}
