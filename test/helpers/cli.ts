import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The repository root, where the CLI runs. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/**
 * Runs the real CLI from the root: `etl/cli.ts` as compiled once per run by `scripts/build.mjs`
 * (what the installed `coopstat` runs; see test/global-setup.ts), or under tsx without that
 * build. Never throws; returns the exit code and both streams.
 */
export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bundle = inject('cliBundle');
  return new Promise((resolve) => {
    execFile(
      bundle ? process.execPath : TSX,
      [bundle ?? 'etl/cli.ts', ...args],
      { cwd: ROOT, maxBuffer: 1 << 24 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
