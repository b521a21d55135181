/**
 * The layout of a sheet as an office makes it: title rows above the header ("BIỂU SỐ 01: …", a
 * blank row, "Đơn vị tính: …"), a header row, sometimes a row numbering the columns ("A", "B",
 * "1", "2", …), data rows, and total rows ("Tổng cộng", "Cộng", "Toàn tỉnh", "Cả nước"). This
 * module tells these rows apart; the staging reads the rows, the totals are checked in SQL
 * (`etl/validate/total-rows.ts`).
 */
import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { fold, foldSql } from '../../warehouse/text/fold.ts';
import { ReaderError } from '../readers/reader.error.ts';
import { decimalEvidenceSql } from '../validate/typing.ts';
import type { SourceDescriptor } from '../sources/source-descriptor.ts';
import { isHeaderMapping, mapHeaders, type HeaderMapping } from '../sources/header-mapping.ts';
import { TOTAL_TABLE } from '../staged/staged-file.ts';

/** The header row is looked for among this many first non-empty rows of a sheet or CSV file. */
export const HEADER_SEARCH_ROWS = 20;

/** Words that mark a total row, as offices write them (matched folded: any case, any accents). */
export const TOTAL_ROW_WORDS = [
  'Tổng cộng',
  'Tổng số',
  'Tổng',
  'Cộng',
  'Toàn tỉnh',
  'Toàn thành phố',
  'Cả nước',
  'Toàn quốc',
  'Total',
  'Grand total',
  'Subtotal',
] as const;

const TOTAL_PATTERN = `^(${TOTAL_ROW_WORDS.map(fold).join('|')})( |$)`;
const TOTAL_REGEX = new RegExp(TOTAL_PATTERN);

/** True when a cell's text starts with a total word ("Tổng cộng", "Cộng:", "TỔNG SỐ TOÀN TỈNH"). */
function isTotalText(text: string | null | undefined): boolean {
  return text !== null && text !== undefined && TOTAL_REGEX.test(fold(text));
}

/**
 * The first two letters, lower case, a total word can start with: the cheap test that spares the
 * folding of every other cell (province names and codes) in a large CSV file.
 */
const TOTAL_STARTS = [
  ...new Set(
    TOTAL_ROW_WORDS.flatMap((w) => {
      const two = w.slice(0, 2).toLowerCase();
      return [
        two,
        fold(two),
        two
          .normalize('NFD')
          .replace(/\u0323|\u0309|\u0303|\u0301|\u0300/g, '')
          .normalize('NFC'),
      ];
    }),
  ),
];

/** The SQL twin of {@link isTotalText} over one expression. */
export function isTotalSql(expression: string): string {
  const starts = TOTAL_STARTS.map((s) => `'${s}'`).join(', ');
  // Nested `case`, not `and`: DuckDB evaluates both sides of an `and` in a select list, while a
  // `case` computes its branch only for the rows that reach it. The first letter is the cheapest
  // test (every total word starts with an ASCII T, C, G or S, the only letters whose lower case
  // is t, c, g or s), then the two first letters, then the folding. `list_contains`, not `in`:
  // DuckDB plans a long `in` list as a join, and a join in the copy of a file loses the order of
  // its rows (a row's number is its place in the copy).
  const firstLetters = [...new Set(TOTAL_STARTS.map((s) => s[0]!))]
    .flatMap((c) => [c.codePointAt(0)!, c.toUpperCase().codePointAt(0)!])
    .join(', ');
  return `(case when list_contains([${firstLetters}], ascii(${expression})) then (case when list_contains([${starts}], lower(left(${expression}, 2))) then coalesce(regexp_matches(${foldSql(expression)}, '${TOTAL_PATTERN}'), false) else false end) else false end)`;
}

/**
 * The columns where a total row says it is one: the row number (STT), the province name and
 * code, the organisation code, and column A when it is none of the loader's list columns (a
 * sector cell "Công nghiệp" must not read as "Cộng") nor the organisation's name: an
 * organisation may well be called "Cộng đồng …" or "Tổng đội …", so its name never marks a total
 * (a total written there is read as a data row and refused for its missing code).
 */
export function totalMarkerColumns(source: SourceDescriptor, mapping: HeaderMapping): number[] {
  const indexes = new Set<number>();
  if (mapping.ordinal) indexes.add(mapping.ordinal.index);
  for (const name of ['province_name', 'province_code', 'org_id']) {
    const origin = mapping.columns.get(name);
    if (origin) indexes.add(origin.index);
  }
  const notMarkers = new Set([
    'org_name',
    ...source.columns.filter((c) => c.type === 'enum' || c.type === 'flag').map((c) => c.name),
  ]);
  const atA = [...mapping.columns].find(([, origin]) => origin.index === 0);
  if (!atA || !notMarkers.has(atA[0])) indexes.add(0);
  return [...indexes].sort((a, b) => a - b);
}

/** True when a row is a total row: one of its marker columns starts with a total word. */
export function isTotalRow(cells: readonly (string | null)[], markers: readonly number[]): boolean {
  return markers.some((i) => isTotalText(cells[i]));
}

/**
 * True for the row some forms put under the header to number its columns: every cell a single
 * letter or a number of up to three digits, in brackets or not ("A", "B", "(1)", "2", …), at
 * least two of them. No data row looks like this: a data row has a four-digit year.
 */
export function isColumnNumberRow(cells: readonly (string | null)[]): boolean {
  const filled = cells.filter((c): c is string => c !== null && c.trim() !== '');
  return filled.length >= 2 && filled.every((c) => /^\(?([A-Za-z]|\d{1,3})\)?$/.test(c.trim()));
}

/** The columns of {@link TOTAL_TABLE}: the place, then every canonical column as text. */
export function totalTableSql(source: SourceDescriptor): string {
  const columns = source.columns.map((c) => `${c.name} varchar`).join(', ');
  return `create or replace temp table ${TOTAL_TABLE} (src_sheet varchar, src_row integer, ${columns})`;
}

/** Prefix the staging gives the text of a cell typed as a fractional number in a workbook. */
export const TYPED_NUMBER_MARK = '\u0001';

/**
 * The index of the header line among the first lines of a CSV file: the first that names the
 * family's required columns; 0 when none does (the first line is then taken, and refused or
 * warned about as a header as before).
 */
export function findHeaderLine(
  source: SourceDescriptor,
  lines: readonly (readonly string[])[],
): number {
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.map((c) => c.trim());
    if (cells.every((c) => c === '')) continue;
    if (isHeaderMapping(source, mapHeaders(source, cells))) return i;
  }
  return 0;
}

/** The rule merged cells in a header row break, with how to fix the sheet. */
const MERGED_HEADER_RULE =
  'headers must be one row of single cells (unmerge them and give each column its own header in that one row; merged title rows above the header are fine, a header on two rows is not read)';

/**
 * Refuses merged cells that touch the header row (`A4:C4`, or `A3:A4` reaching down into it).
 * Merged cells in the title rows above it and below it among the data are left alone.
 */
export function refuseMergedHeaderRow(
  ranges: readonly string[],
  headerRow: number,
  file: string,
  sheet: string,
): void {
  const touching = ranges.filter((range) => {
    const m = /^[A-Za-z]+(\d+)(?::[A-Za-z]+(\d+))?$/.exec(range);
    if (!m) return false;
    const top = Number(m[1]);
    const bottom = Number(m[2] ?? m[1]);
    return top <= headerRow && headerRow <= bottom;
  });
  if (touching.length === 0) return;
  const shown = touching.slice(0, 5).join(', ') + (touching.length > 5 ? ', …' : '');
  throw new ReaderError({
    rule: MERGED_HEADER_RULE,
    value: `merged cells ${shown}`,
    file,
    sheet,
    row: headerRow,
  });
}

/**
 * Writes the cells a workbook typed as fractional numbers (marked with
 * {@link TYPED_NUMBER_MARK}, written `980.25`) in the text convention of the file's other decimal
 * cells, so that a typed 980.25 beside a text '980,25' is one convention, not two. Cells of
 * columns that are not decimals lose their mark only (a count of 12.5 stays refused).
 */
export async function typedNumbersToConvention(
  db: DuckDbHandle,
  source: SourceDescriptor,
  columns: readonly string[],
  tables: readonly string[],
): Promise<void> {
  let convention: 'vn' | 'en' = 'en';
  const evidence = decimalEvidenceSql(source, tables[0]!);
  if (evidence) {
    const [counts] = await db.all<{ vn: number; en: number }>(evidence);
    if (counts && counts.vn > 0 && counts.en === 0) convention = 'vn';
  }
  const decimals = new Set(source.columns.filter((c) => c.type === 'decimal').map((c) => c.name));
  const mark = `chr(${TYPED_NUMBER_MARK.charCodeAt(0)})`;
  const sets = columns
    .map((name) => {
      const plain = `substr(${name}, 2)`;
      const written =
        decimals.has(name) && convention === 'vn' ? `replace(${plain}, '.', ',')` : plain;
      return `${name} = case when starts_with(${name}, ${mark}) then ${written} else ${name} end`;
    })
    .join(', ');
  for (const table of tables) await db.run(`update ${table} set ${sets}`);
}
