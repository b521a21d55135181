/** Severity of a finding: errors block the load, warnings are reported and do not. */
export type Severity = 'ERROR' | 'WARNING';

/** One thing the ETL found in a file: the rule, the value received and its exact place. */
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

/** Thrown when a file is refused: carries every error and warning found. */
export class LoadRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly findings: readonly Finding[],
    readonly totalErrors: number = findings.filter((f) => f.severity === 'ERROR').length,
  ) {
    const errors = findings.filter((f) => f.severity === 'ERROR');
    super(
      `${file} was refused with ${totalErrors} error${totalErrors === 1 ? '' : 's'}; nothing was published:\n` +
        errors
          .slice(0, 20)
          .map((f) => `  - ${formatFinding(f)}`)
          .join('\n') +
        (totalErrors > 20 ? `\n  … and ${totalErrors - 20} more` : ''),
    );
    this.name = 'LoadRefusedError';
  }
}

/** Renders a finding as rule, then value, then place. */
export function formatFinding(finding: Finding): string {
  const got =
    finding.received !== undefined
      ? `, but got ${finding.received}`
      : finding.value === undefined
        ? ''
        : finding.value === null || finding.value === ''
          ? ', but got an empty cell'
          : `, but got '${finding.value}'`;
  const place = [finding.file];
  if (finding.sheet) place.push(`sheet ${finding.sheet}`);
  if (finding.row != null) place.push(`row ${finding.row}`);
  if (finding.letter)
    place.push(`column ${finding.letter}${finding.header ? ` (${finding.header})` : ''}`);
  return `${finding.rule}${got} at ${place.join(', ')}`;
}
