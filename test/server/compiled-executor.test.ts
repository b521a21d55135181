import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getIntrospectionQuery,
  getOperationAST,
  getVariableValues,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  parse,
  type DocumentNode,
} from 'graphql';
import {
  buildCoopstatSchema,
  createRequestContext,
  PLAIN_OBJECT_TYPES,
} from '../../schema/index.ts';
import { compiledExecution } from '../../server/compiled-executor.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../server/coopstat-server.ts';
import { caseSource, operationCases, type OperationCase } from '../helpers/operation-cases.ts';
import { createTestWarehouse, type TestWarehouse } from '../helpers/warehouse.ts';
import { post, testConfig } from '../helpers/server.ts';

let wh: TestWarehouse;
let server: RunningCoopstat;
let cases: OperationCase[];

beforeAll(async () => {
  wh = await createTestWarehouse('api');
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
  cases = await operationCases(await buildCoopstatSchema(), server.reader);
});
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

describe('compiled execution', () => {
  it('answers every test operation byte for byte as graphql-js does', async () => {
    expect(cases.length).toBeGreaterThan(20);
    for (const [i, c] of cases.entries()) {
      // Blank lines make each case a document of its own, so its first run is never compiled.
      const source = `${'\n'.repeat(i)}${caseSource(c)}`;
      const stats = server.app.executionStats;
      // The first execution of a document is graphql-js's; the same operation behind another
      // comment reuses the kept document and runs compiled (the response cache has neither).
      const interpretedBefore = stats.interpretedRuns;
      const first = await post(server.graphqlUrl, {
        query: `# 1\n${source}`,
        variables: c.variables,
      });
      const compiledBefore = stats.compiledRuns;
      const second = await post(server.graphqlUrl, {
        query: `# second run\n${source}`,
        variables: c.variables,
      });
      const label = `${c.name} ${JSON.stringify(c.variables)}`;
      expect(second.status, label).toBe(first.status);
      expect(second.text, label).toBe(first.text);
      if (first.json.data) {
        expect(stats.interpretedRuns, label).toBe(interpretedBefore + 1);
        expect(stats.compiledRuns, label).toBe(compiledBefore + 1);
      }
    }
  });

  it("answers the explorer's introspection query byte for byte as graphql-js does", async () => {
    const query = getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true });
    const compiledBefore = server.app.executionStats.compiledRuns;
    const first = await post(server.graphqlUrl, { query: `# 1\n${query}` });
    const second = await post(server.graphqlUrl, { query: `# 2\n${query}` });
    expect(server.app.executionStats.compiledRuns).toBe(compiledBefore + 1);
    expect(first.json.errors).toBeUndefined();
    expect(second.text).toBe(first.text);
  });

  it('keeps at most maxCompiled operations compiled, and compiles a dropped one again', async () => {
    const schema = await buildCoopstatSchema();
    const { gateway, stats } = compiledExecution(schema, {
      compileAfter: 1,
      maxCompiled: 1,
      plainTypes: PLAIN_OBJECT_TYPES,
    });
    const { executor } = await gateway.load({ apollo: {} });
    const run = async (document: DocumentNode) => {
      const lease = await server.reader.acquire();
      try {
        return await executor!({
          document,
          operation: getOperationAST(document)!,
          operationName: null,
          context: createRequestContext(lease),
          request: { variables: {} },
        } as never);
      } finally {
        lease.release();
      }
    };
    const a = parse('{ indicators { code } }');
    const b = parse('{ plans { id } }');
    const answerA = await run(a);
    expect(await run(a)).toEqual(answerA);
    expect(stats).toEqual({ compiled: 1, compiledRuns: 1, interpretedRuns: 1 });
    await run(b);
    await run(b); // compiled: a's compiled form is dropped
    expect(stats).toEqual({ compiled: 2, compiledRuns: 2, interpretedRuns: 2 });
    expect(await run(a)).toEqual(answerA); // interpreted again, then compiled again
    expect(await run(a)).toEqual(answerA);
    expect(stats).toEqual({ compiled: 3, compiledRuns: 3, interpretedRuns: 3 });
  });

  it('coerces the variables once per execution, compiled or not, and refuses a bad one in graphql-js words', async () => {
    // A scalar that counts how often a variable of its type is coerced.
    let coerced = 0;
    const Code = new GraphQLScalarType({
      name: 'Code',
      parseValue(value) {
        coerced += 1;
        if (typeof value !== 'string' || !/^[0-9]{2}$/.test(value))
          throw new TypeError(`a code must be two digits, but got ${JSON.stringify(value)}`);
        return value;
      },
    });
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          province: {
            type: GraphQLString,
            args: { code: { type: Code } },
            resolve: (_root, args: { code?: string }) => `province ${args.code}`,
          },
        },
      }),
    });
    const { gateway, stats } = compiledExecution(schema, {
      compileAfter: 1,
      maxCompiled: 10,
      plainTypes: new Set(),
    });
    const { executor } = await gateway.load({ apollo: {} });
    const document = parse('query P($code: Code) { province(code: $code) }');
    const run = (variables: Record<string, unknown>) =>
      executor!({
        document,
        operation: getOperationAST(document)!,
        operationName: 'P',
        context: {},
        request: { variables },
      } as never);

    expect(await run({ code: '19' })).toEqual({ data: { province: 'province 19' } });
    expect([coerced, stats.interpretedRuns, stats.compiledRuns]).toEqual([1, 1, 0]);
    expect(await run({ code: '12' })).toEqual({ data: { province: 'province 12' } });
    expect([coerced, stats.interpretedRuns, stats.compiledRuns]).toEqual([2, 1, 1]);

    // A refused variable: graphql-js's own errors, and no run counted.
    const expected = getVariableValues(schema, getOperationAST(document)!.variableDefinitions!, {
      code: 'Lai Châu',
    }).errors!;
    coerced = 0;
    const refused = await run({ code: 'Lai Châu' });
    expect(refused).not.toHaveProperty('data');
    expect(refused.errors!.map((e) => e.message)).toEqual(expected.map((e) => e.message));
    expect(refused.errors![0]!.message).toContain('a code must be two digits');
    expect([stats.interpretedRuns, stats.compiledRuns]).toEqual([1, 1]);
    // The same on graphql-js's path: another operation, run for the first time.
    const fresh = parse('query Q($code: Code) { province(code: $code) }');
    const interpreted = await executor!({
      document: fresh,
      operation: getOperationAST(fresh)!,
      operationName: 'Q',
      context: {},
      request: { variables: { code: 'Lai Châu' } },
    } as never);
    expect(interpreted.errors!.map((e) => e.message)).toEqual(expected.map((e) => e.message));
    expect([stats.interpretedRuns, stats.compiledRuns]).toEqual([1, 1]);
  });
});
