/**
 * Decodes an uploaded CSV/TSV file to NFC text with LF line endings, the UTF-8 text DuckDB's
 * `read_csv` reads. Only UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's
 * "Unicode Text") are accepted; anything else is refused by name, because a file in a legacy
 * Vietnamese encoding that is decoded by guesswork silently corrupts names of units.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';

import { ReaderError } from './reader.error.ts';

/** Encodings a text upload may be in; anything else is refused. */
const TEXT_ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'] as const;
/** One of {@link TEXT_ENCODINGS}. */
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/** Line-ending styles found in a text file; `mixed` means more than one kind occurs. */
const LINE_ENDINGS = ['lf', 'crlf', 'cr', 'mixed', 'none'] as const;
/** One of {@link LINE_ENDINGS}. */
export type LineEndings = (typeof LINE_ENDINGS)[number];

/** A decoded text upload. */
export interface DecodedTextFile {
  readonly encoding: TextEncoding;
  /** The line endings as found in the file, before normalisation. */
  readonly lineEndings: LineEndings;
  /** The text, without BOM, NFC-normalised, every line ending turned into LF. */
  readonly text: string;
  /** True when the file's bytes already are exactly the UTF-8 of `text` (no copy needed). */
  readonly isPlainUtf8: boolean;
}

/** Options of {@link decodeTextFile}. */
export interface DecodeTextOptions {
  /** Refuse files larger than this many bytes (default 512 MiB): the whole file is held in memory. */
  readonly maxBytes?: number;
}

/** The rule every encoding refusal states. */
const TEXT_ENCODING_RULE = 'a CSV file must be UTF-8 or UTF-16 text';
const EMPTY_RULE = 'a CSV file must hold a header row';
const SIZE_RULE = 'a CSV file must be at most';

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Reads and decodes a text upload. Refuses, with a {@link ReaderError}: an empty file; a file
 * that is not UTF-8 and has no UTF-16 BOM (naming the first bad byte, its line and the likely
 * legacy encoding); binary data (NUL bytes without a UTF-16 BOM); a zip or OLE2 file.
 */
export async function decodeTextFile(
  path: string,
  options: DecodeTextOptions = {},
): Promise<DecodedTextFile> {
  const file = basename(path);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const { size } = await stat(path);
  if (size > maxBytes) {
    throw new ReaderError({ rule: `${SIZE_RULE} ${maxBytes} bytes`, value: `${size} bytes`, file });
  }
  return decodeTextBytes(await readFile(path), file);
}

/**
 * Decodes the bytes of a text upload; the same rules as {@link decodeTextFile}, for bytes
 * already in memory. `file` is the name messages cite.
 */
function decodeTextBytes(bytes: Uint8Array, file: string): DecodedTextFile {
  if (bytes.length === 0) {
    throw new ReaderError({ rule: EMPTY_RULE, value: 'an empty file (0 bytes)', file });
  }
  const { encoding, raw } = decodeBytes(bytes, file);
  const nul = raw.indexOf('\u0000');
  if (nul >= 0) {
    const row = lineOfIndex(raw, nul);
    throw new ReaderError({
      rule: TEXT_ENCODING_RULE,
      value: `binary data (a NUL character at line ${row})`,
      file,
      row,
    });
  }
  const lineEndings = detectLineEndings(raw);
  const nfc = raw.normalize('NFC');
  const text = lineEndings === 'lf' || lineEndings === 'none' ? nfc : nfc.replace(/\r\n?/g, '\n');
  if (text.trim() === '') {
    throw new ReaderError({ rule: EMPTY_RULE, value: 'a file with no text', file });
  }
  const isPlainUtf8 = encoding === 'utf-8' && text === raw;
  return { encoding, lineEndings, text, isPlainUtf8 };
}

/** Classifies the line endings of a text: `lf`, `crlf`, `cr`, `mixed`, or `none`. */
export function detectLineEndings(text: string): LineEndings {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) === 10) crlf++;
    else cr++;
  }
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lf++;
  lf -= crlf;
  const kinds = (crlf > 0 ? 1 : 0) + (lf > 0 ? 1 : 0) + (cr > 0 ? 1 : 0);
  if (kinds === 0) return 'none';
  if (kinds > 1) return 'mixed';
  return crlf > 0 ? 'crlf' : lf > 0 ? 'lf' : 'cr';
}

function decodeBytes(bytes: Uint8Array, file: string): { encoding: TextEncoding; raw: string } {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe && bytes[2] === 0 && bytes[3] === 0) {
    throw new ReaderError({ rule: TEXT_ENCODING_RULE, value: 'UTF-32 text', file });
  }
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    const encoding = b0 === 0xff ? 'utf-16le' : 'utf-16be';
    if (bytes.length % 2 !== 0) {
      throw new ReaderError({
        rule: TEXT_ENCODING_RULE,
        value: `${encoding.toUpperCase()} text with an odd number of bytes (${bytes.length})`,
        file,
      });
    }
    try {
      const raw = new TextDecoder(encoding, { fatal: true, ignoreBOM: false }).decode(bytes);
      return { encoding, raw };
    } catch (cause) {
      throw new ReaderError(
        {
          rule: TEXT_ENCODING_RULE,
          value: `bytes that are not valid ${encoding.toUpperCase()}`,
          file,
        },
        { cause },
      );
    }
  }
  const signature = describeBinarySignature(bytes);
  if (signature !== undefined) {
    throw new ReaderError({ rule: TEXT_ENCODING_RULE, value: signature, file });
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const row = lineOfByte(bytes, nul);
    const value = looksLikeBomlessUtf16(bytes)
      ? `UTF-16 text without a byte-order mark (NUL bytes from line ${row})`
      : `binary data (a NUL byte at line ${row})`;
    throw new ReaderError({ rule: TEXT_ENCODING_RULE, value, file, row });
  }
  const hasBom = b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf;
  try {
    // ignoreBOM: false strips a leading UTF-8 BOM.
    const raw = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { encoding: hasBom ? 'utf-8-bom' : 'utf-8', raw };
  } catch (cause) {
    const at = Math.max(firstInvalidUtf8(bytes), 0);
    const row = lineOfByte(bytes, at);
    const hex = `0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')}`;
    throw new ReaderError(
      {
        rule: TEXT_ENCODING_RULE,
        value: `bytes that are not UTF-8 (${hex} at line ${row}; the file looks like ${guessLegacyEncoding(bytes)})`,
        file,
        row,
      },
      { cause },
    );
  }
}

function describeBinarySignature(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4) {
    return 'a zip archive (an .xlsx workbook named as text?)';
  }
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return 'an OLE2 compound file (a legacy .xls workbook named as text?)';
  }
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-') {
    return 'a PDF document (a printed report named as text?)';
  }
  return undefined;
}

/** True when NULs sit at alternating positions, as in ASCII-heavy UTF-16 without a BOM. */
function looksLikeBomlessUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) even++;
      else odd++;
    }
  }
  const pairs = n / 2;
  return pairs >= 8 && Math.max(even, odd) >= pairs * 0.3 && Math.min(even, odd) <= pairs * 0.02;
}

/**
 * Guesses which legacy Vietnamese encoding non-UTF-8 bytes are in. TCVN3 (ABC) puts common
 * letters (ă â ê ô ơ ư đ à ả ã á ạ) at 0xA1–0xBF, where Windows-1258 has rarely used symbols;
 * Windows-1258 puts letters and combining tone marks (0xCC, 0xD2, 0xDE, 0xEC, 0xF2) at 0xC0–0xFF.
 */
function guessLegacyEncoding(bytes: Uint8Array): string {
  let tcvn3 = 0;
  let high = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0xa1) {
      high++;
      if (b <= 0xbf) tcvn3++;
    }
  }
  return high > 0 && tcvn3 / high >= 0.2 ? 'TCVN3 (ABC)' : 'Windows-1258';
}

/** Index of the lead byte of the first invalid UTF-8 sequence, or -1 when all are valid. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = b === 0xe0 ? 0xa0 : 0x80; // no overlongs
      if (b === 0xed) max = 0x9f; // no surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = b === 0xf0 ? 0x90 : 0x80;
      if (b === 0xf4) max = 0x8f; // ≤ U+10FFFF
    } else {
      return i;
    }
    const second = bytes[i + 1];
    if (second === undefined || second < min || second > max) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

function lineOfByte(bytes: Uint8Array, index: number): number {
  let line = 1;
  for (let i = bytes.indexOf(10); i >= 0 && i < index; i = bytes.indexOf(10, i + 1)) line++;
  return line;
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * The most characters a CSV cell may hold: Excel's own limit per cell, the one the `.xlsx` reader
 * applies too.
 */
export const MAX_CELL_CHARS = 32767;

/** An over-long cell: 1-based line, 0-based field, its size and its column's header. */
export interface LongCell {
  readonly row: number;
  readonly field: number;
  readonly chars: number;
  readonly header: string | null;
}

/** The delimiter of a header line: the most frequent of comma, semicolon, tab and pipe. */
function headerDelimiter(header: string): string {
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t', '|']) {
    const n = header.split(d).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

/**
 * The fields of one CSV line (double quotes, `""` inside them); enough to measure cells. Runs of
 * plain characters are sliced, not added one by one: a line may be a 10 MB cell.
 */
function splitLine(line: string, delimiter: string): string[] {
  const QUOTE = 34;
  const separator = delimiter.charCodeAt(0);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quoted) {
      if (c !== QUOTE) continue;
      field += line.slice(from, i);
      if (line.charCodeAt(i + 1) === QUOTE) ((field += '"'), i++);
      else quoted = false;
      from = i + 1;
    } else if (c === QUOTE) {
      field += line.slice(from, i);
      quoted = true;
      from = i + 1;
    } else if (c === separator) {
      fields.push(field + line.slice(from, i));
      field = '';
      from = i + 1;
    }
  }
  fields.push(field + line.slice(from));
  return fields;
}

/**
 * The first cell of a decoded CSV text longer than `limit` characters, if any: with its line,
 * field and header, so a refusal names the cell rather than its row. Only lines longer than the
 * limit are split.
 */
export function firstLongCell(text: string, limit = MAX_CELL_CHARS): LongCell | undefined {
  const firstEnd = text.indexOf('\n');
  const headerLine = firstEnd < 0 ? text : text.slice(0, firstEnd);
  const delimiter = headerDelimiter(headerLine);
  let row = 1;
  for (let start = 0; start < text.length; row++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    if (end - start > limit) {
      const fields = splitLine(text.slice(start, end), delimiter);
      const field = fields.findIndex((f) => f.length > limit);
      if (field >= 0) {
        const header = splitLine(headerLine, delimiter)[field]?.trim();
        return { row, field, chars: fields[field]!.length, header: header || null };
      }
    }
    start = end + 1;
  }
  return undefined;
}

/** The characters that may separate two fields of a CSV file (see {@link headerDelimiter}). */
const DELIMITERS = ',;\t|';

/**
 * The records of a CSV text, each as its raw text: a line break inside a quoted field belongs to
 * its record, as it does for DuckDB's reader (whose `skip` counts records, not lines). A quote
 * opens a field only at the start of a field (after a line break or a possible delimiter); one
 * inside a text (`Báo cáo "năm 2024"`) is a character of it.
 */
export function splitCsvRecords(text: string): string[] {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      }
    } else if (c === '"') {
      if (i === start || DELIMITERS.includes(text[i - 1]!)) quoted = true;
    } else if (c === '\n' || c === '\r') {
      records.push(text.slice(start, i));
      if (c === '\r' && text[i + 1] === '\n') i++;
      start = i + 1;
    }
  }
  records.push(text.slice(start));
  return records;
}

/**
 * The first records of a CSV file split into fields (each by its own most frequent delimiter),
 * decoded leniently from its first 64 KiB: enough to find a header row below title lines. The
 * whole file's encoding is checked when it is staged. A title with a quoted cell on several lines
 * is one record, so the header's index is the number of records DuckDB's reader must skip.
 */
export async function readCsvHeadLines(path: string, maxLines: number): Promise<string[][]> {
  const handle = await open(path, 'r');
  const start = Buffer.alloc(65_536);
  const { bytesRead } = await handle.read(start, 0, start.length, 0).finally(() => handle.close());
  const bytes = start.subarray(0, bytesRead);
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  const text = new TextDecoder(encoding)
    .decode(bytes)
    .replace(/^\uFEFF/, '')
    .normalize('NFC');
  const records = splitCsvRecords(text);
  // The last record of a 64 KiB window may be cut off: drop it unless the file ended there.
  if (bytesRead === start.length) records.pop();
  return records.slice(0, maxLines).map((record) => splitLine(record, headerDelimiter(record)));
}
