import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The repository root, where the CLI runs. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/**
 * The command that runs `coopstat ...args` from the root: `etl/cli.ts` as compiled once per run
 * by `scripts/build.mjs` (what the installed `coopstat` runs; see test/global-setup.ts), or under
 * tsx without that build.
 */
export function cliCommand(...args: string[]): [string, string[]] {
  const bundle = inject('bundleDir');
  return bundle
    ? [process.execPath, [join(bundle, 'cli.mjs'), ...args]]
    : [TSX, ['etl/cli.ts', ...args]];
}

/** The command that starts the API server (`server/main.ts`), compiled like {@link cliCommand}. */
export function serverCommand(): [string, string[]] {
  const bundle = inject('bundleDir');
  return bundle
    ? [process.execPath, [join(bundle, 'server.mjs')]]
    : [TSX, [join(ROOT, 'server/main.ts')]];
}

/** Runs the real CLI ({@link cliCommand}) from the root; never throws, returns the exit code and both streams. */
export function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, argv] = cliCommand(...args);
  return new Promise((resolve) => {
    execFile(command, argv, { cwd: ROOT, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
