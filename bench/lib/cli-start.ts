import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './machine.ts';
import { summarize, type Summary } from './stats.ts';

/**
 * The CLI's start: wall time of `coopstat --help` and `coopstat loads` run the way the installed
 * command runs (`node bin/coopstat.mjs …`, the package's `bin`), each several times in a row.
 */

const BIN = fileURLToPath(new URL('../../bin/coopstat.mjs', import.meta.url));

/** One command timed `reps` times (after one untimed run that warms the file cache, when reps > 1). */
export interface CliTiming {
  readonly command: string;
  readonly ms: Summary;
  readonly exitCode: number;
  readonly loadAverage: number;
}

function once(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; code: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    execFile(process.execPath, [BIN, ...args], { env, maxBuffer: 10_000_000 }, (error) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ ms: performance.now() - started, code });
    });
  });
}

/** Times `coopstat <args>` `reps` times. */
export async function timeCli(
  args: readonly string[],
  reps: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliTiming> {
  const la = loadAverage();
  let last = reps > 1 ? await once(args, env) : { ms: 0, code: 0 };
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    last = await once(args, env);
    ms.push(last.ms);
  }
  return {
    command: `coopstat ${args.join(' ')}`,
    ms: summarize(ms),
    exitCode: last.code,
    loadAverage: la,
  };
}
