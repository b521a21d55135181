import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProcessMemory } from '../lib/child.ts';
import type { DataFile } from '../lib/data.ts';
import { verdictCell, type Verdict } from '../lib/goals.ts';
import { describeMachine, loadAverage, type Machine } from '../lib/machine.ts';
import type { BenchOptions } from '../lib/options.ts';
import { round } from '../lib/stats.ts';

/**
 * What every step of a bench run writes to: the measures of results.json, the printed table, the
 * summary of goals, the data described and the memory line. A step adds to it; `run.ts` renders
 * it once all steps are done.
 */

/** The keys of `measures` in results.json: every one is present after any run (skipped parts say so). */
export const MEASURE_KEYS = [
  'load_csv_one_year',
  'load_xlsx_one_year',
  'load_all_years',
  'load_first_vs_last',
  'dashboard_http',
  'dashboard_cached_304',
  'dashboard_statements',
  'pulls',
  'pull_floor',
  'peer',
  'cli_start',
  'peak_memory',
] as const;
export type MeasureKey = (typeof MEASURE_KEYS)[number];

/** One goal of the issue, reported (not asserted). */
export type Goal = Verdict;

/** One line of the printed table. */
export interface TableRow {
  readonly measure: string;
  readonly result: string;
  readonly floor: string;
  readonly ratio: string;
  readonly goal: string;
}

/** The state of one bench run, shared by its steps. */
export interface BenchContext {
  readonly options: BenchOptions;
  readonly machine: Machine;
  /** Scratch folder of this run (`<out>/work`). */
  readonly work: string;
  readonly t0: number;
  readonly measures: Record<MeasureKey, Record<string, unknown>>;
  readonly goals: Goal[];
  readonly table: TableRow[];
  readonly data: Record<string, unknown>;
  /** `peak_memory` of results.json. */
  readonly memory: Record<string, unknown>;
  /** Parts of the printed "Peak memory" line. */
  readonly memoryLine: string[];
  /** A progress line on stderr (with `--verbose`). */
  log(line: string): void;
  /** Starts a named step: records the load average and logs it. */
  step(name: string): void;
  /** Adds a verdict to the summary of goals and returns it (for the table's goal column). */
  judged(verdict: Verdict): Verdict;
}

/** What a skipped measure says. */
export const skipped = (why: string) => ({ skipped: why });

/** A ratio as printed. */
export const ratioText = (r: number) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');

/** A process's peak memory as printed. */
export const mib = (m: ProcessMemory) => `${m.maxRssMiB.toFixed(0)} MiB`;

/** The goal column of a table row: the verdict's target and mark. */
export const goalCell = verdictCell;

/** An input file as results.json describes it. */
export const describeFile = (f: DataFile) => ({
  path: f.path,
  year: f.year,
  rows: f.rows,
  megabytes: round(f.bytes / 1e6, 1),
  generatedThisRun: f.generated,
});

/** Starts a run: an empty scratch folder, the machine described, every measure "not run". */
export async function startBench(options: BenchOptions): Promise<BenchContext> {
  const t0 = performance.now();
  const log = (line: string) => {
    if (options.verbose)
      process.stderr.write(
        `[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`,
      );
  };
  const machine = describeMachine();
  log(
    `${options.profile} run (${options.parts.join(', ')}${options.peer ? ', peer' : ''}): ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverageAtStart}`,
  );
  const work = join(options.out, 'work');
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const loadAverages: Record<string, number> = { start: machine.loadAverageAtStart };
  const goals: Goal[] = [];
  return {
    options,
    machine,
    work,
    t0,
    measures: Object.fromEntries(
      MEASURE_KEYS.map((k) => [k, skipped('part not run')]),
    ) as unknown as Record<MeasureKey, Record<string, unknown>>,
    goals,
    table: [],
    data: { loadAverages },
    memory: { unit: 'MiB (maxRSS and VmHWM of the child process)' },
    memoryLine: [],
    log,
    step(name) {
      loadAverages[name] = loadAverage();
      log(`${name} (load average ${loadAverages[name]})`);
    },
    judged(verdict) {
      goals.push(verdict);
      return verdict;
    },
  };
}
