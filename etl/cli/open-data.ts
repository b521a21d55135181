import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chooseVersion,
  parseReleaseText,
  UnknownReleaseError,
  type ChosenVersion,
} from '../../warehouse/release/release.queries.ts';
import { openReader } from '../../warehouse/store/warehouse-store.ts';
import {
  buildExportFile,
  EXPORT_FORMATS,
  exportFileNames,
  type ExportFormat,
} from '../export/open-formats.ts';
import { loadFile } from '../load/load-file.ts';
import { initWarehouse } from '../reference/init-warehouse.ts';

/** A mistake in a command's arguments, said in one line (exit 2). */
export class OpenDataUsageError extends Error {}

/** The warehouse `coopstat` uses when neither `--db` nor `$COOPSTAT_DB` is given. */
const DEFAULT_DB = 'data/coopstat.duckdb';
/** Where `coopstat demo` builds its scratch warehouse by default. */
export const DEMO_DB = 'data/demo.duckdb';

/**
 * The example files `coopstat demo` loads, in order, with their source: the register's totals
 * would replace the aggregates' figures of the same source, so it is loaded as another series.
 */
const EXAMPLE_FILES = [
  ['aggregates-2024.csv', 'PSO'],
  ['register-2024.csv', 'OTHER'],
] as const;

/**
 * `coopstat export`: writes every file of the format into `dir` from a release of the warehouse
 * (`release`: a number, `DRAFT` for the latest loads; default the latest release). Returns one
 * line per file written.
 */
export async function runExport(options: {
  format: string | undefined;
  dir: string | undefined;
  dbPath: string;
  release?: string | undefined;
}): Promise<string[]> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format ?? '')) {
    throw new OpenDataUsageError(
      `--format must be one of ${EXPORT_FORMATS.join(', ')}, but got '${options.format ?? ''}'`,
    );
  }
  if (!options.dir) throw new OpenDataUsageError('needs -o DIR, the directory to write into');
  // A folder that exists, or one to make (with its parents); never a file written over.
  const found = await stat(options.dir).catch(() => undefined);
  if (found && !found.isDirectory())
    throw new OpenDataUsageError(
      `-o must be a folder to write into, but got a file at ${options.dir}`,
    );
  const text = options.release;
  const choice = text === undefined ? undefined : parseReleaseText(text);
  if (choice === null)
    throw new OpenDataUsageError(
      `--release must be a release number or DRAFT, but got '${text!.slice(0, 40)}'`,
    );
  const db = await openReader(options.dbPath);
  try {
    let chosen: ChosenVersion;
    try {
      chosen = await chooseVersion(db, choice);
    } catch (error) {
      if (error instanceof UnknownReleaseError) throw new OpenDataUsageError(error.message);
      throw error;
    }
    await mkdir(options.dir, { recursive: true });
    const lines = [
      chosen.releaseNo === null
        ? `the draft, data version ${chosen.dataVersion} (not released: for review only)`
        : `release ${chosen.releaseNo} (data version ${chosen.dataVersion})`,
    ];
    const asOfYear = new Date().getUTCFullYear();
    for (const file of exportFileNames(options.format as ExportFormat)) {
      const body = await buildExportFile(db, file, {
        asOfYear,
        ...(chosen.asOfVersion === undefined ? {} : { asOfVersion: chosen.asOfVersion }),
      });
      const path = join(options.dir, file);
      await writeFile(path, body!);
      lines.push(`wrote ${path} (${body!.length} bytes)`);
    }
    return lines;
  } finally {
    db.close();
  }
}

/**
 * `coopstat demo`: builds a scratch warehouse from the reference data and the files in
 * `examples/`, so made-up example figures never reach the real warehouse. Refuses the default
 * warehouse's path. Returns one line per step.
 */
export async function runDemo(dbPath: string): Promise<string[]> {
  if (
    resolve(dbPath) === resolve(DEFAULT_DB) ||
    resolve(dbPath) === resolve(process.env.COOPSTAT_DB ?? DEFAULT_DB)
  ) {
    throw new OpenDataUsageError(
      `--db must name a scratch warehouse, not the real one, but got '${dbPath}'`,
    );
  }
  const init = await initWarehouse(dbPath);
  const lines = [`${dbPath}: reference data, data version ${init.dataVersion}`];
  for (const [name, source] of EXAMPLE_FILES) {
    const file = fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
    const report = await loadFile(file, { db: dbPath, source, loadedBy: 'demo' });
    lines.push(
      `examples/${name}: ${report.outcome.toLowerCase()} as load #${report.loadId}, data version ${report.dataVersion} (${report.rowsRead} rows)`,
    );
  }
  return lines;
}
