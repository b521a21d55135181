import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, replaceErrorCodeTable } from '../../server/errors.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every `.ts` file under a folder of the source tree. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory()
      ? sources(path)
      : path.endsWith('.ts')
        ? [path]
        : [];
  });
}

describe('the error codes', () => {
  it('the README lists every code, generated from the one list in the code', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(replaceErrorCodeTable(readme), 'run `npm run docs:error-codes`').toBe(readme);
    for (const code of ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'YEAR_NOT_LOADED'])
      expect(readme).toContain(`| \`${code}\` |`);
  });

  it('every code the server and the schema set is in that list', () => {
    const set = new Set<string>();
    for (const file of [...sources('server'), ...sources('schema')]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/\bcode: '([A-Z_]{4,})'|codedError\(\s*'([A-Z_]+)'/g))
        set.add(m[1] ?? m[2]!);
    }
    expect(set.size).toBeGreaterThan(3);
    const known = new Set<string>(ERROR_CODES);
    expect([...set].filter((c) => !known.has(c))).toEqual([]);
  });
});
