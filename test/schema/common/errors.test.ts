import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  badInput,
  codedError,
  ERROR_CODE_MEANINGS,
  ERROR_CODES,
  yearNotLoaded,
} from '../../../schema/common/errors.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The folders whose code answers clients or callers with an error code. */
const SCANNED = ['server', 'schema', 'etl'] as const;

/**
 * The places an error code is written as a literal: an `extensions`/answer `code` key or a
 * comparison with a `code`, a `… satisfies ErrorCode` or `: ErrorCode = …`, the first argument of
 * `codedError` or the code of an `errorAnswer`
 * (those the compiler also checks, kept so the scan sees every spelling).
 */
const CODE_LITERALS = [
  /\bcode\s*(?::|[!=]==?)\s*['"]([A-Z][A-Z0-9_]{3,})['"]/g,
  /['"]([A-Z][A-Z0-9_]{3,})['"]\s+satisfies\s+ErrorCode\b/g,
  /\bcodedError\(\s*['"]([A-Z][A-Z0-9_]{3,})['"]/g,
  /:\s*ErrorCode\s*=\s*['"]([A-Z][A-Z0-9_]{3,})['"]/g,
  /\berrorAnswer\(\s*\d+\s*,\s*['"]([A-Z][A-Z0-9_]{3,})['"]/g,
];

/**
 * Node's own error codes (`ENOENT`, `ENOTDIR`…), which code compares a file system error's `code`
 * with: never an answer's code, so never in the list.
 */
const SYSTEM_ERROR_CODES = new Set(Object.keys(constants.errno));

/** Every `.ts` file below a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The error-code literals of a source text, with their line numbers. */
function codesIn(text: string): { code: string; line: number }[] {
  return CODE_LITERALS.flatMap((pattern) =>
    [...text.matchAll(pattern)].map((m) => ({
      code: m[1]!,
      line: text.slice(0, m.index).split('\n').length,
    })),
  );
}

describe('the one list of error codes', () => {
  it('gives every code a meaning, once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(Object.keys(ERROR_CODE_MEANINGS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('holds every code that server/, schema/ and etl/ write', () => {
    const known = new Set<string>(ERROR_CODES);
    const used = new Set<string>();
    const unknown: string[] = [];
    for (const folder of SCANNED)
      for (const file of sources(join(ROOT, folder))) {
        for (const { code, line } of codesIn(readFileSync(file, 'utf8'))) {
          if (SYSTEM_ERROR_CODES.has(code)) continue;
          used.add(code);
          if (!known.has(code)) unknown.push(`${relative(ROOT, file)}:${line}: ${code}`);
        }
      }
    expect(unknown).toEqual([]);
    // The scan sees the codes written in each of its spellings.
    for (const code of ['LOAD_REFUSED', 'QUERY_TIMEOUT', 'NOT_FOUND', 'RELEASE_REFUSED'])
      expect(used).toContain(code);
  });

  it('the scan reports a code outside the list in each spelling', () => {
    const text = [
      "throw new GraphQLError(m, { extensions: { code: 'NO_SUCH_CODE' } });",
      "if (e.extensions?.code === 'ALSO_UNKNOWN') return;",
      "const c = 'THIRD_ONE' satisfies ErrorCode;",
      "codedError('FOURTH_ONE', m);",
      "resolveArea(ctx, { code: 'VN' });",
    ].join('\n');
    expect(codesIn(text)).toEqual([
      { code: 'NO_SUCH_CODE', line: 1 },
      { code: 'ALSO_UNKNOWN', line: 2 },
      { code: 'THIRD_ONE', line: 3 },
      { code: 'FOURTH_ONE', line: 4 },
    ]);
  });

  it('builds errors with the code, its extensions and, for whole-request failures, the HTTP status', () => {
    expect(badInput('bad', 'first').extensions).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
    expect(yearNotLoaded(2031, [2024]).extensions).toEqual({
      code: 'YEAR_NOT_LOADED',
      year: 2031,
      loadedYears: [2024],
    });
    expect(codedError('QUERY_TIMEOUT', 'slow', { limitMs: 5 }).extensions).toEqual({
      code: 'QUERY_TIMEOUT',
      limitMs: 5,
      http: { status: 503 },
    });
  });
});
