import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Format } from '../generate/generate.ts';
import { runTask } from './child.ts';

/**
 * The generated input files, kept in `<out>/data/` between runs: the generator is deterministic,
 * so a file is reused when its manifest names the same seed, scale, provinces, year, format and
 * the same generator sources (a hash of `bench/generate/*.ts`). Anything else is regenerated.
 */

const GENERATOR_DIR = fileURLToPath(new URL('../generate/', import.meta.url));

/** SHA-256 (first 12 hex digits) of the generator's sources. */
export function generatorHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(GENERATOR_DIR)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    hash.update(name).update(readFileSync(join(GENERATOR_DIR, name)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** One generated register file. */
export interface DataFile {
  readonly year: number;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  /** Whether this run wrote it (else it was reused from an earlier run). */
  readonly generated: boolean;
}

interface Manifest {
  readonly seed: number;
  readonly scale: number;
  readonly provinces: number | null;
  readonly year: number;
  readonly format: Format;
  readonly generator: string;
  readonly rows: number;
  readonly bytes: number;
}

export interface DataSpec {
  readonly out: string;
  readonly seed: number;
  readonly scale: number;
  readonly provinces?: number;
  readonly years: readonly number[];
  readonly format: Format;
}

/** The folder of one seed × scale × provinces. */
export function dataDir(spec: Omit<DataSpec, 'years' | 'format'>): string {
  const p = spec.provinces === undefined ? '' : `-p${spec.provinces}`;
  return join(spec.out, 'data', `seed${spec.seed}-scale${spec.scale}${p}`);
}

async function readManifest(path: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(`${path}.manifest.json`, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/**
 * Makes sure every year's file exists and is current; generates the missing ones in one child
 * process (the simulation always runs from 2015, so one run writes any number of years).
 */
export async function ensureRegisterFiles(
  spec: DataSpec,
  onProgress: (line: string) => void,
): Promise<{ files: DataFile[]; generationMs: number }> {
  const dir = dataDir(spec);
  const generator = generatorHash();
  const wanted = [...new Set(spec.years)].sort((a, b) => a - b);
  const current = new Map<number, DataFile>();
  for (const year of wanted) {
    const path = join(dir, `register-${year}.${spec.format}`);
    const m = await readManifest(path);
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (
      m &&
      m.seed === spec.seed &&
      m.scale === spec.scale &&
      m.provinces === (spec.provinces ?? null) &&
      m.year === year &&
      m.format === spec.format &&
      m.generator === generator &&
      m.bytes === size
    ) {
      current.set(year, { year, path, rows: m.rows, bytes: size, generated: false });
    }
  }
  const missing = wanted.filter((y) => !current.has(y));
  let generationMs = 0;
  if (missing.length > 0) {
    const started = performance.now();
    const { result } = await runTask<{ year: number; path: string; rows: number }[]>(
      'generate',
      {
        seed: spec.seed,
        scale: spec.scale,
        ...(spec.provinces === undefined ? {} : { provinces: spec.provinces }),
        years: missing,
        format: spec.format,
        outDir: dir,
      },
      onProgress,
    );
    generationMs = performance.now() - started;
    for (const w of result) {
      const bytes = (await stat(w.path)).size;
      const manifest: Manifest = {
        seed: spec.seed,
        scale: spec.scale,
        provinces: spec.provinces ?? null,
        year: w.year,
        format: spec.format,
        generator,
        rows: w.rows,
        bytes,
      };
      await writeFile(`${w.path}.manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
      current.set(w.year, { year: w.year, path: w.path, rows: w.rows, bytes, generated: true });
    }
  }
  return { files: wanted.map((y) => current.get(y)!), generationMs };
}
