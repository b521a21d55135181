import type { InputFamily } from '../../warehouse/domain/vocabulary.ts';

/**
 * Describes one family of input files once: its columns, their types and units, its grain and
 * the header aliases people actually write. Adding a year is data, not code; adding a column is
 * one entry here.
 */

/** Value kinds a staged cell is cast to. `code` keeps leading zeros; `enum` is matched by alias. */
export const COLUMN_TYPES = ['year', 'count', 'decimal', 'text', 'code', 'enum', 'flag'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnDescriptor {
  /** Canonical English header and staging column name. */
  readonly name: string;
  readonly type: ColumnType;
  /** What one value means, with its unit, in English. */
  readonly description: string;
  /** Header spellings accepted besides `name`; matched after case, diacritics and punctuation are folded. */
  readonly aliases: readonly string[];
  readonly required?: boolean;
  /** For `enum`: canonical value → accepted spellings (folded like headers). */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  /** Inclusive bounds for `year`, `count` and `decimal`. */
  readonly min?: number;
  readonly max?: number;
  /**
   * What a numeric value is measured in, when the description does not tell it (see
   * `units.ts`, which derives it from the description otherwise).
   */
  readonly unit?: 'organisations' | 'persons' | 'members' | 'vnd_million';
}

export interface SourceDescriptor {
  /** Stable family code recorded in the load log. */
  readonly family: InputFamily;
  readonly title: string;
  /** The grain in one sentence. */
  readonly grain: string;
  readonly columns: readonly ColumnDescriptor[];
  /** Columns (after province resolution to `unit_id`) that must be unique together. */
  readonly key: readonly string[];
}
