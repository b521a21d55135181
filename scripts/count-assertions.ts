// Counts, per test file, the tests written (`it(`, `test(`, `it.each(`…) and the `expect` calls, so a
// reshaped suite can be compared with the one before it: `npx tsx scripts/count-assertions.ts`.
// The counts are of the source text: a table given to `it.each` counts once however many rows it
// has (vitest's own count of tests, 544 on 2026-12-03, expands them). `--json` prints the rows.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface TestFileCount {
  readonly file: string;
  readonly tests: number;
  readonly expects: number;
}

const TEST_CALL =
  /(?<![\w.])(?:it|test)(?:\.(?:each|for|skip|skipIf|runIf|only|todo|concurrent|sequential|fails))*\s*[(`[]/g;
const EXPECT_CALL = /(?<![\w.])expect(?:\.(?:soft|poll|element))?\s*\(/g;

/** The tests and `expect` calls written in one test file's text. */
export function countTestSource(text: string): { tests: number; expects: number } {
  const code = text.replace(/^\s*\/\/.*$/gm, '');
  return {
    tests: code.match(TEST_CALL)?.length ?? 0,
    expects: code.match(EXPECT_CALL)?.length ?? 0,
  };
}

function testFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...testFiles(path));
    else if (entry.name.endsWith('.test.ts')) files.push(path);
  }
  return files.sort();
}

/** Every `*.test.ts` under `root/test`, with its counts. */
export function countTests(root: string): TestFileCount[] {
  return testFiles(join(root, 'test')).map((path) => ({
    file: relative(root, path).split('\\').join('/'),
    ...countTestSource(readFileSync(path, 'utf8')),
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = countTests(join(import.meta.dirname, '..'));
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const width = Math.max(...rows.map((r) => r.file.length));
    for (const r of rows) {
      process.stdout.write(
        `${r.file.padEnd(width)}  ${String(r.tests).padStart(4)}  ${String(r.expects).padStart(5)}\n`,
      );
    }
    const tests = rows.reduce((s, r) => s + r.tests, 0);
    const expects = rows.reduce((s, r) => s + r.expects, 0);
    process.stdout.write(
      `${'total'.padEnd(width)}  ${String(tests).padStart(4)}  ${String(expects).padStart(5)}  (${rows.length} files: tests, expect calls)\n`,
    );
  }
}
