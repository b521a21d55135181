import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { ReportRow } from '../../warehouse/queries/report.queries.ts';
import type { ApiContext } from '../context.ts';
import { organisationsReported, PartialSum } from './partial-sum.ts';
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
