import { DB, DB_PARSE, JSON_PARSE, type CommandSpec } from './command-spec.ts';

/** `review`, `release` and `releases`: the national office's step between loads and the public. */
export const RELEASE_COMMANDS = {
  review: {
    summary: "review a year's draft: who reported, what changed since the last release, warnings",
    usage: ['review --year YEAR [--db PATH] [--json]'],
    options: [
      ['--year YEAR', 'the reporting year to review'],
      DB,
      ['--json', 'print the review as JSON'],
    ],
    examples: ['coopstat review --year 2024', 'coopstat review --year 2025 --json'],
    seeAlso: 'README.md, "One annual cycle" (review, release, notes)',
    parse: {
      ...DB_PARSE,
      year: { type: 'string' },
      ...JSON_PARSE,
    },
    positionals: 'none',
  },
  release: {
    summary: 'publish the reviewed draft as the next numbered release, with release notes',
    usage: [
      'release --year YEAR [--year YEAR…] | --all [--note TEXT] [--by NAME] [--db PATH] [--json]',
    ],
    options: [
      [
        '--year YEAR',
        'a year reviewed (repeatable); refused while drafts of years not named are pending',
      ],
      ['--all', 'release every pending draft, whatever its year'],
      ['--note TEXT', 'a note kept with the release and printed in its notes'],
      ['--by NAME', 'who releases (default: the OS user)'],
      DB,
      ['--json', 'print the release and its review as JSON'],
    ],
    examples: [
      'coopstat release --year 2024',
      'coopstat release --year 2024 --year 2023 --note "Lai Châu corrected its 2023 file"',
    ],
    seeAlso: 'README.md, "One annual cycle"; exit 1 when refused, nothing published',
    parse: {
      ...DB_PARSE,
      year: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      note: { type: 'string' },
      by: { type: 'string' },
      ...JSON_PARSE,
    },
    positionals: 'none',
  },
  releases: {
    summary: 'list the releases, or print the notes of one',
    usage: ['releases [--notes N] [--lang vi|en] [--db PATH] [--json]'],
    options: [
      ['--notes N', "print release N's notes (Markdown)"],
      ['--lang vi|en', 'language of the notes (default vi)'],
      DB,
      ['--json', 'print the releases (with their notes) as JSON'],
    ],
    examples: ['coopstat releases', 'coopstat releases --notes 2 --lang en'],
    parse: {
      ...DB_PARSE,
      notes: { type: 'string' },
      lang: { type: 'string' },
      ...JSON_PARSE,
    },
    positionals: 'none',
  },
} as const satisfies Record<'review' | 'release' | 'releases', CommandSpec>;
