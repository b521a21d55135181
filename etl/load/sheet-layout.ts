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
export function isTotalText(text: string | null | undefined): boolean {
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
  // A text that starts with another ASCII letter or a digit folds to that letter or digit first,
  // so it cannot be a total; one that starts with anything else (a dash, a bracket, a tab, an
  // en dash, a letter outside ASCII) is folded as {@link isTotalText} folds it: "- Tổng cộng" and
  // "(Cộng)" are totals on both paths.
  const matches = `coalesce(regexp_matches(${foldSql(expression)}, '${TOTAL_PATTERN}'), false)`;
  const code = `ascii(${expression})`;
  return `(case when list_contains([${firstLetters}], ${code}) then (case when list_contains([${starts}], lower(left(${expression}, 2))) then ${matches} else false end) when ${code} between 48 and 57 or ${code} between 65 and 90 or ${code} between 97 and 122 then false else ${matches} end)`;
}

/**
 * The provinces a row may name itself by: every province code the warehouse knows (two digits)
 * and every name it knows for one (folded, without "Tỉnh" / "Thành phố" / "TP"), at any date. A
 * row that names one of them is a real unit's row, whatever its year: whether the unit was valid
 * that year is the validation's question, not the layout's.
 */
export interface KnownProvinces {
  readonly codes: readonly string[];
  readonly names: readonly string[];
}

/** Reads {@link KnownProvinces} from the warehouse's admin units and their aliases. */
export async function readKnownProvinces(db: DuckDbHandle): Promise<KnownProvinces> {
  const codes = await db.all<{ code: string }>(
    `select distinct code from dim_admin_unit where level = 'PROVINCE' and code is not null order by code`,
  );
  const names = await db.all<{ name: string }>(
    `select distinct a.folded_name as name from dim_unit_alias a join dim_admin_unit u using (unit_id)
     where u.level = 'PROVINCE' and a.folded_name is not null order by name`,
  );
  return { codes: codes.map((r) => r.code), names: names.map((r) => r.name) };
}

/** A province name's key as validation resolves it: folded, its "Tỉnh" / "Thành phố" dropped. */
const NAME_PREFIX = '^(tinh|thanh pho|tp) ';
/** A province code as validation types it: one or two digits (`1`, `01`, `1.0` from a typed cell). */
const CODE_PATTERN = '[0-9]{1,2}(\\.0+)?';

/**
 * How a sheet's rows are told to be total rows. A total word ("Tổng cộng", "Cộng", "Toàn tỉnh",
 * "Cả nước" …) marks a total row in the row number (STT), the province name or code, or the
 * organisation code, whatever else the row holds. Column A marks one too when it is none of the
 * loader's list columns (a sector cell "Công nghiệp" must not read as "Cộng") nor the
 * organisation's name (an organisation may well be called "Cộng đồng …" or "Tổng đội …", so its
 * name never marks a total; a total written there is read as a data row and refused for its
 * missing code) — but only in a row that names no real unit: a row with an organisation code, or
 * a province code or name that the warehouse knows, is a data row whatever column A says ("Cộng
 * Hòa" in a commune column, "Tổng đội …" in a label column). Wrong is worse than missing: such a
 * row is loaded (or refused for what it holds), never set aside as a total.
 *
 * {@link isTotalRow} (workbooks) and {@link isTotalRowSql} (CSV files, in DuckDB) both read this
 * one rule.
 */
export interface TotalRowRule {
  /** Columns where a total word marks a total row, whatever else the row holds. */
  readonly markers: readonly number[];
  /** Column A (0) when it marks a total row only in a row that names no unit; null otherwise. */
  readonly unkeyedMarker: number | null;
  /** Where the row names its unit: the organisation code, the province code and name. */
  readonly orgId: number | null;
  readonly provinceCode: number | null;
  readonly provinceName: number | null;
  readonly provinces: KnownProvinces;
}

/** The {@link TotalRowRule} of a sheet or CSV file from its header mapping. */
export function totalRowRule(
  source: SourceDescriptor,
  mapping: HeaderMapping,
  provinces: KnownProvinces,
): TotalRowRule {
  const at = (name: string) => mapping.columns.get(name)?.index ?? null;
  const markers = new Set<number>();
  if (mapping.ordinal) markers.add(mapping.ordinal.index);
  for (const name of ['province_name', 'province_code', 'org_id']) {
    const index = at(name);
    if (index !== null) markers.add(index);
  }
  const notMarkers = new Set([
    'org_name',
    ...source.columns.filter((c) => c.type === 'enum' || c.type === 'flag').map((c) => c.name),
  ]);
  const atA = [...mapping.columns].find(([, origin]) => origin.index === 0);
  const columnA = !markers.has(0) && (!atA || !notMarkers.has(atA[0]));
  return {
    markers: [...markers].sort((a, b) => a - b),
    unkeyedMarker: columnA ? 0 : null,
    orgId: at('org_id'),
    provinceCode: at('province_code'),
    provinceName: at('province_name'),
    provinces,
  };
}

const CODE_REGEX = new RegExp(`^${CODE_PATTERN}$`);
const NAME_PREFIX_REGEX = new RegExp(NAME_PREFIX);

/** True when a row names a real unit: an organisation code, or a known province code or name. */
function namesUnit(cells: readonly (string | null)[], rule: TotalRowRule): boolean {
  const cell = (index: number | null) => {
    const text = index === null ? undefined : cells[index]?.trim();
    return text ? text : null;
  };
  if (cell(rule.orgId) !== null) return true;
  const code = cell(rule.provinceCode);
  if (code !== null && CODE_REGEX.test(code)) {
    if (rule.provinces.codes.includes(code.split('.')[0]!.padStart(2, '0'))) return true;
  }
  const name = cell(rule.provinceName);
  return name !== null && rule.provinces.names.includes(fold(name).replace(NAME_PREFIX_REGEX, ''));
}

/** True when a row is a total row by its {@link TotalRowRule}. */
export function isTotalRow(
  cells: readonly (string | null)[],
  rule: TotalRowRule,
  startsTotal: (text: string | null | undefined) => boolean = isTotalText,
): boolean {
  if (rule.markers.some((i) => startsTotal(cells[i]))) return true;
  return (
    rule.unkeyedMarker !== null && startsTotal(cells[rule.unkeyedMarker]) && !namesUnit(cells, rule)
  );
}

const sqlList = (values: readonly string[]) =>
  `[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]::varchar[]`;

/**
 * The SQL twin of {@link isTotalRow}: `cell(i)` is the trimmed text of the row's column `i`, or
 * null when the file has no such column.
 */
export function isTotalRowSql(cell: (index: number) => string | null, rule: TotalRowRule): string {
  const at = (index: number | null) => (index === null ? null : cell(index));
  const marked = rule.markers
    .map((i) => at(i))
    .filter((e): e is string => e !== null)
    .map((e) => isTotalSql(e));
  const a = at(rule.unkeyedMarker);
  if (a !== null) {
    const keys: string[] = [];
    const org = at(rule.orgId);
    if (org !== null) keys.push(`coalesce(${org}, '') <> ''`);
    const code = at(rule.provinceCode);
    if (code !== null)
      keys.push(
        `coalesce(regexp_full_match(${code}, '${CODE_PATTERN}') and list_contains(${sqlList(rule.provinces.codes)}, lpad(split_part(${code}, '.', 1), 2, '0')), false)`,
      );
    const name = at(rule.provinceName);
    if (name !== null)
      keys.push(
        `coalesce(list_contains(${sqlList(rule.provinces.names)}, regexp_replace(${foldSql(name)}, '${NAME_PREFIX}', '')), false)`,
      );
    // The keys are read only in the rows whose column A reads as a total (a `case`, see isTotalSql).
    marked.push(
      `(case when ${isTotalSql(a)} then not (${keys.join(' or ') || 'false'}) else false end)`,
    );
  }
  return marked.length === 0 ? 'false' : `(${marked.join(' or ')})`;
}

/** The text a cell of a column-number row holds: a letter or a number of up to three digits, in brackets or not. */
const COLUMN_NUMBER_PATTERN = '\\(?([A-Za-z]|[0-9]{1,3})\\)?';
const COLUMN_NUMBER_REGEX = new RegExp(`^${COLUMN_NUMBER_PATTERN}$`);

/**
 * True for the row some forms put under the header to number its columns: every cell a single
 * letter or a number of up to three digits, in brackets or not ("A", "B", "(1)", "2", …), at
 * least two of them. No data row looks like this: a data row has a four-digit year.
 */
export function isColumnNumberRow(cells: readonly (string | null)[]): boolean {
  const filled = cells.filter((c): c is string => c !== null && c.trim() !== '');
  return filled.length >= 2 && filled.every((c) => COLUMN_NUMBER_REGEX.test(c.trim()));
}

/**
 * The SQL twin of {@link isColumnNumberRow} over a record's trimmed cells (`cells`, the cell
 * tested first first: a column every data row fills, such as the year, so that a data row is
 * told apart by one test).
 */
export function isColumnNumberRowSql(cells: readonly string[]): string {
  const filled = cells.map((c) => `(case when coalesce(${c}, '') <> '' then 1 else 0 end)`);
  let sql = `(${filled.join(' + ') || '0'}) >= 2`;
  for (const c of [...cells].reverse())
    sql = `(case when coalesce(${c}, '') = '' or regexp_full_match(${c}, '${COLUMN_NUMBER_PATTERN}') then ${sql} else false end)`;
  return sql;
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
 * cells (`convention`, decided once for the file from them), so that a typed 980.25 beside a
 * text '980,25' is one convention, not two. Cells of columns that are not decimals lose their
 * mark only (a count of 12.5 stays refused).
 */
export async function typedNumbersToConvention(
  db: DuckDbHandle,
  source: SourceDescriptor,
  convention: 'vn' | 'en',
  columns: readonly string[],
  tables: readonly string[],
): Promise<void> {
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
