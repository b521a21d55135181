import { buildExportFile, exportContentType } from '../../etl/index.ts';
import { badInput, draftForbidden } from '../../schema/index.ts';
import { chooseVersion, UnknownReleaseError } from '../../warehouse/release/release.queries.ts';
import { releaseParam, type DownloadBuilder } from './download.route.ts';

/**
 * `GET /export/<file>?release=N`: the open-format files `coopstat export` writes, from the
 * snapshot being served (the latest release by default, `release=DRAFT` for loader and admin
 * keys). `undefined` for any other path.
 */
export function openDataDownloads(path: string): DownloadBuilder | undefined {
  const file = /^\/export\/([a-z_.-]+)$/.exec(path)?.[1];
  const contentType = file === undefined ? undefined : exportContentType(file);
  if (file === undefined || contentType === undefined) return undefined;
  return async (lease, params, principal, today) => {
    const choice = releaseParam(params) ?? undefined;
    if (choice === 'DRAFT' && principal?.role !== 'loader' && principal?.role !== 'admin')
      throw draftForbidden(principal?.role ?? null);
    let chosen;
    try {
      chosen = await chooseVersion(lease.handle, choice);
    } catch (error) {
      if (error instanceof UnknownReleaseError) throw badInput(error.message);
      throw error;
    }
    return {
      body: (await buildExportFile(lease.handle, file, {
        asOfYear: Number(today.slice(0, 4)),
        ...(chosen.asOfVersion === undefined ? {} : { asOfVersion: chosen.asOfVersion }),
      }))!,
      contentType,
    };
  };
}
