import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findDataVersions } from '../../warehouse/queries/revision.queries.ts';
import type { ApiContext } from '../context.ts';
import { badInput } from './errors.ts';

const versionsBySnapshot = new WeakMap<DuckDbHandle, Promise<number[]>>();

/** The published data versions of a snapshot, read once per snapshot. */
export function publishedVersions(ctx: Pick<ApiContext, 'db'>): Promise<number[]> {
  let versions = versionsBySnapshot.get(ctx.db);
  if (!versions) {
    versions = findDataVersions(ctx.db).then((rows) => rows.map((r) => r.data_version));
    versionsBySnapshot.set(ctx.db, versions);
  }
  return versions;
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
 * An `asOfVersion` argument: the data version whose published values are read. Absent, or the
 * version being served, reads the current values (`undefined`); an earlier published version is
 * returned as it is; anything else is `BAD_USER_INPUT` naming the versions there are.
 */
export async function checkAsOfVersion(
  ctx: Pick<ApiContext, 'db' | 'dataVersion'>,
  asOfVersion: number | null | undefined,
  argument = 'asOfVersion',
): Promise<number | undefined> {
  if (asOfVersion === null || asOfVersion === undefined) return undefined;
  const versions = (await publishedVersions(ctx)).filter((v) => v <= ctx.dataVersion);
  if (!versions.includes(asOfVersion)) {
    throw badInput(
      `${argument} must be a published data version (${describeVersions(versions)}), but got ${asOfVersion}`,
      argument,
    );
  }
  return asOfVersion === ctx.dataVersion ? undefined : asOfVersion;
}
