import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../warehouse/domain/years.ts';
import type { ReleaseChoice } from '../scalars.ts';
import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { isUnitRow, toAdminUnit } from '../admin-unit/admin-unit.mapper.ts';
import { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { resolveArea } from '../admin-unit/area-resolver.ts';
import { AreaInput } from '../common/area.input.ts';
import { badInput, notFound } from '../common/errors.ts';
import { checkSources } from '../common/validate.ts';
import type { ApiContext } from '../context.ts';
import { toIndicator } from '../indicator/indicator.mapper.ts';
import { Indicator } from '../indicator/indicator.type.ts';
import { progressKey } from './plan.loaders.ts';
import { AsOfVersionArg, checkAsOfVersion, ReleaseArg } from '../common/data-version.ts';
import { progressByMethod, toPlan, toTargetProgress } from './plan.mapper.ts';
import { Plan, Target } from './plan.type.ts';
import { targetKey } from './progress.loaders.ts';
import { BoundaryInfo, ProgressMethod, TargetProgress } from './progress.type.ts';

/** Plans and the targets they set. */
@Resolver(() => Plan)
export class PlanResolver {
  @Query(() => [Plan], {
    description:
      'Plans, optionally those covering an area (a code read on a date: 19 on 2023-01-01 is Thái Nguyên before the merger).',
  })
  async plans(
    @Arg('area', () => AreaInput, { nullable: true, description: 'Only plans covering this area.' })
    area: AreaInput | null,
    @Ctx() ctx: ApiContext,
  ): Promise<Plan[]> {
    const plans = await ctx.loaders.plans();
    if (!area) return plans.map(toPlan);
    const unit = await resolveArea(ctx, area, ctx.today);
    return plans.filter((p) => p.unit_id === unit.id).map(toPlan);
  }

  @Query(() => Plan, { description: 'One plan by id; unknown → NOT_FOUND.' })
  async plan(
    @Arg('id', () => String, { description: 'Plan id.' }) id: string,
    @Ctx() ctx: ApiContext,
  ): Promise<Plan> {
    const row = (await ctx.loaders.plans()).find((p) => p.plan_id === id);
    if (!row) throw notFound(`no plan has id '${id}'`);
    return toPlan(row);
  }

  @FieldResolver(() => AdminUnit, {
    description: 'The unit the plan covers, as it was when the plan was issued.',
  })
  async area(@Root() plan: Plan, @Ctx() ctx: ApiContext): Promise<AdminUnit> {
    return toAdminUnit((await ctx.loaders.unit.load(plan.unitId))!);
  }

  @FieldResolver(() => [Plan], {
    description:
      'Plans this one implements (e.g. a provincial plan implementing Resolution 20-NQ/TW).',
  })
  async implements(@Root() plan: Plan, @Ctx() ctx: ApiContext): Promise<Plan[]> {
    const ids = new Set(
      (await ctx.loaders.planLinks())
        .filter((l) => l.plan_id === plan.id)
        .map((l) => l.implements_plan_id),
    );
    return (await ctx.loaders.plans()).filter((p) => ids.has(p.plan_id)).map(toPlan);
  }

  @FieldResolver(() => [Plan], { description: 'Plans that implement this one.' })
  async implementedBy(@Root() plan: Plan, @Ctx() ctx: ApiContext): Promise<Plan[]> {
    const ids = new Set(
      (await ctx.loaders.planLinks())
        .filter((l) => l.implements_plan_id === plan.id)
        .map((l) => l.plan_id),
    );
    return (await ctx.loaders.plans()).filter((p) => ids.has(p.plan_id)).map(toPlan);
  }

  @FieldResolver(() => [Target], { description: 'The quantitative targets of the plan.' })
  async targets(@Root() plan: Plan, @Ctx() ctx: ApiContext): Promise<readonly Target[]> {
    return ctx.loaders.targetsOfPlan(plan.id);
  }
}

/** A target's indicator, area and progress. */
@Resolver(() => Target)
export class TargetResolver {
  @FieldResolver(() => Indicator, { description: 'The indicator the target is set on.' })
  async indicator(@Root() target: Target, @Ctx() ctx: ApiContext): Promise<Indicator> {
    return toIndicator((await ctx.loaders.indicator.load(target.indicatorCode))!);
  }

  @FieldResolver(() => AdminUnit, {
    description: 'The unit the target covers, as it was on the plan date.',
  })
  async area(@Root() target: Target, @Ctx() ctx: ApiContext): Promise<AdminUnit> {
    return toAdminUnit((await ctx.loaders.unit.load(target.unitId))!);
  }

  @FieldResolver(() => TargetProgress, {
    description:
      'Progress as of a year (default: the current year): every component the progress engine computes.',
  })
  async progress(
    @Root() target: Target,
    @Arg('asOf', () => Int, {
      nullable: true,
      description: 'Year to judge progress as of; default the current year.',
    })
    asOf: number | null,
    @Arg('method', () => ProgressMethod, {
      defaultValue: ProgressMethod.OVERALL,
      description: 'Method whose verdict `status` reports.',
    })
    method: ProgressMethod,
    @Arg('sources', () => [String], {
      nullable: true,
      description:
        'Sources in order of preference (default PSO, MINISTRY, VCA, OTHER). With the default, progress is read as computed when the data was published; with other sources it is computed per request.',
    })
    sources: string[] | null,
    @AsOfVersionArg('Judge with the values') asOfVersion: number | null,
    @ReleaseArg() release: ReleaseChoice | null,
    @Ctx() ctx: ApiContext,
  ): Promise<TargetProgress> {
    const year = asOf ?? Number(ctx.today.slice(0, 4));
    const checked =
      sources === null || sources === undefined ? null : await checkSources(ctx, sources);
    // Without asOfVersion or release: the latest release, from the releases kept per connection.
    const version = await checkAsOfVersion(ctx, asOfVersion, 'asOfVersion', release);
    if (!isYearInRange(year))
      throw badInput(
        `asOf must be a year from ${FIRST_YEAR} to ${LAST_YEAR}, but got ${year}`,
        'asOf',
      );
    if (checked === null) {
      // The default sources: what the publish computed, kept as served for the snapshot.
      const kept = (await ctx.loaders.progressOfYear(year, version)).get(
        targetKey(target.planId, target.id),
      );
      if (!kept) throw new Error(`target ${target.planId}/${target.id} is not in the catalog`);
      return progressByMethod(kept, method);
    }
    const result = await ctx.loaders.progress.load(
      progressKey(target.planId, target.id, year, checked, version),
    );
    if (!result) throw new Error(`target ${target.planId}/${target.id} is not in the catalog`);
    return progressByMethod(toTargetProgress(result), method);
  }
}

/** The units a target's unit became part of, read only when asked for. */
@Resolver(() => BoundaryInfo)
export class BoundaryInfoResolver {
  @FieldResolver()
  async successors(@Root() boundary: BoundaryInfo, @Ctx() ctx: ApiContext): Promise<AdminUnit[]> {
    if (boundary.successorUnitIds.length === 0) return [];
    return (await ctx.loaders.unit.loadMany([...boundary.successorUnitIds]))
      .filter(isUnitRow)
      .map(toAdminUnit);
  }
}
