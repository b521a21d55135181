/**
 * What counts as blank around a cell, in one place for every path a file takes: the characters
 * JavaScript's `String.prototype.trim` removes (ECMAScript white space and line terminators: tab,
 * line feed, vertical tab, form feed, carriage return, space, no-break space U+00A0, the Unicode
 * space separators, the line and paragraph separators, and the byte-order mark U+FEFF).
 *
 * A workbook's cells are trimmed in JavaScript and a CSV file's in DuckDB, whose `trim(x)` keeps a
 * tab and other characters JavaScript strips: `"\t01"` or `"01\u00a0"` (office exports write
 * no-break spaces) would be another code in a CSV file than in a workbook. The SQL below trims
 * exactly these characters, so the two paths read every cell alike.
 */
export const CELL_BLANK_CHARACTERS =
  '\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' +
  '\u2028\u2029\u202f\u205f\u3000\ufeff';

/**
 * The SQL that trims a text expression as JavaScript's `trim` does (the set holds no quote).
 *
 * DuckDB's `trim(x, characters)` costs about thirteen times its `trim(x)` (3.3 s against 0.26 s
 * over the 25 columns of a national register year), so it runs only on a cell that starts or ends
 * with one of the characters; any other cell is returned as it is, which is what the trim would
 * give. Meant for a column reference: the expression is written four times.
 */
export function trimCellSql(expression: string): string {
  const set = `'${CELL_BLANK_CHARACTERS}'`;
  return `(case when contains(${set}, left(${expression}, 1)) or contains(${set}, right(${expression}, 1)) then trim(${expression}, ${set}) else ${expression} end)`;
}

/** {@link CELL_BLANK_CHARACTERS} as a regular-expression class (RE2, DuckDB's). */
const BLANK_CLASS = `[${[...CELL_BLANK_CHARACTERS].map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join('')}]`;

/**
 * The SQL that tells whether any of a record's cells (`expressions`, text or null) starts or
 * ends with a blank: one regular expression over the cells joined by a control character, so a
 * record whose cells need no trim (nearly every record) costs one test, not one per cell (over a
 * national register year, about 0.6 s of CPU against 0.2 s). It never misses such a cell; a cell
 * holding the joining character itself may make it say yes for nothing, which only costs the
 * exact test of {@link trimCellSql}.
 */
export function edgeBlankSql(expressions: readonly string[]): string {
  if (expressions.length === 0) return 'false';
  return `coalesce(regexp_matches(concat_ws(chr(1), ${expressions.join(', ')}), '(^|\\x{1})${BLANK_CLASS}|${BLANK_CLASS}(\\x{1}|$)'), false)`;
}
