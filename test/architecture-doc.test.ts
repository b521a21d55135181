import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `docs/architecture.md` tells a newcomer where things live; every file or folder it names in
 * backquotes must exist. A name that starts with a top folder of the project (`etl/load/…`) is a
 * path from the root; a shorter one (`routes/lease.ts`, `api/`), written inside a sentence about
 * its folder, must be the end of some path; a `*` stands for any name and must match something.
 * Placeholders (`<domain>`), packages (`@duckdb/node-api`) and commands are not names of files.
 */
const ROOT = join(import.meta.dirname, '..');
const DOC = 'docs/architecture.md';
const TOP_FOLDERS = [
  'bench',
  'catalog',
  'docs',
  'etl',
  'schema',
  'scripts',
  'server',
  'test',
  'warehouse',
];
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'data', 'out']);
const FILE_ENDINGS = /\.(ts|mts|mjs|js|md|yaml|graphql|json|csv)$/;

/** Every file and folder of the project (folders end with `/`), as paths from the root. */
function projectPaths(dir = ''): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    return entry.isDirectory() ? [`${path}/`, ...projectPaths(path)] : [path];
  });
}

/** The names of files and folders a Markdown text gives in backquotes. */
export function namedPaths(markdown: string): string[] {
  const names = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  return [
    ...new Set(
      names.filter(
        (name) =>
          !name.startsWith('@') &&
          !name.includes('<') &&
          (name.includes('/') || FILE_ENDINGS.test(name)) &&
          /^[\w./*-]+$/.test(name),
      ),
    ),
  ];
}

/** The named paths that stand for nothing in `paths`. */
export function missingPaths(names: readonly string[], paths: readonly string[]): string[] {
  return names.filter((name) => {
    const fromRoot = TOP_FOLDERS.some((top) => name === `${top}/` || name.startsWith(`${top}/`));
    const pattern = name
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*');
    const matcher = new RegExp(
      `${fromRoot ? '^' : '(^|/)'}${pattern}${name.includes('*') ? '/?' : ''}$`,
    );
    return !paths.some((path) => matcher.test(path));
  });
}

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const names = namedPaths(readFileSync(join(ROOT, DOC), 'utf8'));
    expect(names).toContain('etl/index.ts');
    expect(names).toContain('routes/lease.ts');
    expect(missingPaths(names, projectPaths())).toEqual([]);
  });

  it('reports a name that stands for nothing, from the root, as an end or as a pattern', () => {
    const paths = [
      'etl/',
      'etl/load/',
      'etl/load/load-file.ts',
      'server/routes/lease.ts',
      'catalog/plans/a.yaml',
    ];
    const text =
      'See `etl/load/load-file.ts`, `routes/lease.ts`, `load/`, `catalog/plans/*.yaml`, ' +
      '`schema/<domain>/`, `@duckdb/node-api`, `npm run x`, `etl/load/gone.ts`, `lease.ts`, ' +
      '`load-file.ts`, `server/lease.ts`, `catalog/plans/*.json`, `routes/lease.ts/`.';
    expect(missingPaths(namedPaths(text), paths)).toEqual([
      'etl/load/gone.ts',
      'server/lease.ts',
      'catalog/plans/*.json',
      'routes/lease.ts/',
    ]);
  });
});
