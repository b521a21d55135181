import {
  buildInputTemplate,
  TEMPLATE_FAMILIES,
  templateProvinces,
  type TemplateFamily,
} from '../../etl/index.ts';
import { badInput } from '../../schema/index.ts';
import type { DownloadBuilder } from './download.route.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * `GET /templates/<family>.xlsx?lang=vi|en&year=Y`: the input workbook, as `coopstat template`
 * writes it, with the provinces of that year in the warehouse being served. `undefined` for any
 * other path.
 */
export function templateDownloads(path: string): DownloadBuilder | undefined {
  const template = /^\/templates\/([a-z]+)\.xlsx$/.exec(path);
  if (template && (TEMPLATE_FAMILIES as readonly string[]).includes(template[1]!)) {
    const family = template[1] as TemplateFamily;
    return async (lease, params, _principal, today) => {
      const lang = params.get('lang') ?? 'vi';
      if (lang !== 'vi' && lang !== 'en')
        throw badInput(`parameter lang must be vi or en, but got '${lang.slice(0, 40)}'`);
      const rawYear = params.get('year');
      if (rawYear !== null && !/^[0-9]{4}$/.test(rawYear))
        throw badInput(
          `parameter year must be a four-digit year, but got '${rawYear.slice(0, 40)}'`,
        );
      const year = rawYear === null ? Number(today.slice(0, 4)) - 1 : Number(rawYear);
      const provinces = await templateProvinces(lease.handle, year);
      if (provinces.length === 0)
        throw badInput(
          `parameter year must be a year with provinces in the warehouse, but got ${year}`,
        );
      return {
        body: await buildInputTemplate({ family, lang, year, provinces }),
        contentType: XLSX_TYPE,
      };
    };
  }
  return undefined;
}
