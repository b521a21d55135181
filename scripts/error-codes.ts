// Rewrites the README's table of API error codes from the one list in schema/common/errors.ts:
// `npm run docs:error-codes`. test/server/errors.test.ts fails when it is stale.
// The error module reaches the schema (and its decorated classes) through schema/index.ts.
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceErrorCodeTable } from '../server/errors.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(readme, 'utf8');
const after = replaceErrorCodeTable(before);
if (after !== before) writeFileSync(readme, after);
process.stdout.write(
  after === before
    ? 'README.md: error codes already current\n'
    : 'README.md: error codes rewritten\n',
);
