/**
 * The one error type the file readers throw, and the place format their messages share.
 */

/** Where in an input file a refusal or warning points, and what was found there. */
export interface ReaderPlace {
  /** The rule that was broken, stated as what must hold ("a cell must hold a value"). */
  readonly rule: string;
  /** What was received instead, as it reads in the message. */
  readonly value?: string;
  /** The file's base name, as the uploader knows it (never a temporary path). */
  readonly file: string;
  readonly sheet?: string;
  /** 1-based Excel row, or 1-based line of a text file. */
  readonly row?: number;
  /** Excel column letter, e.g. `F`. */
  readonly column?: string;
  /** The column's header as written in the file, when known. */
  readonly header?: string;
}

/**
 * Formats a place in the house style: the rule, then what was received, then where.
 * e.g. "a cell must hold a value, but got the error #REF! at x.xlsx, sheet HTX, row 3, column F".
 */
function formatReaderMessage(place: ReaderPlace): string {
  const received = place.value === undefined ? '' : `, but got ${place.value}`;
  return `${place.rule}${received} at ${formatWhere(place)}`;
}

/** Formats only the "where" part: file, then sheet, row and column when known. */
function formatWhere(place: Omit<ReaderPlace, 'rule' | 'value'>): string {
  let where = place.file;
  if (place.sheet !== undefined) where += `, sheet ${place.sheet}`;
  if (place.row !== undefined) where += `, row ${place.row}`;
  if (place.column !== undefined)
    where += `, column ${place.column}${place.header === undefined ? '' : ` (${place.header})`}`;
  return where;
}

/**
 * A file a reader refuses. Every refusal of `etl/readers/` is one of these, so the ETL can tell
 * a bad upload (report it to the office that sent it) from a bug (let it crash). It carries the
 * fields of its {@link ReaderPlace} (declared once, by the interface of the same name).
 */
export interface ReaderError extends ReaderPlace {}
export class ReaderError extends Error {
  constructor(place: ReaderPlace, options?: { cause?: unknown }) {
    super(formatReaderMessage(place), options);
    this.name = 'ReaderError';
    const { rule, value, file, sheet, row, column, header } = place;
    Object.assign(this, { rule, value, file, sheet, row, column, header });
  }
}
