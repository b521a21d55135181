import type { Finding } from '../staged/finding.ts';

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
