import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { AdminLevel } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { LocalDate } from '../scalars.ts';
import { isUnitRow, toAdminUnit } from './admin-unit.mapper.ts';
import { AdminUnit, PopulationFigure, UnitName } from './admin-unit.type.ts';
import { resolveArea } from './area-resolver.ts';

/** Administrative units, their validity, names and the 2025 crosswalk. */
@Resolver(() => AdminUnit)
export class AdminUnitResolver {
  @Query(() => [AdminUnit], {
    description:
      'Administrative units valid on a date (default today), optionally of one level. Pass validOn 2024-12-31 for the 63 provinces.',
  })
  async adminUnits(
    @Arg('level', () => AdminLevel, { nullable: true, description: 'Only units of this level.' })
    level: AdminLevel | null,
    @Arg('validOn', () => LocalDate, {
      nullable: true,
      description: 'Date the units must be valid on (YYYY-MM-DD); default today.',
    })
    validOn: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<AdminUnit[]> {
    const rows = await ctx.loaders.unitsWhere({
      ...(level ? { level } : {}),
      validOn: validOn ?? ctx.today,
    });
    for (const row of rows) ctx.loaders.unit.prime(row.unit_id, row);
    return rows.map(toAdminUnit);
  }

  @Query(() => AdminUnit, {
    description:
      "One unit by code on a date (default today): '91' on 2024-12-31 is Kiên Giang, on 2025-07-01 An Giang. Unknown → NOT_FOUND.",
  })
  async adminUnit(
    @Arg('code', () => String, { description: "Statistics-office code, or 'VN'." }) code: string,
    @Arg('validOn', () => LocalDate, {
      nullable: true,
      description: 'Date the code is read on (YYYY-MM-DD); default today.',
    })
    validOn: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<AdminUnit> {
    return resolveArea(ctx, { code, validOn }, ctx.today);
  }

  @FieldResolver(() => AdminUnit, {
    nullable: true,
    description: 'The unit this one belongs to (the nation for a province).',
  })
  async parent(@Root() unit: AdminUnit, @Ctx() ctx: ApiContext): Promise<AdminUnit | null> {
    if (!unit.parentId) return null;
    const row = await ctx.loaders.unit.load(unit.parentId);
    return row ? toAdminUnit(row) : null;
  }

  @FieldResolver(() => [AdminUnit], {
    description: 'Units merged into this one on 1 July 2025 (empty for units that did not change).',
  })
  async predecessors(@Root() unit: AdminUnit, @Ctx() ctx: ApiContext): Promise<AdminUnit[]> {
    const edges = (await ctx.loaders.crosswalk.load(unit.id)).filter(
      (e) => e.to_unit_id === unit.id,
    );
    const rows = await ctx.loaders.unit.loadMany(edges.map((e) => e.from_unit_id));
    return rows.filter(isUnitRow).map(toAdminUnit);
  }

  @FieldResolver(() => [AdminUnit], {
    description: 'Units this one became part of on 1 July 2025 (empty if it continues).',
  })
  async successors(@Root() unit: AdminUnit, @Ctx() ctx: ApiContext): Promise<AdminUnit[]> {
    const edges = (await ctx.loaders.crosswalk.load(unit.id)).filter(
      (e) => e.from_unit_id === unit.id,
    );
    const rows = await ctx.loaders.unit.loadMany(edges.map((e) => e.to_unit_id));
    return rows.filter(isUnitRow).map(toAdminUnit);
  }

  @FieldResolver(() => [UnitName], {
    description: 'Official and former names with their validity.',
  })
  async names(@Root() unit: AdminUnit, @Ctx() ctx: ApiContext): Promise<UnitName[]> {
    return (await ctx.loaders.aliases.load(unit.id)).map((a) => ({
      nameVi: a.name_vi,
      validFrom: a.valid_from,
      validTo: a.valid_to,
      kind: a.alias_kind,
    }));
  }

  @FieldResolver(() => PopulationFigure, {
    nullable: true,
    description:
      'Population in a year, or the latest earlier figure known; null when none is known.',
  })
  async population(
    @Root() unit: AdminUnit,
    @Arg('year', () => Int, { nullable: true, description: 'Year; default the latest known.' })
    year: number | null,
    @Ctx() ctx: ApiContext,
  ): Promise<PopulationFigure | null> {
    const rows = (await ctx.loaders.population.load(unit.id)).filter(
      (r) => year == null || r.year <= year,
    );
    const row = rows[rows.length - 1];
    return row
      ? { year: row.year, population: row.population, kind: row.kind, sourceUrl: row.source_url }
      : null;
  }
}
