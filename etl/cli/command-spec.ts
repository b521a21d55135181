import type { ParseArgsConfig } from 'node:util';

/** How `node:util`'s `parseArgs` reads one option. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string];

/** One command of `coopstat`: what it takes, its help text and examples. */
export interface CommandSpec {
  /** One line for the global help. */
  readonly summary: string;
  /** The synopsis lines, without the leading `coopstat `. */
  readonly usage: readonly string[];
  /** What each option does, `[flag, text]`. */
  readonly options: readonly (readonly [string, string])[];
  readonly examples: readonly string[];
  /** Where the input or the output is described further. */
  readonly seeAlso?: string;
  readonly parse: Record<string, OptionSpec>;
  readonly positionals: 'none' | 'some';
}

/** The `--db` option as most commands' help describes it. */
export const DB = [
  '--db PATH',
  'the warehouse file (default $COOPSTAT_DB, else ./data/coopstat.duckdb)',
] as const;
/** How `--db PATH` is parsed. */
export const DB_PARSE = { db: { type: 'string' } } as const satisfies Record<string, OptionSpec>;
/** How `--json` is parsed. */
export const JSON_PARSE = {
  json: { type: 'boolean', default: false },
} as const satisfies Record<string, OptionSpec>;

/** The output options of a listing command. */
export const LISTING = [
  ['--json', 'print the rows as JSON'],
  ['--csv', 'print the rows as CSV (RFC 4180, UTF-8, a header row)'],
] as const;
/** How a listing command's `--db`, `--json` and `--csv` are parsed. */
export const LISTING_PARSE = {
  ...DB_PARSE,
  ...JSON_PARSE,
  csv: { type: 'boolean', default: false },
} as const satisfies Record<string, OptionSpec>;
