import { fold } from '../../warehouse/text/fold.ts';
import { columnLetter } from '../readers/xlsx-sheet.reader.ts';
import type { SourceDescriptor } from './source-descriptor.ts';
import { splitHeaderUnit, unitMatches, unitOf, UNITS } from './units.ts';

/** Where a canonical column came from in one sheet: its header as written and its column letter. */
export interface ColumnOrigin {
  readonly header: string;
  readonly letter: string;
  readonly index: number;
  /** The unit written in brackets after the header's name, when it has one. */
  readonly unit?: string;
}

/** Header spellings of a row-number column ("STT", "TT", "Số TT"): accepted and ignored. */
export const ORDINAL_HEADERS = ['STT', 'TT', 'Số TT', 'Số thứ tự', 'Thứ tự', 'No.', '#'] as const;
const ORDINAL_KEYS = new Set(ORDINAL_HEADERS.map((h) => (h === '#' ? '#' : fold(h))));

/** A header naming a column with a unit the column is not measured in. */
export interface UnitMismatch {
  readonly column: string;
  readonly origin: ColumnOrigin;
  /** The unit written, and what it means. */
  readonly unit: string;
  readonly means: string;
  /** The column's own unit, in Vietnamese and English. */
  readonly expected: { readonly vi: string; readonly en: string } | null;
}

/** The mapping of one sheet's header row onto a family's canonical columns. */
export interface HeaderMapping {
  readonly columns: ReadonlyMap<string, ColumnOrigin>;
  /** Headers that match no column of the family (ignored, reported as warnings). */
  readonly unknown: readonly ColumnOrigin[];
  /** Canonical columns claimed by more than one header. */
  readonly duplicates: readonly { column: string; origins: ColumnOrigin[] }[];
  /** The row-number column (STT), whose values are ignored. */
  readonly ordinal?: ColumnOrigin;
  /** Headers whose unit in brackets is not the unit of the column they name. */
  readonly unitMismatches: readonly UnitMismatch[];
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
  const unitMismatches: UnitMismatch[] = [];
  let ordinal: ColumnOrigin | undefined;
  headers.forEach((raw, i) => {
    const header = (raw ?? '').normalize('NFC').trim();
    if (header === '') return;
    let origin: ColumnOrigin = { header, letter: columnLetter(i), index: i };
    const folded = header === '#' ? '#' : fold(header);
    let canonical = index.get(folded);
    if (!canonical && ORDINAL_KEYS.has(folded) && ordinal === undefined) {
      ordinal = origin;
      return;
    }
    if (!canonical) {
      // "Số thành viên (người)": the name, then the unit, which must be the column's own.
      const split = splitHeaderUnit(header);
      const named = split && index.get(fold(split.name));
      if (split && named) {
        canonical = named;
        origin = { ...origin, unit: split.unit };
        const column = source.columns.find((c) => c.name === named)!;
        if (!unitMatches(column, split.unit)) {
          const kind = unitOf(column);
          unitMismatches.push({
            column: named,
            origin,
            unit: split.unit,
            means: split.means,
            expected: kind === null ? null : { vi: UNITS[kind].vi, en: UNITS[kind].en },
          });
        }
      }
    }
    if (!canonical) unknown.push(origin);
    else claimed.set(canonical, [...(claimed.get(canonical) ?? []), origin]);
  });
  const columns = new Map<string, ColumnOrigin>();
  const duplicates: { column: string; origins: ColumnOrigin[] }[] = [];
  for (const [column, origins] of claimed) {
    columns.set(column, origins[0]!);
    if (origins.length > 1) duplicates.push({ column, origins });
  }
  return { columns, unknown, duplicates, ...(ordinal ? { ordinal } : {}), unitMismatches };
}

/**
 * The rule a header with a foreign unit breaks, worded as the fix: which unit the column takes,
 * and that figures must be converted, never scaled by the loader.
 */
export function unitMismatchRule(mismatch: UnitMismatch): string {
  const column = `column \`${mismatch.column}\``;
  if (mismatch.expected === null) {
    return `a header must not carry a unit on ${column}, which holds no measured figure; write the header without '(${mismatch.unit})'`;
  }
  const { vi, en } = mismatch.expected;
  const name = mismatch.origin.header.replace(/\s*[([][^()[\]]*[)\]]\s*$/, '');
  const header = fold(name).includes(fold(vi)) ? name : `${name} (${vi})`;
  return `a header's unit must be the unit of its column: ${column} is in ${vi} (${en}), but '(${mismatch.unit})' means ${mismatch.means}; convert the figures to ${vi} and write the header as '${header}' — the loader never rescales figures`;
}

/** True when a row of cells is a header row of the family: it names its required columns. */
export function isHeaderMapping(source: SourceDescriptor, mapping: HeaderMapping): boolean {
  return mapping.columns.size > 0 && missingRequired(source, mapping).length === 0;
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

/**
 * Edit distance between two sequences, where substituting one item for another costs
 * `cost(x, y)` (0 to 1) and inserting or deleting one costs 1.
 */
function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>, cost: (x: T, y: T) => number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + cost(a[i - 1]!, b[j - 1]!),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

const charCost = (x: string, y: string) => (x === y ? 0 : 1);

/**
 * How far a header is from an accepted spelling, from 0 (the same) to 1, word by word: two
 * words match when they are equal, when one is a shortening of the other (`coops`,
 * `cooperatives`), or by their share of edits when that is small (a misspelling); other words
 * and words left over count whole.
 */
function headerDistance(header: string, spelling: string): number {
  const a = header.split(' ').filter(Boolean);
  const b = spelling.split(' ').filter(Boolean);
  if (a.length === 0 || b.length === 0) return 1;
  const stem = (w: string) => (w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w);
  const wordCost = (x: string, y: string) => {
    if (x === y) return 0;
    const [sx, sy] = [stem(x), stem(y)];
    if (Math.min(sx.length, sy.length) >= 4 && (sx.startsWith(sy) || sy.startsWith(sx))) return 0;
    const share = editDistance(x, y, charCost) / Math.max(x.length, y.length);
    return share <= SUGGESTION_DISTANCE ? share : 1; // a different word, not a misspelling
  };
  // Words in order, each matched once: an edit distance over words.
  return editDistance(a, b, wordCost) / Math.max(a.length, b.length);
}

/** A header within this distance of an accepted spelling is taken for a misspelling of it. */
const SUGGESTION_DISTANCE = 0.3;

/** A column a misspelt header probably means, with the spellings the format accepts for it. */
export interface HeaderSuggestion {
  readonly column: string;
  readonly spellings: readonly string[];
}

/**
 * The column an unknown header probably means: the nearest accepted spelling (English or
 * Vietnamese, folded) of a column the sheet does not already have, when it is near enough.
 */
export function suggestColumn(
  source: SourceDescriptor,
  mapping: HeaderMapping,
  header: string,
): HeaderSuggestion | undefined {
  const folded = fold(header);
  let best: { column: string; distance: number } | undefined;
  for (const column of source.columns) {
    if (mapping.columns.has(column.name)) continue;
    for (const spelling of [column.name.replace(/_/g, ' '), ...column.aliases]) {
      const distance = headerDistance(folded, fold(spelling));
      if (distance <= SUGGESTION_DISTANCE && (!best || distance < best.distance)) {
        best = { column: column.name, distance };
      }
    }
  }
  if (!best) return undefined;
  const column = source.columns.find((c) => c.name === best.column)!;
  return { column: column.name, spellings: column.aliases };
}
