import type { IndicatorValueRow } from '../../warehouse/queries/indicator.queries.ts';
import { DEFAULT_SOURCE_PREFERENCE } from '../../warehouse/queries/progress.queries.ts';
import type { ReportPart, ReportRow } from '../../warehouse/queries/report.queries.ts';
import { resolveAreas } from '../admin-unit/area-resolver.ts';
import type { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { badInput } from '../common/errors.ts';
import { checkLoadedYear, checkSource } from '../common/validate.ts';
import { checkAsOfVersion } from '../common/data-version.ts';
import type { ApiContext } from '../context.ts';
import { yearValueKey } from '../indicator/indicator.loaders.ts';
import { reportRowKey } from './report.loaders.ts';
import type { ReportArgs } from './report.args.ts';

/**
 * What every topic report of one area and year is read from. Nothing is read until a field asks:
 * the rows come precomputed from the publish (`rpt_org_type_row`) through the request's loader.
 */
export interface ReportBasis {
  readonly area: AdminUnit;
  readonly year: number;
  readonly boundaries: ReportArgs['boundaries'];
  /** The data version read (`undefined`: the current one). */
  readonly asOfVersion: number | undefined;
  /** The rows by organisation type (`ALL`) or by sector, of the source shown. */
  readonly rows: (part: ReportPart) => Promise<ReportRow[]>;
  /** The source whose figures are shown; null when the area has none that year. */
  readonly source: () => Promise<string | null>;
  /** Indicator values of the area and year from the source shown (others when it has none). */
  readonly values: () => Promise<readonly IndicatorValueRow[]>;
}

/** The first source in the preference order that has any of the rows, or the one asked for. */
export function chooseSource(
  available: Iterable<string>,
  asked: string | null | undefined,
): string | null {
  if (asked) return asked;
  const set = new Set(available);
  return [...DEFAULT_SOURCE_PREFERENCE].find((s) => set.has(s)) ?? [...set].sort()[0] ?? null;
}

/**
 * Checks the year and resolves the areas of a report; each area's rows and indicator values are
 * read on demand through the request's DataLoaders (one SQL statement per kind for any number of
 * areas).
 */
export async function loadReportBasis(ctx: ApiContext, args: ReportArgs): Promise<ReportBasis[]> {
  const version = await checkAsOfVersion(ctx, args.asOfVersion, 'asOfVersion', args.release);
  await checkLoadedYear(ctx, args.year, 'year', version);
  const asked = await checkSource(ctx, args.source);
  const areas = await resolveAreas(ctx, args, args.year);
  return areas.map((area) => {
    const rows = (part: ReportPart) =>
      ctx.loaders.facts.load(
        reportRowKey(args.boundaries, asked, part, area.id, args.year, version),
      );
    const source = async () => {
      if (asked) return asked;
      const totals = await rows('ALL');
      return (totals[0] ?? (await rows('SECTORS'))[0])?.sourceCode ?? null;
    };
    const values = async () => {
      const [yearValues, chosen] = await Promise.all([
        ctx.loaders.yearValues.load(yearValueKey(args.boundaries, area.id, args.year, version)),
        source(),
      ]);
      const byIndicator = new Map<string, IndicatorValueRow[]>();
      for (const v of yearValues) {
        const list = byIndicator.get(v.indicator_code);
        if (list) list.push(v);
        else byIndicator.set(v.indicator_code, [v]);
      }
      return [...byIndicator.values()]
        .map(
          (candidates) =>
            candidates.find((c) => c.source_code === chosen) ??
            (asked
              ? undefined
              : candidates.find(
                  (c) =>
                    c.source_code ===
                    chooseSource(
                      candidates.map((x) => x.source_code),
                      null,
                    ),
                )),
        )
        .filter((v): v is IndicatorValueRow => v !== undefined);
    };
    return {
      area,
      year: args.year,
      boundaries: args.boundaries,
      asOfVersion: version,
      rows,
      source,
      values,
    };
  });
}
