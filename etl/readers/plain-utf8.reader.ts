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
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const n = bytes.length;
  let lineStart = bom ? 3 : 0;
  let visible = false;
  let crlf = false;
  for (let i = lineStart; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b === 0x0a) {
        const cr = i > lineStart && bytes[i - 1] === 0x0d ? 1 : 0;
        if (i - cr - lineStart > maxLineBytes) return null;
        lineStart = i + 1;
      } else if (b === 0x0d) {
        if (bytes[i + 1] !== 0x0a) return null;
        crlf = true;
      } else if (b === 0x00) {
        return null;
      } else if (!visible && b !== 0x20 && b !== 0x09 && b !== 0x0c && b !== 0x0b) {
        visible = true;
      }
      continue;
    }
    if (b >= 0xc2 && b <= 0xc9) {
      // U+00A0–U+024F: Latin-1 letters and symbols, Latin Extended-A and -B (Ơ, ư, đ…).
      const c = bytes[i + 1];
      if (c === undefined || (c & 0xc0) !== 0x80) return null;
      if (b === 0xc2 && c < 0xa0) return null;
      if (b === 0xc9 && c > 0x8f) return null;
      if (b !== 0xc2 || c !== 0xa0) visible = true; // a no-break space is blank, as for trim()
      i += 1;
    } else if (b === 0xe1) {
      // U+1E00–U+1EFF: Latin Extended Additional (ạ, ế, ợ…).
      const c = bytes[i + 1];
      const d = bytes[i + 2];
      if (c === undefined || c < 0xb8 || c > 0xbb) return null;
      if (d === undefined || (d & 0xc0) !== 0x80) return null;
      visible = true;
      i += 2;
    } else {
      return null;
    }
  }
  if (n - lineStart > maxLineBytes) return null;
  return visible ? { bom, crlf } : null;
}

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
