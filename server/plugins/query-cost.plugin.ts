import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { codedError } from '../errors.ts';

/** How the cost of an operation is estimated, and the most it may be. */
export interface QueryCostOptions {
  /** The highest estimated cost accepted (`COOPSTAT_MAX_COST`). */
  readonly maxCost: number;
  /**
   * The page-size limit (`COOPSTAT_MAX_PAGE_SIZE`): a `first` above it counts as this much, since
   * execution refuses it anyway with its own code (`PAGE_SIZE_TOO_LARGE`).
   */
  readonly maxListSize: number;
  /** Items assumed for a list with no size argument (default 10). */
  readonly defaultListSize?: number;
  /** Items assumed for a list of provinces (default 100: 63 until 2025, 34 since). */
  readonly provinceListSize?: number;
  /** Items assumed for a paginated field when `first` is left out (default 100, as `loads`). */
  readonly defaultPageSize?: number;
}

/** Lists whose items are provinces, whatever their arguments. */
const PROVINCE_LISTS = new Set(['Query.adminUnits', 'Ranking.entries', 'Ranking.missing']);

/**
 * Estimates, without executing it, what an operation will cost: every field counts 1, and what a
 * list field selects counts once per item it is expected to return — its `first` argument (a
 * literal, a variable or the argument's default; a connection hands its `first` to its `nodes`
 * and `edges`), 100 for lists of provinces (a report asked for a `level`, `adminUnits`, a
 * ranking), 1 for a report of one `area`, else 10. Introspection fields are free, as in the
 * depth limit. Fragments are costed where they are spread.
 *
 * `{ loads(first: 20) { id fileName } }` costs 1 + 20 × 2 = 41; the dashboard operation of
 * `test/operations/dashboard.graphql` about 14,100.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
  options: QueryCostOptions,
): number {
  const defaultListSize = options.defaultListSize ?? 10;
  const provinceListSize = options.provinceListSize ?? 100;
  const defaultPageSize = options.defaultPageSize ?? 100;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return 0;

  /** The page size a field asks for, or undefined when it has no `first` argument. */
  const pageSize = (field: GraphQLField<unknown, unknown>, node: FieldNode): number | undefined => {
    const definition = field.args.find((a) => a.name === 'first');
    if (!definition) return undefined;
    const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
    const value =
      (given === undefined ? undefined : intValue(given, variables)) ?? definition.defaultValue;
    const size = typeof value === 'number' && Number.isFinite(value) ? value : defaultPageSize;
    return Math.min(Math.max(size, 0), options.maxListSize);
  };

  const listSize = (
    parent: GraphQLCompositeType,
    field: GraphQLField<unknown, unknown>,
    node: FieldNode,
    inherited: number | undefined,
  ): number => {
    const first = pageSize(field, node);
    if (first !== undefined) return first;
    if (inherited !== undefined) return inherited;
    if (PROVINCE_LISTS.has(`${parent.name}.${field.name}`)) return provinceListSize;
    const hasArg = (name: string) => field.args.some((a) => a.name === name);
    if (hasArg('level') && hasArg('area')) {
      const level = node.arguments?.find((a) => a.name.value === 'level')?.value;
      const given = level !== undefined && !isNullValue(level, variables);
      return given ? provinceListSize : 1;
    }
    return defaultListSize;
  };

  const visiting = new Set<string>();
  const costOf = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType,
    inherited: number | undefined,
  ): number => {
    let total = 0;
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD: {
          if (selection.name.value.startsWith('__')) continue;
          const field =
            'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
          if (!field) continue; // unknown fields fail validation; they cost nothing here
          const type = getNullableType(field.type);
          const named = getNamedType(field.type);
          const first = pageSize(field, selection);
          let below = 0;
          if (selection.selectionSet && isCompositeType(named)) {
            // A connection (not a list itself) hands its page size to its lists.
            const passed = isListType(type) ? undefined : first;
            below = costOf(selection.selectionSet, named, passed);
          }
          const size = isListType(type) ? listSize(parent, field, selection, inherited) : 1;
          total += 1 + size * below;
          break;
        }
        case Kind.INLINE_FRAGMENT: {
          const condition = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          if (condition && isCompositeType(condition))
            total += costOf(selection.selectionSet, condition, inherited);
          break;
        }
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // Unknown fragments and cycles are validation errors; they add nothing here.
          if (!fragment || visiting.has(name)) break;
          const condition = schema.getType(fragment.typeCondition.name.value);
          if (!condition || !isCompositeType(condition)) break;
          visiting.add(name);
          total += costOf(fragment.selectionSet, condition, inherited);
          visiting.delete(name);
          break;
        }
      }
    }
    return total;
  };

  return costOf(operation.selectionSet, root, undefined);
}

function intValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return undefined;
}

function isNullValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): boolean {
  if (node.kind === Kind.NULL) return true;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value] == null;
  return false;
}

/** The error for an operation over the cost limit. */
export function queryTooComplex(cost: number, limit: number) {
  return codedError(
    'QUERY_TOO_COMPLEX',
    `a query may cost at most ${limit} (1 per field, times the items of each list around it), but got an estimated ${cost}`,
    { cost, limit },
  );
}

/**
 * Refuses, before execution, an operation whose estimated cost ({@link estimateCost}) exceeds
 * `maxCost`: code `QUERY_TOO_COMPLEX`, HTTP 400, a message stating the cost and the limit.
 * Nothing of the operation runs, so no warehouse statement is spent on it.
 */
export function queryCostPlugin(options: QueryCostOptions): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const cost = estimateCost(schema, document, operation, request.variables ?? {}, options);
          if (cost > options.maxCost) throw queryTooComplex(cost, options.maxCost);
        },
      };
    },
  };
}
