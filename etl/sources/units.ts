/**
 * Units written in headers, as offices write them: "Doanh thu bình quân (triệu đồng)", "Số
 * thành viên (người)". A header may carry its column's unit in brackets; a unit of another kind or
 * scale ("(nghìn người)" on a count of people, "(tỷ đồng)" on VND million) is refused rather than
 * scaled, so a figure is never multiplied by guesswork.
 */
import { fold } from '../../warehouse/text/fold.ts';
import type { ColumnDescriptor } from './source-descriptor.ts';

/** What a numeric column is measured in. */
export const UNIT_KINDS = ['organisations', 'persons', 'members', 'vnd_million'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** One unit: its names for templates and messages, and the spellings a header may use. */
export interface UnitSpec {
  readonly vi: string;
  readonly en: string;
  /** Accepted spellings (folded like headers when matched). */
  readonly spellings: readonly string[];
}

export const UNITS: Readonly<Record<UnitKind, UnitSpec>> = {
  organisations: {
    vi: 'tổ chức',
    en: 'organisations',
    spellings: [
      'tổ chức',
      'đơn vị',
      'cơ sở',
      'HTX',
      'hợp tác xã',
      'THT',
      'tổ hợp tác',
      'LHHTX',
      'liên hiệp hợp tác xã',
      'QTDND',
      'quỹ',
      'số đếm',
      'organisations',
      'organizations',
      'cooperatives',
      'count',
    ],
  },
  persons: {
    vi: 'người',
    en: 'persons',
    spellings: ['người', 'lao động', 'người lao động', 'cán bộ', 'persons', 'people'],
  },
  members: {
    vi: 'thành viên',
    en: 'members',
    spellings: ['thành viên', 'TV', 'người', 'members', 'persons', 'people'],
  },
  vnd_million: {
    vi: 'triệu đồng',
    en: 'VND million',
    spellings: [
      'triệu đồng',
      'tr.đồng',
      'tr.đ',
      'trđ',
      'triệu',
      'triệu VND',
      'VND million',
      'million VND',
      'million dong',
    ],
  },
};

/**
 * Units recognised in a header that no column is measured in: another scale of a unit above, or
 * a share. A header carrying one is refused with the conversion to make.
 */
export const OTHER_UNITS: readonly {
  readonly spellings: readonly string[];
  readonly means: string;
}[] = [
  {
    spellings: [
      'nghìn người',
      'ngàn người',
      'nghìn thành viên',
      'ngàn thành viên',
      'nghìn lao động',
      'ngàn lao động',
      'thousand persons',
      'thousand people',
      'thousand members',
    ],
    means: 'thousands of people',
  },
  { spellings: ['triệu người', 'million persons', 'million people'], means: 'millions of people' },
  {
    spellings: ['nghìn HTX', 'ngàn HTX', 'nghìn tổ chức', 'ngàn tổ chức'],
    means: 'thousands of organisations',
  },
  { spellings: ['đồng', 'VND', 'VNĐ'], means: 'đồng (VND)' },
  { spellings: ['nghìn đồng', 'ngàn đồng', 'thousand VND'], means: 'thousands of đồng' },
  {
    spellings: ['tỷ đồng', 'tỉ đồng', 'tỷ', 'tỉ', 'billion VND', 'VND billion'],
    means: 'billions of đồng',
  },
  { spellings: ['USD', 'nghìn USD', 'triệu USD', 'đô la'], means: 'US dollars' },
  { spellings: ['%', 'phần trăm', 'tỷ lệ', 'tỷ lệ %', 'percent', 'share'], means: 'a percentage' },
];

/** The unit a numeric column is measured in; `null` for codes, names, lists and years. */
export function unitOf(column: ColumnDescriptor): UnitKind | null {
  if (column.unit !== undefined) return column.unit;
  if (column.type === 'decimal')
    return /VND million/.test(column.description) ? 'vnd_million' : null;
  if (column.type !== 'count') return null;
  if (/persons\.$/.test(column.description)) return 'persons';
  if (/members/i.test(column.name) || /associates/.test(column.name)) return 'members';
  return 'organisations';
}

const foldUnit = (text: string) => (text.trim() === '%' ? '%' : fold(text));

const ACCEPTED = new Map<UnitKind, Set<string>>(
  UNIT_KINDS.map((kind) => [kind, new Set(UNITS[kind].spellings.map(foldUnit))]),
);
const ANY_UNIT = new Map<string, string>();
for (const kind of UNIT_KINDS)
  for (const s of UNITS[kind].spellings) ANY_UNIT.set(foldUnit(s), UNITS[kind].en);
for (const other of OTHER_UNITS)
  for (const s of other.spellings) ANY_UNIT.set(foldUnit(s), other.means);

/** A header split into its name and the unit in brackets at its end, when there is one. */
export interface HeaderUnit {
  readonly name: string;
  /** The unit as written, without brackets. */
  readonly unit: string;
  /** What the unit means, in English ("persons", "thousands of people"). */
  readonly means: string;
}

/**
 * Splits "Số thành viên (người)" into its name and unit. Only a recognised unit is split off: a
 * bracket holding anything else ("Số HTX (đang hoạt động)") is part of the header's name.
 */
export function splitHeaderUnit(header: string): HeaderUnit | undefined {
  const match = /^(.*\S)\s*[([]\s*([^()[\]]+?)\s*[)\]]\s*$/.exec(header.trim());
  if (!match) return undefined;
  const unit = match[2]!.replace(/^(đơn vị( tính)?|đvt|unit)\s*[:.]?\s*/i, '');
  const means = ANY_UNIT.get(foldUnit(unit));
  return means === undefined ? undefined : { name: match[1]!, unit, means };
}

/** True when `unit` (as written) is a spelling of the column's own unit. */
export function unitMatches(column: ColumnDescriptor, unit: string): boolean {
  const kind = unitOf(column);
  return kind !== null && (ACCEPTED.get(kind)?.has(foldUnit(unit)) ?? false);
}
