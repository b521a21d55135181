import type { DuckDbHandle } from '../dialect/index.ts';

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

/** One row of `release`. */
export interface ReleaseRow {
  release_no: number;
  /** The data version the release freezes. */
  data_version: number;
  /** Years whose figures the release published. */
  years: number[];
  /** `'YYYY-MM-DD HH:MM:SS'` (UTC). */
  released_at: string;
  released_by: string | null;
  note: string | null;
  notes_md_vi: string | null;
  notes_md_en: string | null;
  /** True when it was released with its load, without a review. */
  automatic: boolean;
}

/** Every release, oldest first. */
export function findReleases(db: DuckDbHandle): Promise<ReleaseRow[]> {
  return db.all<ReleaseRow>(
    `select release_no, data_version, years, strftime(released_at, '%Y-%m-%d %H:%M:%S') as released_at,
       released_by, note, notes_md_vi, notes_md_en, automatic
     from release order by release_no`,
  );
}

/** The latest release, or undefined when the warehouse has none yet. */
export async function findLatestRelease(db: DuckDbHandle): Promise<ReleaseRow | undefined> {
  const rows = await findReleases(db);
  return rows[rows.length - 1];
}

/** Whether loads wait for a reviewed release. */
export async function readReleaseMode(db: DuckDbHandle): Promise<ReleaseMode> {
  const [row] = await db.all<{ review_required: boolean }>(
    'select review_required from release_policy limit 1',
  );
  return row?.review_required === false ? 'automatic' : 'reviewed';
}

/** Sets whether loads wait for a reviewed release. Call inside a writer. */
export async function writeReleaseMode(db: DuckDbHandle, mode: ReleaseMode): Promise<void> {
  await db.run('delete from release_policy');
  await db.run('insert into release_policy values ($1)', [mode === 'reviewed']);
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
  const [row] = await db.all<{ n: number }>(
    'select coalesce(max(release_no), 0) + 1 as n from release',
  );
  const releaseNo = row!.n;
  await db.run(
    `insert into release values ($1, $2, case when $3 = '' then []::integer[] else string_split($3, '|')::integer[] end,
       $4::timestamp, $5, $6, $7, $8, $9)`,
    [
      releaseNo,
      release.dataVersion,
      [...release.years].sort((a, b) => a - b).join('|'),
      release.releasedAt.replace('Z', ''),
      release.releasedBy,
      release.note,
      release.notesMdVi,
      release.notesMdEn,
      release.automatic,
    ],
  );
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

/** A load published since the latest release: it is in the draft, not yet public. */
export interface PendingLoad {
  load_id: number;
  family: string;
  file_name: string;
  data_version: number;
  years: number[];
  loaded_by: string | null;
}

/** Loads that published a data version after the latest release's version, oldest first. */
export function findPendingLoads(db: DuckDbHandle): Promise<PendingLoad[]> {
  return db.all<PendingLoad>(
    `select l.load_id, l.family, l.file_name, l.data_version, l.years, l.loaded_by
     from load_log l join publication p on p.load_id = l.load_id
     where l.data_version > coalesce((select max(data_version) from release), -1)
     order by l.load_id`,
  );
}

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
  const [{ latest }] = await db.all<{ latest: number }>(
    'select max(data_version) as latest from publication',
  );
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
