import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getOperationAST, Lexer, Source, TokenKind, type DocumentNode } from 'graphql';

/**
 * Parsed and validated documents kept by operation, not by text: a prepared-statement cache.
 *
 * Apollo keeps a validated document under the hash of the exact query text, so a dashboard that
 * changes a comment per request (`# refreshed 12:03`) is parsed and validated again each time.
 * Here the key is the text without its comments ({@link operationKey}), so such a request reuses
 * the document (and whatever is compiled from it), while its data is still resolved on every
 * request: this is not a response cache. Removing a comment never moves a token: a comment runs
 * to the end of its line, so every token keeps its line and column, and the locations of any
 * error raised while executing a kept document are those of the text the client sent. A text
 * that fails to lex has no key and takes Apollo's normal path (its syntax error reports its own
 * locations); only documents that passed validation are ever stored (Apollo stores them).
 *
 * Bounded by the summed length of the kept texts; least recently used first out.
 *
 * It also remembers the queries it served most recently, with their variables
 * ({@link PlanCache.recent}): what a new warehouse snapshot is warmed with before it serves.
 */

/** A query served recently: its kept document and the variables it ran with. */
export interface ServedQuery {
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** What a request asked besides its text. */
interface RequestArgs {
  readonly operationName: string | undefined;
  readonly variables: Readonly<Record<string, unknown>> | undefined;
}

/** Variables of a served query larger than this, as JSON, are not remembered. */
const MAX_REMEMBERED_VARIABLES_CHARS = 4096;

export class PlanCache {
  /** operation key → validated document, in least-recently-used order. */
  private readonly documents = new Map<string, { document: DocumentNode; size: number }>();
  /** Apollo's key (schema hash + text hash) → operation key, for requests under way. */
  private readonly aliases = new Map<string, { key: string; args: RequestArgs | undefined }>();
  /** Queries served, by operation key, operation name and variables; least recent first. */
  private readonly served = new Map<
    string,
    { key: string; operationName: string | undefined; variables: Record<string, unknown> }
  >();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    /** Most characters of query text kept (the documents are some 10–20× larger in memory). */
    readonly maxChars: number,
    /** Most text hashes remembered between a request's source and its document look-up. */
    private readonly maxAliases = 1024,
    /** Most recently served queries remembered (distinct operation and variables). */
    private readonly maxServed = 32,
  ) {}

  /**
   * Binds the text hash Apollo will look up to the operation key of `source`, and remembers the
   * request's operation name and variables for {@link recent}.
   */
  bind(queryHash: string, source: string, args?: RequestArgs): void {
    const key = operationKey(source);
    if (key === undefined) return;
    this.aliases.delete(queryHash);
    this.aliases.set(queryHash, { key, args });
    if (this.aliases.size > this.maxAliases) {
      this.aliases.delete(this.aliases.keys().next().value!);
    }
  }

  /**
   * Up to `count` queries served most recently (most recent first) whose documents are still
   * kept, each with the variables it ran with: mutations are never listed.
   */
  recent(count: number): ServedQuery[] {
    const queries: ServedQuery[] = [];
    for (const entry of [...this.served.values()].reverse()) {
      if (queries.length >= count) break;
      const document = this.documents.get(entry.key)?.document;
      if (!document) continue;
      if (getOperationAST(document, entry.operationName)?.operation !== 'query') continue;
      queries.push({ document, operationName: entry.operationName, variables: entry.variables });
    }
    return queries;
  }

  /** The operation key behind Apollo's `schemaHash:queryHash` key (undefined when unbound). */
  private resolve(
    apolloKey: string,
  ): { key: string; args: RequestArgs | undefined } | undefined {
    const bound = this.aliases.get(apolloKey.slice(apolloKey.lastIndexOf(':') + 1));
    return bound === undefined
      ? undefined
      : { key: `${apolloKey.slice(0, apolloKey.lastIndexOf(':') + 1)}${bound.key}`, args: bound.args };
  }

  /** Remembers that the document under `key` is served with `args`. */
  private remember(key: string, args: RequestArgs | undefined): void {
    const variables = args?.variables ?? {};
    const json = JSON.stringify(variables);
    if (json.length > MAX_REMEMBERED_VARIABLES_CHARS) return;
    const id = `${key}\n${args?.operationName ?? ''}\n${json}`;
    this.served.delete(id);
    this.served.set(id, { key, operationName: args?.operationName, variables });
    if (this.served.size > this.maxServed) this.served.delete(this.served.keys().next().value!);
  }

  async get(apolloKey: string): Promise<DocumentNode | undefined> {
    const resolved = this.resolve(apolloKey);
    const key = resolved?.key;
    const entry = key === undefined ? undefined : this.documents.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.documents.delete(key!);
    this.documents.set(key!, entry);
    this.remember(key!, resolved!.args);
    return entry.document;
  }

  async set(apolloKey: string, document: DocumentNode): Promise<void> {
    const resolved = this.resolve(apolloKey);
    const key = resolved?.key;
    if (key === undefined || key.length > this.maxChars) return;
    this.remember(key, resolved!.args);
    const old = this.documents.get(key);
    if (old) {
      this.documents.delete(key);
      this.bytes -= old.size;
    }
    this.documents.set(key, { document, size: key.length });
    this.bytes += key.length;
    for (const [oldest, entry] of this.documents) {
      if (this.bytes <= this.maxChars) break;
      this.documents.delete(oldest);
      this.bytes -= entry.size;
    }
  }

  async delete(apolloKey: string): Promise<boolean> {
    const key = this.resolve(apolloKey)?.key;
    const entry = key === undefined ? undefined : this.documents.get(key);
    if (!entry) return false;
    this.documents.delete(key!);
    this.bytes -= entry.size;
    return true;
  }

  /** Documents kept. */
  get size(): number {
    return this.documents.size;
  }
}

/**
 * The text of a query document without its comments, or undefined when it does not lex (a
 * syntax error, reported by the parser on the normal path). Every token keeps its line and
 * column: a comment ends at the end of its line, and the line break stays.
 */
export function operationKey(text: string): string | undefined {
  if (!text.includes('#')) return text;
  try {
    const lexer = new Lexer(new Source(text));
    while (lexer.advance().kind !== TokenKind.EOF);
    // The token chain links comments too; walk it back from the end, cutting each comment.
    let key = text;
    for (let token = lexer.token.prev; token; token = token.prev) {
      if (token.kind === TokenKind.COMMENT) key = key.slice(0, token.start) + key.slice(token.end);
    }
    return key;
  } catch {
    return undefined;
  }
}

/**
 * Lets Apollo find a kept document by operation ({@link PlanCache}): binds each request's text
 * hash to its operation key before Apollo looks the document up. Pass the same cache to
 * Apollo's `documentStore`.
 */
export function planCachePlugin(cache: PlanCache): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveSource({ source, queryHash, request }) {
          cache.bind(queryHash, source, {
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? undefined,
          });
        },
      };
    },
  };
}
