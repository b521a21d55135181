import type { ColumnDescriptor } from '../sources/source-descriptor.ts';
import { FLAG_ALIASES } from '../sources/vocabulary.ts';
import { SOURCE_OF_FAMILY } from '../sources/families.ts';
import { INPUT_FAMILIES, type InputFamily } from '../../warehouse/domain/vocabulary.ts';
import { typeRule } from '../validate/typing.ts';
import { fold } from '../../warehouse/text/fold.ts';
import { unitOf as unitKindOf, UNITS } from '../sources/units.ts';

/**
 * How each input column is presented to the people who fill it in — header, unit, rule, list of
 * values — derived from the loader's own descriptors (`etl/sources/*.source.ts`), so the template,
 * its notes and `docs/input-format.md` can never drift from what the loader accepts.
 */

/** Languages a template and its notes are written in. */
const TEMPLATE_LANGS = ['vi', 'en'] as const;
export type TemplateLang = (typeof TEMPLATE_LANGS)[number];

/** The input families a template exists for: every family the loader accepts. */
export const TEMPLATE_FAMILIES = INPUT_FAMILIES;
export type TemplateFamily = InputFamily;

/** The descriptor of each family, as the loader uses it. */
export const SOURCES = SOURCE_OF_FAMILY;

/** One column as a template shows it. */
export interface ColumnGuide {
  readonly column: ColumnDescriptor;
  /** The header written in the template: an accepted spelling in the chosen language. */
  readonly header: string;
  /** Unit of a value, in the chosen language; `null` for codes, names and lists. */
  readonly unit: string | null;
  /** What the cell must hold, in the chosen language. */
  readonly rule: string;
  /** Values a drop-down list offers (accepted spellings in the chosen language); `null` = free. */
  readonly listValues: readonly string[] | null;
  /** Every header spelling the loader accepts for the column, canonical name first. */
  readonly spellings: readonly string[];
}

const hasVietnamese = (text: string) => /[^\x00-\x7f]/.test(text);

/** The first accepted spelling written in Vietnamese (with diacritics), else the first alias. */
function vietnameseSpelling(spellings: readonly string[], fallback: string): string {
  const vi = spellings.find(hasVietnamese) ?? spellings[0] ?? fallback;
  return vi.charAt(0).toUpperCase() + vi.slice(1);
}

/** The unit of a numeric column in the chosen language (`units.ts`), `null` for the others. */
function unitOf(column: ColumnDescriptor, lang: TemplateLang): string | null {
  const kind = unitKindOf(column);
  return kind === null ? null : UNITS[kind][lang];
}

/**
 * A template header: the spelling, then its unit in brackets as offices write it ("Lao động
 * (người)"), unless the spelling already names the unit ("revenue_avg_vnd_million").
 */
function withUnit(header: string, unit: string | null): string {
  return unit === null || fold(header).includes(fold(unit)) ? header : `${header} (${unit})`;
}

/** The Vietnamese wording of the loader's type rule, one per column type. */
function ruleVi(column: ColumnDescriptor): string {
  switch (column.type) {
    case 'year':
      return `năm bốn chữ số, từ ${column.min ?? 1900}`;
    case 'count':
      return 'số nguyên ≥ 0 (chỉ chữ số, hoặc có dấu . hoặc , phân cách hàng nghìn); để trống khi không có số liệu, không ghi 0';
    case 'decimal':
      return 'số (kiểu số của Excel, hoặc 1.234,5 / 1,234.5 — một quy ước trong cả tệp); để trống khi không có số liệu';
    case 'enum':
      return `một trong: ${Object.entries(column.values ?? {})
        .map(
          ([code, spellings]) =>
            `${code} (${spellings.filter(hasVietnamese).join(', ') || spellings.join(', ')})`,
        )
        .join('; ')}`;
    case 'flag':
      return `có hoặc không (${FLAG_ALIASES.TRUE.join('/')} hoặc ${FLAG_ALIASES.FALSE.join('/')})`;
    case 'code':
      return column.name === 'province_code'
        ? 'mã tỉnh một hoặc hai chữ số của Tổng cục Thống kê (06 và 6 như nhau), của tỉnh có hiệu lực trong năm'
        : column.name === 'source'
          ? 'mã nguồn: chữ, số và _ (ví dụ PSO, MINISTRY, VCA); để trống = nguồn ghi khi nạp'
          : "mã gồm chữ, số, '.', '/' hoặc '-'";
    case 'text':
      return column.name === 'province_name'
        ? 'tên tỉnh có hiệu lực trong năm, có hoặc không dấu, có hoặc không "Tỉnh"/"Thành phố"'
        : 'văn bản';
  }
}

/** The English rule: the loader's own refusal wording, plus how to say "missing". */
function ruleEn(column: ColumnDescriptor): string {
  const rule = typeRule(column).replace(/^column `[^`]+` must be /, '');
  return column.type === 'count' || column.type === 'decimal'
    ? `${rule}; leave empty when there is no figure, never 0`
    : column.name === 'province_name'
      ? 'name of a province valid in that year, with or without diacritics or "Tỉnh"/"Thành phố"'
      : rule;
}

/** Drop-down values for a closed vocabulary: codes in English, Vietnamese names in Vietnamese. */
function listValuesOf(column: ColumnDescriptor, lang: TemplateLang): string[] | null {
  if (column.type === 'flag') return lang === 'vi' ? ['có', 'không'] : ['yes', 'no'];
  if (column.type !== 'enum') return null;
  return Object.entries(column.values ?? {}).map(([code, spellings]) =>
    lang === 'vi' ? vietnameseSpelling(spellings, code) : code,
  );
}

/** Every column of a family as a template presents it, in descriptor order. */
export function columnGuides(family: TemplateFamily, lang: TemplateLang): ColumnGuide[] {
  return SOURCES[family].columns.map((column) => ({
    column,
    header: withUnit(
      lang === 'vi' ? vietnameseSpelling(column.aliases, column.name) : column.name,
      unitOf(column, lang),
    ),
    unit: unitOf(column, lang),
    rule: lang === 'vi' ? ruleVi(column) : ruleEn(column),
    listValues: listValuesOf(column, lang),
    spellings: [column.name, ...column.aliases],
  }));
}

/** "Bắt buộc" / "required" for a required column, else "". */
export function requiredWord(column: ColumnDescriptor, lang: TemplateLang): string {
  if (column.required) return lang === 'vi' ? 'bắt buộc' : 'required';
  if (column.name === 'province_code' || column.name === 'province_name')
    return lang === 'vi' ? 'mã hoặc tên tỉnh' : 'code or name';
  return '';
}
