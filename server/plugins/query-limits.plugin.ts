import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { codedError } from '../errors.ts';

/** The shape limits of one operation. */
export interface QueryLimits {
  /** The deepest field nesting accepted (`{ loads { id } }` has depth 2). */
  readonly maxDepth: number;
  /** The most aliases an operation may use, counting a fragment at each place it is spread. */
  readonly maxAliases: number;
  /** The largest query text accepted, in UTF-8 bytes. */
  readonly maxDocumentBytes: number;
}

/** Depth and alias count of one operation. */
export interface OperationShape {
  readonly depth: number;
  readonly aliases: number;
}

interface Measure {
  depth: number;
  aliases: number;
}

/**
 * Measures an operation: its field depth and its aliases, following fragment spreads (each
 * fragment measured once, then counted wherever it is spread). Introspection fields (`__schema`,
 * `__type`, `__typename`) are not counted: they read no data and the explorer's introspection
 * query is deeper than any data query needs to be.
 */
export function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Measure>();
  const visiting = new Set<string>();

  const measureSet = (set: SelectionSetNode): Measure => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let inner: Measure;
      switch (selection.kind) {
        case Kind.FIELD: {
          if (selection.name.value.startsWith('__')) continue;
          const below = selection.selectionSet
            ? measureSet(selection.selectionSet)
            : { depth: 0, aliases: 0 };
          inner = { depth: below.depth + 1, aliases: below.aliases + (selection.alias ? 1 : 0) };
          break;
        }
        case Kind.INLINE_FRAGMENT:
          inner = measureSet(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD:
          inner = measureFragment(selection.name.value);
          break;
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
    }
    return { depth, aliases };
  };

  const measureFragment = (name: string): Measure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    // Unknown fragments and cycles are validation errors; they add nothing here.
    if (!fragment || visiting.has(name)) return { depth: 0, aliases: 0 };
    visiting.add(name);
    const result = measureSet(fragment.selectionSet);
    visiting.delete(name);
    measured.set(name, result);
    return result;
  };

  return measureSet(operation.selectionSet);
}

/** The error for a query text larger than the limit (also used by the HTTP layer). */
export function documentTooLarge(bytes: number, limit: number) {
  return codedError(
    'DOCUMENT_TOO_LARGE',
    `a query document must be at most ${limit} bytes, but got ${bytes} bytes`,
    { limit },
  );
}

/**
 * Refuses, before execution, operations larger or more deeply nested than the limits, or with
 * more aliases, each with its own code and a message stating the limit. The HTTP layer refuses
 * an oversized text before it is even parsed; this plugin also covers in-process execution.
 */
export function queryLimitsPlugin(limits: QueryLimits): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ source, document, operation }) {
          const bytes = Buffer.byteLength(source, 'utf8');
          if (bytes > limits.maxDocumentBytes)
            throw documentTooLarge(bytes, limits.maxDocumentBytes);
          if (!operation) return;
          const shape = measureOperation(document, operation);
          if (shape.depth > limits.maxDepth) {
            throw codedError(
              'QUERY_TOO_DEEP',
              `a query may nest fields at most ${limits.maxDepth} deep, but got depth ${shape.depth}`,
              { limit: limits.maxDepth },
            );
          }
          if (shape.aliases > limits.maxAliases) {
            throw codedError(
              'TOO_MANY_ALIASES',
              `a query may use at most ${limits.maxAliases} aliases, but got ${shape.aliases}`,
              { limit: limits.maxAliases },
            );
          }
        },
      };
    },
  };
}
