import { parseArgs } from 'node:util';
import {
  DB,
  DB_PARSE,
  JSON_PARSE,
  LISTING,
  LISTING_PARSE,
  type CommandSpec,
} from './command-spec.ts';
import { OPEN_DATA_COMMANDS } from './open-data-commands.ts';
import { RELEASE_COMMANDS } from './release-commands.ts';

/** A mistake in how the command was called: exit 2 with one line and the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command: CommandName | undefined,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The commands of `coopstat`, in the order the help lists them. */
const COMMAND_NAMES = [
  'init',
  'load',
  'loads',
  'review',
  'release',
  'releases',
  'plans',
  'targets',
  'progress',
  'keys',
  'template',
  'export',
  'demo',
  'help',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Every command: what it takes, its help text and examples. */
const COMMANDS: Readonly<Record<CommandName, CommandSpec>> = {
  init: {
    summary: 'build or refresh the default warehouse from the reference data',
    usage: ['init [--db PATH] [--releases reviewed|automatic] [--json]'],
    options: [
      DB,
      [
        '--releases M',
        'reviewed: loads wait for `coopstat release` (the default for a new warehouse); automatic: each load is released with itself (one office, no review)',
      ],
      ['--json', 'print the report as JSON'],
    ],
    examples: [
      'coopstat init',
      'coopstat init --db /srv/coopstat/coopstat.duckdb',
      'coopstat init --db /tmp/office.duckdb --releases automatic',
    ],
    seeAlso: 'README.md, "How the warehouse keeps its promises"; reference/ holds the inputs',
    parse: {
      ...DB_PARSE,
      releases: { type: 'string' },
      ...JSON_PARSE,
    },
    positionals: 'none',
  },
  load: {
    summary: 'validate and publish Excel/CSV files of figures (each file whole or not at all)',
    usage: [
      'load FILE... [--db PATH] [--dry-run] [--replace] [--family aggregates|register]',
      '     [--source CODE] [--status REPORTED|ESTIMATED|PROVISIONAL] [--by NAME] [--json]',
    ],
    options: [
      DB,
      ['--dry-run', 'validate and count the changes, list what would be erased; write nothing'],
      [
        '--replace',
        "publish although the file erases published values, rows or another family's figures (refused without it)",
      ],
      ['--family F', 'aggregates or register (default: told from the header row)'],
      ['--source CODE', 'who published the figures (PSO, MINISTRY, VCA, OTHER; default PSO)'],
      ['--status S', 'REPORTED (default), ESTIMATED or PROVISIONAL'],
      ['--by NAME', 'who loads (default $USER), kept in the load log'],
      ['--json', 'print one report per file as JSON'],
    ],
    examples: [
      'coopstat load examples/aggregates-2024.csv --dry-run',
      'coopstat load thai-nguyen-2024.xlsx lai-chau-2024.csv --source MINISTRY',
    ],
    seeAlso:
      'README.md, "Input formats", and docs/input-format.md: every column, its accepted Vietnamese and English headers, unit and rule (`coopstat template` writes a workbook to fill in)',
    parse: {
      ...DB_PARSE,
      'dry-run': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      family: { type: 'string' },
      source: { type: 'string' },
      status: { type: 'string' },
      by: { type: 'string' },
      ...JSON_PARSE,
    },
    positionals: 'some',
  },
  loads: {
    summary: 'the load log',
    usage: ['loads [--db PATH] [--json|--csv]'],
    options: [DB, ...LISTING],
    examples: ['coopstat loads', 'coopstat loads --csv > loads.csv'],
    parse: LISTING_PARSE,
    positionals: 'none',
  },
  plans: {
    summary: 'the plans in the catalog (ids for `targets --plan` and `progress --plan`)',
    usage: ['plans [--db PATH] [--lang vi|en] [--wide] [--json|--csv]'],
    options: [
      DB,
      ['--lang vi|en', 'language of titles and area names (default en)'],
      ['--wide', 'do not shorten long cells'],
      ...LISTING,
    ],
    examples: ['coopstat plans', 'coopstat plans --lang vi --wide'],
    seeAlso: 'catalog/plans/*.yaml (one file per plan) and catalog/README.md',
    parse: {
      ...LISTING_PARSE,
      lang: { type: 'string' },
      wide: { type: 'boolean', default: false },
    },
    positionals: 'none',
  },
  targets: {
    summary: 'the targets of one plan: area, year, comparator, value and the plan’s words',
    usage: ['targets --plan ID [--db PATH] [--lang vi|en] [--wide] [--json|--csv]'],
    options: [
      ['--plan ID', 'the plan (ids as `coopstat plans` lists them)'],
      DB,
      ['--lang vi|en', 'language of area names and numbers (default en)'],
      ['--wide', 'do not shorten long cells'],
      ...LISTING,
    ],
    examples: [
      'coopstat targets --plan nq-20-nq-tw-2022',
      'coopstat targets --plan thai-nguyen-03-kh-ubnd-2023 --csv',
    ],
    seeAlso: 'catalog/README.md (comparators, qualifiers such as "khoảng" = about)',
    parse: {
      ...LISTING_PARSE,
      plan: { type: 'string' },
      lang: { type: 'string' },
      wide: { type: 'boolean', default: false },
    },
    positionals: 'none',
  },
  progress: {
    summary: 'progress of plan targets (default: every plan, as of the current year)',
    usage: [
      'progress [--plan ID] [--as-of YEAR] [--as-of-version N] [--db PATH] [--lang vi|en] [--wide] [--json|--csv]',
    ],
    options: [
      ['--plan ID', 'only this plan (ids as `coopstat plans` lists them)'],
      [
        '--as-of YEAR',
        'judge progress with the figures up to this year (default: the current year)',
      ],
      [
        '--as-of-version N',
        'judge with the figures as published in data version N (`coopstat loads` lists them); default: the current version',
      ],
      DB,
      [
        '--lang vi|en',
        'language of area names and numbers: 35,041 (en) or 35.041 (vi); default en',
      ],
      ['--wide', 'do not shorten long cells'],
      ...LISTING,
    ],
    examples: [
      'coopstat progress --plan nq-20-nq-tw-2022 --as-of 2025',
      'coopstat progress --lang vi',
      'coopstat progress --plan nq-20-nq-tw-2022 --as-of-version 2',
      'coopstat progress --json > progress.json',
    ],
    seeAlso: 'README.md, "Targets and progress" (statuses, CAGR, attainment)',
    parse: {
      ...LISTING_PARSE,
      plan: { type: 'string' },
      'as-of': { type: 'string' },
      'as-of-version': { type: 'string' },
      lang: { type: 'string' },
      wide: { type: 'boolean', default: false },
    },
    positionals: 'none',
  },
  keys: {
    summary: 'create, list and revoke API keys',
    usage: [
      'keys create --name NAME --role reader|loader|admin [--provinces 19,12] [--db PATH] [--json]',
      'keys list   [--db PATH] [--json|--csv]',
      'keys revoke ID [--db PATH]',
    ],
    options: [
      ['--name NAME', 'who or what the key is for'],
      ['--role R', 'reader, loader or admin'],
      ['--provinces C,C', 'a loader key may load only these province codes'],
      DB,
      ...LISTING,
    ],
    examples: [
      'coopstat keys create --name superset --role reader',
      'coopstat keys list',
      'coopstat keys revoke csk_0123456789ab',
    ],
    seeAlso: 'README.md, "API keys and roles" (the key is printed once; only its hash is kept)',
    parse: {
      ...LISTING_PARSE,
      name: { type: 'string' },
      role: { type: 'string' },
      provinces: { type: 'string' },
    },
    positionals: 'some',
  },
  ...RELEASE_COMMANDS,
  ...OPEN_DATA_COMMANDS,
  help: {
    summary: 'this text; `coopstat COMMAND --help` for one command',
    usage: ['help [COMMAND]'],
    options: [],
    examples: ['coopstat help progress'],
    parse: {},
    positionals: 'some',
  },
};

export const isCommand = (name: string | undefined): name is CommandName =>
  (COMMAND_NAMES as readonly string[]).includes(name ?? '');

/** The synopsis of one command, as usage errors print it. */
export function commandUsage(name: CommandName): string {
  return `Usage:\n${COMMANDS[name].usage.map((line) => `  coopstat ${line}`).join('\n')}`;
}

/** `coopstat COMMAND --help`: synopsis, options, examples, where to read more. */
export function commandHelp(name: CommandName): string {
  const spec = COMMANDS[name];
  const width = Math.max(0, ...spec.options.map(([flag]) => flag.length));
  return [
    `coopstat ${name} — ${spec.summary}`,
    '',
    commandUsage(name),
    ...(spec.options.length
      ? ['', 'Options:', ...spec.options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)]
      : []),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    ...(spec.seeAlso ? ['', `See ${spec.seeAlso}.`] : []),
  ].join('\n');
}

/** `coopstat help`: every command in one line each, the exit codes. */
export function globalHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((n) => n.length));
  return [
    'coopstat — the collective-economy statistics warehouse',
    '',
    'Usage: coopstat COMMAND [OPTIONS]',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    '`coopstat COMMAND --help` shows a command’s options and examples.',
    'Input formats: docs/input-format.md (`coopstat template` writes a workbook to fill in).',
    'Exit codes: 0 done, 1 a file was refused, 2 bad usage or a failure (the reason is printed).',
  ].join('\n');
}

/** What the command line asked for. */
export interface Invocation {
  readonly command: CommandName;
  /** Asked for `--help` / `-h` (or `help COMMAND`). */
  readonly help: boolean;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Node's parse errors, said in one line with the option the user typed. */
function usageReason(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option ?? error.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option && /argument missing|ambiguous/.test(error.message)
        ? `option '${option}' needs a value`
        : `option '${option ?? '?'}' takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[0] ?? ''}`.trim();
    default:
      return error.message.split('\n')[0]!;
  }
}

/**
 * Parses `argv` (without node and the script) strictly against the command's own options.
 * Throws {@link UsageError} for an unknown command or option, a missing value, or positionals
 * where none are taken.
 */
export function parseInvocation(argv: readonly string[]): Invocation {
  const first = argv.findIndex((a) => !a.startsWith('-'));
  const name = first === -1 ? undefined : argv[first];
  const rest = first === -1 ? [...argv] : [...argv.slice(0, first), ...argv.slice(first + 1)];
  if (name === undefined) {
    if (rest.every((a) => a === '--help' || a === '-h')) {
      return { command: 'help', help: false, values: {}, positionals: [] };
    }
    throw new UsageError(`a command is needed, but got '${rest[0]}'`, undefined);
  }
  if (!isCommand(name)) throw new UsageError(`unknown command '${name}'`, undefined);
  const spec = COMMANDS[name];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: spec.positionals === 'some',
      options: { ...spec.parse, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (error) {
    const e = error as Error & { code?: string };
    if (e.code?.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(usageReason(e), name);
    throw error;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.json && values.csv) throw new UsageError('choose one of --json and --csv', name);
  if (typeof values.lang === 'string' && values.lang !== 'vi' && values.lang !== 'en') {
    throw new UsageError(`--lang must be vi or en, but got '${values.lang}'`, name);
  }
  return { command: name, help: values.help === true, values, positionals: parsed.positionals };
}
