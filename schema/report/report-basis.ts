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
import { withPartialSums } from './partial-sum.ts';
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
  /**
   * The rows by organisation type (`ALL`) or by sector, of the source shown: one promise per
   * part for the request, each row recorded with its parts key (`withPartialSums`).
   */
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

/** The report bases of each request's arguments, shared by the topics of one request. */
const basesOfRequest = new WeakMap<object, Map<string, Promise<ReportBasis[]>>>();

/** The arguments a report basis depends on, as one key (the request fixes the rest). */
const argsKey = (args: ReportArgs) =>
  JSON.stringify([
    args.area?.code ?? null,
    args.area?.validOn ?? null,
    args.level ?? null,
    args.year,
    args.boundaries,
    args.source ?? null,
    args.asOfVersion ?? null,
    args.release ?? null,
  ]);

/**
 * Checks the year and resolves the areas of a report; each area's rows and indicator values are
 * read on demand through the request's DataLoaders (one SQL statement per kind for any number of
 * areas).
 *
 * The topics of one request with the same arguments (a dashboard asks four of them for the same
 * level and year) share one set of bases, so the checks, the areas and each area's rows are
 * worked out once per request, not once per topic. Only a success is shared: a topic whose
 * shared computation failed computes its own, so each failure is its own error, at its own path.
 */
export function loadReportBasis(ctx: ApiContext, args: ReportArgs): Promise<ReportBasis[]> {
  let byArgs = basesOfRequest.get(ctx.loaders);
  if (!byArgs) basesOfRequest.set(ctx.loaders, (byArgs = new Map()));
  const key = argsKey(args);
  const shared = byArgs.get(key);
  if (shared) return shared.catch(() => computeReportBasis(ctx, args));
  const bases = computeReportBasis(ctx, args);
  byArgs.set(key, bases);
  return bases;
}

async function computeReportBasis(ctx: ApiContext, args: ReportArgs): Promise<ReportBasis[]> {
  const version = await checkAsOfVersion(ctx, args.asOfVersion, 'asOfVersion', args.release);
  await checkLoadedYear(ctx, args.year, 'year', version);
  const asked = await checkSource(ctx, args.source);
  const areas = await resolveAreas(ctx, args, args.year);
  return areas.map((area) => {
    const parts: { ALL?: Promise<ReportRow[]>; SECTORS?: Promise<ReportRow[]> } = {};
    // Each list once per area and part, its rows keyed for their parts (`withPartialSums`).
    const rows = (part: ReportPart) =>
      (parts[part] ??= withPartialSums(
        {
          boundaries: args.boundaries,
          unitId: area.id,
          year: args.year,
          ...(version === undefined ? {} : { asOfVersion: version }),
        },
        ctx.loaders.facts.load(
          reportRowKey(args.boundaries, asked, part, area.id, args.year, version),
        ),
      ) as Promise<ReportRow[]>);
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
