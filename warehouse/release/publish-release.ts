import { sql } from 'kysely';
import { kyselyOf } from '../database.ts';
import { nextIds } from '../publish/load-log.ts';
import { withWriter } from '../store/warehouse-store.ts';
import { renderReleaseNotes } from './release-notes.ts';
import {
  findLatestRelease,
  findPendingLoads,
  findReleases,
  insertRelease,
  type ReleaseRow,
} from './release.queries.ts';
import { reviewYear, type YearReview } from './review.queries.ts';

/** A release was refused; nothing was published. */
export class ReleaseRefusedError extends Error {
  constructor(
    message: string,
    /** Years with loads not yet released. */
    readonly pendingYears: readonly number[],
  ) {
    super(message);
    this.name = 'ReleaseRefusedError';
  }
}

/** What to release. */
export interface ReleaseOptions {
  /**
   * The years the reviewer reviewed. Every draft is released together, so a draft of a year not
   * named here refuses the release (unless `all`).
   */
  readonly years?: readonly number[];
  /** Release every pending draft, whatever its year. */
  readonly all?: boolean;
  readonly note?: string | null;
  /** Who released it: the API key's name or the OS user. */
  readonly releasedBy: string | null;
}

/** A release made, with the reviews its notes were written from. */
export interface ReleaseResult {
  readonly release: ReleaseRow;
  readonly reviews: readonly YearReview[];
}

const listYears = (years: readonly number[]) => years.join(', ');

/**
 * Releases the draft: a new data version (no figure changes, so every read table stays as it is)
 * frozen as the next release, with notes in Vietnamese and English written from the review of
 * each year it publishes. Atomic like a load: the warehouse is replaced whole or not at all.
 */
export function publishRelease(dbPath: string, options: ReleaseOptions): Promise<ReleaseResult> {
  return withWriter(dbPath, async (db) => {
    const latest = await findLatestRelease(db);
    const pending = await findPendingLoads(db);
    const pendingYears = [...new Set(pending.flatMap((l) => l.years))].sort((a, b) => a - b);
    if (pending.length === 0) {
      throw new ReleaseRefusedError(
        `there must be loads to release, but none changed the figures since ${latest ? `release ${latest.release_no}` : 'the warehouse was created'}; nothing was published`,
        [],
      );
    }
    const named = [...new Set(options.years ?? [])].sort((a, b) => a - b);
    if (!options.all) {
      if (named.length === 0) {
        throw new ReleaseRefusedError(
          `a release must name the years it publishes (--year Y, repeatable, or --all), but none was named; drafts are pending for ${listYears(pendingYears) || 'no year (catalog or reference changes)'}; nothing was published`,
          pendingYears,
        );
      }
      const notPending = named.filter((y) => !pendingYears.includes(y));
      if (notPending.length > 0) {
        throw new ReleaseRefusedError(
          `every year named must have a draft to release, but ${listYears(notPending)} ${notPending.length === 1 ? 'has' : 'have'} none (drafts are pending for ${listYears(pendingYears) || 'no year'}); nothing was published`,
          pendingYears,
        );
      }
      const unnamed = pendingYears.filter((y) => !named.includes(y));
      if (unnamed.length > 0) {
        throw new ReleaseRefusedError(
          `a release publishes every draft, so each pending year must be named, but ${listYears(unnamed)} ${unnamed.length === 1 ? 'was' : 'were'} not (review ${unnamed.length === 1 ? 'it' : 'them'}, then add --year ${unnamed.join(' --year ')}, or use --all); nothing was published`,
          pendingYears,
        );
      }
    }
    const reviews: YearReview[] = [];
    for (const year of pendingYears) reviews.push(await reviewYear(db, year));
    const { nextVersion } = await nextIds(db);
    const now = new Date().toISOString();
    const releaseNo = (latest?.release_no ?? 0) + 1;
    const notes = {
      releaseNo,
      releasedAt: now.slice(0, 19).replace('T', ' '),
      releasedBy: options.releasedBy,
      note: options.note ?? null,
      reviews,
    };
    await db.transaction(async (tx) => {
      await kyselyOf(tx)
        .insertInto('publication')
        .values({
          data_version: nextVersion,
          published_at: sql<string>`${now.replace('Z', '')}::timestamp`,
          load_id: null,
          note: `release ${releaseNo}`,
        })
        .execute();
      await insertRelease(tx, {
        dataVersion: nextVersion,
        years: pendingYears,
        releasedAt: now,
        releasedBy: options.releasedBy,
        note: options.note ?? null,
        notesMdVi: renderReleaseNotes(notes, 'vi'),
        notesMdEn: renderReleaseNotes(notes, 'en'),
        automatic: false,
      });
    });
    const release = (await findReleases(db)).find((r) => r.release_no === releaseNo)!;
    return { publish: true, result: { release, reviews } };
  });
}
