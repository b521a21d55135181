/** How a file that is plain but for what Excel's "CSV UTF-8" adds differs from plain. */
export interface PlainForm {
  /** It starts with a UTF-8 byte-order mark. */
  readonly bom: boolean;
  /** Some line ends with CR LF (a CR elsewhere is not plain). */
  readonly crlf: boolean;
}

/**
 * A fast test that a CSV file can be handed to DuckDB's `read_csv` as it is, or once a byte-order
 * mark at its start and the CRs of CR LF line ends (all or some) are taken off, as Excel writes
 * "CSV UTF-8": UTF-8, no other CR, no NUL, already NFC, no line over the limit (measured without
 * its CR). Decoding a national register into a JS string to learn that (and normalising it) costs
 * as much as DuckDB reading the whole file; this scans the bytes once instead. It is
 * conservative: any character it cannot vouch for (outside ASCII, Latin-1, Latin Extended-A/B and
 * Latin Extended Additional, where Vietnamese text lives and every precomposed letter is already
 * NFC) makes it answer `null`, and the caller then decodes the file the full way, which also
 * words every refusal. Otherwise it answers what {@link plainLfBytes} must take off.
 */
export function plainUtf8CsvForm(bytes: Uint8Array, maxLineBytes: number): PlainForm | null {
  const scan = new PlainUtf8Scan(maxLineBytes);
  scan.update(bytes);
  return scan.result();
}

/**
 * {@link plainUtf8CsvForm} over a file read in chunks, as they come (the load hashes a file in
 * chunks and scans them on the way, instead of reading the whole file into memory once more): a
 * character, or a CR, cut by a chunk's end is carried to the next chunk.
 */
export class PlainUtf8Scan {
  readonly #maxLineBytes: number;
  /** Bytes scanned so far (not counting the carried ones). */
  #seen = 0;
  /** Bytes of the current line so far, without a byte-order mark. */
  #lineBytes = 0;
  #bom = false;
  #crlf = false;
  #visible = false;
  #failed = false;
  /** The end of the previous chunk that the next one completes (a cut character, or a CR). */
  #carry: Uint8Array = new Uint8Array(0);

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Scans the next chunk of the file. */
  update(chunk: Uint8Array): void {
    if (this.#failed) return;
    let bytes = chunk;
    if (this.#carry.length > 0) {
      bytes = new Uint8Array(this.#carry.length + chunk.length);
      bytes.set(this.#carry);
      bytes.set(chunk, this.#carry.length);
      this.#carry = new Uint8Array(0);
    }
    this.#scan(bytes, false);
  }

  /** The file's form once every chunk was scanned: null when it is not plain. */
  result(): PlainForm | null {
    if (!this.#failed && (this.#carry.length > 0 || this.#seen === 0)) {
      const last = this.#carry;
      this.#carry = new Uint8Array(0);
      this.#scan(last, true);
    }
    if (this.#failed || this.#lineBytes > this.#maxLineBytes || !this.#visible) return null;
    return { bom: this.#bom, crlf: this.#crlf };
  }

  #scan(bytes: Uint8Array, final: boolean): void {
    let start = 0;
    if (this.#seen === 0) {
      // The byte-order mark is told from the file's first three bytes.
      if (!final && bytes.length < 3) {
        this.#carry = copyOf(bytes);
        return;
      }
      this.#bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
      start = this.#bom ? 3 : 0;
    }
    let end = bytes.length;
    if (!final && end > start) {
      // A CR is told by the byte after it, a character by its last byte (at most three bytes:
      // a lead byte C2–C9 or E1 never continues another character).
      if (bytes[end - 1] === 0x0d) end -= 1;
      else if (end - 2 >= start && bytes[end - 2] === 0xe1) end -= 2;
      else if (isLead(bytes[end - 1]!)) end -= 1;
    }
    const max = this.#maxLineBytes;
    let lineStart = start - this.#lineBytes;
    let visible = this.#visible;
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      if (b < 0x80) {
        if (b === 0x0a) {
          const cr = i > lineStart && bytes[i - 1] === 0x0d ? 1 : 0;
          if (i - cr - lineStart > max) return this.#fail();
          lineStart = i + 1;
        } else if (b === 0x0d) {
          if (bytes[i + 1] !== 0x0a) return this.#fail();
          this.#crlf = true;
        } else if (b === 0x00) {
          return this.#fail();
        } else if (!visible && b !== 0x20 && b !== 0x09 && b !== 0x0c && b !== 0x0b) {
          visible = true;
        }
        continue;
      }
      if (b >= 0xc2 && b <= 0xc9) {
        // U+00A0–U+024F: Latin-1 letters and symbols, Latin Extended-A and -B (Ơ, ư, đ…).
        const c = bytes[i + 1];
        if (c === undefined || (c & 0xc0) !== 0x80) return this.#fail();
        if (b === 0xc2 && c < 0xa0) return this.#fail();
        if (b === 0xc9 && c > 0x8f) return this.#fail();
        if (b !== 0xc2 || c !== 0xa0) visible = true; // a no-break space is blank, as for trim()
        i += 1;
      } else if (b === 0xe1) {
        // U+1E00–U+1EFF: Latin Extended Additional (ạ, ế, ợ…).
        const c = bytes[i + 1];
        const d = bytes[i + 2];
        if (c === undefined || c < 0xb8 || c > 0xbb) return this.#fail();
        if (d === undefined || (d & 0xc0) !== 0x80) return this.#fail();
        visible = true;
        i += 2;
      } else {
        return this.#fail();
      }
    }
    this.#visible = visible;
    this.#lineBytes = end - lineStart;
    this.#seen += end;
    if (end < bytes.length) this.#carry = copyOf(bytes.subarray(end));
  }

  #fail(): void {
    this.#failed = true;
  }
}

/** A byte that starts a character of two or three bytes that {@link PlainUtf8Scan} accepts. */
const isLead = (b: number) => (b >= 0xc2 && b <= 0xc9) || b === 0xe1;

/**
 * The bytes of a file {@link plainUtf8CsvForm} passed, as the full decoder would give them back:
 * without its byte-order mark and with every CR LF turned LF (the same bytes when it has
 * neither).
 */
export function plainLfBytes(bytes: Uint8Array, form: PlainForm): Buffer {
  const from = form.bom ? 3 : 0;
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!form.crlf) return source.subarray(from);
  const out = Buffer.allocUnsafe(bytes.length - from);
  let length = 0;
  let at = from;
  for (let cr = source.indexOf(0x0d, at); cr >= 0; cr = source.indexOf(0x0d, at)) {
    length += source.copy(out, length, at, cr);
    at = cr + 1;
  }
  length += source.copy(out, length, at);
  return out.subarray(0, length);
}

/**
 * A copy of `bytes` that the caller may overwrite: `slice` of a Buffer (what a file read gives)
 * is a view of the same memory, which a reader with one buffer fills with the next chunk.
 */
function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
