import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findDataVersions } from '../../warehouse/queries/revision.queries.ts';
import { findReleases } from '../../warehouse/release/release.queries.ts';
import type { ApiContext } from '../context.ts';
import { Arg, Int } from 'type-graphql';
import { ReleaseChoiceScalar, type ReleaseChoice } from '../scalars.ts';
import { badInput, draftForbidden } from './errors.ts';
import { perConnectionCache, readOncePerConnection } from './per-connection.ts';

/** The `release` argument's description, the same on every field that takes it. */
export const RELEASE_ARGUMENT_DESCRIPTION =
  'Read the figures of this release (`releases` lists them), or DRAFT for the loads not yet released (loader and admin keys; DRAFT_FORBIDDEN for others). Default: the latest release. Not together with asOfVersion.';

/** The `asOfVersion` argument's description; `what` says what is read ("Read the values"). */
export const asOfVersionDescription = (what: string) =>
  `${what} as published in this data version (see \`dataVersion\`, \`loads\` and \`revisions\`); default: the latest release. Without a loader or admin key, only versions up to the latest release, each read as the release the public had then (never a draft between releases). An unknown version is BAD_USER_INPUT.`;

/** The `asOfVersion` argument of a resolver, described the same way on every field. */
export const AsOfVersionArg = (what: string) =>
  Arg('asOfVersion', () => Int, { nullable: true, description: asOfVersionDescription(what) });

/** The `release` argument of a resolver, described the same way on every field. */
export const ReleaseArg = () =>
  Arg('release', () => ReleaseChoiceScalar, {
    nullable: true,
    description: RELEASE_ARGUMENT_DESCRIPTION,
  });

const versionsBySnapshot = perConnectionCache<number[]>();

/** The published data versions of a snapshot, read once per connection. */
export function publishedVersions(ctx: Pick<ApiContext, 'db'>): Promise<number[]> {
  return readOncePerConnection(versionsBySnapshot, ctx.db, '', async () =>
    (await findDataVersions(ctx.db)).map((r) => r.data_version),
  );
}

/** A release's number and the data version it froze. */
export interface ReleaseVersion {
  readonly releaseNo: number;
  readonly dataVersion: number;
}

const releasesBySnapshot = perConnectionCache<ReleaseVersion[]>();

/** The releases of a snapshot, oldest first, read once per connection. */
export function releaseVersions(ctx: Pick<ApiContext, 'db'>): Promise<ReleaseVersion[]> {
  return readOncePerConnection(releasesBySnapshot, ctx.db, '', async () =>
    (await findReleases(ctx.db)).map((r) => ({
      releaseNo: r.release_no,
      dataVersion: r.data_version,
    })),
  );
}

/** Whether the request's key may read the draft (loader and admin keys). */
export const mayReadDraft = (ctx: Pick<ApiContext, 'role'>) =>
  ctx.role === 'loader' || ctx.role === 'admin';

/** The data version the public reads: the latest release's (0 before any release). */
export async function releasedVersion(ctx: Pick<ApiContext, 'db'>): Promise<number> {
  const releases = await releaseVersions(ctx);
  return releases[releases.length - 1]?.dataVersion ?? 0;
}

/** Versions as a short list: runs of consecutive versions written `1–7`. */
function describeVersions(versions: readonly number[]): string {
  const runs: string[] = [];
  let start = versions[0];
  for (let i = 1; i <= versions.length; i++) {
    const v = versions[i];
    const previous = versions[i - 1]!;
    if (v !== previous + 1) {
      runs.push(start === previous ? `${previous}` : `${start}–${previous}`);
      start = v;
    }
  }
  return runs.join(', ') || 'none';
}

/**
 * The data version a read uses, from its `asOfVersion` and `release` arguments: `undefined` for
 * the version being served (the fast path: current rows), else the version to read.
 *
 * - neither: the latest release — for every key; the draft is read only when asked for;
 * - `release: DRAFT`: the latest loads, for loader and admin keys (`DRAFT_FORBIDDEN` for others);
 * - `release: N`: what release N froze (`BAD_USER_INPUT` for a release that does not exist);
 * - `asOfVersion: V`: that published data version; without a loader or admin key only up to the
 *   latest release, and read as the release the public had at V (a draft between two releases
 *   is never shown). Anything else is `BAD_USER_INPUT` naming the versions there are.
 */
export async function checkAsOfVersion(
  ctx: Pick<ApiContext, 'db' | 'dataVersion' | 'role'>,
  asOfVersion: number | null | undefined,
  argument = 'asOfVersion',
  release?: ReleaseChoice | null,
): Promise<number | undefined> {
  const current = (version: number) => (version === ctx.dataVersion ? undefined : version);
  const hasVersion = asOfVersion !== null && asOfVersion !== undefined;
  if (release !== null && release !== undefined) {
    if (hasVersion)
      throw badInput(`give at most one of release and ${argument}, but got both`, 'release');
    if (release === 'DRAFT') {
      if (!mayReadDraft(ctx)) throw draftForbidden(ctx.role);
      return undefined;
    }
    const releases = await releaseVersions(ctx);
    const chosen = releases.find((r) => r.releaseNo === release);
    if (!chosen) {
      const numbers = releases.map((r) => r.releaseNo);
      throw badInput(
        `release must be a release number (${describeVersions(numbers)}) or DRAFT, but got ${release}`,
        'release',
      );
    }
    return current(chosen.dataVersion);
  }
  const released = await releasedVersion(ctx);
  if (!hasVersion) return current(released);
  const draftAllowed = mayReadDraft(ctx);
  const limit = draftAllowed ? ctx.dataVersion : released;
  const versions = (await publishedVersions(ctx)).filter((v) => v <= limit);
  if (!versions.includes(asOfVersion)) {
    throw badInput(
      `${argument} must be a published data version (${describeVersions(versions)}), but got ${asOfVersion}`,
      argument,
    );
  }
  if (draftAllowed) return current(asOfVersion);
  // Without a draft key a version reads as the public saw it then: the latest release at or
  // before it, never a draft between two releases (a figure corrected before its release was
  // never published). Versions before the first release (init's own steps) read as they are.
  const releases = await releaseVersions(ctx);
  const under = releases.filter((r) => r.dataVersion <= asOfVersion).pop();
  return current(under?.dataVersion ?? asOfVersion);
}
