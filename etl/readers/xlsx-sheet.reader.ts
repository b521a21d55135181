/**
 * The one parser of worksheet XML: `<row>` and `<c>` elements in, rows of cell text out, each
 * cell with its exact place. The full read (`readXlsx`) and the header peek (`readXlsxHeaders`)
 * both read their rows here, so a header the peek sees is the header the load sees: the same
 * shared and inline strings (phonetic runs left out, {@link RunText}), the same numbers, dates
 * and refusals.
 */
import { isUtf8 } from 'node:buffer';

import { ReaderError, type ReaderPlace } from './reader.error.ts';
import {
  createSaxParser,
  decodeOoxmlEscapes,
  localName,
  RunText,
  type SaxTag,
} from './xlsx-parts.reader.ts';
import { SheetXmlScanner } from './xlsx-sheet-scan.reader.ts';

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

/** What a worksheet's cells are read with: the workbook's shared parts and the limits. */
export interface SheetContext {
  /** The file's base name, as messages cite it. */
  readonly file: string;
  readonly sheet: string;
  readonly hidden: boolean;
  /**
   * The workbook's shared-string table as cell texts: every entry NFC (as `parseSharedStrings`
   * makes it) and trimmed, `null` when nothing is left ({@link sharedCellTexts}), so that the
   * cells naming an entry (most text cells of a register) share one trim.
   */
  readonly sharedStrings: readonly (string | null)[];
  /** Style indexes whose number format shows a date or a time. */
  readonly dateStyles: ReadonlySet<number>;
  readonly date1904: boolean;
  readonly maxCellChars: number;
  readonly onWarning?: (warning: XlsxWarning) => void;
}

/** The rule a cell holding an error (#REF!, #N/A, …) breaks. */
const CELL_VALUE_RULE = 'a cell must hold a value';
/** The rule of the warning a formula cell read as its saved result raises. */
const FORMULA_WARNING_RULE =
  'a cell should hold a value rather than a formula, so its saved result was used';
const FORMULA_RULE = 'a cell must hold a value, not a formula without a saved result';
const XML_RULE = 'a worksheet must be well-formed UTF-8 XML';
const CELL_REF_RULE = "a cell reference must name one of Excel's 16384 columns";
const NUL_RULE = 'a cell must hold text without NUL characters';
const MAX_COLUMN_INDEX = 16383;

/**
 * Streams the non-empty rows of one worksheet part; `openChunks` gives its bytes from the start
 * (it is called again when the part has to be read a second time). Rows come out as their chunk
 * is parsed; a refused cell is thrown after the rows before it. Every refusal is a
 * {@link ReaderError}.
 *
 * The part is first read by the fast tokenizer ({@link SheetXmlScanner}). Should it meet
 * anything outside the XML it knows (or a refused cell, or a damaged stream), the part is read
 * again from the start with saxes, skipping the rows and warnings already handed out: the
 * answer, and every message, is then saxes' own. The fast pass hands out a chunk's rows (after
 * its warnings) only once every character of that chunk has been scanned, as saxes would.
 */
export async function* readSheetRows(
  openChunks: () => AsyncIterable<Buffer>,
  context: SheetContext,
): AsyncGenerator<XlsxRow> {
  const done = { rows: 0, warnings: 0 };
  if (yield* readSheetRowsFast(openChunks(), context, done)) return;
  let rowsToSkip = done.rows;
  let warningsToSkip = done.warnings;
  const onWarning = context.onWarning;
  const replay: SheetContext = {
    ...context,
    onWarning:
      onWarning &&
      ((warning) => {
        if (warningsToSkip > 0) warningsToSkip--;
        else onWarning(warning);
      }),
  };
  for await (const row of readSheetRowsSax(openChunks(), replay)) {
    if (rowsToSkip > 0) rowsToSkip--;
    else yield row;
  }
}

/**
 * The fast pass: true when the part was read to its end; false when it must be read again
 * with saxes, `done` then counting the rows and warnings already handed out.
 */
async function* readSheetRowsFast(
  chunks: AsyncIterable<Buffer>,
  context: SheetContext,
  done: { rows: number; warnings: number },
): AsyncGenerator<XlsxRow, boolean> {
  /** Warnings raised since the last chunk whose every character was scanned. */
  let warnings: XlsxWarning[] = [];
  const rows = new SheetRowParser({
    ...context,
    onWarning: context.onWarning && ((warning) => warnings.push(warning)),
  });
  const scanner = new SheetXmlScanner(rows);
  // Rows and warnings of chunks not yet wholly scanned (the carried token may still fail).
  let heldRows: XlsxRow[] = [];
  let heldWarnings: XlsxWarning[] = [];
  const release = function* (): Generator<XlsxRow> {
    for (const warning of heldWarnings) {
      done.warnings++;
      context.onWarning?.(warning);
    }
    heldWarnings = [];
    const out = heldRows;
    heldRows = [];
    for (const row of out) {
      done.rows++;
      yield row;
    }
  };
  const iterator = chunks[Symbol.asyncIterator]();
  const decoder = new Utf8Chunks();
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      let text: string | null;
      try {
        next = await iterator.next();
        text = next.done ? decoder.end() : decoder.decode(next.value);
      } catch {
        return false;
      }
      if (text === null) return false;
      if (!scanner.write(text) || (next.done && !scanner.end())) return false;
      if (rows.refusal !== null) return false;
      const ready = rows.takeReady();
      if (next.done || scanner.carried <= text.length) {
        // Every chunk before this one is wholly scanned: what they raised goes out.
        yield* release();
        heldRows = ready;
        heldWarnings = warnings;
        warnings = [];
        if (next.done) {
          yield* release();
          return true;
        }
      } else {
        heldRows.push(...ready);
        heldWarnings.push(...warnings);
        warnings = [];
      }
    }
  } finally {
    await iterator.return?.();
  }
}

/**
 * Checks a stream of UTF-8 chunks for the fast pass with Node's own checker (a character split
 * between two chunks is carried to the next) and hands each out one byte a character (latin1),
 * as the scanner reads them: `null` for bytes that are not UTF-8 — the reference pass then reads
 * the part and words the refusal. A byte order mark at the start is dropped, as `TextDecoder`
 * drops it.
 */
class Utf8Chunks {
  private rest: Buffer | null = null;
  private first = true;

  decode(chunk: Buffer): string | null {
    let bytes = this.rest === null ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = null;
    if (this.first && bytes.length >= 3) {
      this.first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    } else if (this.first) {
      this.rest = bytes;
      return '';
    }
    const end = completeUtf8Length(bytes);
    if (end < bytes.length) this.rest = Buffer.from(bytes.subarray(end));
    const whole = bytes.subarray(0, end);
    return isUtf8(whole) ? whole.toString('latin1') : null;
  }

  /** The stream ended: the bytes held back, or `null` when they are half a character. */
  end(): string | null {
    const rest = this.rest ?? Buffer.alloc(0);
    this.rest = null;
    if (this.first && rest.length >= 3 && rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf)
      return isUtf8(rest.subarray(3)) ? rest.subarray(3).toString('latin1') : null;
    return isUtf8(rest) ? rest.toString('latin1') : null;
  }
}

/** The length of `bytes` without a character cut at its end (at most 3 bytes left out). */
function completeUtf8Length(bytes: Buffer): number {
  const length = bytes.length;
  for (let back = 1; back <= 4 && back <= length; back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const size = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return size > back ? length - back : length;
  }
  return length;
}

/**
 * The reference pass: saxes, chunk by chunk, as the fast pass falls back to (exported for the
 * tests that hold the fast pass to it).
 */
export async function* readSheetRowsSax(
  chunks: AsyncIterable<Buffer>,
  context: SheetContext,
): AsyncGenerator<XlsxRow> {
  const rows = new SheetRowParser(context);
  const parser = createSaxParser();
  parser.on('opentag', (tag) => rows.open(tag));
  parser.on('closetag', (tag) => rows.close(tag));
  parser.on('text', (text) => rows.text(text));
  parser.on('cdata', (text) => rows.text(text));

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
        { rule: XML_RULE, value: describeError(error), file: context.file, sheet: context.sheet },
        { cause: error },
      );
    }
    yield* rows.takeReady();
    // Deliver the rows before a refused cell first, whatever the chunking, then refuse.
    if (rows.refusal !== null) throw rows.refusal;
    if (next.done) return;
  }
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

/**
 * The state of one worksheet's parse, one method per element that matters: rows are collected
 * as they close and handed out by {@link takeReady}. The first refused cell is kept in
 * {@link refusal}; nothing after it is collected.
 */
class SheetRowParser {
  refusal: unknown = null;
  private readonly ready: XlsxRow[] = [];
  /** Shared formulas by their `si`, as the cell that defines them writes them. */
  private readonly sharedFormulas = new Map<string, string>();
  /** The inline string (`<is>`) of the current cell, phonetic runs left out. */
  private readonly inline = new RunText();
  private rowNumber = 0;
  private cells: (string | null)[] = [];
  private fractional: number[] | undefined;
  private nextCol = 0;
  private cell: CellState | null = null;
  private readonly scratch: CellState = {
    col: 0,
    type: 'n',
    style: 0,
    formula: null,
    sharedFormula: null,
    value: null,
    inline: null,
  };
  /** Where the text of the element being read goes. */
  private target: 'formula' | 'value' | null = null;
  private formulaSi: string | undefined;

  constructor(private readonly context: SheetContext) {}

  open(tag: SaxTag): void {
    const name = localName(tag.name);
    this.inline.open(name, tag.isSelfClosing);
    switch (name) {
      case 'row':
        return this.openRow(tag);
      case 'c':
        return this.openCellTag(tag);
      case 'f':
        return this.openFormula(tag);
      case 'v':
        if (this.cell) {
          this.cell.value = '';
          this.target = tag.isSelfClosing ? null : 'value';
        }
        return;
      case 'is':
        if (this.cell) this.inline.start();
        return;
    }
  }

  close(tag: SaxTag): void {
    const name = localName(tag.name);
    this.inline.close(name);
    switch (name) {
      case 'f':
        return this.closeFormula();
      case 'v':
        this.target = null;
        return;
      case 'is': {
        const inline = this.inline.end();
        if (this.cell) this.cell.inline = inline;
        return;
      }
      case 'c':
        return this.closeCell();
      case 'row':
        return this.closeRow();
    }
  }

  text(text: string): void {
    if (this.cell === null) return;
    if (this.target === 'formula') this.cell.formula += text;
    else if (this.target === 'value') this.cell.value += text;
    else this.inline.append(text);
  }

  /** The rows completed since the last call. */
  takeReady(): XlsxRow[] {
    return this.ready.splice(0, this.ready.length);
  }

  private openRow(tag: SaxTag): void {
    const r = Number(tag.attributes.r);
    this.rowNumber = Number.isInteger(r) && r > 0 ? r : this.rowNumber + 1;
    this.cells = [];
    this.fractional = undefined;
    this.nextCol = 0;
  }

  /** A whole plain cell (no formula, no inline string), as the fast tokenizer hands it over. */
  plainCell(
    ref: string | undefined,
    type: string | undefined,
    style: string | undefined,
    value: string | null,
  ): void {
    this.openCell(ref, type, style);
    if (this.cell) this.cell.value = value;
    this.closeCell();
  }

  private openCellTag(tag: SaxTag): void {
    this.openCell(tag.attributes.r, tag.attributes.t, tag.attributes.s);
  }

  /** A cell's column comes from its reference (`F12`), else it follows the previous cell. */
  private openCell(
    ref: string | undefined,
    type: string | undefined,
    style: string | undefined,
  ): void {
    const col = ref ? columnIndex(ref) : this.nextCol;
    if ((col < 0 || col > MAX_COLUMN_INDEX) && this.refusal === null) {
      this.refusal = new ReaderError({
        rule: CELL_REF_RULE,
        value: ref ?? '',
        file: this.context.file,
        sheet: this.context.sheet,
        row: this.rowNumber,
      });
    }
    // One state object serves every cell in turn (nothing keeps it after the cell closes).
    const cell = this.scratch;
    cell.col = this.refusal === null ? col : 0;
    cell.type = type ?? 'n';
    cell.style = style === undefined ? 0 : Number(style);
    cell.formula = null;
    cell.sharedFormula = null;
    cell.value = null;
    cell.inline = null;
    this.cell = cell;
  }

  /** `<f>`: a formula, or a reference to a shared formula defined by an earlier cell. */
  private openFormula(tag: SaxTag): void {
    const cell = this.cell;
    if (!cell) return;
    cell.formula = '';
    this.formulaSi = tag.attributes.t === 'shared' ? tag.attributes.si : undefined;
    this.target = tag.isSelfClosing ? null : 'formula';
    if (this.formulaSi !== undefined && tag.isSelfClosing) {
      cell.sharedFormula = this.sharedFormulas.get(this.formulaSi) ?? null;
    }
  }

  private closeFormula(): void {
    const cell = this.cell;
    if (cell && this.formulaSi !== undefined && cell.formula) {
      this.sharedFormulas.set(
        this.formulaSi,
        `=${cell.formula} (shared from ${columnLetter(cell.col)}${this.rowNumber})`,
      );
    }
    this.target = null;
  }

  private closeCell(): void {
    const cell = this.cell;
    if (!cell || this.refusal !== null) return;
    this.cell = null;
    let text: string | null;
    try {
      text = cellText(cell, this.rowNumber, this.context);
    } catch (error) {
      this.refusal = error;
      return;
    }
    if (text !== null) {
      // Filled up to the cell's column, so that the row stays a packed array (faster to read).
      const { cells } = this;
      while (cells.length < cell.col) cells.push(null);
      cells[cell.col] = text;
      if (isFractionalNumber(cell, text, this.context)) (this.fractional ??= []).push(cell.col);
    }
    this.nextCol = cell.col + 1;
  }

  private closeRow(): void {
    const { cells, fractional, context } = this;
    if (cells.length > 0 && this.refusal === null) {
      for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
      const row = { sheet: context.sheet, hidden: context.hidden, row: this.rowNumber, cells };
      this.ready.push(fractional ? { ...row, fractional } : row);
    }
    this.cells = [];
    this.fractional = undefined;
  }
}

/** The text of one cell, `null` when empty; throws a {@link ReaderError} for refused cells. */
function cellText(cell: CellState, row: number, context: SheetContext): string | null {
  const formula = formulaText(cell);
  if (cell.type === 'e') {
    const from = formula === null ? '' : ` (from ${formula})`;
    throw new ReaderError({
      rule: CELL_VALUE_RULE,
      value: `the error ${(cell.value ?? '').trim()}${from}`,
      ...placeOf(cell, row, context),
    });
  }
  if (formula !== null) {
    const hasResult = cell.value !== null && (cell.value !== '' || cell.type === 'str');
    if (!hasResult)
      throw new ReaderError({ rule: FORMULA_RULE, value: formula, ...placeOf(cell, row, context) });
  }
  const text = valueText(cell, context);
  if (formula !== null)
    context.onWarning?.({
      rule: FORMULA_WARNING_RULE,
      value: formula,
      ...placeOf(cell, row, context),
    });
  if (text === null) return null;
  // XML cannot carry U+0000, but Excel's escape `_x0000_` can; a CSV with one is refused too.
  if (text.includes('\u0000')) {
    throw new ReaderError({
      rule: NUL_RULE,
      value: 'a NUL character (written _x0000_)',
      ...placeOf(cell, row, context),
    });
  }
  if (text.length > context.maxCellChars) {
    throw new ReaderError({
      rule: `a cell must hold at most ${context.maxCellChars} characters`,
      value: `${text.length} characters`,
      ...placeOf(cell, row, context),
    });
  }
  return text;
}

/** Where a cell is, as messages cite it. */
function placeOf(cell: CellState, row: number, context: SheetContext) {
  return { file: context.file, sheet: context.sheet, row, column: columnLetter(cell.col) };
}

function formulaText(cell: CellState): string | null {
  if (cell.formula === null) return null;
  if (cell.formula !== '') return `=${cell.formula}`;
  return cell.sharedFormula ?? '=(a shared formula)';
}

/** A cell's value as text by its type: shared or inline string, boolean, date, number. */
function valueText(cell: CellState, context: SheetContext): string | null {
  switch (cell.type) {
    case 's': {
      const shared = cell.value === null ? undefined : context.sharedStrings[Number(cell.value)];
      // The table's texts are NFC and trimmed already (`sharedCellTexts`).
      return shared ?? null;
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
      // A whole number of up to 15 digits is its own canonical text (most cells of a register).
      if (isShortInteger(raw) && !context.dateStyles.has(cell.style)) return raw;
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
  return trimmedOrNull(toNfc(text));
}

/** A shared-string table (NFC, as `parseSharedStrings` makes it) as the cells naming it read. */
export function sharedCellTexts(strings: readonly string[]): (string | null)[] {
  return strings.map(trimmedOrNull);
}

/** `text` trimmed, or null when nothing is left. */
function trimmedOrNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

/** NFC of `text`; text below U+0300 (no combining mark can occur) is NFC already. */
function toNfc(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x300) return text.normalize('NFC');
  }
  return text;
}

/** True for `0` or an optional minus and 1–15 digits without a leading zero. */
function isShortInteger(raw: string): boolean {
  let i = raw.charCodeAt(0) === 0x2d ? 1 : 0;
  const digits = raw.length - i;
  if (digits < 1 || digits > 15) return false;
  if (raw.charCodeAt(i) === 0x30) return raw.length === 1;
  for (; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
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

/** The first line of an error's message, for a refusal's "but got …". */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
