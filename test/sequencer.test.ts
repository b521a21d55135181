import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { HEAVY_FIRST, HeavyFirstSequencer, ISOLATED } from './sequencer.ts';

const ROOT = join(import.meta.dirname, '..');

/** A file to sort, in a project with the root's settings, as vitest hands it to a sequencer. */
const spec = (path: string) =>
  ({
    moduleId: join(ROOT, path),
    project: { name: '', config: { root: ROOT, isolate: true, sequence: { groupOrder: 0 } } },
  }) as unknown as TestSpecification;

/** A run with no durations and no file sizes kept: what a clean checkout's first run has. */
const cleanRun = {
  config: { root: ROOT },
  cache: { getFileTestResults: () => undefined, getFileStats: () => undefined },
} as unknown as Vitest;

describe('the order the test files start in', () => {
  it('names only test files that exist, each once', () => {
    for (const path of HEAVY_FIRST) expect(existsSync(join(ROOT, path)), path).toBe(true);
    expect(new Set(HEAVY_FIRST).size).toBe(HEAVY_FIRST.length);
  });

  it('runs in a process of its own every test file that changes its process, and only those', () => {
    const files = readdirSync(join(ROOT, 'test'), { recursive: true, encoding: 'utf8' })
      .map((path) => `test/${path.split('\\').join('/')}`)
      .filter((path) => path.endsWith('.test.ts'));
    // The time zone or any other environment variable set or removed, a spy or mock on a module
    // other files import, fake timers, a changed working folder, a listener on the process.
    const changesItsProcess =
      /process\.env\.\w+\s*=(?!=)|delete process\.env|vi\.(spyOn|mock|doMock|stubEnv|stubGlobal|useFakeTimers)\(|process\.chdir\(|process\.(on|once)\(/;
    const changing = files.filter((path) =>
      changesItsProcess.test(readFileSync(join(ROOT, path), 'utf8')),
    );
    expect(changing.sort()).toEqual([...ISOLATED].sort());
    expect(new Set(ISOLATED).size).toBe(ISOLATED.length);
  });

  it('starts the costliest files first, in their order, and keeps the order of the others', async () => {
    const others = ['test/codegen.test.ts', 'test/warehouse/dialect.test.ts'];
    const files = [others[0]!, HEAVY_FIRST[2], others[1]!, HEAVY_FIRST[0], HEAVY_FIRST[6]];
    const sorted = await new HeavyFirstSequencer(cleanRun).sort(files.map(spec));
    expect(sorted.map((f) => f.moduleId)).toEqual(
      [HEAVY_FIRST[0], HEAVY_FIRST[2], HEAVY_FIRST[6], ...others].map((p) => join(ROOT, p)),
    );
  });
});
