import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runTask, type TaskOutcome } from '../lib/child.ts';
import { ensureRegisterFiles, type DataFile } from '../lib/data.ts';
import { GOALS, judge } from '../lib/goals.ts';
import { loadAverage } from '../lib/machine.ts';
import { formatMs, formatSummary, round, summarize } from '../lib/stats.ts';
import type { FloorResult, LoadResult } from '../tasks/load.tasks.ts';
import { describeFile, goalCell, mib, ratioText, type BenchContext } from './context.ts';

/**
 * The loads part of the bench: the register files generated (once per seed and scale), a
 * template warehouse, DuckDB's `read_csv` floor, then the full ETL of one year from CSV and from
 * `.xlsx`, of every year in order, and of a small warehouse (few provinces) that the API part
 * counts statements on.
 */

/** The warehouses the loads built, for the API and CLI parts. */
export interface LoadedWarehouses {
  /** `coopstat init` only. */
  readonly template: string;
  /** Every year of `--years`, loaded in order. */
  readonly allYears: string;
  /** The one register year. */
  readonly oneYear: string;
  /** The one year of `--small-provinces` provinces. */
  readonly small: string;
}

/** The input files of the loads part. */
interface Inputs {
  readonly oneYear: DataFile;
  readonly allYears: readonly DataFile[];
  readonly xlsx: DataFile;
  readonly small: DataFile;
}

/** Two loads of one file measured in turn, each from its own starting warehouse. */
interface SideBySide {
  readonly onHistory: LoadResult;
  readonly empty: LoadResult;
}

/** The runs of a load task that started from `template` (see `LoadArgs.templates`). */
export function runsFrom(result: LoadResult, template: string): LoadResult {
  return { runs: result.runs.filter((r) => r.template === template), profile: null };
}

const timedRuns = (runs: readonly { warmup: boolean; ms: number }[]) =>
  runs.filter((r) => !r.warmup).map((r) => r.ms);

/** Median per stage over the measured runs (one file per run). */
function stageMedians(result: LoadResult): Record<string, number> {
  const measured = result.runs.filter((r) => !r.warmup);
  const names = [
    ...new Set(measured.flatMap((r) => r.files.flatMap((f) => Object.keys(f.stages)))),
  ];
  return Object.fromEntries(
    names.map((n) => [
      n,
      summarize(measured.map((r) => r.files.reduce((s, f) => s + (f.stages[n] ?? 0), 0))).median,
    ]),
  );
}

function roundAll(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, round(v)]));
}

/** Runs the loads part; returns the warehouses it built. */
export async function measureLoads(ctx: BenchContext): Promise<LoadedWarehouses> {
  const inputs = await prepareInputs(ctx);
  const template = join(ctx.work, 'template.duckdb');
  if (ctx.options.template) {
    ctx.step(`template warehouse (a copy of ${ctx.options.template})`);
    await copyFile(ctx.options.template, template);
    ctx.data.templateInitMs = null;
  } else {
    ctx.step('template warehouse (init)');
    const init = await runTask<{ ms: number; bytes: number }>('init', { db: template }, ctx.log);
    ctx.data.templateInitMs = round(init.result.ms);
  }

  ctx.step('floor: read_csv of the one-year file');
  const floor = await runTask<FloorResult>(
    'floor-csv',
    {
      file: inputs.oneYear.path,
      allFiles: inputs.allYears.length > 1 ? inputs.allYears.map((f) => f.path) : undefined,
      workDir: ctx.work,
      warmup: ctx.options.warmup,
      reps: ctx.options.reps.floorCsv,
    },
    ctx.log,
  );

  const oneYear = join(ctx.work, 'one-year.duckdb');
  const warehouses = {
    template,
    oneYear,
    // The one-year load is the all-years load too when told so (see `allYearsFromOneYear`).
    allYears: allYearsIsOneYear(ctx, inputs) ? oneYear : join(ctx.work, 'all-years.duckdb'),
    small: join(ctx.work, 'small.duckdb'),
  };
  const loads = await runEtlLoads(ctx, inputs, warehouses);
  recordLoads(ctx, inputs, floor, loads);
  return warehouses;
}

/**
 * Whether the all-years load is the one-year CSV load (`allYearsFromOneYear`, the smoke run): the
 * same single file onto the same template, so loading it again would measure the same thing twice.
 */
function allYearsIsOneYear(ctx: BenchContext, inputs: Inputs): boolean {
  return (
    ctx.options.allYearsFromOneYear &&
    inputs.allYears.length === 1 &&
    inputs.allYears[0]!.path === inputs.oneYear.path
  );
}

/** The register files: every year asked for (CSV), the one year as `.xlsx`, the small one. */
async function prepareInputs(ctx: BenchContext): Promise<Inputs> {
  const { options, log } = ctx;
  ctx.step('input files');
  const ensure = (years: readonly number[], format: 'csv' | 'xlsx', provinces?: number) =>
    ensureRegisterFiles(
      {
        out: options.out,
        seed: options.seed,
        scale: options.scale,
        years: [...years],
        format,
        ...(provinces === undefined ? {} : { provinces }),
      },
      log,
    );
  const csv = await ensure([...new Set([...options.allYears, options.year])], 'csv');
  const xlsx = await ensure([options.year], 'xlsx');
  const small = await ensure([options.year], 'csv', options.smallProvinces);
  const byYear = new Map(csv.files.map((f) => [f.year, f]));
  const inputs: Inputs = {
    oneYear: byYear.get(options.year)!,
    allYears: options.allYears.map((y) => byYear.get(y)!),
    xlsx: xlsx.files[0]!,
    small: small.files[0]!,
  };
  Object.assign(ctx.data, {
    oneYear: describeFile(inputs.oneYear),
    xlsx: describeFile(inputs.xlsx),
    small: describeFile(inputs.small),
    allYears: inputs.allYears.map(describeFile),
    generationMs: round(csv.generationMs + xlsx.generationMs + small.generationMs),
  });
  return inputs;
}

/** The ETL loads, each in a child process, with the load average at the end of each. */
interface EtlLoads {
  readonly csv: TaskOutcome<LoadResult>;
  readonly csvLoadAverage: number;
  readonly xlsx: TaskOutcome<LoadResult>;
  readonly xlsxLoadAverage: number;
  readonly all: TaskOutcome<LoadResult>;
  readonly allLoadAverage: number;
  /**
   * The one-year file (when it is the last of the years loaded) onto the warehouse holding every
   * year before it and into an empty warehouse, in turn.
   */
  readonly onHistory: SideBySide | null;
  readonly onHistoryLoadAverage: number;
}

async function runEtlLoads(
  ctx: BenchContext,
  inputs: Inputs,
  warehouses: LoadedWarehouses,
): Promise<EtlLoads> {
  const { options, log } = ctx;
  const loadArgs = (files: readonly DataFile[], warmup: number, reps: number, extra: object) => ({
    template: warehouses.template,
    files: files.map((f) => f.path),
    workDir: ctx.work,
    warmup,
    reps,
    maxYear: Math.max(...files.map((f) => f.year)),
    profile: false,
    givenFamily: options.givenFamily,
    ...extra,
  });
  ctx.step(`load one year, CSV (${inputs.oneYear.rows} rows)`);
  const csv = await runTask<LoadResult>(
    'load',
    loadArgs([inputs.oneYear], options.warmup, options.reps.loadCsv, {
      keepAs: warehouses.oneYear,
      profile: options.profileStatements,
    }),
    log,
  );
  const csvLoadAverage = loadAverage();

  ctx.step('load one year, .xlsx');
  const xlsx = await runTask<LoadResult>(
    'load',
    loadArgs([inputs.xlsx], options.warmup, options.reps.loadXlsx, {}),
    log,
  );
  const xlsxLoadAverage = loadAverage();

  // The fair sixteenth year: the last year's file onto the years before it, against the same
  // file into an empty warehouse (the one-year load above), so only the history differs.
  const sameFileOnHistory =
    inputs.allYears.length > 1 && inputs.allYears.at(-1)!.path === inputs.oneYear.path;
  const beforeLast = join(ctx.work, 'all-but-last-year.duckdb');
  let all = csv;
  let allLoadAverage = csvLoadAverage;
  if (allYearsIsOneYear(ctx, inputs)) {
    log(`load all years (${options.allYears[0]}, 1 file): the one-year CSV load above`);
  } else {
    ctx.step(
      `load all years (${options.allYears[0]}–${options.allYears.at(-1)}, ${inputs.allYears.length} files)`,
    );
    all = await runTask<LoadResult>(
      'load',
      loadArgs(inputs.allYears, 0, 1, {
        keepAs: warehouses.allYears,
        ...(sameFileOnHistory ? { keepBeforeLastAs: beforeLast } : {}),
      }),
      log,
    );
    allLoadAverage = loadAverage();
  }

  let onHistory: SideBySide | null = null;
  let onHistoryLoadAverage = Number.NaN;
  if (sameFileOnHistory) {
    ctx.step(
      `load ${inputs.oneYear.year} onto the warehouse holding ${options.allYears[0]}–${inputs.allYears.at(-2)!.year} and into an empty one, in turn`,
    );
    // One run onto the history, then one into an empty warehouse, and so on: the two share the
    // machine's drift (the one-year CSV load above ran a minute earlier, before the all-years
    // load filled the page cache and warmed the machine).
    const templates = [beforeLast, warehouses.template];
    const paired = await runTask<LoadResult>(
      'load',
      {
        ...loadArgs([inputs.oneYear], 2 * options.warmup, 2 * options.reps.loadCsv, {}),
        templates,
      },
      log,
    );
    onHistory = {
      onHistory: runsFrom(paired.result, beforeLast),
      empty: runsFrom(paired.result, warehouses.template),
    };
    onHistoryLoadAverage = loadAverage();
    for (const suffix of ['', '.wal']) await rm(`${beforeLast}${suffix}`, { force: true });
  }

  ctx.step(`small warehouse (${options.smallProvinces} provinces)`);
  await runTask<LoadResult>(
    'load',
    loadArgs([inputs.small], 0, 1, { keepAs: warehouses.small }),
    log,
  );
  return {
    csv,
    csvLoadAverage,
    xlsx,
    xlsxLoadAverage,
    all,
    allLoadAverage,
    onHistory,
    onHistoryLoadAverage,
  };
}

/** The loads' goals, table rows, measures and memory. */
function recordLoads(
  ctx: BenchContext,
  inputs: Inputs,
  floor: TaskOutcome<FloorResult>,
  loads: EtlLoads,
): void {
  const { options } = ctx;
  const floorSummary = summarize(timedRuns(floor.result.runs));
  const csvSummary = summarize(timedRuns(loads.csv.result.runs));
  const xlsxSummary = summarize(timedRuns(loads.xlsx.result.runs));
  const allRun = loads.all.result.runs.at(-1)!;
  const allFloor = floorSummary.median * inputs.allYears.length;
  const allRatio = allRun.ms / allFloor;

  const loadRatio = csvSummary.median / floorSummary.median;
  const load = ctx.judged(
    judge(GOALS.loadFloorRatio, loadRatio, {
      actual: `${formatMs(csvSummary.median)} (${ratioText(loadRatio)}; floor ${formatMs(floorSummary.median)})`,
    }),
  );
  const xlsxRatio = xlsxSummary.median / csvSummary.median;
  const xlsx = ctx.judged(
    judge(GOALS.xlsxCsvRatio, xlsxRatio, {
      actual: `${formatMs(xlsxSummary.median)} (${ratioText(xlsxRatio)})`,
    }),
  );
  ctx.table.push(
    {
      measure: `Load one register year, CSV (${inputs.oneYear.rows.toLocaleString('en')} rows, ${options.year}, scale ${options.scale}), full ETL [load avg ${loads.csvLoadAverage}]`,
      result: formatSummary(csvSummary),
      floor: `read_csv CTAS ${formatSummary(floorSummary)}`,
      ratio: ratioText(loadRatio),
      goal: goalCell(load),
    },
    {
      measure: `Load the same year from .xlsx [load avg ${loads.xlsxLoadAverage}]`,
      result: formatSummary(xlsxSummary),
      floor: `CSV load ${formatMs(csvSummary.median)}`,
      ratio: ratioText(xlsxRatio),
      goal: goalCell(xlsx),
    },
    {
      measure: `Load all ${inputs.allYears.length} years (${options.allYears[0]}–${options.allYears.at(-1)}, ${inputs.allYears.reduce((s, f) => s + f.rows, 0).toLocaleString('en')} rows) [load avg ${loads.allLoadAverage}]`,
      result: `${formatMs(allRun.ms)} (n=1)`,
      floor: `${inputs.allYears.length} × one-year floor = ${formatMs(allFloor)}`,
      ratio: ratioText(allRatio),
      goal: '–',
    },
  );
  const firstVsLast = recordFirstVsLast(ctx, inputs, allRun, loads);

  ctx.measures.load_csv_one_year = {
    file: describeFile(inputs.oneYear),
    ms: csvSummary,
    loadAverage: loads.csvLoadAverage,
    warmupMs: loads.csv.result.runs.filter((r) => r.warmup).map((r) => round(r.ms)),
    stagesMedianMs: stageMedians(loads.csv.result),
    floor: {
      what: 'CREATE TABLE AS SELECT * FROM read_csv(file) on a fresh DB file, checkpoint, close (DuckDbHandle)',
      ms: floorSummary,
      rows: floor.result.runs[0]?.rows,
    },
    ratio: round(loadRatio, 3),
    report: loads.csv.result.runs.at(-1)?.files[0],
    warehouseBytes: loads.csv.result.runs.at(-1)?.warehouseBytes,
    profile: loads.csv.result.profile,
  };
  ctx.measures.load_xlsx_one_year = {
    file: describeFile(inputs.xlsx),
    ms: xlsxSummary,
    loadAverage: loads.xlsxLoadAverage,
    stagesMedianMs: stageMedians(loads.xlsx.result),
    floor: { what: 'the CSV load of the same year', ms: csvSummary },
    ratio: round(xlsxRatio, 3),
  };
  ctx.measures.load_all_years = {
    // `allYearsFromOneYear`: the one file was loaded once, by the one-year CSV load.
    ...(loads.all === loads.csv ? { sameRunAs: 'load_csv_one_year' } : {}),
    years: options.allYears,
    files: inputs.allYears.map(describeFile),
    ms: round(allRun.ms),
    loadAverage: loads.allLoadAverage,
    perFile: allRun.files.map((f) => ({
      file: f.file,
      ms: round(f.ms),
      rows: f.rowsRead,
      stages: roundAll(f.stages),
    })),
    floor: {
      what: `${inputs.allYears.length} × the one-year read_csv floor`,
      ms: round(allFloor),
      measuredOneStatementMs: floor.result.allFiles ? round(floor.result.allFiles.ms) : null,
      measuredOneStatementRows: floor.result.allFiles?.rows ?? null,
    },
    ratio: round(allRatio, 3),
    warehouseBytes: allRun.warehouseBytes,
  };
  ctx.measures.load_first_vs_last = firstVsLast;
  Object.assign(ctx.memory, {
    loadCsvOneYear: loads.csv.memory,
    loadXlsxOneYear: loads.xlsx.memory,
    loadAllYears: loads.all.memory,
    readCsvFloor: floor.memory,
  });
  ctx.memoryLine.push(
    `CSV load ${mib(loads.csv.memory)}; .xlsx load ${mib(loads.xlsx.memory)}; all-years load ${mib(loads.all.memory)}; read_csv floor ${mib(floor.memory)}`,
  );
}

type AllYearsRun = LoadResult['runs'][number];

/**
 * The last year's load against the first's, as the all-years run measured them (the first year
 * has fewer rows: shown, not judged); and the fair comparison the goal is judged on: the last
 * year's file loaded onto the warehouse holding the years before, against the same file loaded
 * into an empty warehouse (publishing should grow with the change, not with the history).
 */
function recordFirstVsLast(
  ctx: BenchContext,
  inputs: Inputs,
  allRun: AllYearsRun,
  loads: EtlLoads,
): Record<string, unknown> {
  const first = allRun.files[0]!;
  const last = allRun.files.at(-1)!;
  const ratio = last.ms / first.ms;
  const perRow = (f: typeof first) => f.ms / Math.max(1, f.rowsRead);
  const perRowRatio = perRow(last) / perRow(first);
  const publishing = (f: typeof first) => f.stages.publishing ?? Number.NaN;
  if (inputs.allYears.length > 1) {
    ctx.table.push({
      measure: `Last year's load (${last.file}, ${last.rowsRead.toLocaleString('en')} rows, publishing ${formatMs(publishing(last))}) vs the first's (${first.file}, ${first.rowsRead.toLocaleString('en')} rows, publishing ${formatMs(publishing(first))}); not judged: the files differ`,
      result: `${formatMs(last.ms)} vs ${formatMs(first.ms)} (n=1)`,
      floor: 'the first year’s load',
      ratio: `${ratioText(ratio)} (per row ${ratioText(perRowRatio)})`,
      goal: '–',
    });
  }
  const stagesOf = (f: typeof first) => ({
    file: f.file,
    ms: round(f.ms),
    rows: f.rowsRead,
    stages: roundAll(f.stages),
  });
  return {
    first: stagesOf(first),
    last: stagesOf(last),
    ratio: round(ratio, 3),
    perRowRatio: round(perRowRatio, 3),
    publishingRatio: round(publishing(last) / publishing(first), 3),
    sameFile: recordSameFileOnHistory(ctx, inputs, loads),
  };
}

/** The same file onto the years before it vs into an empty warehouse: the goal's judge. */
function recordSameFileOnHistory(
  ctx: BenchContext,
  inputs: Inputs,
  loads: EtlLoads,
): Record<string, unknown> | null {
  if (!loads.onHistory) return null;
  const empty = summarize(timedRuns(loads.onHistory.empty.runs));
  const onHistory = summarize(timedRuns(loads.onHistory.onHistory.runs));
  const ratio = onHistory.median / empty.median;
  const emptyStages = stageMedians(loads.onHistory.empty);
  const historyStages = stageMedians(loads.onHistory.onHistory);
  const [from, to] = [inputs.allYears[0]!.year, inputs.allYears.at(-2)!.year];
  const years = from === to ? String(from) : `${from}–${to}`;
  const verdict = ctx.judged(
    judge(GOALS.lastFirstLoadRatio, ratio, {
      detail: `${inputs.oneYear.path.split('/').at(-1)}, ${years} before it`,
      actual: `${formatMs(onHistory.median)} vs ${formatMs(empty.median)} (${ratioText(ratio)})`,
    }),
  );
  ctx.table.push({
    measure: `The last year's file (${inputs.oneYear.rows.toLocaleString('en')} rows) onto the warehouse holding ${years} (publishing ${formatMs(historyStages.publishing ?? Number.NaN)}) vs into an empty warehouse (publishing ${formatMs(emptyStages.publishing ?? Number.NaN)}), run in turn [load avg ${loads.onHistoryLoadAverage}]`,
    result: formatSummary(onHistory),
    floor: `into an empty warehouse ${formatSummary(empty)}`,
    ratio: ratioText(ratio),
    goal: goalCell(verdict),
  });
  return {
    file: describeFile(inputs.oneYear),
    onHistory: { ms: onHistory, stagesMedianMs: roundAll(historyStages), yearsBefore: years },
    empty: { ms: empty, stagesMedianMs: roundAll(emptyStages) },
    ratio: round(ratio, 3),
    loadAverage: loads.onHistoryLoadAverage,
    goal: `≤ ${GOALS.lastFirstLoadRatio.limit}`,
  };
}
