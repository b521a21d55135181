import {
  GraphQLError,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigMap,
} from 'graphql';
import type { RequestContext } from '../../schema/index.ts';

/** A field of a test schema, resolved against coopstat's request context. */
export type TestField = GraphQLFieldConfig<unknown, RequestContext>;

/** A schema of one `Query` type with `fields`, served by HTTP-layer tests instead of coopstat's. */
export const querySchema = (fields: GraphQLFieldConfigMap<unknown, RequestContext>) =>
  new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields }) });

/**
 * A field that runs `select 7` on the request's own connection (7 in the answer shows that a
 * connection served it); its `tag` argument only makes request texts differ.
 */
export const quickField = (): TestField => ({
  type: GraphQLInt,
  args: { tag: { type: GraphQLString } },
  resolve: async (_root, _args, ctx) =>
    (await ctx.lease.handle.all<{ x: number }>('select 7 as x'))[0]!.x,
});

/** A field that fails as a lookup of a province that does not exist does, after `ran()`. */
export const notFoundField = (ran: () => void = () => {}): TestField => ({
  type: GraphQLString,
  resolve: () => {
    ran();
    throw new GraphQLError('no province with code 99', { extensions: { code: 'NOT_FOUND' } });
  },
});
