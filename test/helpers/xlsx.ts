import ExcelJS from 'exceljs';

/** A sheet to write: its name and rows (the first row is the header). */
export interface SheetSpec {
  readonly name: string;
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/** Writes a real `.xlsx` workbook with exceljs, numbers as numeric cells and text as text. */
export async function writeWorkbook(path: string, sheets: readonly SheetSpec[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name);
    for (const row of sheet.rows) worksheet.addRow([...row]);
  }
  await workbook.xlsx.writeFile(path);
}

/** Writes a workbook that `build` lays out with exceljs (merged cells, formulas, dates, …). */
export async function writeBuiltWorkbook(
  path: string,
  build: (workbook: ExcelJS.Workbook) => void,
): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  await workbook.xlsx.writeFile(path);
  return path;
}

/** Parses a small CSV text (no quoted commas) into rows, keeping cells as text. */
export function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(','));
}
