import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The tests mirror the code (docs/architecture.md, "Tests"): a unit test of `<folder>/<file>.ts`
 * is `test/<folder>/<file>.test.ts`, so the test of any file is found from its path and the other
 * way round. A test file names, under `test/`:
 * - a source file: `test/etl/load/load-file.test.ts` tests `etl/load/load-file.ts`;
 * - or a source folder, for a test of the folder as a whole: `test/warehouse/dialect.test.ts`;
 * - or, inside a folder named for one source file, one aspect of that file:
 *   `test/warehouse/store/warehouse-store/crash.test.ts` tests `warehouse/store/warehouse-store.ts`.
 * Suites that go through the whole system live in the end-to-end folders below, and the checks of
 * the project as a whole (import rules, this layout, generated code) at the top of `test/`.
 */
const ROOT = join(import.meta.dirname, '..');
export const END_TO_END_FOLDERS = [
  'api',
  'annual-cycle',
  'browser',
  'cli',
  'misuse',
  'process',
] as const;

function testFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) files.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files.sort();
}

/** Whether `path` (relative to the project, without extension) is a source file or folder. */
function namesSource(path: string): boolean {
  const dir = join(ROOT, dirname(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  const name = basename(path);
  return readdirSync(dir, { withFileTypes: true }).some((entry) =>
    entry.isDirectory()
      ? entry.name === name && entry.name !== 'test'
      : entry.name.startsWith(`${name}.`) && !entry.name.endsWith('.test.ts'),
  );
}

/** Why a test file's path breaks the layout, or undefined when it keeps it. */
export function layoutViolation(file: string): string | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'test') return `${file}: not under test/`;
  if (parts.length === 2) return undefined;
  if (parts[1] === 'e2e') {
    const folder = parts[2]!;
    return parts.length >= 4 && (END_TO_END_FOLDERS as readonly string[]).includes(folder)
      ? undefined
      : `${file}: test/e2e/ holds only the folders ${END_TO_END_FOLDERS.join(', ')}`;
  }
  const named = parts
    .slice(1)
    .join('/')
    .replace(/\.test\.ts$/, '');
  if (namesSource(named)) return undefined;
  const aspectOf = dirname(named);
  if (aspectOf !== '.' && namesSource(aspectOf) && existsSync(join(ROOT, `${aspectOf}.ts`)))
    return undefined;
  return `${file}: names no source file or folder (expected ${named}.ts, ${named}/ or ${aspectOf}.ts)`;
}

describe('the tests mirror the code', () => {
  it('finds the test files of every folder', () => {
    const files = testFiles('test');
    expect(files).toContain('test/test-layout.test.ts');
    expect(files).toContain('test/warehouse/progress/progress-engine.test.ts');
    expect(files.some((f) => f.startsWith('test/e2e/'))).toBe(true);
  });

  it('every test file names a source file or folder, or lies in an end-to-end folder', () => {
    expect(testFiles('test').flatMap((f) => layoutViolation(f) ?? [])).toEqual([]);
  });

  it('no two test files share a name unless they test files of the same name', () => {
    const byName = new Map<string, string[]>();
    for (const file of testFiles('test')) {
      const name = basename(file);
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    const clashes = [...byName.values()].filter(
      (files) =>
        files.length > 1 &&
        files.some((f) => f.startsWith('test/e2e/') || f.split('/').length === 2),
    );
    expect(clashes).toEqual([]);
  });

  it.each([
    ['test/etl/keys.test.ts', 'names no source file'],
    ['test/server/warehouse-reader.test.ts', 'names no source file'],
    ['test/api/api.test.ts', 'names no source file'],
    ['test/e2e/elsewhere/x.test.ts', 'test/e2e/ holds only'],
    ['test/e2e/api.test.ts', 'test/e2e/ holds only'],
    ['test/warehouse/store/warehouse-reader/nothing.test.ts', undefined],
    ['test/warehouse/store/no-such-file/crash.test.ts', 'names no source file'],
  ])('judges %s', (file, expected) => {
    const found = layoutViolation(file);
    if (expected === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(expected);
  });

  it('accepts a file, a folder and an aspect of a file, as the code has them', () => {
    expect(layoutViolation('test/etl/load/load-file.test.ts')).toBeUndefined();
    expect(layoutViolation('test/warehouse/dialect.test.ts')).toBeUndefined();
    expect(layoutViolation('test/warehouse/store/warehouse-store/crash.test.ts')).toBeUndefined();
    expect(layoutViolation('test/server/plugins/plan-cache.plugin.test.ts')).toBeUndefined();
    expect(layoutViolation('test/e2e/cli/cli.test.ts')).toBeUndefined();
    expect(layoutViolation('test/import-rules.test.ts')).toBeUndefined();
  });
});
