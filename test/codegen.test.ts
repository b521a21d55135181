import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));

it('has operation types generated from the current schema and operations (run `npm run codegen`)', async () => {
  const config = parse(await readFile(`${root}codegen.yml`, 'utf8')) as Record<string, unknown>;
  // The config is codegen.yml itself, parsed; the CLI's own loader does the same.
  const [output] = await generate({ ...config, cwd: root, silent: true } as never, false);
  const committed = await readFile(`${root}test/operations/generated.ts`, 'utf8');
  expect(output!.content).toBe(committed);
}, 60_000);
