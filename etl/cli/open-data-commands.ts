import { DB, DB_PARSE, type CommandSpec } from './command-spec.ts';

/** `template`, `export` and `demo`: the workbook to fill in, open formats out, a scratch warehouse. */
export const OPEN_DATA_COMMANDS = {
  template: {
    summary: 'write the .xlsx input workbook of a family, with lists, notes and an example row',
    usage: ['template aggregates|register [--lang vi|en] [--year YEAR] [-o FILE.xlsx] [--db PATH]'],
    options: [
      ['--lang vi|en', 'language of the headers, lists and notes (default vi)'],
      [
        '--year YEAR',
        'reporting year: the province list holds the provinces valid on 31 December (default: last year)',
      ],
      ['-o FILE', 'where to write (default coopstat-FAMILY-YEAR-LANG.xlsx)'],
      DB,
    ],
    examples: [
      'coopstat template aggregates --year 2025 -o tong-hop-2025.xlsx',
      'coopstat template register --lang en',
    ],
    seeAlso: 'docs/input-format.md (the same columns, headers, units and rules)',
    parse: {
      ...DB_PARSE,
      lang: { type: 'string' },
      year: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    positionals: 'some',
  },
  export: {
    summary: 'write a release in open formats: Parquet, SDMX-CSV, CSV or .xlsx tables',
    usage: ['export --format parquet|sdmx-csv|csv|xlsx -o DIR [--release N|DRAFT] [--db PATH]'],
    options: [
      ['--format F', 'parquet, sdmx-csv, csv or xlsx'],
      ['-o DIR', 'the directory to write into (created if missing)'],
      [
        '--release N',
        'the release to export (default the latest; `coopstat releases` lists them); DRAFT = the loads not yet released',
      ],
      DB,
    ],
    examples: [
      'coopstat export --format parquet -o out/',
      'coopstat export --format sdmx-csv -o out/ --db /srv/coopstat/coopstat.duckdb',
      'coopstat export --format csv -o out/release-2/ --release 2',
    ],
    seeAlso: 'docs/open-formats.md (files, columns, types, units, grain; the SDMX structure)',
    parse: {
      ...DB_PARSE,
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      release: { type: 'string' },
    },
    positionals: 'none',
  },
  demo: {
    summary: 'build a scratch warehouse from examples/ (never the default warehouse)',
    usage: ['demo [--db PATH]'],
    options: [['--db PATH', 'the scratch warehouse (default ./data/demo.duckdb)']],
    examples: ['coopstat demo', 'coopstat demo --db /tmp/demo.duckdb'],
    seeAlso: 'README.md, "A year, end to end"',
    parse: DB_PARSE,
    positionals: 'none',
  },
} as const satisfies Record<'template' | 'export' | 'demo', CommandSpec>;
