/**
 * A fast test that a CSV file can be handed to DuckDB's `read_csv` as it is: UTF-8 without BOM,
 * LF line ends, no NUL, already NFC, no line over the limit. Decoding a national register into a
 * JS string to learn that (and normalising it) costs as much as DuckDB reading the whole file;
 * this scans the bytes once instead. It is conservative: any character it cannot vouch for
 * (outside ASCII, Latin-1, Latin Extended-A/B and Latin Extended Additional, where Vietnamese
 * text lives and every precomposed letter is already NFC) makes it answer `false`, and the
 * caller then decodes the file the full way, which also words every refusal.
 */
export function isPlainUtf8Csv(bytes: Uint8Array, maxLineBytes: number): boolean {
  const n = bytes.length;
  let lineStart = 0;
  let visible = false;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b === 0x0a) {
        if (i - lineStart > maxLineBytes) return false;
        lineStart = i + 1;
      } else if (b === 0x00 || b === 0x0d) {
        return false;
      } else if (!visible && b !== 0x20 && b !== 0x09 && b !== 0x0c && b !== 0x0b) {
        visible = true;
      }
      continue;
    }
    if (b >= 0xc2 && b <= 0xc9) {
      // U+00A0–U+024F: Latin-1 letters and symbols, Latin Extended-A and -B (Ơ, ư, đ…).
      const c = bytes[i + 1];
      if (c === undefined || (c & 0xc0) !== 0x80) return false;
      if (b === 0xc2 && c < 0xa0) return false;
      if (b === 0xc9 && c > 0x8f) return false;
      if (b !== 0xc2 || c !== 0xa0) visible = true; // a no-break space is blank, as for trim()
      i += 1;
    } else if (b === 0xe1) {
      // U+1E00–U+1EFF: Latin Extended Additional (ạ, ế, ợ…).
      const c = bytes[i + 1];
      const d = bytes[i + 2];
      if (c === undefined || c < 0xb8 || c > 0xbb) return false;
      if (d === undefined || (d & 0xc0) !== 0x80) return false;
      visible = true;
      i += 2;
    } else {
      return false;
    }
  }
  if (n - lineStart > maxLineBytes) return false;
  return visible;
}
