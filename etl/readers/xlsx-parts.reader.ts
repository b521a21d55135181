/**
 * Parsers for the small parts of an .xlsx package (workbook, relationships, styles, shared
 * strings), the text of rich-text strings ({@link RunText}, for the shared strings and the
 * inline strings of `xlsx-sheet.reader.ts`) and a scanner for merged ranges. XML is parsed with
 * saxes, the parser exceljs itself depends on, fed by a streaming UTF-8 decoder: exceljs 4.4.0
 * decodes each chunk on its own and turns a character split across chunks into U+FFFD
 * (exceljs issues #2063, #2316), which garbles Vietnamese text.
 */
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';

/** An element as saxes reports it (no namespace processing: names keep their prefix). */
export interface SaxTag {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly isSelfClosing: boolean;
}

/** The part of saxes' `SaxesParser` the readers use. */
export interface SaxParser {
  on(event: 'opentag' | 'closetag', handler: (tag: SaxTag) => void): void;
  on(event: 'text' | 'cdata', handler: (text: string) => void): void;
  write(chunk: string): unknown;
  close(): unknown;
}

// saxes is a dependency of exceljs, not of coopstat: resolve it from exceljs's own location.
const requireFromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));
const { SaxesParser } = requireFromExceljs('saxes') as { SaxesParser: new () => SaxParser };

/** Creates a non-namespace-aware saxes parser. */
export function createSaxParser(): SaxParser {
  return new SaxesParser();
}

/** An element's name without its namespace prefix (`x:c` → `c`). */
export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Feeds byte chunks to a parser through a streaming UTF-8 decoder, so no character is split.
 * Throws what the decoder or parser throws (the caller turns it into a refusal).
 */
async function feedSax(
  parser: SaxParser,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  afterChunk?: () => void,
): Promise<void> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of chunks) {
    parser.write(decoder.decode(chunk, { stream: true }));
    afterChunk?.();
  }
  parser.write(decoder.decode());
  parser.close();
  afterChunk?.();
}

/** Decodes OOXML's `_xHHHH_` escapes (Excel writes a carriage return in a cell as `_x000D_`). */
export function decodeOoxmlEscapes(text: string): string {
  if (text.indexOf('_x') < 0) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** A sheet as `xl/workbook.xml` and its relationships list it. */
export interface WorkbookSheetEntry {
  readonly name: string;
  readonly state: 'visible' | 'hidden' | 'veryHidden';
  /** Path of the part inside the package, e.g. `xl/worksheets/sheet1.xml`. */
  readonly path: string;
  /** `worksheet`, `chartsheet`, `dialogsheet`, … (the relationship type's last segment). */
  readonly kind: string;
}

/** What `xl/workbook.xml` and `xl/_rels/workbook.xml.rels` say about a workbook. */
export interface WorkbookParts {
  readonly sheets: readonly WorkbookSheetEntry[];
  readonly date1904: boolean;
  /** Path of the styles part, when the workbook has one. */
  readonly stylesPath?: string;
}

/** Parses the workbook part and its relationships (both small: parsed whole). */
export function parseWorkbookParts(
  workbookXml: Buffer,
  relsXml: Buffer | undefined,
): WorkbookParts {
  const rels = new Map<string, { type: string; path: string }>();
  if (relsXml) {
    parseWhole(relsXml, (tag) => {
      if (localName(tag.name) !== 'Relationship') return;
      const type = (tag.attributes.Type ?? '').split('/').pop() ?? '';
      const target = tag.attributes.Target ?? '';
      if (tag.attributes.TargetMode === 'External') return;
      rels.set(tag.attributes.Id ?? '', { type, path: resolvePartPath('xl/', target) });
    });
  }
  const sheets: WorkbookSheetEntry[] = [];
  let date1904 = false;
  parseWhole(workbookXml, (tag) => {
    const name = localName(tag.name);
    if (name === 'workbookPr') {
      const value = tag.attributes.date1904;
      date1904 = value === '1' || value === 'true';
    } else if (name === 'sheet') {
      const relId = Object.entries(tag.attributes).find(([key]) => localName(key) === 'id')?.[1];
      const rel = relId === undefined ? undefined : rels.get(relId);
      const state =
        tag.attributes.state === 'hidden' || tag.attributes.state === 'veryHidden'
          ? tag.attributes.state
          : 'visible';
      sheets.push({
        name: (tag.attributes.name ?? '').normalize('NFC'),
        state,
        path: rel?.path ?? '',
        kind: rel?.type ?? 'worksheet',
      });
    }
  });
  const styles = [...rels.values()].find((rel) => rel.type === 'styles');
  return { sheets, date1904, stylesPath: styles?.path };
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, with East Asian ids). */
const BUILTIN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/** Indices of the cell styles (`cellXfs`) whose number format shows a date or a time. */
export function parseDateStyles(stylesXml: Buffer): Set<number> {
  const customDate = new Map<number, boolean>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  parseWhole(
    stylesXml,
    (tag) => {
      const name = localName(tag.name);
      if (name === 'numFmt') {
        const id = Number(tag.attributes.numFmtId);
        customDate.set(id, isDateFormatCode(tag.attributes.formatCode ?? ''));
      } else if (name === 'cellXfs') {
        inCellXfs = true;
      } else if (name === 'xf' && inCellXfs) {
        xfFormats.push(Number(tag.attributes.numFmtId ?? 0));
      }
    },
    (tag) => {
      if (localName(tag.name) === 'cellXfs') inCellXfs = false;
    },
  );
  const dateStyles = new Set<number>();
  xfFormats.forEach((id, index) => {
    if (customDate.get(id) ?? BUILTIN_DATE_FORMATS.has(id)) dateStyles.add(index);
  });
  return dateStyles;
}

/** True when a number format code shows a date or time (outside quotes, brackets and escapes). */
function isDateFormatCode(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*]/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '');
  return /[dmyhs]/i.test(bare.replace(/General/gi, ''));
}

/**
 * The text of one rich-text string — a shared string (`<si>`) or a cell's inline string
 * (`<is>`): its `<t>` runs in order, with the phonetic runs (`<rPh>`, the reading guide East
 * Asian editions of Excel add) left out. Fed every tag and text of the part; collects only
 * between {@link start} and {@link end}.
 */
export class RunText {
  private collecting = false;
  private inRun = false;
  private phonetic = 0;
  private text = '';

  /** The string begins (`<si>` or `<is>` opened). */
  start(): void {
    this.collecting = true;
    this.text = '';
  }

  /** An element opened (by its local name). */
  open(name: string, isSelfClosing: boolean): void {
    if (name === 'rPh') this.phonetic++;
    else if (name === 't' && this.collecting && this.phonetic === 0) this.inRun = !isSelfClosing;
  }

  /** An element closed (by its local name). */
  close(name: string): void {
    if (name === 't') this.inRun = false;
    else if (name === 'rPh') this.phonetic--;
  }

  /** Text or CDATA: kept when inside a run of the string. */
  append(text: string): void {
    if (this.inRun) this.text += text;
  }

  /** The string ends: its text, as written (escapes not yet decoded). */
  end(): string {
    this.collecting = false;
    return this.text;
  }
}

/**
 * Reads the shared-string table: one entry per `<si>`, its runs concatenated (phonetic runs
 * left out, {@link RunText}), escapes decoded, NFC. Entries are not trimmed; cells trim when
 * they use them. A table as spreadsheet programs write it ({@link parsePlainSharedStrings}) is
 * read without a parser; any other, and any larger than `plainMaxBytes`, by saxes.
 */
export async function parseSharedStrings(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  plainMaxBytes = PLAIN_TABLE_MAX_BYTES,
): Promise<string[]> {
  const held: Uint8Array[] = [];
  let bytes = 0;
  const iterator =
    Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  // saxes reads what the plain reading cannot, from the bytes held, then the rest of the stream:
  // a failure of either comes where saxes alone would meet it. A refusal by saxes before the
  // end closes the stream (the inflater and its file), as a loop over it would.
  const bySax = (rest: 'rest' | { readonly error: unknown }) =>
    parseSharedStringsSax(
      (async function* () {
        try {
          yield* held;
          if (rest !== 'rest') throw rest.error;
          for (;;) {
            const more = await iterator.next();
            if (more.done) return;
            yield more.value;
          }
        } finally {
          await iterator.return?.();
        }
      })(),
    );
  for (;;) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await iterator.next();
    } catch (error) {
      return bySax({ error });
    }
    if (next.done) break;
    held.push(next.value);
    bytes += next.value.length;
    // Too large to hold as one text: streamed through saxes.
    if (bytes > plainMaxBytes) return bySax('rest');
  }
  return parsePlainSharedStrings(Buffer.concat(held)) ?? bySax('rest');
}

/** Tables above this many bytes of XML are streamed through saxes, not held as one text. */
const PLAIN_TABLE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * {@link parseSharedStrings} by saxes alone, whatever the table: what the plain reading must
 * equal (exported for the tests that compare the two).
 */
export async function parseSharedStringsSax(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<string[]> {
  const strings: string[] = [];
  const parser = createSaxParser();
  const item = new RunText();
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (name === 'si') item.start();
    item.open(name, tag.isSelfClosing);
  });
  parser.on('closetag', (tag) => {
    const name = localName(tag.name);
    item.close(name);
    if (name === 'si') strings.push(decodeOoxmlEscapes(item.end()).normalize('NFC'));
  });
  parser.on('text', (text) => item.append(text));
  parser.on('cdata', (text) => item.append(text));
  await feedSax(parser, chunks);
  return strings;
}

/**
 * The opening of a table as Excel, LibreOffice and exceljs write it: the XML declaration, then
 * the `sst` element in the main namespace with its counts.
 */
const PLAIN_TABLE_START =
  /^(?:<\?xml version="1\.0"(?: encoding="[A-Za-z][A-Za-z0-9._-]*")?(?: standalone="(?:yes|no)")?\?>)?[ \t\r\n]*<sst xmlns="http:\/\/schemas\.openxmlformats\.org\/spreadsheetml\/2006\/main"(?: count="[0-9]+")?(?: uniqueCount="[0-9]+")?>/;
const ENTRY = Buffer.from('<si><t>');
const ENTRY_PRESERVED = Buffer.from('<si><t xml:space="preserve">');
const ENTRY_EMPTY = Buffer.from('<si><t/></si>');
const ENTRY_END = Buffer.from('</t></si>');
const TABLE_END = Buffer.from('</sst>');

/** Whether `bytes` holds `part` at `at`. */
function holdsAt(bytes: Buffer, at: number, part: Buffer): boolean {
  if (at + part.length > bytes.length) return false;
  for (let i = 0; i < part.length; i++) if (bytes[at + i] !== part[i]) return false;
  return true;
}

/**
 * Reads a table of UTF-8 `xml` whose every entry is one run of plain text, as saxes reads it:
 * the declaration and `sst` opening of {@link PLAIN_TABLE_START}, then only `<si><t>…</t></si>`
 * (or with `xml:space="preserve"`, or `<si><t/></si>`), then `</sst>`. Plain text: no markup,
 * reference or `>`, no carriage return (which XML reads as a line feed) and no character XML
 * refuses. `undefined` for any other table (rich text, references, comments, other namespaces,
 * bytes that are not UTF-8…), which saxes then reads. A national register's table (303,000
 * entries, 11 MB) took ~0.35 s through saxes.
 */
export function parsePlainSharedStrings(xml: Buffer): string[] | undefined {
  if (!isUtf8(xml)) return undefined;
  // The decoder saxes is fed through drops a byte-order mark.
  let at = xml[0] === 0xef && xml[1] === 0xbb && xml[2] === 0xbf ? 3 : 0;
  const start = PLAIN_TABLE_START.exec(xml.toString('latin1', at, Math.min(xml.length, at + 1024)));
  if (!start) return undefined;
  at += start[0].length;
  const strings: string[] = [];
  for (;;) {
    if (holdsAt(xml, at, ENTRY_EMPTY)) {
      strings.push('');
      at += ENTRY_EMPTY.length;
      continue;
    }
    let from: number;
    if (holdsAt(xml, at, ENTRY)) from = at + ENTRY.length;
    else if (holdsAt(xml, at, ENTRY_PRESERVED)) from = at + ENTRY_PRESERVED.length;
    else break;
    let to = from;
    let ascii = true;
    for (; to < xml.length; to++) {
      const byte = xml[to]!;
      if (byte === 0x3c) break;
      if (byte >= 0x80) {
        ascii = false;
        // U+FFFE and U+FFFF, which XML refuses.
        if (byte === 0xef && xml[to + 1] === 0xbf && (xml[to + 2]! & 0xfe) === 0xbe)
          return undefined;
      } else if (byte === 0x26 || byte === 0x3e || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a))
        return undefined;
    }
    if (!holdsAt(xml, to, ENTRY_END)) return undefined;
    const text = decodeOoxmlEscapes(xml.toString(ascii ? 'latin1' : 'utf8', from, to));
    strings.push(ascii && text.length === to - from ? text : text.normalize('NFC'));
    at = to + ENTRY_END.length;
  }
  if (!holdsAt(xml, at, TABLE_END)) return undefined;
  for (at += TABLE_END.length; at < xml.length; at++) {
    const byte = xml[at];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== 0x0a) return undefined;
  }
  return strings;
}

/**
 * Collects `<mergeCell ref="…">` ranges from a worksheet's bytes as they stream past, without
 * parsing the XML (Excel writes `<mergeCells>` after `<sheetData>`, so a row-by-row reader only
 * learns of merged headers after the data).
 */
export class MergeScanner {
  private seam: Buffer = Buffer.alloc(0);
  private readonly found = new Set<string>();

  /** Scans the next chunk of the worksheet part. */
  push(chunk: Buffer): void {
    if (this.seam.length > 0) this.scan(Buffer.concat([this.seam, chunk.subarray(0, SEAM)]));
    this.scan(chunk);
    this.seam = Buffer.from(chunk.subarray(Math.max(0, chunk.length - SEAM)));
  }

  /** The merged ranges seen, e.g. `['A1:C1']`, in document order. */
  ranges(): string[] {
    return [...this.found];
  }

  private scan(bytes: Buffer): void {
    if (bytes.indexOf(MERGE_CELL) < 0) return;
    for (const match of bytes.toString('latin1').matchAll(MERGE_CELL_TAG)) {
      this.found.add(match[1]);
    }
  }
}

/** Bytes kept from the end of a chunk, so a tag split between two chunks is seen whole. */
const SEAM = 256;
const MERGE_CELL = Buffer.from('mergeCell');
const MERGE_CELL_TAG = /<(?:[\w.-]+:)?mergeCell\s[^>]*?\bref="([^"]*)"/g;

function parseWhole(
  xml: Buffer,
  onOpen: (tag: SaxTag) => void,
  onClose?: (tag: SaxTag) => void,
): void {
  const parser = createSaxParser();
  parser.on('opentag', onOpen);
  if (onClose) parser.on('closetag', onClose);
  parser.write(new TextDecoder('utf-8').decode(xml));
  parser.close();
}

function resolvePartPath(base: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : base + target).split('/');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part === '..') resolved.pop();
    else if (part !== '.' && part !== '') resolved.push(part);
  }
  return resolved.join('/');
}
