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
import { basename } from 'node:path';

import { ReaderError, type ReaderPlace } from './reader.error.ts';
import {
  MergeScanner,
  createSaxParser,
  decodeOoxmlEscapes,
  localName,
  parseDateStyles,
  parseSharedStrings,
  parseWorkbookParts,
  type WorkbookSheetEntry,
} from './xlsx-parts.reader.ts';
import {
  inflateZipEntry,
  inflateZipEntryChunks,
  readZipDirectory,
  readZipEntry,
  type ZipEntry,
} from './zip-directory.reader.ts';

/** One row of a worksheet that holds at least one non-empty cell. */
export interface XlsxRow {
  readonly sheet: string;
  /** True when the sheet is hidden or very hidden in Excel (its rows are still read). */
  readonly hidden: boolean;
  /** 1-based Excel row number. */
  readonly row: number;
  /** Cell text; index 0 is column A; `null` for an empty cell; no trailing nulls. */
  readonly cells: (string | null)[];
  /**
   * Indexes of the cells typed as numbers with a fractional part (written `980.25` in `cells`
   * whatever the text convention of other cells), absent when there are none.
   */
  readonly fractional?: number[];
}

/** Something read but worth telling the uploader, e.g. a formula whose saved result was used. */
export interface XlsxWarning extends ReaderPlace {
  readonly value: string;
  readonly sheet: string;
  readonly row: number;
  readonly column: string;
}

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
}

/** A worksheet of a workbook, in workbook (tab) order. */
export interface XlsxSheet {
  readonly name: string;
  readonly hidden: boolean;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
  /** Path of the worksheet part inside the package. */
  readonly path: string;
}

/** The rule a cell holding an error (#REF!, #N/A, …) breaks. */
export const CELL_VALUE_RULE = 'a cell must hold a value';
/** The rule of the warning a formula cell read as its saved result raises. */
export const FORMULA_WARNING_RULE =
  'a cell should hold a value rather than a formula, so its saved result was used';
const FORMULA_RULE = 'a cell must hold a value, not a formula without a saved result';
const MERGED_RULE = 'headers must be one row of single cells';
const WORKBOOK_RULE = 'an .xlsx file must contain xl/workbook.xml';
const XML_RULE = 'a worksheet must be well-formed UTF-8 XML';
const SHEET_PATH_RULE = 'a worksheet must be stored as xl/worksheets/sheet<N>.xml to be read';
const SHEET_MISSING_RULE = 'a sheet listed in the workbook must exist in the file';
const READ_RULE = 'an .xlsx file must be readable';
const CELL_REF_RULE = "a cell reference must name one of Excel's 16384 columns";
const NUL_RULE = 'a cell must hold text without NUL characters';
const MAX_COLUMN_INDEX = 16383;

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
  const book = await checkWorkbook(path, file, settings);
  const byPath = new Map(book.sheets.map((sheet) => [sheet.path, sheet]));
  try {
    const sharedEntry = book.entries.get('xl/sharedStrings.xml');
    const sharedStrings = sharedEntry
      ? await parseSharedStrings(inflateZipEntryChunks(path, file, sharedEntry))
      : [];
    // Worksheets in the order the package stores them, each inflated straight from the file.
    for (const entry of book.entries.values()) {
      const sheet = byPath.get(entry.name);
      if (sheet === undefined || sheet.kind !== 'worksheet') continue;
      yield* readSheetRows(inflateZipEntryChunks(path, file, entry), {
        file,
        sheet: sheet.name,
        hidden: sheet.state !== 'visible',
        sharedStrings,
        dateStyles: book.dateStyles,
        date1904: book.date1904,
        maxCellChars: settings.maxCellChars,
        onWarning: options.onWarning,
      });
    }
  } catch (error) {
    if (error instanceof ReaderError) throw error;
    throw new ReaderError({ rule: READ_RULE, value: describe(error), file }, { cause: error });
  }
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
      { rule: 'xl/workbook.xml must be well-formed XML', value: describe(cause), file },
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
  for (const sheet of sheets) {
    const ranges = merges.get(sheet.path) ?? [];
    if (settings.onMergedCells) {
      if (ranges.length > 0) settings.onMergedCells(sheet.name, ranges);
    } else refuseMergedHeaders(ranges, settings.headerRows, file, sheet.name);
  }
  const dateStyles = await readDateStyles(path, file, entries, stylesPath);
  return { entries, sheets, date1904, dateStyles };
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
      { rule: `${stylesEntry.name} must be well-formed XML`, value: describe(cause), file },
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

// ---------------------------------------------------------------------------------------------
// Worksheet XML → rows of text

interface SheetContext {
  readonly file: string;
  readonly sheet: string;
  readonly hidden: boolean;
  readonly sharedStrings: readonly string[];
  readonly dateStyles: ReadonlySet<number>;
  readonly date1904: boolean;
  readonly maxCellChars: number;
  readonly onWarning?: (warning: XlsxWarning) => void;
}

/** A `<c>` element being parsed. */
interface CellState {
  col: number;
  type: string;
  style: number;
  formula: string | null;
  sharedFormula: string | null;
  value: string | null;
  inline: string | null;
}

async function* readSheetRows(
  chunks: AsyncIterable<Buffer>,
  context: SheetContext,
): AsyncGenerator<XlsxRow> {
  const parser = createSaxParser();
  const ready: XlsxRow[] = [];
  const sharedFormulas = new Map<string, string>();
  let rowNumber = 0;
  let cells: (string | null)[] = [];
  let fractional: number[] | undefined;
  let nextCol = 0;
  let cell: CellState | null = null;
  let target: 'formula' | 'value' | 'inline' | null = null;
  let inInline = false;
  let phonetic = 0;
  let formulaSi: string | undefined;
  let refusal: unknown = null;

  parser.on('opentag', (tag) => {
    switch (localName(tag.name)) {
      case 'row': {
        const r = Number(tag.attributes.r);
        rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
        cells = [];
        fractional = undefined;
        nextCol = 0;
        break;
      }
      case 'c': {
        const ref = tag.attributes.r;
        const col = ref ? columnIndex(ref) : nextCol;
        if ((col < 0 || col > MAX_COLUMN_INDEX) && refusal === null) {
          refusal = new ReaderError({
            rule: CELL_REF_RULE,
            value: ref ?? '',
            file: context.file,
            sheet: context.sheet,
            row: rowNumber,
          });
        }
        cell = {
          col: refusal === null ? col : 0,
          type: tag.attributes.t ?? 'n',
          style: Number(tag.attributes.s ?? 0),
          formula: null,
          sharedFormula: null,
          value: null,
          inline: null,
        };
        break;
      }
      case 'f':
        if (cell) {
          cell.formula = '';
          formulaSi = tag.attributes.t === 'shared' ? tag.attributes.si : undefined;
          target = tag.isSelfClosing ? null : 'formula';
          if (formulaSi !== undefined && tag.isSelfClosing) {
            cell.sharedFormula = sharedFormulas.get(formulaSi) ?? null;
          }
        }
        break;
      case 'v':
        if (cell) {
          cell.value = '';
          target = tag.isSelfClosing ? null : 'value';
        }
        break;
      case 'is':
        if (cell) {
          inInline = true;
          cell.inline = '';
        }
        break;
      case 'rPh':
        phonetic++;
        break;
      case 't':
        if (cell && inInline && phonetic === 0 && !tag.isSelfClosing) target = 'inline';
        break;
    }
  });
  parser.on('closetag', (tag) => {
    switch (localName(tag.name)) {
      case 'f':
        if (cell && formulaSi !== undefined && cell.formula) {
          sharedFormulas.set(
            formulaSi,
            `=${cell.formula} (shared from ${cellRef(cell.col, rowNumber)})`,
          );
        }
        target = null;
        break;
      case 'v':
      case 't':
        target = null;
        break;
      case 'is':
        inInline = false;
        break;
      case 'rPh':
        phonetic--;
        break;
      case 'c':
        if (cell && refusal === null) {
          let text: string | null;
          try {
            text = cellText(cell, rowNumber, context);
          } catch (error) {
            // Deliver the rows before this one first, whatever the chunking, then refuse.
            refusal = error;
            cell = null;
            break;
          }
          if (text !== null) {
            cells[cell.col] = text;
            if (isFractionalNumber(cell, text, context)) (fractional ??= []).push(cell.col);
          }
          nextCol = cell.col + 1;
          cell = null;
        }
        break;
      case 'row':
        if (cells.length > 0 && refusal === null) {
          for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
          ready.push(
            fractional
              ? { sheet: context.sheet, hidden: context.hidden, row: rowNumber, cells, fractional }
              : { sheet: context.sheet, hidden: context.hidden, row: rowNumber, cells },
          );
        }
        cells = [];
        fractional = undefined;
        break;
    }
  });
  const onText = (text: string): void => {
    if (cell === null || target === null) return;
    if (target === 'formula') cell.formula += text;
    else if (target === 'value') cell.value += text;
    else cell.inline += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  const iterator = chunks[Symbol.asyncIterator]();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (;;) {
    const next = await iterator.next();
    try {
      if (next.done) {
        parser.write(decoder.decode());
        parser.close();
      } else {
        parser.write(decoder.decode(next.value, { stream: true }));
      }
    } catch (error) {
      if (error instanceof ReaderError) throw error;
      throw new ReaderError(
        { rule: XML_RULE, value: describe(error), file: context.file, sheet: context.sheet },
        { cause: error },
      );
    }
    if (ready.length > 0) {
      yield* ready;
      ready.length = 0;
    }
    if (refusal !== null) throw refusal;
    if (next.done) return;
  }
}

/** The text of one cell, `null` when empty; throws a {@link ReaderError} for refused cells. */
function cellText(cell: CellState, row: number, context: SheetContext): string | null {
  if (cell.type === 'e') {
    const formula = formulaText(cell);
    const from = formula === null ? '' : ` (from ${formula})`;
    throw new ReaderError({
      rule: CELL_VALUE_RULE,
      value: `the error ${(cell.value ?? '').trim()}${from}`,
      ...cellPlace(context, row, cell.col),
    });
  }
  let text: string | null;
  const formula = formulaText(cell);
  if (formula !== null) {
    const hasResult = cell.value !== null && (cell.value !== '' || cell.type === 'str');
    if (!hasResult)
      throw new ReaderError({
        rule: FORMULA_RULE,
        value: formula,
        ...cellPlace(context, row, cell.col),
      });
    text = valueText(cell, context);
    context.onWarning?.({
      rule: FORMULA_WARNING_RULE,
      value: formula,
      ...cellPlace(context, row, cell.col),
    });
  } else {
    text = valueText(cell, context);
  }
  // XML cannot carry U+0000, but Excel's escape `_x0000_` can; a CSV with one is refused too.
  if (text !== null && text.includes('\u0000')) {
    throw new ReaderError({
      rule: NUL_RULE,
      value: 'a NUL character (written _x0000_)',
      ...cellPlace(context, row, cell.col),
    });
  }
  if (text !== null && text.length > context.maxCellChars) {
    throw new ReaderError({
      rule: `a cell must hold at most ${context.maxCellChars} characters`,
      value: `${text.length} characters`,
      ...cellPlace(context, row, cell.col),
    });
  }
  return text;
}

function cellPlace(context: SheetContext, row: number, col: number) {
  return { file: context.file, sheet: context.sheet, row, column: columnLetter(col) };
}

function formulaText(cell: CellState): string | null {
  if (cell.formula === null) return null;
  if (cell.formula !== '') return `=${cell.formula}`;
  return cell.sharedFormula ?? '=(a shared formula)';
}

function valueText(cell: CellState, context: SheetContext): string | null {
  switch (cell.type) {
    case 's': {
      const shared = cell.value === null ? undefined : context.sharedStrings[Number(cell.value)];
      return shared === undefined ? null : cleanString(shared);
    }
    case 'inlineStr':
      return cell.inline === null ? null : cleanString(decodeOoxmlEscapes(cell.inline));
    case 'str':
      return cell.value === null ? null : cleanString(decodeOoxmlEscapes(cell.value));
    case 'b':
      return cell.value === null || cell.value.trim() === ''
        ? null
        : cell.value.trim() === '0'
          ? 'FALSE'
          : 'TRUE';
    case 'd':
      return cell.value === null ? null : isoDateText(cell.value.trim());
    default: {
      const raw = (cell.value ?? '').trim();
      if (raw === '') return null;
      const n = Number(raw);
      if (!Number.isFinite(n)) return raw.normalize('NFC'); // every cell's text leaves NFC
      if (context.dateStyles.has(cell.style)) return serialDateText(n, context.date1904);
      return String(n);
    }
  }
}

/** True for a cell typed as a number (not a date) whose text has a decimal point. */
function isFractionalNumber(cell: CellState, text: string, context: SheetContext): boolean {
  return cell.type === 'n' && text.includes('.') && !context.dateStyles.has(cell.style);
}

function cleanString(text: string): string | null {
  const clean = text.normalize('NFC').trim();
  return clean === '' ? null : clean;
}

/**
 * An Excel date serial as `YYYY-MM-DD` (UTC arithmetic, so no time-zone shift); with a time of
 * day as `YYYY-MM-DDTHH:MM:SS`; a serial below 1 (a time only) as `HH:MM:SS`.
 */
function serialDateText(serial: number, date1904: boolean): string {
  // Serials before 1900-03-01 are one day off because Excel counts a 29 February 1900.
  const days = date1904 ? serial + 1462 : serial < 60 ? serial + 1 : serial;
  const ms = Math.round((days - 25569) * 86_400_000);
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  if (serial >= 0 && serial < 1) return iso.slice(11, 19);
  return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso.slice(0, 19);
}

function isoDateText(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T00:00:00(?:\.0+)?Z?$/.test(value) ? value.slice(0, 10) : value;
}

/** Zero-based column index of a cell reference such as `F12` (`F` → 5). */
function columnIndex(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i) | 0x20; // lower-case
    if (code < 97 || code > 122) break;
    col = col * 26 + (code - 96);
  }
  return col - 1;
}

/** Excel column letters of a zero-based index (5 → `F`, 26 → `AA`). */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

function cellRef(col: number, row: number): string {
  return `${columnLetter(col)}${row}`;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
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
  const sharedEntry = entries.get('xl/sharedStrings.xml');
  const sharedStrings = sharedEntry
    ? await parseSharedStrings(inflateZipEntryChunks(path, file, sharedEntry))
    : [];
  const dateStyles = await readDateStyles(path, file, entries, stylesPath);
  const rows: XlsxHeaderRow[] = [];
  for (const sheet of sheets.filter((s) => s.kind === 'worksheet')) {
    const entry = entries.get(sheet.path);
    if (!entry) continue;
    const sheetRows = readSheetRows(inflateZipEntryChunks(path, file, entry), {
      file,
      sheet: sheet.name,
      hidden: sheet.state !== 'visible',
      sharedStrings,
      dateStyles,
      date1904,
      maxCellChars: DEFAULTS.maxCellChars,
    });
    let taken = 0;
    for await (const row of sheetRows) {
      rows.push({ sheet: sheet.name, cells: row.cells });
      if (++taken >= rowsPerSheet) break; // closes the sheet's stream
    }
  }
  return rows;
}
