import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getOperationAST, Lexer, Source, TokenKind, type DocumentNode } from 'graphql';
import { currentRequest } from '../request-state.ts';

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
 * It also remembers the queries it answered most recently, each with its own variables
 * ({@link PlanCache.recent}): what a new warehouse snapshot is warmed with before it serves. A
 * query is remembered once its answer is ready ({@link planCachePlugin}'s `willSendResponse`),
 * and only when it was a query, asked with no API key, and answered without any error: a request
 * refused by validation, a depth, alias or cost limit, its time limit or its authorisation is
 * never replayed.
 */

/** A query served recently: its kept document and the variables it ran with. */
export interface ServedQuery {
  readonly document: DocumentNode;
  readonly operationName: string | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
}

/** Variables of a served query larger than this, as JSON, are not remembered. */
const MAX_REMEMBERED_VARIABLES_CHARS = 4096;

export class PlanCache {
  /** operation key → validated document, in least-recently-used order. */
  private readonly documents = new Map<string, { document: DocumentNode; size: number }>();
  /** Apollo's text hash → operation key, for requests under way. */
  private readonly aliases = new Map<string, string>();
  /** Queries answered, by operation key, operation name and variables; least recent first. */
  private readonly served = new Map<string, ServedQuery>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(
    /** Most characters of query text kept (the documents are some 10–20× larger in memory). */
    readonly maxChars: number,
    /** Most text hashes remembered between a request's source and its document look-up. */
    private readonly maxAliases = 1024,
    /** Most recently answered queries remembered (distinct operation and variables). */
    private readonly maxServed = 32,
  ) {}

  /**
   * Binds the text hash Apollo will look up to the operation key of `source`; returns that key
   * (undefined when the text does not lex).
   */
  bind(queryHash: string, source: string): string | undefined {
    const key = operationKey(source);
    if (key === undefined) return undefined;
    this.aliases.delete(queryHash);
    this.aliases.set(queryHash, key);
    if (this.aliases.size > this.maxAliases) {
      this.aliases.delete(this.aliases.keys().next().value!);
    }
    return key;
  }

  /**
   * Remembers a query answered without error to an anonymous reader, with its own operation
   * name and variables, for {@link recent}. `key` is its operation key ({@link bind}); the
   * caller vouches for the answer. Mutations and subscriptions are not remembered, nor
   * variables larger than 4 KiB as JSON.
   */
  remember(key: string, query: ServedQuery): void {
    if (getOperationAST(query.document, query.operationName)?.operation !== 'query') return;
    const json = JSON.stringify(query.variables);
    if (json.length > MAX_REMEMBERED_VARIABLES_CHARS) return;
    const id = `${key}\n${query.operationName ?? ''}\n${json}`;
    this.served.delete(id);
    this.served.set(id, query);
    if (this.served.size > this.maxServed) this.served.delete(this.served.keys().next().value!);
  }

  /** Up to `count` queries answered most recently (most recent first), each with its variables. */
  recent(count: number): ServedQuery[] {
    return [...this.served.values()].reverse().slice(0, count);
  }

  /** The operation key behind Apollo's `schemaHash:queryHash` key (undefined when unbound). */
  private resolve(apolloKey: string): string | undefined {
    const colon = apolloKey.lastIndexOf(':') + 1;
    const bound = this.aliases.get(apolloKey.slice(colon));
    return bound === undefined ? undefined : `${apolloKey.slice(0, colon)}${bound}`;
  }

  async get(apolloKey: string): Promise<DocumentNode | undefined> {
    const key = this.resolve(apolloKey);
    const entry = key === undefined ? undefined : this.documents.get(key);
    if (!entry) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    this.documents.delete(key!);
    this.documents.set(key!, entry);
    return entry.document;
  }

  async set(apolloKey: string, document: DocumentNode): Promise<void> {
    const key = this.resolve(apolloKey);
    if (key === undefined || key.length > this.maxChars) return;
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
    const key = this.resolve(apolloKey);
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
 * Apollo's `documentStore`. Once a response is ready, remembers the request for the warm-up
 * ({@link PlanCache.remember}) when it was a query answered without any error (HTTP 200, no
 * error in the body, not stopped by its time limit) to a request with no API key: the context's
 * `role` is `null` (see `createRequestContext`).
 */
export function planCachePlugin(cache: PlanCache): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      let key: string | undefined;
      return {
        async didResolveSource({ source, queryHash }) {
          key = cache.bind(queryHash, source);
        },
        async willSendResponse({ request, response, document, operation, contextValue }) {
          if (key === undefined || !document || operation?.operation !== 'query') return;
          const { body, http } = response;
          if (body.kind !== 'single' || body.singleResult.errors !== undefined) return;
          if (http.status !== undefined && http.status !== 200) return;
          if ((contextValue as { role?: unknown }).role !== null) return;
          const state = currentRequest();
          if (state?.timedOut || state?.lease?.interruptedBy) return;
          cache.remember(key, {
            document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
          });
        },
      };
    },
  };
}
