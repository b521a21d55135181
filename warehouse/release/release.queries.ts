import { sql } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf, secondsText } from '../database.ts';

/**
 * Releases. Every load that changes data adds a data version: the draft. A release freezes one
 * data version as what the public reads; readers without a loader or admin key see the latest
 * release, never the draft. In a warehouse that requires review (`coopstat init`'s default) a
 * release is made by `coopstat release` after `coopstat review`; in a single-office warehouse
 * (`release_policy.review_required = false`) each load is released with itself.
 */

/** How loads become public. */
export const RELEASE_MODES = ['reviewed', 'automatic'] as const;
export type ReleaseMode = (typeof RELEASE_MODES)[number];

/** Every release, oldest first. */
export function findReleases(db: DuckDbHandle) {
  return kyselyOf(db)
    .selectFrom('release')
    .select((eb) => [
      'release_no',
      'data_version',
      'years',
      secondsText(eb.ref('released_at')).as('released_at'),
      'released_by',
      'note',
      'notes_md_vi',
      'notes_md_en',
      'automatic',
    ])
    .orderBy('release_no')
    .execute();
}

/**
 * One row of `release`: the data version it freezes, the years whose figures it published, when
 * (`'YYYY-MM-DD HH:MM:SS'`, UTC) and by whom; `automatic` when it was released with its load,
 * without a review.
 */
export type ReleaseRow = Awaited<ReturnType<typeof findReleases>>[number];

/** The latest release, or undefined when the warehouse has none yet. */
export async function findLatestRelease(db: DuckDbHandle): Promise<ReleaseRow | undefined> {
  const rows = await findReleases(db);
  return rows[rows.length - 1];
}

/** Whether loads wait for a reviewed release. */
export async function readReleaseMode(db: DuckDbHandle): Promise<ReleaseMode> {
  const row = await kyselyOf(db)
    .selectFrom('release_policy')
    .select('review_required')
    .limit(1)
    .executeTakeFirst();
  return row?.review_required === false ? 'automatic' : 'reviewed';
}

/** Sets whether loads wait for a reviewed release. Call inside a writer. */
export async function writeReleaseMode(db: DuckDbHandle, mode: ReleaseMode): Promise<void> {
  const k = kyselyOf(db);
  await k.deleteFrom('release_policy').execute();
  await k
    .insertInto('release_policy')
    .values({ review_required: mode === 'reviewed' })
    .execute();
}

/** What a new release row holds (its number is the next one). */
export interface NewRelease {
  readonly dataVersion: number;
  readonly years: readonly number[];
  /** `YYYY-MM-DDTHH:MM:SS…Z`. */
  readonly releasedAt: string;
  readonly releasedBy: string | null;
  readonly note: string | null;
  readonly notesMdVi: string | null;
  readonly notesMdEn: string | null;
  readonly automatic: boolean;
}

/** Inserts the next release and returns its number. Call inside the writer's transaction. */
export async function insertRelease(db: DuckDbHandle, release: NewRelease): Promise<number> {
  const k = kyselyOf(db);
  const row = await k
    .selectFrom('release')
    .select((eb) => sql<number>`${eb.fn.coalesce(eb.fn.max('release_no'), eb.lit(0))} + 1`.as('n'))
    .executeTakeFirstOrThrow();
  const releaseNo = row.n;
  // A list cannot be a parameter: the years travel as one '|'-joined text.
  const years = [...release.years].sort((a, b) => a - b).join('|');
  await k
    .insertInto('release')
    .values({
      release_no: releaseNo,
      data_version: release.dataVersion,
      years: sql<
        number[]
      >`case when ${years} = '' then []::integer[] else string_split(${years}, '|')::integer[] end`,
      released_at: sql<string>`${release.releasedAt.replace('Z', '')}::timestamp`,
      released_by: release.releasedBy,
      note: release.note,
      notes_md_vi: release.notesMdVi,
      notes_md_en: release.notesMdEn,
      automatic: release.automatic,
    })
    .execute();
  return releaseNo;
}

/**
 * Called for every load that publishes a data version, in its transaction: in a single-office
 * warehouse the version is released at once; in a reviewed one it stays a draft.
 */
export async function releaseWithLoad(
  db: DuckDbHandle,
  load: {
    readonly loadId: number;
    readonly dataVersion: number;
    readonly years: readonly number[];
    readonly loadedBy: string | null;
    readonly finishedAt: string;
  },
): Promise<void> {
  if ((await readReleaseMode(db)) !== 'automatic') return;
  await insertRelease(db, {
    dataVersion: load.dataVersion,
    years: load.years,
    releasedAt: load.finishedAt,
    releasedBy: load.loadedBy,
    note: `released with load #${load.loadId}`,
    notesMdVi: null,
    notesMdEn: null,
    automatic: true,
  });
}

/** Loads that published a data version after the latest release's version, oldest first. */
export function findPendingLoads(db: DuckDbHandle) {
  const k = kyselyOf(db);
  return k
    .selectFrom('load_log as l')
    .innerJoin('publication as p', 'p.load_id', 'l.load_id')
    .select(['l.load_id', 'l.family', 'l.file_name', 'l.data_version', 'l.years', 'l.loaded_by'])
    .where('l.data_version', '>', (eb) =>
      eb.fn.coalesce(
        k.selectFrom('release').select((r) => r.fn.max('data_version').as('v')),
        eb.lit(-1),
      ),
    )
    .orderBy('l.load_id')
    .execute();
}

/** A load published since the latest release: it is in the draft, not yet public. */
export type PendingLoad = Awaited<ReturnType<typeof findPendingLoads>>[number];

/** A release number that does not exist was asked for. */
export class UnknownReleaseError extends Error {
  constructor(
    readonly asked: number,
    readonly releases: readonly number[],
  ) {
    super(
      `release must be a release number (${releases.join(', ') || 'none yet'}) or DRAFT, but got ${asked}`,
    );
    this.name = 'UnknownReleaseError';
  }
}

/** What a release choice reads. */
export interface ChosenVersion {
  /** The data version read. */
  readonly dataVersion: number;
  /** The release it belongs to; null for the draft. */
  readonly releaseNo: number | null;
  /** `dataVersion`, or undefined when it is the latest version (read as the current rows). */
  readonly asOfVersion: number | undefined;
}

/**
 * The data version a release choice reads: a release number, `DRAFT` (the latest loads), or
 * nothing (the latest release). Throws {@link UnknownReleaseError} for a release that does not
 * exist.
 */
export async function chooseVersion(
  db: DuckDbHandle,
  choice: number | 'DRAFT' | undefined,
): Promise<ChosenVersion> {
  const { latest } = await kyselyOf(db)
    .selectFrom('publication')
    .select((eb) => eb.fn.max('data_version').as('latest'))
    .executeTakeFirstOrThrow();
  const releases = await findReleases(db);
  const of = (dataVersion: number, releaseNo: number | null): ChosenVersion => ({
    dataVersion,
    releaseNo,
    asOfVersion: dataVersion === latest ? undefined : dataVersion,
  });
  if (choice === 'DRAFT') return of(latest, null);
  if (choice === undefined) {
    const last = releases[releases.length - 1];
    return last ? of(last.data_version, last.release_no) : of(0, null);
  }
  const release = releases.find((r) => r.release_no === choice);
  if (!release)
    throw new UnknownReleaseError(
      choice,
      releases.map((r) => r.release_no),
    );
  return of(release.data_version, release.release_no);
}

/**
 * A release choice written as text (`2`, `DRAFT`, any case) in a query string or on the command
 * line; null when the text is neither.
 */
export function parseReleaseText(text: string): number | 'DRAFT' | null {
  if (text.toUpperCase() === 'DRAFT') return 'DRAFT';
  return /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : null;
}
