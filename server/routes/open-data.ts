import { buildExportFile, exportContentType } from '../../etl/export/open-formats.ts';
import { TEMPLATE_FAMILIES, type TemplateFamily } from '../../etl/template/column-guide.ts';
import { buildInputTemplate } from '../../etl/template/input-template.ts';
import { templateProvinces } from '../../etl/template/template-provinces.ts';
import { badInput, draftForbidden } from '../../schema/common/errors.ts';
import {
  chooseVersion,
  parseReleaseText,
  UnknownReleaseError,
} from '../../warehouse/release/release.queries.ts';
import type { DownloadBuilder } from '../app.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const bad = (message: string) => badInput(message);

/**
 * `GET /templates/<family>.xlsx?lang=vi|en&year=Y` (the input workbook, as `coopstat template`
 * writes it) and `GET /export/<file>?release=N` (the open-format files `coopstat export` writes,
 * from the snapshot being served: the latest release by default, `release=DRAFT` for loader and
 * admin keys). `undefined` for any other path.
 */
export function openDataDownloads(path: string): DownloadBuilder | undefined {
  const template = /^\/templates\/([a-z]+)\.xlsx$/.exec(path);
  if (template && (TEMPLATE_FAMILIES as readonly string[]).includes(template[1]!)) {
    const family = template[1] as TemplateFamily;
    return async (lease, params) => {
      const lang = params.get('lang') ?? 'vi';
      if (lang !== 'vi' && lang !== 'en')
        throw bad(`parameter lang must be vi or en, but got '${lang.slice(0, 40)}'`);
      const rawYear = params.get('year');
      if (rawYear !== null && !/^[0-9]{4}$/.test(rawYear))
        throw bad(`parameter year must be a four-digit year, but got '${rawYear.slice(0, 40)}'`);
      const year = rawYear === null ? new Date().getUTCFullYear() - 1 : Number(rawYear);
      const provinces = await templateProvinces(lease.handle, year);
      if (provinces.length === 0)
        throw bad(`parameter year must be a year with provinces in the warehouse, but got ${year}`);
      return {
        body: await buildInputTemplate({ family, lang, year, provinces }),
        contentType: XLSX_TYPE,
      };
    };
  }
  const file = /^\/export\/([a-z_.-]+)$/.exec(path)?.[1];
  const contentType = file === undefined ? undefined : exportContentType(file);
  if (file === undefined || contentType === undefined) return undefined;
  return async (lease, params, principal) => {
    const text = params.get('release');
    const choice = text === null ? undefined : parseReleaseText(text);
    if (choice === null)
      throw bad(
        `parameter release must be a release number or DRAFT, but got '${text!.slice(0, 40)}'`,
      );
    if (choice === 'DRAFT' && principal?.role !== 'loader' && principal?.role !== 'admin')
      throw draftForbidden(principal?.role ?? null);
    let chosen;
    try {
      chosen = await chooseVersion(lease.handle, choice);
    } catch (error) {
      if (error instanceof UnknownReleaseError) throw bad(error.message);
      throw error;
    }
    return {
      body: (await buildExportFile(lease.handle, file, {
        asOfYear: new Date().getUTCFullYear(),
        ...(chosen.asOfVersion === undefined ? {} : { asOfVersion: chosen.asOfVersion }),
      }))!,
      contentType,
    };
  };
}
