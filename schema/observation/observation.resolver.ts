import type { ReleaseChoice } from '../scalars.ts';
import { Arg, Args, Ctx, Int, Query, Resolver } from 'type-graphql';
import { toAdminUnit } from '../admin-unit/admin-unit.mapper.ts';
import { referenceDate, resolveArea } from '../admin-unit/area-resolver.ts';
import { AreaInput } from '../common/area.input.ts';
import { AdminLevel, Boundaries } from '../common/enums.ts';
import { badInput, notFound } from '../common/errors.ts';
import {
  checkCursorOffset,
  checkLoadedYear,
  checkPageSize,
  checkSource,
} from '../common/validate.ts';
import type { ApiContext } from '../context.ts';
import { AsOfVersionArg, checkAsOfVersion, ReleaseArg } from '../common/data-version.ts';
import { toIndicator, toIndicatorValue } from '../indicator/indicator.mapper.ts';
import { valueKey } from '../indicator/indicator.loaders.ts';
import { chooseSource } from '../report/report-basis.ts';
import { decodeCursor, encodeCursor, queryObservations } from './observation.service.ts';
import { ObservationConnection, ObservationsArgs, Ranking, Series } from './observation.type.ts';

/** The `boundaries` argument of the series and the ranking (as reported unless asked). */
const BoundariesArg = () =>
  Arg('boundaries', () => Boundaries, {
    defaultValue: Boundaries.AS_REPORTED,
    description: 'Boundaries.',
  });

async function indicatorOrFail(ctx: ApiContext, code: string) {
  const row = await ctx.loaders.indicator.load(code);
  if (!row) throw notFound(`no indicator has code '${code}'`);
  return row;
}

/** Flat observations for BI tools, time series and rankings. */
@Resolver()
export class ObservationResolver {
  @Query(() => ObservationConnection, {
    description:
      'Long-format observations (indicator × area × year × source) for BI tools, grouped by the dimensions asked for, in pages. No silent row cap: a page above the limit is refused.',
  })
  async observations(
    @Args(() => ObservationsArgs) args: ObservationsArgs,
    @Ctx() ctx: ApiContext,
  ): Promise<ObservationConnection> {
    checkPageSize(args.first, ctx.maxPageSize);
    const after = args.after == null ? null : decodeCursor(args.after, ctx.dataVersion);
    const rows = await queryObservations(ctx, args);
    if (after !== null) checkCursorOffset(after, rows.length, args.after!);
    const offset = after === null ? 0 : after + 1;
    const page = rows.slice(offset, offset + args.first);
    const edges = page.map((node, i) => ({
      cursor: encodeCursor(ctx.dataVersion, offset + i),
      node,
    }));
    return {
      edges,
      nodes: page,
      pageInfo: {
        hasNextPage: offset + page.length < rows.length,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: rows.length,
    };
  }

  @Query(() => Series, {
    description:
      'A time series of one indicator for one area from one source, with year-on-year change.',
  })
  async series(
    @Arg('indicator', () => String, { description: 'Indicator code.' }) indicatorCode: string,
    @Arg('area', () => AreaInput, { nullable: true, description: "Area (default 'VN')." })
    area: AreaInput | null,
    @Arg('from', () => Int, { nullable: true, description: 'First year, inclusive.' })
    from: number | null,
    @Arg('to', () => Int, { nullable: true, description: 'Last year, inclusive.' })
    to: number | null,
    @BoundariesArg() boundaries: Boundaries,
    @Arg('source', () => String, {
      nullable: true,
      description: 'Source series; default the preferred source with figures.',
    })
    source: string | null,
    @AsOfVersionArg('Read the values') asOfVersion: number | null,
    @ReleaseArg() release: ReleaseChoice | null,
    @Ctx() ctx: ApiContext,
  ): Promise<Series> {
    const indicator = await indicatorOrFail(ctx, indicatorCode);
    const asked = await checkSource(ctx, source);
    const version = await checkAsOfVersion(ctx, asOfVersion, 'asOfVersion', release);
    if (from != null && to != null && from > to)
      throw badInput(`from (${from}) must not be after to (${to})`, 'from');
    const unit = await resolveArea(
      ctx,
      area ?? { code: 'VN' },
      to == null ? ctx.today : referenceDate(to),
    );
    const rows = (await ctx.loaders.values.load(valueKey(boundaries, unit.id, version))).filter(
      (r) =>
        r.indicator_code === indicatorCode &&
        (from == null || r.year >= from) &&
        (to == null || r.year <= to),
    );
    const chosen = chooseSource(
      rows.map((r) => r.source_code),
      asked,
    );
    const points = rows.filter((r) => r.source_code === chosen).map(toIndicatorValue);
    return {
      indicator: toIndicator(indicator),
      area: unit,
      source: chosen,
      points: points.map((p, i) => {
        const previous = points[i - 1];
        const change =
          previous && p.value !== null && previous.value !== null ? p.value - previous.value : null;
        return {
          ...p,
          change,
          changePercent:
            change !== null && previous?.value ? (100 * change) / previous.value : null,
          previousYear: previous?.year ?? null,
        };
      }),
    };
  }

  @Query(() => Ranking, {
    description: 'Areas of a level ranked on an indicator in a year, best first by its direction.',
  })
  async ranking(
    @Arg('indicator', () => String, { description: 'Indicator code.' }) indicatorCode: string,
    @Arg('year', () => Int, { description: 'Year.' }) year: number,
    @Arg('level', () => AdminLevel, {
      defaultValue: AdminLevel.PROVINCE,
      description: 'Level of the areas ranked.',
    })
    level: AdminLevel,
    @BoundariesArg() boundaries: Boundaries,
    @Arg('source', () => String, {
      nullable: true,
      description: 'Source series; default per area the preferred source.',
    })
    source: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<Ranking> {
    const indicator = await indicatorOrFail(ctx, indicatorCode);
    const version = await checkAsOfVersion(ctx, null);
    await checkLoadedYear(ctx, year, 'year', version);
    const asked = await checkSource(ctx, source);
    const units = await ctx.loaders.unitsWhere({
      level,
      validOn: boundaries === Boundaries.CURRENT ? ctx.today : referenceDate(year),
    });
    const values = await ctx.loaders.values.loadMany(
      units.map((u) => valueKey(boundaries, u.unit_id, version)),
    );
    const entries = units.flatMap((unit, i) => {
      const all = values[i];
      const rows =
        all instanceof Error || !all
          ? []
          : all.filter(
              (r) => r.indicator_code === indicatorCode && r.year === year && r.value !== null,
            );
      const chosen = chooseSource(
        rows.map((r) => r.source_code),
        asked,
      );
      const row = rows.find((r) => r.source_code === chosen);
      return row ? [{ unit, row }] : [];
    });
    const sign = indicator.is_higher_better ? -1 : 1;
    entries.sort(
      (a, b) =>
        sign * ((a.row.value ?? 0) - (b.row.value ?? 0)) || a.unit.code.localeCompare(b.unit.code),
    );
    let rank = 0;
    let previous: number | null = null;
    const ranked = entries.map((e, i) => {
      if (e.row.value !== previous) rank = i + 1;
      previous = e.row.value;
      return { rank, area: toAdminUnit(e.unit), value: toIndicatorValue(e.row) };
    });
    const present = new Set(entries.map((e) => e.unit.unit_id));
    return {
      indicator: toIndicator(indicator),
      year,
      entries: ranked,
      missing: units.filter((u) => !present.has(u.unit_id)).map(toAdminUnit),
    };
  }
}
