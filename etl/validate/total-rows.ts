/**
 * Checks the total rows of a file ("Tổng cộng", "Cộng", "Toàn tỉnh", "Cả nước"), which the
 * staging kept aside from the data, against the sum of the rows each one totals. A mismatch is
 * refused with both numbers and the place; a total row is never loaded as data.
 *
 * The rows a total row totals, in its sheet: the data rows above it up to the previous total row
 * (or the header). When there are none — a grand total under subtotals — every data row above
 * it; when it is the first total row and nothing is above it — a total written at the top, as the
 * statistics office's tables do — the data rows below it up to the next total row.
 */
import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { RAW_TABLE, TOTAL_TABLE } from '../staged/staged-file.ts';
import type { ColumnDescriptor, SourceDescriptor } from '../sources/source-descriptor.ts';
import { castSql, decimalEvidenceSql, sqlString, typeRule } from './typing.ts';
import { FINDING_TABLE, RESOLVED_TABLE } from './validate.ts';

/** The columns a total row is checked on: counts, and decimals that are sums, not averages. */
export function summedColumns(source: SourceDescriptor): ColumnDescriptor[] {
  return source.columns.filter(
    (c) =>
      c.type === 'count' ||
      (c.type === 'decimal' && !/_avg_|average/i.test(c.name + c.description)),
  );
}

interface TotalRow {
  readonly src_sheet: string | null;
  readonly src_row: number;
  readonly [column: string]: string | number | null;
}

/**
 * Records a finding for each value of a total row that differs from the sum of the rows it
 * totals (decimals within one unit of the last decimal place the total cell shows), and for a
 * value of a total row that is no number. Parts with a missing value are not summed: missing is
 * not zero.
 */
export async function checkTotalRows(db: DuckDbHandle, source: SourceDescriptor): Promise<void> {
  const [present] = await db.all<{ n: number }>(`select count(*) as n from ${TOTAL_TABLE}`);
  if (!present || present.n === 0) return;
  const columns = summedColumns(source);
  let convention: 'vn' | 'en' = 'en';
  const evidence = decimalEvidenceSql(source, RAW_TABLE);
  if (evidence && columns.some((c) => c.type === 'decimal')) {
    const [counts] = await db.all<{ vn: number; en: number }>(evidence);
    if (counts && counts.vn > 0 && counts.en === 0) convention = 'vn';
  }
  const totals = await db.all<TotalRow>(
    `select src_sheet, src_row, ${columns
      .map((c) => `${c.name} as raw_${c.name}, ${castSql(c, c.name, convention)} as ${c.name}`)
      .join(', ')}
     from ${TOTAL_TABLE} order by src_sheet nulls first, src_row`,
  );
  for (let i = 0; i < totals.length; i++) {
    const total = totals[i]!;
    const sameSheet = (t: TotalRow | undefined) =>
      t !== undefined && t.src_sheet === total.src_sheet;
    const previous = sameSheet(totals[i - 1]) ? totals[i - 1]!.src_row : null;
    const next = sameSheet(totals[i + 1]) ? totals[i + 1]!.src_row : null;
    const span = async (from: number, to: number | null) => {
      const [row] = await db.all<Record<string, number | null>>(
        `select count(*) as n, min(src_row) as first_row, max(src_row) as last_row,
           ${columns.map((c) => `sum(${c.name}) as sum_${c.name}, count(${c.name}) as n_${c.name}`).join(', ')}
         from ${RESOLVED_TABLE}
         where src_sheet is not distinct from $1 and src_row > $2 and src_row < $3`,
        [total.src_sheet, from, to ?? 2_147_483_647],
      );
      return row!;
    };
    let parts = await span(previous ?? 0, total.src_row);
    if (parts.n === 0)
      parts = previous === null ? await span(total.src_row, next) : await span(0, total.src_row);
    if (parts.n === 0) continue;
    const rows = `row${parts.n === 1 ? '' : 's'} ${parts.first_row === parts.last_row ? parts.first_row : `${parts.first_row}–${parts.last_row}`}`;
    for (const column of columns) {
      const raw = total[`raw_${column.name}`] as string | null;
      const value = total[column.name] as number | null;
      if (raw === null) continue;
      if (value === null) {
        await finding(db, typeRule(column), raw, total, column.name);
        continue;
      }
      const sum = parts[`sum_${column.name}`];
      if (sum === null || sum === undefined || parts[`n_${column.name}`] !== parts.n) continue;
      const decimals = /[.,](\d+)$/.exec(raw.replace(/\s/g, ''))?.[1]?.length ?? 0;
      const tolerance = column.type === 'decimal' ? 10 ** -Math.min(decimals, 6) + 1e-9 : 0;
      if (Math.abs(value - sum) <= tolerance) continue;
      const shown = column.type === 'decimal' ? String(Math.round(sum * 1e6) / 1e6) : String(sum);
      await finding(
        db,
        `a total row must equal the sum of the rows it totals (${rows} sum to ${shown}); correct the total or the rows`,
        raw,
        total,
        column.name,
      );
    }
  }
}

async function finding(
  db: DuckDbHandle,
  rule: string,
  value: string,
  total: TotalRow,
  column: string,
): Promise<void> {
  await db.run(
    `insert into ${FINDING_TABLE} values ('ERROR', $1, $2, $3, $4, ${sqlString(column)})`,
    [rule, value, total.src_sheet, total.src_row],
  );
}
