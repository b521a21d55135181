import { fold } from '../../warehouse/text/fold.ts';
import { columnLetter } from '../readers/xlsx.reader.ts';
import type { SourceDescriptor } from '../sources/source-descriptor.ts';

/** Where a canonical column came from in one sheet: its header as written and its column letter. */
export interface ColumnOrigin {
  readonly header: string;
  readonly letter: string;
  readonly index: number;
}

/** The mapping of one sheet's header row onto a family's canonical columns. */
export interface HeaderMapping {
  readonly columns: ReadonlyMap<string, ColumnOrigin>;
  /** Headers that match no column of the family (ignored, reported as warnings). */
  readonly unknown: readonly ColumnOrigin[];
  /** Canonical columns claimed by more than one header. */
  readonly duplicates: readonly { column: string; origins: ColumnOrigin[] }[];
}

/** Folded spelling → canonical column, for one family. Built once per family. */
const aliasIndexes = new WeakMap<SourceDescriptor, Map<string, string>>();
function aliasIndex(source: SourceDescriptor): Map<string, string> {
  let index = aliasIndexes.get(source);
  if (index) return index;
  index = new Map();
  for (const column of source.columns) {
    for (const spelling of [column.name, column.name.replace(/_/g, ' '), ...column.aliases]) {
      const key = fold(spelling);
      const existing = index.get(key);
      if (existing && existing !== column.name) {
        throw new Error(
          `header alias '${spelling}' names both ${existing} and ${column.name} in ${source.family}`,
        );
      }
      index.set(key, column.name);
    }
  }
  aliasIndexes.set(source, index);
  return index;
}

/**
 * Maps header cells to canonical columns: English or Vietnamese, with or without diacritics, any
 * case or punctuation (`Mã tỉnh`, `MA TINH`, `province_code`).
 */
export function mapHeaders(
  source: SourceDescriptor,
  headers: readonly (string | null)[],
): HeaderMapping {
  const index = aliasIndex(source);
  const claimed = new Map<string, ColumnOrigin[]>();
  const unknown: ColumnOrigin[] = [];
  headers.forEach((raw, i) => {
    const header = (raw ?? '').normalize('NFC').trim();
    if (header === '') return;
    const origin = { header, letter: columnLetter(i), index: i };
    const canonical = index.get(fold(header));
    if (!canonical) unknown.push(origin);
    else claimed.set(canonical, [...(claimed.get(canonical) ?? []), origin]);
  });
  const columns = new Map<string, ColumnOrigin>();
  const duplicates: { column: string; origins: ColumnOrigin[] }[] = [];
  for (const [column, origins] of claimed) {
    columns.set(column, origins[0]!);
    if (origins.length > 1) duplicates.push({ column, origins });
  }
  return { columns, unknown, duplicates };
}

/** True when the mapping has what the family needs to be loaded at all. */
export function missingRequired(source: SourceDescriptor, mapping: HeaderMapping): string[] {
  const missing = source.columns
    .filter((c) => c.required && !mapping.columns.has(c.name))
    .map((c) => c.name);
  const hasProvince = mapping.columns.has('province_code') || mapping.columns.has('province_name');
  if (!hasProvince) missing.push('province_code or province_name');
  return missing;
}
