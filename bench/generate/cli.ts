import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { writeYearFiles, type Family, type Format, type WrittenFile } from './generate.ts';

/**
 * `tsx bench/generate/cli.ts --seed 42 --years 2015-2030 --family register|aggregates
 * --format csv|xlsx --out bench/out [--scale 1.0] [--provinces N]`: writes one file per year.
 */

const USAGE =
  'usage: tsx bench/generate/cli.ts --family register|aggregates [--seed 42] [--years 2015-2030] ' +
  '[--format csv|xlsx] [--out bench/out] [--scale 1.0] [--provinces 1-34]';

/** Parses "2015-2030", "2024" or "2015,2020,2025-2030" into years. */
export function parseYears(text: string): number[] {
  const years: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$/.exec(part);
    if (!m)
      throw new Error(`--years: cannot read "${part}" (expected 2015-2030, 2024 or a comma list)`);
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (to < from) throw new Error(`--years: ${part} runs backwards`);
    for (let y = from; y <= to; y++) years.push(y);
  }
  return years;
}

const num = (name: string, text: string): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new Error(`--${name}: not a number: ${text}`);
  return n;
};

/** Runs the generator CLI on `argv` (without the node and script paths); returns the files written. */
export async function runCli(
  argv: readonly string[],
  log: (line: string) => void = console.log,
): Promise<WrittenFile[]> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string', default: '42' },
      years: { type: 'string', default: '2015-2030' },
      family: { type: 'string' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string', default: 'bench/out' },
      scale: { type: 'string', default: '1' },
      provinces: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    log(USAGE);
    return [];
  }
  const family = values.family as Family | undefined;
  if (family !== 'register' && family !== 'aggregates')
    throw new Error(`--family must be register or aggregates\n${USAGE}`);
  const format = values.format as Format;
  if (format !== 'csv' && format !== 'xlsx')
    throw new Error(`--format must be csv or xlsx\n${USAGE}`);
  const seed = num('seed', values.seed!);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const started = performance.now();
  const files = await writeYearFiles({
    family,
    format,
    outDir: values.out!,
    seed,
    years: parseYears(values.years!),
    scale: num('scale', values.scale!),
    provinces: values.provinces === undefined ? undefined : num('provinces', values.provinces),
  });
  for (const f of files) log(`${f.path}\t${f.rows} rows\t${(f.ms / 1000).toFixed(2)} s`);
  const rows = files.reduce((s, f) => s + f.rows, 0);
  log(
    `${files.length} files, ${rows} rows in ${((performance.now() - started) / 1000).toFixed(2)} s`,
  );
  return files;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
