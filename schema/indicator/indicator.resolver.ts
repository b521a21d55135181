import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { toAdminUnit } from '../admin-unit/admin-unit.mapper.ts';
import { Topic } from '../common/enums.ts';
import type { ApiContext } from '../context.ts';
import { toIndicator } from './indicator.mapper.ts';
import { Indicator, IndicatorValue } from './indicator.type.ts';

/** The indicator registry. */
@Resolver(() => Indicator)
export class IndicatorResolver {
  @Query(() => [Indicator], { description: 'The indicator registry, optionally one topic.' })
  async indicators(
    @Arg('topic', () => Topic, { nullable: true, description: 'Only indicators of this topic.' })
    topic: Topic | null,
    @Ctx() ctx: ApiContext,
  ): Promise<Indicator[]> {
    return (await ctx.loaders.indicators())
      .filter((i) => topic == null || i.topic === topic)
      .map(toIndicator);
  }
}

/** Links of an indicator value to its indicator and area. */
@Resolver(() => IndicatorValue)
export class IndicatorValueResolver {
  @FieldResolver(() => Indicator, { description: 'The indicator.' })
  async indicator(@Root() value: IndicatorValue, @Ctx() ctx: ApiContext): Promise<Indicator> {
    const row = await ctx.loaders.indicator.load(value.indicatorCode);
    if (!row) throw new Error(`indicator ${value.indicatorCode} is not registered`);
    return toIndicator(row);
  }

  @FieldResolver(() => AdminUnit, { description: 'The area the value is for.' })
  async area(@Root() value: IndicatorValue, @Ctx() ctx: ApiContext): Promise<AdminUnit> {
    const row = await ctx.loaders.unit.load(value.unitId);
    if (!row) throw new Error(`unit ${value.unitId} is not known`);
    return toAdminUnit(row);
  }
}
