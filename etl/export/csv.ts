/**
 * CSV as coopstat writes it for people and tools: RFC 4180, a header row, CRLF line ends. The
 * open-format export and the CLI's `--csv` listings write it the same way.
 */

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Records as CSV (RFC 4180): a header row with the keys of the first record, CRLF line ends. */
export function renderCsv(
  records: readonly Record<string, unknown>[],
  keys?: readonly string[],
): string {
  const header = keys ?? Object.keys(records[0] ?? {});
  return [header, ...records.map((r) => header.map((k) => r[k]))]
    .map((row) => row.map(csvCell).join(','))
    .join('\r\n');
}
