import {
  graphql,
  isEnumType,
  isInputObjectType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCoopstatSchema, createRequestContext } from '../../../schema/index.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { findLatestPublication, findLoads } from '../../../warehouse/queries/load.queries.ts';
import { WarehouseReader } from '../../../warehouse/store/warehouse-reader.ts';
import {
  createTestWarehouse,
  query,
  type TestWarehouse,
  REFERENCE_UNIT_IDS,
} from '../../helpers/warehouse.ts';

let wh: TestWarehouse;
let schema: GraphQLSchema;
let reader: WarehouseReader;

beforeAll(async () => {
  wh = await createTestWarehouse();
  schema = await buildCoopstatSchema();
  reader = await WarehouseReader.open(wh.db);
});
afterAll(async () => {
  await reader?.close();
  await wh?.cleanup();
});

async function run(source: string, variableValues?: Record<string, unknown>) {
  const lease = await reader.acquire();
  try {
    return await graphql({
      schema,
      source,
      variableValues,
      contextValue: createRequestContext(lease, { maxPageSize: 3 }),
    });
  } finally {
    lease.release();
  }
}

describe('load.queries', () => {
  it('lists the load log newest first, in one statement', async () => {
    const db = await DuckDbHandle.open(wh.db, { readOnly: true });
    const sql: string[] = [];
    db.onStatement = (text) => sql.push(text);
    try {
      const rows = await findLoads(db, { limit: 5, beforeLoadId: 3, family: 'reference' });
      expect(sql).toHaveLength(1);
      expect(sql[0]).toMatchInlineSnapshot(
        `"select "load_id", "family", "file_name", "file_sha256", "file_bytes", "source_code", "years", "unit_ids", "rows_read", "rows_accepted", "rows_rejected", "warnings", "values_added", "values_changed", "values_removed", "values_unchanged", "started_at", "finished_at", "outcome", "data_version", "loaded_by" from "load_log" where "load_id" < $1 and "family" = $2 order by "load_id" desc limit $3"`,
      );
      expect(rows).toEqual([
        expect.objectContaining({
          load_id: 1,
          family: 'reference',
          outcome: 'PUBLISHED',
          data_version: 1,
          rows_rejected: 0,
          // The nation and the units of the provincial reference figures.
          unit_ids: [...REFERENCE_UNIT_IDS],
          started_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        }),
      ]);
      expect(typeof rows[0]!.file_bytes).toBe('number');

      sql.length = 0;
      const publication = await findLatestPublication(db);
      expect(sql[0]).toMatchInlineSnapshot(
        `"select "data_version", "published_at", "load_id", "note" from "publication" order by "data_version" desc limit $1"`,
      );
      const [latest] = await query<{ v: number }>(
        wh.db,
        'select max(data_version) as v from publication',
      );
      expect(publication).toMatchObject({ data_version: latest!.v, load_id: latest!.v });
    } finally {
      db.close();
    }
  });
});

describe('the load domain in-process', () => {
  it('resolves loads and dataVersion from the leased snapshot', async () => {
    const result = await run(
      '{ dataVersion { version loadId } loads(family: REFERENCE) { id family outcome years fileBytes } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({
      dataVersion: { version: reader.dataVersion, loadId: reader.dataVersion },
      loads: [{ id: 1, family: 'REFERENCE', outcome: 'PUBLISHED', fileBytes: expect.any(Number) }],
    });
  });

  it('refuses a page above the configured limit with PAGE_SIZE_TOO_LARGE', async () => {
    const result = await run('query ($n: Int) { loads(first: $n) { id } }', { n: 4 });
    expect(result.errors?.map((e) => [e.extensions.code, e.message])).toEqual([
      ['PAGE_SIZE_TOO_LARGE', 'argument `first` must be at most 3, but got 4'],
    ]);
  });

  it('describes every type, field, argument and enum value of the domain', () => {
    const missing: string[] = [];
    const check = (type: GraphQLNamedType) => {
      if (!type.description) missing.push(type.name);
      if (isEnumType(type)) {
        for (const v of type.getValues())
          if (!v.description) missing.push(`${type.name}.${v.name}`);
      }
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    };
    for (const name of [
      'Load',
      'DataVersion',
      'LoadFamily',
      'LoadOutcome',
      'SafeInt',
      'DateTime',
    ]) {
      check(schema.getType(name)!);
    }
    const queryType = schema.getQueryType()!;
    for (const name of ['loads', 'dataVersion']) {
      const field = queryType.getFields()[name]!;
      if (!field.description) missing.push(`Query.${name}`);
      for (const arg of field.args)
        if (!arg.description) missing.push(`Query.${name}(${arg.name})`);
    }
    expect(missing).toEqual([]);
  });
});
