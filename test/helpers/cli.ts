import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where the CLI runs. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Runs the real CLI (`etl/cli.ts` under tsx) from the root; never throws, returns the exit code and both streams. */
export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      ['etl/cli.ts', ...args],
      { cwd: ROOT, maxBuffer: 1 << 24 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
