/**
 * Streams the cells of an .xlsx upload as text with their exact place (sheet, Excel row, column
 * index), for the ETL to append to an all-VARCHAR staging table. Nothing is interpreted here:
 * numbers become canonical JS decimal text, dates `YYYY-MM-DD`, headers stay as written.
 *
 * Before any row, the package is checked with our own zip reader (`zip-directory.reader.ts`):
 * not a zip, truncated, zip bomb, corrupt deflate data, missing `xl/workbook.xml`, merged header
 * cells. Then the shared strings and each worksheet are inflated straight from the file by the
 * same zip reader and parsed as they stream (memory stays flat); one cell parser,
 * {@link readSheetRows}, serves the full read and the header peek ({@link readXlsxHeaders}).
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';

import { ReaderError } from './reader.error.ts';
import {
  MergeScanner,
  parseDateStyles,
  parseSharedStrings,
  parseWorkbookParts,
  type WorkbookSheetEntry,
} from './xlsx-parts.reader.ts';
import {
  describeError,
  readSheetRows,
  sharedCellTexts,
  type SheetContext,
  type XlsxRow,
  type XlsxWarning,
} from './xlsx-sheet.reader.ts';
import {
  inflateZipEntry,
  inflateZipEntryChunks,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
} from './zip-directory.reader.ts';

export { columnLetter, type XlsxRow, type XlsxWarning } from './xlsx-sheet.reader.ts';

/** Options of {@link readXlsx}. */
export interface ReadXlsxOptions {
  /** Longest cell text accepted (default 32767, Excel's own limit). */
  readonly maxCellChars?: number;
  /** Largest total uncompressed size of the package (default 512 MiB). */
  readonly maxUncompressedBytes?: number;
  /** Largest compression ratio of one part of at least 1 MiB (default 200). */
  readonly maxCompressionRatio?: number;
  /** Merged cells whose top row is within this many first rows are refused (default 10). */
  readonly headerRows?: number;
  /** Called for each warning (e.g. a formula cell read as its saved result). */
  readonly onWarning?: (warning: XlsxWarning) => void;
  /**
   * Called, before any row, with the merged ranges of each sheet that has some (e.g. `A1:J1`),
   * for a caller that finds the header row itself. When given, merged cells near the top are not
   * refused by the reader: the caller refuses those that touch its header row.
   */
  readonly onMergedCells?: (sheet: string, ranges: readonly string[]) => void;
  /**
   * Inflate each worksheet once: its rows come out while it is inflated and checked, merged cells
   * are found in the same pass (and told, or refused, after the last row), and the package's
   * other parts are checked before the first row. For a caller that keeps no row until the read
   * ends (the load's staging): on any refusal the whole package is then checked first, as
   * without this option, so the refusal is the one a read without it gives.
   */
  readonly onePass?: boolean;
}

/** A worksheet of a workbook, in workbook (tab) order. */
export interface XlsxSheet {
  readonly name: string;
  readonly hidden: boolean;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
  /** Path of the worksheet part inside the package. */
  readonly path: string;
}

const MERGED_RULE = 'headers must be one row of single cells';
const WORKBOOK_RULE = 'an .xlsx file must contain xl/workbook.xml';
const SHEET_PATH_RULE = 'a worksheet must be stored as xl/worksheets/sheet<N>.xml to be read';
const SHEET_MISSING_RULE = 'a sheet listed in the workbook must exist in the file';
const READ_RULE = 'an .xlsx file must be readable';
const SHARED_STRINGS = 'xl/sharedStrings.xml';

const DEFAULTS = {
  maxCellChars: 32767,
  maxUncompressedBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
  headerRows: 10,
};

/** What the pre-flight check learned about a package. */
interface CheckedWorkbook {
  readonly entries: ReadonlyMap<string, ZipEntry>;
  readonly sheets: readonly WorkbookSheetEntry[];
  readonly date1904: boolean;
  readonly dateStyles: ReadonlySet<number>;
}

/**
 * Lists the worksheets of a workbook in tab order, after checking the zip directory (not the
 * entries' data). Chart sheets are left out.
 */
export async function listSheets(
  path: string,
  options: Pick<ReadXlsxOptions, 'maxUncompressedBytes' | 'maxCompressionRatio'> = {},
): Promise<XlsxSheet[]> {
  const file = basename(path);
  const entries = await readDirectory(path, file, options);
  const { sheets } = await readWorkbookParts(path, file, entries);
  return sheets
    .filter((sheet) => sheet.kind === 'worksheet')
    .map(({ name, state, path: part }) => ({
      name,
      state,
      hidden: state !== 'visible',
      path: part,
    }));
}

/**
 * Streams the non-empty rows of every worksheet, sheet by sheet in the order the package stores
 * them (the tab order for files saved by Excel, LibreOffice and exceljs). Every refusal is a
 * {@link ReaderError}. Refusals about the package (zip, sizes, corrupt data, merged headers in
 * any sheet) come before the first row; a refusal about a cell comes after the rows before it.
 */
export async function* readXlsx(
  path: string,
  options: ReadXlsxOptions = {},
): AsyncGenerator<XlsxRow> {
  const file = basename(path);
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  if (settings.onePass) {
    yield* readXlsxOnePass(path, file, settings);
    return;
  }
  const book = await checkWorkbook(path, file, settings);
  const byPath = new Map(book.sheets.map((sheet) => [sheet.path, sheet]));
  try {
    const sharedStrings = await readSharedStrings(path, file, book.entries);
    // Worksheets in the order the package stores them, each inflated straight from the file.
    for (const entry of book.entries.values()) {
      const sheet = byPath.get(entry.name);
      if (sheet === undefined || sheet.kind !== 'worksheet') continue;
      yield* sheetRows(path, entry, sheet, { ...book, file, sharedStrings }, settings);
    }
  } catch (error) {
    if (error instanceof ReaderError) throw error;
    throw new ReaderError({ rule: READ_RULE, value: describeError(error), file }, { cause: error });
  }
}

/**
 * {@link readXlsx} with `onePass`: the directory, workbook parts and every part but the
 * worksheets are checked first (they are small); each worksheet is inflated once, its merged
 * ranges collected from the same bytes. Any refusal sends the package through the full check
 * of {@link checkWorkbook} before it is thrown, so a defect of the package is told first, as
 * the two-pass read tells it.
 */
async function* readXlsxOnePass(
  path: string,
  file: string,
  settings: typeof DEFAULTS & ReadXlsxOptions,
): AsyncGenerator<XlsxRow> {
  try {
    const parts = await checkWorkbookParts(path, file, settings);
    const sheetPaths = new Set(parts.sheets.map((sheet) => sheet.path));
    for (const entry of parts.entries.values()) {
      if (!sheetPaths.has(entry.name) && entry.name !== SHARED_STRINGS)
        await inflateZipEntry(path, file, entry, () => {});
    }
    const dateStyles = await readDateStyles(path, file, parts.entries, parts.stylesPath);
    const book = { ...parts, dateStyles };
    const sharedStrings = await readSharedStrings(path, file, book.entries);
    const byPath = new Map(book.sheets.map((sheet) => [sheet.path, sheet]));
    const merges = new Map<string, string[]>();
    for (const entry of book.entries.values()) {
      const sheet = byPath.get(entry.name);
      if (sheet === undefined || sheet.kind !== 'worksheet') continue;
      let scanner = new MergeScanner();
      const openChunks = async function* (): AsyncGenerator<Buffer> {
        // A fresh scanner for each read of the part (the sheet parser may read it again).
        scanner = new MergeScanner();
        for await (const chunk of inflateZipEntryChunks(path, file, entry)) {
          scanner.push(chunk);
          yield chunk;
        }
      };
      yield* readSheetRows(
        openChunks,
        sheetContext(sheet, { ...book, file, sharedStrings }, settings),
      );
      merges.set(entry.name, scanner.ranges());
    }
    reportMerges(book.sheets, merges, settings, file);
  } catch (error) {
    // The full check first: a defect of the package is the refusal, as without `onePass`.
    await checkWorkbook(path, file, settings);
    if (error instanceof ReaderError) throw error;
    throw new ReaderError({ rule: READ_RULE, value: describeError(error), file }, { cause: error });
  }
}

/** What every worksheet of one workbook is read with. */
interface SharedParts {
  readonly file: string;
  readonly sharedStrings: readonly (string | null)[];
  readonly dateStyles: ReadonlySet<number>;
  readonly date1904: boolean;
}

/**
 * The last shared-string table read, by the file and part it came from: a load reads a workbook's
 * table twice, for the header peek that tells its family and for the rows, and a national
 * register's table (11 MB, one name per organisation) takes ~0.15 s to read (~0.4 s when saxes
 * reads it). Held weakly, so it never keeps memory the process needs: once collected, the next
 * read parses again.
 */
let lastTable:
  { readonly key: string; readonly strings: WeakRef<readonly (string | null)[]> } | undefined;
/**
 * The table of the last header peek, held strongly until a read of the same part takes it: the
 * peek and the read of one load are apart by the hashing and the warehouse copy, and a garbage
 * collection between them dropped the weak hold, so the first load of a national workbook in a
 * process parsed its table twice. Let go when a read takes it, when another peek pins its own,
 * or after {@link PIN_MS} (a peek whose load stopped before reading the rows).
 */
let pinned:
  | {
      readonly key: string;
      readonly strings: readonly (string | null)[];
      readonly timer: NodeJS.Timeout;
    }
  | undefined;
const PIN_MS = 60_000;

function unpin(): void {
  if (pinned) clearTimeout(pinned.timer);
  pinned = undefined;
}

function pin(key: string, strings: readonly (string | null)[]): void {
  unpin();
  pinned = { key, strings, timer: setTimeout(unpin, PIN_MS).unref() };
}

let tablesParsed = 0;

/** How many shared-string tables were parsed rather than taken from the last read (for tests). */
export const sharedStringTablesParsed = (): number => tablesParsed;

/** A package's shared-string table as cell texts ({@link sharedCellTexts}); empty without one. */
async function readSharedStrings(
  path: string,
  file: string,
  entries: ReadonlyMap<string, ZipEntry>,
  use: 'peek' | 'read' = 'read',
): Promise<readonly (string | null)[]> {
  const entry = entries.get(SHARED_STRINGS);
  if (!entry) return [];
  // The same file (same inode, size and modification time) and the same part in it.
  const { dev, ino, size, mtimeMs } = await stat(path);
  const key = [
    path,
    dev,
    ino,
    size,
    mtimeMs,
    entry.localHeaderOffset,
    entry.compressedSize,
    entry.uncompressedSize,
    entry.crc32,
  ].join('\u0000');
  let strings: readonly (string | null)[] | undefined;
  if (pinned?.key === key) {
    strings = pinned.strings;
    if (use === 'read') unpin();
  } else if (lastTable?.key === key) strings = lastTable.strings.deref();
  if (!strings) {
    strings = sharedCellTexts(await parseSharedStrings(inflateZipEntryChunks(path, file, entry)));
    tablesParsed++;
    lastTable = { key, strings: new WeakRef(strings) };
  }
  if (use === 'peek') pin(key, strings);
  return strings;
}

/** The rows of one worksheet, inflated straight from the file and read by the one cell parser. */
function sheetRows(
  path: string,
  entry: ZipEntry,
  sheet: WorkbookSheetEntry,
  parts: SharedParts,
  options: Pick<ReadXlsxOptions, 'onWarning'> & { readonly maxCellChars: number },
): AsyncGenerator<XlsxRow> {
  return readSheetRows(
    () => inflateZipEntryChunks(path, parts.file, entry),
    sheetContext(sheet, parts, options),
  );
}

/** What the cells of one worksheet are read with. */
function sheetContext(
  sheet: WorkbookSheetEntry,
  parts: SharedParts,
  options: Pick<ReadXlsxOptions, 'onWarning'> & { readonly maxCellChars: number },
): SheetContext {
  return {
    file: parts.file,
    sheet: sheet.name,
    hidden: sheet.state !== 'visible',
    sharedStrings: parts.sharedStrings,
    dateStyles: parts.dateStyles,
    date1904: parts.date1904,
    maxCellChars: options.maxCellChars,
    onWarning: options.onWarning,
  };
}

// ---------------------------------------------------------------------------------------------
// Pre-flight check of the package

async function readDirectory(
  path: string,
  file: string,
  options: Pick<ReadXlsxOptions, 'maxUncompressedBytes' | 'maxCompressionRatio'>,
): Promise<Map<string, ZipEntry>> {
  const entries = await readZipDirectory(path, file, {
    maxUncompressedBytes: options.maxUncompressedBytes ?? DEFAULTS.maxUncompressedBytes,
    maxCompressionRatio: options.maxCompressionRatio ?? DEFAULTS.maxCompressionRatio,
  });
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  if (!byName.has('xl/workbook.xml')) {
    const names = entries.slice(0, 3).map((entry) => entry.name);
    const listed = names.length === 0 ? 'no entries' : `entries ${names.join(', ')}`;
    throw new ReaderError({
      rule: WORKBOOK_RULE,
      value: `a zip archive without it (${listed}${entries.length > 3 ? ', …' : ''})`,
      file,
    });
  }
  return byName;
}

async function readWorkbookParts(
  path: string,
  file: string,
  entries: ReadonlyMap<string, ZipEntry>,
): Promise<ReturnType<typeof parseWorkbookParts>> {
  const workbook = await readZipEntry(path, file, entries.get('xl/workbook.xml') as ZipEntry);
  const relsEntry = entries.get('xl/_rels/workbook.xml.rels');
  const rels = relsEntry ? await readZipEntry(path, file, relsEntry) : undefined;
  try {
    return parseWorkbookParts(workbook, rels);
  } catch (cause) {
    throw new ReaderError(
      { rule: 'xl/workbook.xml must be well-formed XML', value: describeError(cause), file },
      { cause },
    );
  }
}

/**
 * Checks the directory, inflates every entry once (sizes, CRC, corrupt data) while scanning the
 * worksheets for merged header cells, and reads the workbook, relationships and styles parts.
 */
async function checkWorkbook(
  path: string,
  file: string,
  settings: typeof DEFAULTS & Pick<ReadXlsxOptions, 'onMergedCells'>,
): Promise<CheckedWorkbook> {
  const { entries, sheets, date1904, stylesPath } = await checkWorkbookParts(path, file, settings);
  const sheetPaths = new Set(sheets.map((sheet) => sheet.path));
  const merges = new Map<string, string[]>();
  for (const entry of entries.values()) {
    if (sheetPaths.has(entry.name)) {
      const scanner = new MergeScanner();
      await inflateZipEntry(path, file, entry, (chunk) => scanner.push(chunk));
      merges.set(entry.name, scanner.ranges());
    } else {
      await inflateZipEntry(path, file, entry, () => {});
    }
  }
  reportMerges(sheets, merges, settings, file);
  const dateStyles = await readDateStyles(path, file, entries, stylesPath);
  return { entries, sheets, date1904, dateStyles };
}

/**
 * The merged ranges of each worksheet (by part path) told to `onMergedCells`, or refused when
 * they touch the first `headerRows` rows; sheets in workbook order.
 */
function reportMerges(
  sheets: readonly WorkbookSheetEntry[],
  merges: ReadonlyMap<string, readonly string[]>,
  settings: typeof DEFAULTS & Pick<ReadXlsxOptions, 'onMergedCells'>,
  file: string,
): void {
  for (const sheet of sheets) {
    const ranges = merges.get(sheet.path) ?? [];
    if (settings.onMergedCells) {
      if (ranges.length > 0) settings.onMergedCells(sheet.name, ranges);
    } else refuseMergedHeaders(ranges, settings.headerRows, file, sheet.name);
  }
}

/**
 * Checks the directory, the workbook's list of sheets and their part paths, and reads the
 * workbook, relationships and styles parts (the entries' data is not inflated here).
 */
async function checkWorkbookParts(
  path: string,
  file: string,
  settings: Pick<ReadXlsxOptions, 'maxUncompressedBytes' | 'maxCompressionRatio'> = DEFAULTS,
): Promise<Omit<CheckedWorkbook, 'dateStyles'> & { readonly stylesPath?: string }> {
  const entries = await readDirectory(path, file, settings);
  const { sheets, date1904, stylesPath } = await readWorkbookParts(path, file, entries);
  for (const sheet of sheets) {
    if (sheet.kind !== 'worksheet') continue;
    if (!entries.has(sheet.path)) {
      throw new ReaderError({
        rule: SHEET_MISSING_RULE,
        value: `no ${sheet.path || 'part'} for sheet ${sheet.name}`,
        file,
      });
    }
    if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(sheet.path)) {
      throw new ReaderError({
        rule: SHEET_PATH_RULE,
        value: `${sheet.path} for sheet ${sheet.name}`,
        file,
      });
    }
  }
  return { entries, sheets, date1904, stylesPath };
}

/** The style indexes of date formats, from the styles part when there is one. */
async function readDateStyles(
  path: string,
  file: string,
  entries: ReadonlyMap<string, ZipEntry>,
  stylesPath: string | undefined,
): Promise<Set<number>> {
  const stylesEntry = stylesPath === undefined ? undefined : entries.get(stylesPath);
  if (stylesEntry === undefined) return new Set<number>();
  try {
    return parseDateStyles(await readZipEntry(path, file, stylesEntry));
  } catch (cause) {
    if (cause instanceof ReaderError) throw cause;
    throw new ReaderError(
      { rule: `${stylesEntry.name} must be well-formed XML`, value: describeError(cause), file },
      { cause },
    );
  }
}

function refuseMergedHeaders(
  ranges: readonly string[],
  headerRows: number,
  file: string,
  sheet: string,
): void {
  const inHeader = ranges.filter((range) => {
    const top = /^[A-Za-z]+(\d+)/.exec(range);
    return top !== null && Number(top[1]) <= headerRows;
  });
  if (inHeader.length === 0) return;
  const shown = inHeader.slice(0, 5).join(', ') + (inHeader.length > 5 ? ', …' : '');
  throw new ReaderError({ rule: MERGED_RULE, value: `merged cells ${shown}`, file, sheet });
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** The first non-empty row of one worksheet, as text (shared and inline strings, raw values). */
export interface XlsxHeaderRow {
  readonly sheet: string;
  readonly cells: (string | null)[];
}

/**
 * Reads only the first non-empty rows of every worksheet (`rowsPerSheet`, default 1), straight
 * from the zip: enough to find the header row below any title rows and tell a file's family
 * before loading it. Each sheet is inflated only up to that row, and its cells are
 * read by the same parser as {@link readXlsx} (a cell the load would refuse is refused here, with
 * the same message); the full pre-flight check of every entry is left to the load.
 */
export async function readXlsxHeaders(path: string, rowsPerSheet = 1): Promise<XlsxHeaderRow[]> {
  const file = basename(path);
  const entries = await readDirectory(path, file, {});
  const { sheets, date1904, stylesPath } = await readWorkbookParts(path, file, entries);
  const sharedStrings = await readSharedStrings(path, file, entries, 'peek');
  const dateStyles = await readDateStyles(path, file, entries, stylesPath);
  const parts = { file, sharedStrings, dateStyles, date1904 };
  const rows: XlsxHeaderRow[] = [];
  try {
    for (const sheet of sheets.filter((s) => s.kind === 'worksheet')) {
      const entry = entries.get(sheet.path);
      if (!entry) continue;
      const rowsOfSheet = sheetRows(path, entry, sheet, parts, DEFAULTS);
      let taken = 0;
      for await (const row of rowsOfSheet) {
        rows.push({ sheet: sheet.name, cells: row.cells });
        if (++taken >= rowsPerSheet) break; // closes the sheet's stream
      }
    }
  } catch (error) {
    // A sheet is parsed a chunk at a time, so the peek can meet damage below its rows (bytes
    // flipped in a deflated part inflate to garbage before the CRC tells): the package's own
    // defect is the refusal, as the load's check of the package gives it. Merged cells are the
    // load's to judge, by its header row.
    await checkWorkbook(path, file, { ...DEFAULTS, onMergedCells: () => {} });
    throw error;
  }
  return rows;
}
