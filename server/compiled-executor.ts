import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  defaultFieldResolver,
  execute,
  isObjectType,
  getVariableValues,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** What {@link compiledExecution} needs. */
export interface CompiledExecutionOptions {
  /**
   * Executions of one operation with graphql-js before it is compiled (at least 1): a document
   * seen once costs no compilation, one that returns (a dashboard) is compiled once.
   */
  readonly compileAfter: number;
  /**
   * Compiled operations kept at most; the least recently run beyond it is dropped (its document
   * stays, and is compiled again if it keeps coming back). Compiled code is far larger than the
   * document it comes from.
   */
  readonly maxCompiled: number;
  /**
   * Object types whose every property without a resolver is a plain value, never a promise:
   * graphql-jit reads such properties inline. graphql-jit does not wait for a promise read from
   * a property (graphql-js does), so every other field without a resolver is given graphql's
   * default resolver, whose result graphql-jit does wait for.
   */
  readonly plainTypes: ReadonlySet<string>;
}

/** How operations were executed since the server started. */
export interface ExecutionStats {
  /** Operations compiled. */
  compiled: number;
  /** Executions by a compiled operation. */
  compiledRuns: number;
  /** Executions by graphql-js. */
  interpretedRuns: number;
}

/** An operation of a kept document: how often it ran, and its compiled form once it has one. */
interface Plan {
  runs: number;
  /** The compiled operation; null when graphql-jit cannot compile it (graphql-js runs it). */
  compiled: CompiledQuery | null | undefined;
}

/**
 * Executes operations with graphql-jit (a query compiled once to JavaScript) instead of
 * graphql-js, through the only executor hook Apollo Server offers: a gateway that serves a fixed
 * schema. Apollo still parses, validates, resolves the operation and runs every request plugin
 * hook around execution (`didResolveOperation`, `executionDidStart`, `willSendResponse`, …;
 * field-level hooks do not run, and none of the server's plugins uses them).
 *
 * Compiled operations are kept per document object, so they live exactly as long as the plan
 * cache keeps the document (`plugins/plan-cache.plugin.ts`): a query whose comment changes
 * reuses both. Variables are coerced once, by the executor that runs the operation; a refused
 * variable gets graphql-js's own error either way (Apollo turns it into `BAD_USER_INPUT`), and
 * is not counted as a run. An operation graphql-jit cannot compile, or the absence of an
 * operation to run, goes to graphql-js.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  options: CompiledExecutionOptions,
): { gateway: Gateway; stats: ExecutionStats } {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || options.plainTypes.has(type.name))
      continue;
    for (const field of Object.values(type.getFields())) field.resolve ??= defaultFieldResolver;
  }
  const plans = new WeakMap<DocumentNode, Map<string, Plan>>();
  /** Plans holding a compiled operation, least recently run first. */
  const compiledPlans = new Set<Plan>();
  const stats: ExecutionStats = { compiled: 0, compiledRuns: 0, interpretedRuns: 0 };
  const compileAfter = Math.max(1, options.compileAfter);

  const planOf = (document: DocumentNode, operationName: string | null): Plan => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map()));
    const key = operationName ?? '';
    let plan = byName.get(key);
    if (!plan) byName.set(key, (plan = { runs: 0, compiled: undefined }));
    return plan;
  };

  /**
   * The answer to variables the executor refused: graphql-js's own errors (what Apollo turns
   * into `BAD_USER_INPUT`), worked out only for such a request; should graphql-js take them
   * after all, graphql-js runs the operation.
   */
  const refused = (request: Parameters<Executor>[0]) => {
    const coerced = getVariableValues(
      schema,
      request.operation?.variableDefinitions ?? [],
      request.request.variables ?? {},
    );
    if (coerced.errors) return { errors: coerced.errors };
    stats.interpretedRuns += 1;
    return interpret(request);
  };

  const interpret = (request: Parameters<Executor>[0]) =>
    execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });

  // The variables are coerced once, by whichever executor runs the operation (graphql-jit's
  // compiled code, or graphql-js's `execute`); an answer without `data` is their refusal.
  const executor: Executor = async (request) => {
    const { document, operation, operationName, context } = request;
    if (!operation) {
      stats.interpretedRuns += 1;
      return interpret(request);
    }
    const plan = planOf(document, operationName);
    if (plan.compiled === undefined && plan.runs >= compileAfter) {
      plan.compiled = compile(schema, document, operationName);
      if (plan.compiled) stats.compiled += 1;
    }
    if (plan.compiled) {
      const compiled = plan.compiled;
      compiledPlans.delete(plan);
      compiledPlans.add(plan);
      if (compiledPlans.size > options.maxCompiled) {
        const oldest = compiledPlans.values().next().value!;
        compiledPlans.delete(oldest);
        oldest.compiled = undefined;
        oldest.runs = 0;
      }
      const result = (await compiled.query(
        undefined,
        context,
        request.request.variables ?? {},
      )) as ExecutionResult;
      if (!('data' in result)) return refused(request);
      stats.compiledRuns += 1;
      return result;
    }
    const result = await interpret(request);
    if (!('data' in result)) return refused(request);
    plan.runs += 1;
    stats.interpretedRuns += 1;
    return result;
  };

  const gateway: Gateway = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
  return { gateway, stats };
}

/** The operation compiled by graphql-jit, or null when it cannot be (graphql-js runs it). */
function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
): CompiledQuery | null {
  try {
    const compiled = compileQuery(schema, document, operationName ?? undefined, {
      disablingCapturingStackErrors: true,
    });
    return isCompiledQuery(compiled) ? compiled : null;
  } catch {
    return null;
  }
}
