/**
 * Measures `readXlsx` on a generated 100k-row × 20-column workbook: wall time and peak RSS, each
 * reader in a fresh child process so the generator's memory does not count. Also runs exceljs's
 * plain streaming reader on the same file as a baseline.
 *
 *   npx tsx bench/xlsx-read.bench.ts [rows]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ExcelJS from 'exceljs';

import { readXlsx } from '../etl/readers/xlsx.reader.ts';

const COLUMNS = 20;

async function generate(path: string, rows: number): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheet = writer.addWorksheet('HTX');
  sheet
    .addRow([
      'Mã tỉnh',
      'Tên hợp tác xã',
      'Số HTX',
      'Số thành viên',
      ...Array.from({ length: COLUMNS - 4 }, (_, i) => `Chỉ tiêu ${i + 1}`),
    ])
    .commit();
  for (let r = 0; r < rows; r++) {
    const values: (string | number)[] = [
      String(r % 63).padStart(2, '0'),
      `Hợp tác xã nông nghiệp số ${r}`,
      r % 97,
      (r * 7919) % 5000,
    ];
    for (let c = 4; c < COLUMNS; c++) values.push(c % 3 === 0 ? ((r * c) % 1000) / 8 : r * c);
    sheet.addRow(values).commit();
  }
  await writer.commit();
}

async function readWithReaders(path: string): Promise<number> {
  let cells = 0;
  for await (const row of readXlsx(path)) cells += row.cells.length;
  return cells;
}

async function readWithExcelJs(path: string): Promise<number> {
  let cells = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {});
  for await (const sheet of reader) for await (const row of sheet) cells += row.cellCount;
  return cells;
}

async function child(mode: string, path: string): Promise<void> {
  const started = performance.now();
  const cells = mode === 'exceljs' ? await readWithExcelJs(path) : await readWithReaders(path);
  const seconds = (performance.now() - started) / 1000;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${mode.padEnd(8)} ${cells} cells in ${seconds.toFixed(2)} s, peak RSS ${peakMiB.toFixed(0)} MiB`,
  );
}

async function main(): Promise<void> {
  const [mode, path] = process.argv.slice(2);
  if (mode === 'readers' || mode === 'exceljs') return child(mode, path);
  const rows = Number(mode ?? 100_000);
  const file = join(tmpdir(), `coopstat-bench-${rows}x${COLUMNS}.xlsx`);
  if (!existsSync(file)) await generate(file, rows);
  console.log(`${file}: ${((await stat(file)).size / 1048576).toFixed(1)} MiB`);
  for (const reader of ['readers', 'exceljs']) {
    execFileSync(process.execPath, [...process.execArgv, process.argv[1], reader, file], {
      stdio: 'inherit',
    });
  }
}

await main();
