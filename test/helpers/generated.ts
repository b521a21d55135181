import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeYearFiles } from '../../bench/generate/generate.ts';
import { loadFile, type LoadReport } from '../../etl/load/load-file.ts';

/** One generated file of province aggregates. */
export interface GeneratedYear {
  readonly year: number;
  readonly path: string;
}

/**
 * Writes the bench generator's province aggregates (1% of the country, `seed`) for 2023 and 2025,
 * either side of the 2025 merger, into `dir`, and loads them into `db` through the real ETL.
 */
export async function loadGeneratedProvinces(
  db: string,
  dir: string,
  seed: number,
): Promise<GeneratedYear[]> {
  const files = await writeYearFiles({
    family: 'aggregates',
    format: 'csv',
    outDir: dir,
    seed,
    years: [2023, 2025],
    scale: 0.01,
  });
  for (const f of files) await loadFile(f.path, { db, maxYear: 2030 });
  return files;
}

/**
 * Loads a revision of Bắc Kạn's (06) 2023 figures, a province merged into Thái Nguyên (19) in
 * 2025: its rows of the generated 2023 file, each passed to `revise` with its cells (by column
 * name) and index, written beside the others. Returns the load's report and the rows revised.
 */
export async function loadBacKanRevision(
  db: string,
  dir: string,
  files: readonly GeneratedYear[],
  revise: (
    cell: (column: string, change: (value: number) => number) => void,
    index: number,
  ) => void,
): Promise<{ report: LoadReport; rows: number }> {
  const csv = (await readFile(files.find((f) => f.year === 2023)!.path, 'utf8')).split('\n');
  const header = csv[0]!.split(',');
  const rows = csv.filter((line) => line.startsWith('2023,06,'));
  const revised = rows.map((line, index) => {
    const cells = line.split(',');
    revise((column, change) => {
      const i = header.indexOf(column);
      cells[i] = String(change(Number(cells[i] || 0)));
    }, index);
    return cells.join(',');
  });
  const path = join(dir, 'bac-kan-2023-revised.csv');
  await writeFile(path, [csv[0], ...revised, ''].join('\n'));
  return { report: await loadFile(path, { db, maxYear: 2030 }), rows: rows.length };
}
