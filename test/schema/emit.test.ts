import { readFile } from 'node:fs/promises';
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  type GraphQLSchema,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCoopstatSchema } from '../../schema/index.ts';
import { printCoopstatSchema, SCHEMA_FILE } from '../../schema/emit.ts';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildCoopstatSchema();
});

describe('the schema as an artefact', () => {
  it('matches the committed schema.graphql (run `npm run schema:emit` after changing it)', async () => {
    expect(await printCoopstatSchema()).toBe(await readFile(SCHEMA_FILE, 'utf8'));
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (
        type.name.startsWith('__') ||
        (isScalarType(type) &&
          !type.description &&
          ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name))
      )
        continue;
      if (!type.description && type !== schema.getQueryType()) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues())
          if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has the root fields the API promises', () => {
    const fields = Object.keys(schema.getQueryType()!.getFields()).sort();
    expect(fields).toEqual([
      'adminUnit',
      'adminUnits',
      'dataVersion',
      'highTech',
      'indicators',
      'loads',
      'membership',
      'observations',
      'plan',
      'plans',
      'quality',
      'ranking',
      'releases',
      'review',
      'revisions',
      'series',
      'valueChain',
    ]);
  });
});
