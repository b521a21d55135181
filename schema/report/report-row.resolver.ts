import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Qualifier } from '../../warehouse/domain/qualifier.ts';
import type { ReportRow } from '../../warehouse/queries/report.queries.ts';
import type { RatioValue } from '../../warehouse/tables/report-row.table.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';
import { Ratio } from '../common/ratio.type.ts';
import type { ApiContext } from '../context.ts';
import { organisationsReported, PartialSum, ratioQualifier } from './partial-sum.ts';
import { OrgTypeRow } from './report.type.ts';

/**
 * The one computed field of the per-type rows. The rows themselves are served as they are kept
 * for the snapshot; this field is worked out only when a query selects it.
 */
@Resolver(() => OrgTypeRow)
export class OrgTypeRowResolver {
  @FieldResolver(() => PartialSum)
  organisationsReported(
    @Root() row: ReportRow,
    @Ctx() ctx: ApiContext,
  ): PartialSum | Promise<PartialSum> {
    return organisationsReported(ctx, row);
  }
}

/**
 * The qualifier of a share, worked out from the bounds of its counts only when a query selects
 * it (the shares of the kept rows are served as they are).
 */
@Resolver(() => Ratio)
export class RatioResolver {
  @FieldResolver(() => ValueQualifier, { nullable: true })
  qualifier(
    // Typed by an interface, so that type-graphql hands over the kept object itself (a class
    // type here would make it copy the root into a new Ratio, losing the row it belongs to).
    @Root() share: RatioValue,
    @Ctx() ctx: ApiContext,
  ): Qualifier | null | Promise<Qualifier | null> {
    return ratioQualifier(ctx, share as Ratio);
  }
}
