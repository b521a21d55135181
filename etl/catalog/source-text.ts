/**
 * Finding a quote in a source text the way a reader would: NFC, any run of whitespace (line
 * breaks included) equal to one space, and in a CSV file `""` read as `"`.
 */

/** NFC-normalises `text` and collapses every run of whitespace to one space, trimmed. */
export function normaliseForQuote(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/** A source text prepared for quote search: normalised characters and the line each came from. */
export interface SearchableText {
  readonly text: string;
  /** `lines[i]` is the 1-based source line of `text[i]`. */
  readonly lines: readonly number[];
}

/** Prepares a source file's text for `findQuoteLines`. */
export function toSearchableText(raw: string, isCsv: boolean): SearchableText {
  let text = '';
  const lines: number[] = [];
  raw.split(/\r?\n/).forEach((rawLine, index) => {
    const line = isCsv ? rawLine.replaceAll('""', '"') : rawLine;
    for (const ch of line.normalize('NFC')) {
      if (/\s/u.test(ch)) {
        if (text.length > 0 && !text.endsWith(' ')) {
          text += ' ';
          lines.push(index + 1);
        }
      } else {
        text += ch;
        for (let k = 0; k < ch.length; k += 1) lines.push(index + 1);
      }
    }
    if (text.length > 0 && !text.endsWith(' ')) {
      text += ' ';
      lines.push(index + 1);
    }
  });
  return { text, lines };
}

/** The 1-based lines on which `quote` starts in `source` (empty when it does not occur). */
export function findQuoteLines(source: SearchableText, quote: string): number[] {
  const needle = normaliseForQuote(quote);
  const found: number[] = [];
  if (needle === '') return found;
  for (let at = source.text.indexOf(needle); at >= 0; at = source.text.indexOf(needle, at + 1)) {
    found.push(source.lines[at]!);
  }
  return found;
}
