import { sql, type Expression, type RawBuilder } from 'kysely';

/**
 * Folds Vietnamese text for matching: NFC, lower case, diacritics and đ removed, punctuation
 * collapsed to single spaces. `Mã tỉnh`, `MA TINH` and `ma_tinh` all fold to `ma tinh`. The SQL
 * twin is {@link foldExpression}; both must agree.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The SQL of {@link fold} before and after the text it folds (DuckDB functions). */
const FOLD_OPEN = 'trim(regexp_replace(lower(replace(replace(strip_accents(nfc_normalize(';
const FOLD_CLOSE = `)), 'đ', 'd'), 'Đ', 'D')), '[^a-z0-9]+', ' ', 'g'))`;

/** The same folding as {@link fold}, as a DuckDB SQL expression over a typed expression. */
export function foldExpression<T extends string | null>(text: Expression<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(FOLD_OPEN)}${text}${sql.raw(FOLD_CLOSE)}`;
}

/**
 * {@link foldExpression} for statements still written as SQL text (the ETL's staging steps):
 * `expression` is SQL from the code itself (a column name, a cast), never a value.
 */
export function foldSql(expression: string): string {
  return FOLD_OPEN + expression + FOLD_CLOSE;
}

const UNIT_PREFIXES = ['tinh ', 'thanh pho ', 'tp ', 'province of ', 'city of '];
const UNIT_SUFFIXES = [' province', ' city'];

/** Folds a province name and drops "Tỉnh", "Thành phố", "TP." and English "Province"/"City". */
export function foldUnitName(name: string): string {
  let folded = fold(name);
  for (const prefix of UNIT_PREFIXES)
    if (folded.startsWith(prefix)) folded = folded.slice(prefix.length);
  for (const suffix of UNIT_SUFFIXES)
    if (folded.endsWith(suffix)) folded = folded.slice(0, -suffix.length);
  return folded.trim();
}

/** Removes diacritics but keeps case and spacing: `Thái Nguyên` → `Thai Nguyen`. */
export function unaccent(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** English name of a province from its Vietnamese name: `Tỉnh Thái Nguyên` → `Thai Nguyen Province`. */
export function englishUnitName(nameVi: string): string {
  const plain = unaccent(nameVi.normalize('NFC'));
  if (plain.startsWith('Tinh ')) return `${plain.slice(5)} Province`;
  if (plain.startsWith('Thanh pho ')) return `${plain.slice(10)} City`;
  return plain;
}
