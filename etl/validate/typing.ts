import { fold, foldSql } from '../../warehouse/text/fold.ts';
import type { ColumnDescriptor, SourceDescriptor } from '../sources/source-descriptor.ts';
import { FLAG_ALIASES } from '../sources/vocabulary.ts';

/** Quotes a string as a SQL literal. Only used for vocabulary from the descriptors, never user data. */
export const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;

const WHOLE = `'[0-9]+'`;
const DOT_THOUSANDS = `'[0-9]{1,3}(\\.[0-9]{3})+'`;
const COMMA_THOUSANDS = `'[0-9]{1,3}(,[0-9]{3})+'`;
const SPACE_THOUSANDS = `'[0-9]{1,3}( [0-9]{3})+'`;
const TRAILING_ZERO = `'[0-9]+\\.0+'`;

/** `raw` with spaces (including no-break spaces) trimmed and collapsed. */
const clean = (raw: string) => `trim(regexp_replace(${raw}, '[\\s\\x{00A0}]+', ' ', 'g'))`;

/**
 * `body` over the value of `expression` computed once: the body names it `v` as often as it
 * likes. Written out, each mention of a cleaned cell repeated its whole expression, and DuckDB
 * spent more time planning a CSV file's typed read (about ten cleanings per number column) than
 * reading a small file; a one-element list's lambda computes it once, only in the rows that reach
 * it (the general branch of a cast).
 */
const once = (expression: string, body: (v: string) => string) =>
  `list_transform([${expression}], lambda v: ${body('v')})[1]`;

/**
 * A whole number ≥ 0 written as `1234`, `1.234` (Vietnamese thousands), `1,234` or `1 234`:
 * a dot or comma followed by exactly three digits is a thousands separator in a count.
 */
function countSql(raw: string): string {
  return once(
    clean(raw),
    (v) => `case
    when regexp_full_match(${v}, ${WHOLE}) then try_cast(${v} as bigint)
    when regexp_full_match(${v}, ${DOT_THOUSANDS}) then try_cast(replace(${v}, '.', '') as bigint)
    when regexp_full_match(${v}, ${COMMA_THOUSANDS}) then try_cast(replace(${v}, ',', '') as bigint)
    when regexp_full_match(${v}, ${SPACE_THOUSANDS}) then try_cast(replace(${v}, ' ', '') as bigint)
    when regexp_full_match(${v}, ${TRAILING_ZERO}) then try_cast(split_part(${v}, '.', 1) as bigint)
  end`,
  );
}

/**
 * A decimal in the file's convention: `vn` reads `1.234,5` (dot thousands, comma decimal), `en`
 * reads `1,234.5`. A plain `12.5` or `12,5` is read by the convention given.
 */
function decimalSql(raw: string, convention: 'vn' | 'en'): string {
  return once(`replace(${clean(raw)}, ' ', '')`, (v) =>
    convention === 'vn'
      ? `case when regexp_full_match(${v}, '-?[0-9]{1,3}(\\.[0-9]{3})*(,[0-9]+)?|-?[0-9]+(,[0-9]+)?') then try_cast(replace(replace(${v}, '.', ''), ',', '.') as double) end`
      : `case when regexp_full_match(${v}, '-?[0-9]{1,3}(,[0-9]{3})*(\\.[0-9]+)?|-?[0-9]+(\\.[0-9]+)?') then try_cast(replace(${v}, ',', '') as double) end`,
  );
}

/**
 * The canonical value of a list column's spelling: the folded text looked up in one map literal
 * of every accepted spelling (folded) to its value. A `case` over the folded text was planned as
 * one comparison per spelling, each with its own copy of the folding.
 */
function enumSql(
  raw: string,
  values: Readonly<Record<string, readonly string[]>>,
  literal: (canonical: string) => string = sqlString,
): string {
  const entries = new Map<string, string>();
  for (const [canonical, spellings] of Object.entries(values)) {
    for (const spelling of [canonical, canonical.replace(/_/g, ' '), ...spellings]) {
      const key = fold(spelling);
      if (!entries.has(key)) entries.set(key, canonical);
    }
  }
  const map = [...entries].map(([k, c]) => `${sqlString(k)}: ${literal(c)}`).join(', ');
  return `(map {${map}})[${foldSql(raw)}]`;
}

/**
 * The cheap test and cast of a value already written the plain way (`2024`, `610`, `HTX`,
 * `19`): most cells of a large file are, and the general expression (whitespace clean-up,
 * accent folding, separators) then runs only on the others. `list_contains`, not `in`: DuckDB
 * plans a long `in` list as a join, and a CSV file is typed in a statement that must keep the
 * file's order (its row numbers).
 */
function fastPath(
  column: ColumnDescriptor,
  raw: string,
  convention: 'vn' | 'en',
): { test: string; value: string } | null {
  switch (column.type) {
    case 'year':
      return { test: `regexp_full_match(${raw}, '[0-9]{4}')`, value: `${raw}::integer` };
    case 'count':
      return { test: `regexp_full_match(${raw}, '[0-9]{1,15}')`, value: `${raw}::bigint` };
    case 'decimal':
      return convention === 'en'
        ? {
            test: `regexp_full_match(${raw}, '-?[0-9]{1,15}(\\.[0-9]{1,15})?')`,
            value: `${raw}::double`,
          }
        : { test: `regexp_full_match(${raw}, '-?[0-9]{1,15}')`, value: `${raw}::double` };
    case 'enum': {
      const codes = Object.keys(column.values ?? {});
      return { test: `list_contains([${codes.map(sqlString).join(', ')}], ${raw})`, value: raw };
    }
    case 'flag':
      return {
        test: `list_contains(['0', '1', 'true', 'false', 'TRUE', 'FALSE', 'yes', 'no'], ${raw})`,
        value: `list_contains(['1', 'true', 'TRUE', 'yes'], ${raw})`,
      };
    case 'text':
      // Without runs of whitespace to collapse: most names. Staged text is already NFC (the CSV
      // reader decodes and normalises the file, the .xlsx reader every cell), so it is kept as
      // it is: nfc_normalize over a national file's names cost more than reading the file.
      // Plain substring tests rather than a regular expression: without a tab, line break,
      // form feed or no-break space, a run of whitespace can only be two spaces.
      return {
        test: `not (${['  ', ...[9, 10, 12, 13, 160].map((c) => String.fromCodePoint(c))]
          .map((c) => `contains(${raw}, ${c === '  ' ? `'  '` : `chr(${c.codePointAt(0)})`})`)
          .join(' or ')})`,
        value: raw,
      };
    case 'code':
      if (column.name === 'province_code')
        return { test: `regexp_full_match(${raw}, '[0-9]{2}')`, value: raw };
      if (column.name === 'source') return null;
      return { test: `regexp_full_match(${raw}, '[0-9A-Za-z][0-9A-Za-z./-]{0,39}')`, value: raw };
    default:
      return null;
  }
}

/** The SQL expression that casts one raw text column to its type; `null` where the text is invalid. */
export function castSql(column: ColumnDescriptor, raw: string, convention: 'vn' | 'en'): string {
  const general = generalCastSql(column, raw, convention);
  const fast = fastPath(column, raw, convention);
  // A missing cell is missing whatever its type: decided first, so that neither test runs on it
  // (many cells of a register are empty).
  return fast
    ? `(case when ${raw} is null then null when ${fast.test} then ${fast.value} else ${general} end)`
    : `(case when ${raw} is null then null else ${general} end)`;
}

function generalCastSql(column: ColumnDescriptor, raw: string, convention: 'vn' | 'en'): string {
  switch (column.type) {
    case 'year':
      return once(
        clean(raw),
        (v) =>
          `case when regexp_full_match(${v}, '[0-9]{4}(\\.0+)?') then try_cast(left(${v}, 4) as integer) end`,
      );
    case 'count':
      return countSql(raw);
    case 'decimal':
      return decimalSql(raw, convention);
    case 'enum':
      return enumSql(raw, column.values ?? {});
    case 'flag':
      return enumSql(raw, FLAG_ALIASES, (canonical) => (canonical === 'TRUE' ? 'true' : 'false'));
    case 'code':
      if (column.name === 'province_code') {
        return once(
          clean(raw),
          (v) =>
            `case when regexp_full_match(${v}, '[0-9]{1,2}(\\.0+)?') then lpad(split_part(${v}, '.', 1), 2, '0') end`,
        );
      }
      if (column.name === 'source') {
        return once(
          `upper(${clean(raw)})`,
          (v) => `case when regexp_full_match(${v}, '[A-Z][A-Z0-9_]{0,29}') then ${v} end`,
        );
      }
      return once(
        clean(raw),
        (v) => `case when regexp_full_match(${v}, '[0-9A-Za-z][0-9A-Za-z./-]{0,39}') then ${v} end`,
      );
    case 'text':
      return `nfc_normalize(${clean(raw)})`;
  }
}

/** What a column must hold, worded for a clerk. */
export function typeRule(column: ColumnDescriptor): string {
  const name = `column \`${column.name}\``;
  switch (column.type) {
    case 'year':
      return `${name} must be a four-digit year`;
    case 'count':
      return `${name} must be a whole number ≥ 0 (digits only, or with . or , between thousands)`;
    case 'decimal':
      return `${name} must be a number in the file's convention`;
    case 'enum':
      return `${name} must be one of ${Object.keys(column.values ?? {}).join(', ')} (or their Vietnamese names)`;
    case 'flag':
      return `${name} must be yes or no (1/0, x, có/không)`;
    case 'code':
      return column.name === 'province_code'
        ? `${name} must be a one- or two-digit province code`
        : column.name === 'source'
          ? `${name} must be a source code of letters, digits and _`
          : `${name} must be a code of letters, digits, '.', '/' or '-'`;
    case 'text':
      return `${name} must be text`;
  }
}

/**
 * Decides the decimal convention of a file from its decimal columns: Vietnamese (`1.234,5`) when
 * a value can only be read that way, English (`1,234.5`) otherwise. Returns the SQL to count the
 * evidence; the caller refuses a file with evidence of both.
 */
export function decimalEvidenceSql(source: SourceDescriptor, table: string): string | null {
  const counts = decimalEvidenceCounts(source);
  return counts ? `select ${counts} from ${table}` : null;
}

/** The select list of {@link decimalEvidenceSql}: `vn` and `en` counts; null without decimals. */
function decimalEvidenceCounts(source: SourceDescriptor): string | null {
  const decimals = source.columns.filter((c) => c.type === 'decimal');
  if (decimals.length === 0) return null;
  const vn = decimals
    .map(
      (c) =>
        `count(*) filter (where regexp_full_match(replace(${c.name}, ' ', ''), '-?[0-9]+,[0-9]{1,2}|-?[0-9]{1,3}(\\.[0-9]{3})+,[0-9]+'))`,
    )
    .join(' + ');
  const en = decimals
    .map(
      (c) =>
        `count(*) filter (where regexp_full_match(replace(${c.name}, ' ', ''), '-?[0-9]+\\.[0-9]{1,2}|-?[0-9]{1,3}(,[0-9]{3})+\\.[0-9]+'))`,
    )
    .join(' + ');
  return `${vn} as vn, ${en} as en`;
}

/** The columns whose distinct raw values {@link rawProfileSql} lists (besides decimal evidence). */
export const PROFILE_KEY_COLUMNS = ['year', 'province_code', 'province_name'] as const;

/** Whether {@link rawProfileSql} reads `column` of its table: a key column or a decimal one. */
export const profileReads = (column: ColumnDescriptor): boolean =>
  (PROFILE_KEY_COLUMNS as readonly string[]).includes(column.name) || column.type === 'decimal';

/** The table {@link rawProfileSql} fills: one row per distinct raw (year, province_code, province_name). */
export const RAW_PROFILE_TABLE = 'stg_raw_profile';

/**
 * One pass over the raw rows that gives what the typing needs before it casts: each distinct raw
 * (year, province_code, province_name) as written, with its row count `n` and the decimal
 * evidence of its rows (`vn`, `en`, as {@link decimalEvidenceSql} counts them). A file of a
 * national register is read once for all three instead of once each.
 */
export function rawProfileSql(source: SourceDescriptor, table: string): string {
  const counts = decimalEvidenceCounts(source) ?? '0 as vn, 0 as en';
  return `select ${PROFILE_KEY_COLUMNS.map((c) => `${c} as raw_${c}`).join(', ')},
            count(*) as n, ${counts}
          from ${table} group by all`;
}

/**
 * A typed value as the text it was cast from when the file wrote it the plain way (`2024`, `610`,
 * `HTX`, `12.5`); a raw text that differs from it is kept beside the value. Flags are always kept
 * as written (`1`, `x`, `có` all read as yes): null here.
 */
export function typedText(column: ColumnDescriptor, typed: string): string {
  switch (column.type) {
    case 'flag':
      return 'null::varchar';
    case 'year':
    case 'count':
    case 'decimal':
      return `${typed}::varchar`;
    default:
      return typed;
  }
}
