import { join } from 'node:path';
import type { BuildInfo } from '../lib/build.ts';
import { runTask } from '../lib/child.ts';
import { timeCli, type CliTiming } from '../lib/cli-start.ts';
import { GOALS, judge } from '../lib/goals.ts';
import { formatSummary } from '../lib/stats.ts';
import type { BenchContext } from './context.ts';

/**
 * The CLI part of the bench: the wall time of `coopstat --help` and `coopstat loads` as users run
 * them (`node bin/coopstat.mjs`, the compiled `dist/`), on the warehouse the loads built (or a
 * fresh `init` when they did not run).
 */
export async function measureCli(
  ctx: BenchContext,
  build: BuildInfo | null,
  warehouse: string | undefined,
): Promise<void> {
  ctx.step('CLI start (bin/coopstat.mjs)');
  let db = warehouse;
  if (!db) {
    db = join(ctx.work, 'cli.duckdb');
    await runTask('init', { db }, ctx.log);
  }
  const env = { ...process.env, LOG_LEVEL: 'silent' };
  const help = await timeCli(['--help'], ctx.options.cliReps, env);
  const loads = await timeCli(['loads', '--db', db], ctx.options.cliReps, env);
  const cli: CliTiming[] = [help, loads];
  ctx.judged(judge(GOALS.cliHelp, help.ms.median, { also: help.exitCode === 0 }));
  ctx.judged(judge(GOALS.cliLoads, loads.ms.median, { also: loads.exitCode === 0 }));
  for (const c of cli)
    ctx.table.push({
      measure: `\`${c.command.replace(/ --db .*/, '')}\` (node bin/coopstat.mjs, compiled dist/) [load avg ${c.loadAverage}]`,
      result: formatSummary(c.ms),
      floor: '–',
      ratio: '–',
      goal: `exit ${c.exitCode}`,
    });
  ctx.measures.cli_start = { bin: 'bin/coopstat.mjs', compiled: build, runs: cli };
}
