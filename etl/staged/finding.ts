/** Severity of a finding: errors block the load, warnings are reported and do not. */
export type Severity = 'ERROR' | 'WARNING';

/**
 * One thing the ETL found in a file: the rule, the value received and its exact place. Staging,
 * validation and the erasure guard each report theirs; `etl/load/findings.ts` renders them.
 */
export interface Finding {
  readonly severity: Severity;
  /** The rule, worded as what must hold: "column `members` must be a whole number ≥ 0". */
  readonly rule: string;
  /** The value received, as written in the file; absent when the rule is about the file itself. */
  readonly value?: string | null;
  /** What was received, described in words rather than quoted ("a file that ends early"). */
  readonly received?: string;
  readonly file: string;
  readonly sheet?: string | null;
  /** 1-based row as a spreadsheet shows it (the header is row 1 in a CSV). */
  readonly row?: number | null;
  /** Column letter (A, B, …) in the file. */
  readonly letter?: string | null;
  /** Header as written in the file. */
  readonly header?: string | null;
}
