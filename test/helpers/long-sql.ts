import { GraphQLInt, type GraphQLFieldConfig } from 'graphql';
import type { RequestContext } from '../../schema/index.ts';
import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';

/** A DuckDB statement that runs until it is interrupted (minutes on any machine). */
export const LONG_SQL = 'select count(*) as n from range(20000000000) t(i) where i % 7 = 3';

/**
 * A field of a test schema that runs {@link LONG_SQL} on the request's connection, handing that
 * connection to `started` first; the message of each run that fails is pushed to `settled`.
 */
export function longSqlField(
  settled: string[],
  started: (handle: DuckDbHandle) => void = () => {},
): GraphQLFieldConfig<unknown, RequestContext> {
  return {
    type: GraphQLInt,
    resolve: async (_root, _args, ctx) => {
      started(ctx.lease.handle);
      try {
        return (await ctx.lease.handle.all<{ n: number }>(LONG_SQL))[0]!.n;
      } catch (error) {
        settled.push((error as Error).message);
        throw error;
      }
    },
  };
}
