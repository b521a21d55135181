import type { FactRow } from '../../warehouse/queries/fact.queries.ts';
import type { IndicatorValueRow } from '../../warehouse/queries/indicator.queries.ts';
import { DEFAULT_SOURCE_PREFERENCE } from '../../warehouse/queries/progress.queries.ts';
import { resolveAreas } from '../admin-unit/area-resolver.ts';
import type { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { badInput } from '../common/errors.ts';
import { checkLoadedYear, checkSource } from '../common/validate.ts';
import type { ApiContext } from '../context.ts';
import { factKey, yearValueKey } from '../loaders.ts';
import type { ReportArgs } from './report.args.ts';

/** What every topic report of one area and year is built from. */
export interface ReportBasis {
  readonly area: AdminUnit;
  readonly year: number;
  readonly boundaries: ReportArgs['boundaries'];
  /** The source whose figures are shown; null when the area has none that year. */
  readonly source: string | null;
  /** All-sector rows by organisation type. */
  readonly totals: readonly FactRow[];
  /** Sector rows. */
  readonly sectors: readonly FactRow[];
  /**
   * Indicator values of the area and year from the same source (others when it has none). Read
   * only when a report's `indicators` field is asked for.
   */
  readonly values: () => Promise<readonly IndicatorValueRow[]>;
}

const ORG_ORDER = ['THT', 'HTX', 'LHHTX', 'QTDND'];

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
 * Resolves the areas of a report and loads their facts and indicator values through the
 * request's DataLoaders: two SQL statements for any number of areas.
 */
export async function loadReportBasis(ctx: ApiContext, args: ReportArgs): Promise<ReportBasis[]> {
  await checkLoadedYear(ctx, args.year);
  const source = await checkSource(ctx, args.source);
  const areas = await resolveAreas(ctx, args, args.year);
  return Promise.all(
    areas.map(async (area) => {
      const facts = await ctx.loaders.facts.load(factKey(args.boundaries, area.id, args.year));
      const chosen = chooseSource(
        facts.map((f) => f.source_code),
        source,
      );
      const rows = facts
        .filter((f) => f.source_code === chosen)
        .sort(
          (a, b) =>
            ORG_ORDER.indexOf(a.org_type) - ORG_ORDER.indexOf(b.org_type) ||
            a.sector.localeCompare(b.sector),
        );
      const values = async () => {
        const yearValues = await ctx.loaders.yearValues.load(
          yearValueKey(args.boundaries, area.id, args.year),
        );
        const byIndicator = new Map<string, IndicatorValueRow[]>();
        for (const v of yearValues)
          byIndicator.set(v.indicator_code, [...(byIndicator.get(v.indicator_code) ?? []), v]);
        return [...byIndicator.values()]
          .map(
            (candidates) =>
              candidates.find((c) => c.source_code === (source ?? chosen)) ??
              (source
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
        source: chosen,
        totals: rows.filter((r) => r.sector === 'ALL'),
        sectors: rows.filter((r) => r.sector !== 'ALL'),
        values,
      };
    }),
  );
}
