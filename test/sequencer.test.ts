import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { HEAVY_FIRST, HeavyFirstSequencer, SHARED_PROCESS } from './sequencer.ts';

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

  it('shares a process only among test files that exist, none of them a costly one', () => {
    for (const path of SHARED_PROCESS) expect(existsSync(join(ROOT, path)), path).toBe(true);
    expect(new Set(SHARED_PROCESS).size).toBe(SHARED_PROCESS.length);
    const heavy = new Set<string>(HEAVY_FIRST);
    expect(SHARED_PROCESS.filter((path) => heavy.has(path))).toEqual([]);
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
