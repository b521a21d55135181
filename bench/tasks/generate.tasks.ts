import { mkdir } from 'node:fs/promises';
import { writeYearFiles, type Format } from '../generate/generate.ts';
import type { TaskContext } from './index.ts';

export interface GenerateArgs {
  readonly seed: number;
  readonly scale: number;
  readonly provinces?: number;
  readonly years: readonly number[];
  readonly format: Format;
  readonly outDir: string;
}

/** Writes register files with the bench's generator (`bench/generate/`), one per year. */
export async function generateRegisterFiles(
  args: GenerateArgs,
  ctx: TaskContext,
): Promise<{ year: number; path: string; rows: number; ms: number }[]> {
  await mkdir(args.outDir, { recursive: true });
  const written = await writeYearFiles({
    family: 'register',
    format: args.format,
    outDir: args.outDir,
    seed: args.seed,
    years: args.years,
    scale: args.scale,
    ...(args.provinces === undefined ? {} : { provinces: args.provinces }),
  });
  for (const w of written) ctx.progress(`generated ${w.path} (${w.rows} rows)`);
  return written.map((w) => ({ year: w.year, path: w.path, rows: w.rows, ms: w.ms }));
}
