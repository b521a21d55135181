/** One problem found in the catalog: the rule broken, what was received, and where. */
export interface CatalogFinding {
  /** The rule, e.g. "`comparator` must be one of GT, GTE, …". */
  readonly rule: string;
  /** What was received, already quoted for display (e.g. "'ABOUT'", 'nothing'). */
  readonly value: string;
  /** File relative to the catalog directory. */
  readonly file: string;
  /** 1-based line, or null when the problem concerns the whole file. */
  readonly line: number | null;
  /** Optional context after the position, e.g. "target 'htx-count-2030'". */
  readonly context: string | null;
}

/** Renders a finding as one line: rule, then value, then where. */
export function formatFinding(finding: CatalogFinding): string {
  const where = finding.line === null ? finding.file : `${finding.file}, line ${finding.line}`;
  const context = finding.context === null ? '' : ` (${finding.context})`;
  return `${finding.rule}, but got ${finding.value} at ${where}${context}`;
}

/**
 * Thrown by `readCatalog` when any rule fails. It lists every finding, not just the first, so one
 * run shows everything an editor has to fix.
 */
export class CatalogError extends Error {
  readonly findings: readonly CatalogFinding[];

  constructor(findings: readonly CatalogFinding[]) {
    const count = findings.length === 1 ? '1 problem' : `${findings.length} problems`;
    super(`catalog has ${count}:\n${findings.map((f) => `- ${formatFinding(f)}`).join('\n')}`);
    this.name = 'CatalogError';
    this.findings = findings;
  }
}
