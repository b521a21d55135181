/**
 * A file once staged, as the steps after staging see it: the staging tables' names, what staging
 * learned about the file, and where a canonical column stood in it. `etl/load/staging.ts` fills
 * these; `etl/validate/*` and the erasure guard read them. Neither side imports the other's
 * code for it, so the load may call validation without validation calling back into the load.
 */
import type { HeaderMapping } from '../sources/header-mapping.ts';
import type { Finding } from './finding.ts';

/**
 * The raw staging rows: every canonical column as text, with each row's sheet and row number. A
 * table for a workbook (rows are appended); for a CSV a view of the file's table without its
 * header and blank rows.
 */
export const RAW_TABLE = 'stg_raw';

/**
 * The total rows of a file, kept aside from the data: each canonical column's text as written,
 * with the row's place. `etl/validate/total-rows.ts` checks them against the rows they total.
 */
export const TOTAL_TABLE = 'stg_total_row';

/**
 * How a file writes its decimal numbers, decided once per file from its decimal cells as text
 * (typed Excel numbers are no evidence): Vietnamese (`1.234,5`) when a value can only be read
 * that way and none only the English way, English (`1,234.5`) otherwise; `mixed` when both kinds
 * occur (the file is refused). Every step that reads a decimal reads it by this one decision.
 */
export interface DecimalConvention {
  readonly convention: 'vn' | 'en';
  readonly mixed: boolean;
}

/** What staging learned about a file before any value was checked. */
export interface StagedFile {
  readonly format: 'csv' | 'xlsx';
  readonly encoding: string | null;
  /** Header mapping per sheet ('' for a CSV). */
  readonly mappings: ReadonlyMap<string, HeaderMapping>;
  readonly rowsRead: number;
  readonly findings: Finding[];
  readonly decimals: DecimalConvention;
  /**
   * Whether staging already typed the rows and resolved their units (a CSV file, typed as it is
   * read); otherwise validation types the raw rows.
   */
  readonly typed?: boolean;
}

/** Column letter for a canonical column in a sheet, for messages. */
export function originOf(
  staged: StagedFile,
  sheet: string | null,
  column: string,
): { letter: string; header: string } | null {
  const origin = staged.mappings.get(sheet ?? '')?.columns.get(column);
  return origin ? { letter: origin.letter, header: origin.header } : null;
}
