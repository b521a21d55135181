import { execute, type GraphQLSchema } from 'graphql';
import type { Lease } from '../warehouse/store/warehouse-reader.ts';
import type { ServedQuery } from './plugins/plan-cache.plugin.ts';

/**
 * Warming a newly published snapshot before it serves. Each publish opens a new snapshot whose
 * per-snapshot memo (report rows, indicator values, target progress) and DuckDB buffer pool are
 * empty: without a warm-up, the first requests after every publish all compute at once, on a
 * machine that the load has just kept busy, and their latencies make the tail of the soak.
 *
 * The queries answered most recently (kept by the plan cache, each with its own variables: only
 * queries that an anonymous reader asked and got an answer to without any error) are run on the
 * new snapshot's connections, as an anonymous reader, each within a request's time limit, before
 * the reader swaps to it; their answers are thrown away, what they leave in the snapshot's memo
 * stays. Nothing of the new snapshot is served before the swap, so no answer mixes two versions.
 *
 * The warm-up runs beside the requests still served by the current snapshot, on the same cores
 * and the same event loop: it runs one query at a time on one connection and lets the requests'
 * pending callbacks run before each query, so it takes what the requests leave rather than a
 * share equal to theirs. Requests keep being answered by the current snapshot meanwhile; the
 * swap waits at most the reader's warm-up time limit.
 *
 * A warm-up uses only capacity the requests leave: before each query it asks whether requests
 * are waiting for a connection ({@link WarmUpOptions.saturated}), and stops there when they are.
 * A saturated server gains nothing from warming first: the requests queued fill the new
 * snapshot's memo themselves with the same work, while a warm-up would add the execution of
 * answers thrown away and hold the new data back (measured in the soak on a loaded machine:
 * every warm-up ran into its 5 s limit, so the server was warming the next snapshot all the
 * time, its interrupted queries wasted, each publish served 5 s late).
 */

/** What a warm-up needs from the server. */
export interface WarmUpOptions {
  readonly schema: GraphQLSchema;
  /** The queries to run, most recent first. */
  readonly queries: () => readonly ServedQuery[];
  /** The GraphQL context of a request holding `lease`, as an anonymous reader's. */
  readonly createContext: (lease: Lease) => object;
  /**
   * A request's execution time limit, in ms (`COOPSTAT_QUERY_TIMEOUT_MS`): a query still running
   * then is interrupted, as a request's would be, and its connection warms nothing more.
   */
  readonly timeoutMs: number;
  /**
   * Whether requests are waiting for a connection of the current snapshot now: the warm-up then
   * stops before its next query and the snapshot serves as warm as it got (default: never).
   */
  readonly saturated?: () => boolean;
}

/** Lets the callbacks already due (requests' I/O, timers) run before the next warm-up query. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the recent queries on the snapshot of the first lease, one after another on that lease,
 * yielding to the requests before each (the other leases stay idle: the swap gives them back).
 * Resolves with how many ran without an error; a query that fails is only counted out.
 */
export async function warmSnapshot(
  leases: readonly Lease[],
  options: WarmUpOptions,
): Promise<number> {
  const lease = leases[0];
  if (!lease) return 0;
  let answered = 0;
  for (const query of options.queries()) {
    await yieldToRequests();
    if (lease.interruptedBy || options.saturated?.()) break;
    const timer = setTimeout(
      () =>
        lease.interrupt(
          new Error(`a warm-up query must finish within ${options.timeoutMs} ms, as a request`),
        ),
      options.timeoutMs,
    );
    try {
      const result = await execute({
        schema: options.schema,
        document: query.document,
        operationName: query.operationName,
        variableValues: query.variables,
        contextValue: options.createContext(lease),
      });
      if (!result.errors) answered += 1;
    } catch {
      // A query that cannot run on the new snapshot warms nothing; the others go on.
    } finally {
      clearTimeout(timer);
    }
  }
  return answered;
}
