import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseYears } from '../generate/cli.ts';

/** The parts of a run: loads (ETL against its floors), api (HTTP pulls), cli (start-up). */
export const PARTS = ['loads', 'api', 'cli'] as const;
export type Part = (typeof PARTS)[number];

/** The three sizes of a run: the full bench (≤ 10 min), `--quick` (~2 min), `--smoke` (tests). */
export const PROFILES = ['full', 'quick', 'smoke'] as const;
export type Profile = (typeof PROFILES)[number];

/** Everything a bench run depends on. */
export interface BenchOptions {
  readonly profile: Profile;
  /** Output folder (git-ignored): generated data, scratch warehouses, results.json. */
  readonly out: string;
  /** Where the results are written (default `<out>/results.json`). */
  readonly resultsPath: string;
  readonly seed: number;
  /** Generator scale (1 = the whole country). */
  readonly scale: number;
  /** The register year loaded and queried (2030: the largest, ≈195,000 rows at scale 1). */
  readonly year: number;
  /** The years of the "all years" load, in order. */
  readonly allYears: readonly number[];
  /** Provinces of the small warehouse the statement count is compared on. */
  readonly smallProvinces: number;
  /** Warm-up runs before each repeated measure (discarded; the first load one is profiled). */
  readonly warmup: number;
  readonly reps: {
    readonly floorCsv: number;
    readonly loadCsv: number;
    readonly loadXlsx: number;
    readonly dashboard: number;
    readonly cached: number;
    readonly rawSql: number;
  };
  /**
   * Dashboard requests run in-process, in order, on each warehouse whose statements are counted
   * (the served warehouse's also `reps.dashboard` of them, at most 5, when that is more).
   */
  readonly statementReps: number;
  /** Untimed runs of the pulls' raw-SQL floor before its timed ones. */
  readonly pullFloorWarmup: number;
  /** Timed runs of the pulls' raw-SQL floor: at least this many, and at least `reps.rawSql`. */
  readonly pullFloorReps: number;
  /** Untimed requests of each pulled operation before the pulls (the last one's answer is compared). */
  readonly pullWarmups: number;
  /**
   * When the all-years load is of the one-year file alone (`allYears` is `[year]`), take the
   * one-year CSV load as it instead of loading the same file onto the same template again (the
   * smoke run; the all-years warehouse is then the one-year one); false: it is loaded again, as
   * any other list of years is.
   */
  readonly allYearsFromOneYear: boolean;
  /** Seconds of each autocannon run. */
  readonly duration: number;
  /**
   * Ends each autocannon run after this many requests per client instead of after `duration`
   * (the smoke run, which checks the machinery, not the figures); null: `duration` counts.
   */
  readonly pullRequestsPerClient: number | null;
  /** The year of the pulls (2024: 63 provinces × 4 organisation types = 252 groups). */
  readonly pullYear: number;
  /** Which parts run (default all). */
  readonly parts: readonly Part[];
  /** Also run the peer (PostGraphile + pg-aggregates over PostgreSQL), interleaved with the pulls. */
  readonly peer: boolean;
  /** An existing all-years warehouse to serve instead of the one the loads build. */
  readonly warehouse: string | null;
  /**
   * A warehouse as `coopstat init` builds it, copied as the loads' template instead of running
   * `init` (whose time is then not measured); null: `init` runs.
   */
  readonly template: string | null;
  /** Timed runs of each CLI command. */
  readonly cliReps: number;
  /** Loads are told the family (`--family register`) instead of detecting it as the CLI does. */
  readonly givenFamily: boolean;
  /** Concurrent clients of the autocannon runs. */
  readonly connections: readonly number[];
  /** Time every SQL statement of the warm-up load and replay the dashboard's statements alone. */
  readonly profileStatements: boolean;
  /** Run every task in the bench's own process (smoke): faster, but no per-measure memory. */
  readonly inProcess: boolean;
  /** Keep `<out>/work/` (the warehouses the run built) for profiling afterwards. */
  readonly keepWork: boolean;
  /** Echo progress lines to stderr. */
  readonly verbose: boolean;
}

const DEFAULTS: Record<
  Profile,
  Omit<
    BenchOptions,
    | 'out'
    | 'resultsPath'
    | 'verbose'
    | 'keepWork'
    | 'parts'
    | 'peer'
    | 'warehouse'
    | 'template'
    | 'givenFamily'
  >
> = {
  full: {
    profile: 'full',
    seed: 42,
    scale: 1,
    year: 2030,
    allYears: range(2015, 2030),
    smallProvinces: 5,
    warmup: 1,
    reps: { floorCsv: 5, loadCsv: 3, loadXlsx: 2, dashboard: 15, cached: 30, rawSql: 15 },
    statementReps: 2,
    pullFloorWarmup: 3,
    pullFloorReps: 5,
    pullWarmups: 3,
    allYearsFromOneYear: false,
    duration: 15,
    pullRequestsPerClient: null,
    connections: [1, 8, 32],
    pullYear: 2024,
    cliReps: 5,
    profileStatements: true,
    inProcess: false,
  },
  quick: {
    profile: 'quick',
    seed: 42,
    scale: 1,
    year: 2030,
    allYears: range(2027, 2030),
    smallProvinces: 5,
    warmup: 0,
    reps: { floorCsv: 3, loadCsv: 1, loadXlsx: 1, dashboard: 5, cached: 20, rawSql: 5 },
    statementReps: 2,
    pullFloorWarmup: 3,
    pullFloorReps: 5,
    pullWarmups: 3,
    allYearsFromOneYear: false,
    duration: 5,
    pullRequestsPerClient: null,
    connections: [1, 8, 32],
    pullYear: 2024,
    cliReps: 3,
    profileStatements: false,
    inProcess: false,
  },
  smoke: {
    profile: 'smoke',
    seed: 42,
    scale: 0.01,
    year: 2030,
    allYears: [2030],
    smallProvinces: 5,
    warmup: 0,
    reps: { floorCsv: 1, loadCsv: 1, loadXlsx: 1, dashboard: 1, cached: 1, rawSql: 1 },
    statementReps: 1,
    pullFloorWarmup: 0,
    pullFloorReps: 1,
    pullWarmups: 1,
    allYearsFromOneYear: true,
    duration: 1,
    pullRequestsPerClient: 2,
    connections: [1, 8, 32],
    pullYear: 2030,
    cliReps: 1,
    profileStatements: false,
    inProcess: true,
  },
};

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export const USAGE = `usage: npm run bench -- [--quick | --smoke] [options]

  --quick              ~2 minutes: one repetition, no warm-up, 4 years for the all-years load, 5 s load tests
  --smoke              seconds: 1% of the country, one year, one of everything (the test runs this)
  --out DIR            output folder (default bench/out; git-ignored)
  --results FILE       where to write the JSON (default <out>/results.json)
  --seed N             generator seed (default 42)
  --scale X            generator scale (default 1; smoke 0.01)
  --year YEAR          register year loaded and queried (default 2030)
  --years-all YEARS    years of the all-years load (default 2015-2030; quick 2027-2030)
  --small-provinces N  provinces of the small warehouse for the statement count (default 5)
  --warmup N           warm-up runs before each repeated measure (default 1; quick 0)
  --reps N             repetitions of the loads (CSV and .xlsx) (default 3 and 2)
  --dashboard-reps N   repetitions of the uncached dashboard request (default 15)
  --duration S         seconds of each concurrent-client pull (default 15; quick 5; smoke: 2
                       requests a client instead)
  --connections LIST   concurrent clients of the pulls (default 1,8,32)
  --pull-year YEAR     year of the pulls (default 2024: 252 province × type groups; smoke 2030)
  --parts LIST         which parts run: loads,api,cli (default all three)
  --peer               also run the peer (PostGraphile 4 + pg-aggregates over PostgreSQL),
                       installed into bench/.peer/ at bench time, interleaved with the pulls
  --warehouse FILE     serve this all-years warehouse instead of the one the loads build
                       (needed for --parts api without loads; e.g. one kept by --keep-work)
  --template FILE      start the loads from a copy of this warehouse, as \`coopstat init\` builds
                       it, instead of running init (its time is then not measured)
  --cli-reps N         timed runs of each CLI command (default 5)
  --given-family       tell the loads the family (as \`coopstat load --family register\`); by default
                       the loader detects it from the file, as \`coopstat load FILE\` does
  --[no-]profile       time each SQL statement of the warm-up load and of the dashboard (default on in full)
  --in-process         run every measure in this process (default in smoke: no child start-ups,
                       but the memory figures are then the whole bench's)
  --keep-work          keep <out>/work/ (template, one-year, all-years and small warehouses)
  --quiet              no progress lines on stderr`;

const positiveInt = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a whole number, got ${text}`);
  return n;
};

/** Parses the command line (without node and script) into options. */
export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      out: { type: 'string' },
      results: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      year: { type: 'string' },
      'years-all': { type: 'string' },
      'small-provinces': { type: 'string' },
      warmup: { type: 'string' },
      reps: { type: 'string' },
      'dashboard-reps': { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      'pull-year': { type: 'string' },
      parts: { type: 'string' },
      peer: { type: 'boolean' },
      warehouse: { type: 'string' },
      template: { type: 'string' },
      'cli-reps': { type: 'string' },
      'given-family': { type: 'boolean' },
      profile: { type: 'boolean' },
      'no-profile': { type: 'boolean' },
      'in-process': { type: 'boolean' },
      'keep-work': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.quick && values.smoke) throw new Error('--quick and --smoke exclude each other');
  const profile: Profile = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const d = DEFAULTS[profile];
  const out = resolve(values.out ?? 'bench/out');
  const scale = values.scale === undefined ? d.scale : Number(values.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, got ${values.scale}`);
  const year = values.year === undefined ? d.year : positiveInt('year', values.year);
  const reps = values.reps === undefined ? undefined : positiveInt('reps', values.reps);
  const dashboardReps =
    values['dashboard-reps'] === undefined
      ? undefined
      : positiveInt('dashboard-reps', values['dashboard-reps']);
  const connections =
    values.connections === undefined
      ? d.connections
      : values.connections.split(',').map((c) => positiveInt('connections', c.trim()));
  if (connections.some((c) => c < 1)) throw new Error('--connections must all be at least 1');
  const parts = (values.parts ?? PARTS.join(','))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean) as Part[];
  for (const p of parts)
    if (!PARTS.includes(p)) throw new Error(`--parts: unknown part ${p} (${PARTS.join(', ')})`);
  if (parts.includes('api') && !parts.includes('loads') && values.warehouse === undefined)
    throw new Error('--parts api without loads needs --warehouse FILE (an all-years warehouse)');
  const options: BenchOptions = {
    ...d,
    out,
    resultsPath: resolve(values.results ?? `${out}/results.json`),
    seed: values.seed === undefined ? d.seed : positiveInt('seed', values.seed),
    scale,
    year,
    allYears: values['years-all'] === undefined ? d.allYears : parseYears(values['years-all']),
    smallProvinces:
      values['small-provinces'] === undefined
        ? d.smallProvinces
        : positiveInt('small-provinces', values['small-provinces']),
    warmup: values.warmup === undefined ? d.warmup : positiveInt('warmup', values.warmup),
    reps: {
      ...d.reps,
      ...(reps === undefined ? {} : { loadCsv: Math.max(1, reps), loadXlsx: Math.max(1, reps) }),
      ...(dashboardReps === undefined
        ? {}
        : { dashboard: Math.max(1, dashboardReps), rawSql: Math.max(1, dashboardReps) }),
    },
    duration: values.duration === undefined ? d.duration : positiveInt('duration', values.duration),
    // A duration given is a duration run, in any profile.
    pullRequestsPerClient: values.duration === undefined ? d.pullRequestsPerClient : null,
    connections,
    pullYear:
      values['pull-year'] === undefined
        ? d.pullYear
        : positiveInt('pull-year', values['pull-year']),
    parts,
    peer: values.peer ?? false,
    givenFamily: values['given-family'] ?? false,
    warehouse: values.warehouse === undefined ? null : resolve(values.warehouse),
    template: values.template === undefined ? null : resolve(values.template),
    cliReps:
      values['cli-reps'] === undefined
        ? d.cliReps
        : Math.max(1, positiveInt('cli-reps', values['cli-reps'])),
    profileStatements: values['no-profile'] ? false : (values.profile ?? d.profileStatements),
    inProcess: values['in-process'] ?? d.inProcess,
    keepWork: values['keep-work'] ?? false,
    verbose: !values.quiet,
  };
  if (options.duration < 1) throw new Error('--duration must be at least 1 second');
  return options;
}
