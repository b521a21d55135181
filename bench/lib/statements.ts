/**
 * SQL statements per dashboard request, compared across warehouses with few and many provinces
 * with data. The goal is that the count does not grow with the data (DataLoader batches by key).
 *
 * The counts of one warehouse are per request, in order, each on a fresh reader: the first
 * request on a pooled connection also reads what the connection keeps afterwards (the release
 * list), so a series reads like `8, 7, 7`. Counts are therefore compared request by request (the
 * first with the first, the second with the second), never the first of one warehouse with a
 * later one of another: comparing them as one set called `8, 7` and `8, 7` "not constant".
 */

/**
 * The largest growth of the count between the first series and any later one, at the same
 * request position (positions present in every series); 0 when the count never grows, negative
 * when it only shrinks; NaN when there is nothing to compare.
 */
export function statementGrowth(series: readonly (readonly number[])[]): number {
  const [base, ...others] = series;
  const positions = Math.min(...series.map((s) => s.length));
  if (!base || others.length === 0 || positions === 0) return Number.NaN;
  let growth = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < positions; i++) {
    for (const other of others) growth = Math.max(growth, other[i]! - base[i]!);
  }
  return growth;
}

/** A series of counts as printed: `8, then 7`, `9`, `8, then 7 ×4`. */
export function describeCounts(counts: readonly number[]): string {
  if (counts.length === 0) return '–';
  const [first, ...rest] = counts;
  if (rest.length === 0 || rest.every((c) => c === first)) return String(first);
  if (rest.every((c) => c === rest[0])) {
    return `${first}, then ${rest[0]}${rest.length > 1 ? ` ×${rest.length}` : ''}`;
  }
  return counts.join(', ');
}
