import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildCoopstatSchema } from './index.ts';

/** Where the committed SDL lives. */
export const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

/** The SDL of the API, sorted so that the committed file only changes when the schema does. */
export async function printCoopstatSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildCoopstatSchema()))}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SCHEMA_FILE, await printCoopstatSchema());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
