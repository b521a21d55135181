/** The languages of the CLI's listings: names, and how numbers are written. */
export type Lang = 'vi' | 'en';

const LOCALES: Readonly<Record<Lang, string>> = { vi: 'vi-VN', en: 'en-US' };

/** A whole number in the language's grouping: 35,041 (en) or 35.041 (vi); missing is `–`. */
export function formatCount(n: number | null | undefined, lang: Lang): string {
  return n === null || n === undefined
    ? '–'
    : Math.round(n).toLocaleString(LOCALES[lang], { maximumFractionDigits: 0 });
}

/** A number with at most `digits` decimals (none shown when it is whole). */
export function formatNumber(n: number | null | undefined, lang: Lang, digits = 1): string {
  return n === null || n === undefined
    ? '–'
    : n.toLocaleString(LOCALES[lang], { maximumFractionDigits: digits });
}

/** A fraction as a percentage with at most `digits` decimals: 0.0513 → 5.13%. */
export function formatPercent(fraction: number | null | undefined, lang: Lang, digits = 2): string {
  return fraction === null || fraction === undefined
    ? '–'
    : `${(fraction * 100).toLocaleString(LOCALES[lang], { maximumFractionDigits: digits, minimumFractionDigits: digits })}%`;
}

/** One column of a listing: a header, how to align it, and how wide it may grow. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Longest cell before it is cut with `…` (unless `--wide`). */
  readonly max?: number;
}

/** A cell cut to `width` characters, the last one an ellipsis. */
function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Rows as an aligned text table; long cells cut with `…` unless `wide`. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  wide = false,
): string {
  const cut = rows.map((row) =>
    row.map((cell, i) => {
      const max = columns[i]!.max;
      return wide || max === undefined ? cell : truncate(cell, max);
    }),
  );
  const widths = columns.map((c, i) =>
    Math.max([...c.header].length, ...cut.map((row) => [...row[i]!].length)),
  );
  const pad = (cell: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - [...cell].length);
    return columns[i]!.align === 'right' ? fill + cell : cell + fill;
  };
  const line = (cells: readonly string[]) => cells.map(pad).join('  ').replace(/\s+$/, '');
  return [line(columns.map((c) => c.header)), ...cut.map(line)].join('\n');
}
