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
import { TOTAL_TABLE } from '../staged/staged-file.ts';
import type { ColumnDescriptor, SourceDescriptor } from '../sources/source-descriptor.ts';
import { castSql, sqlString, typeRule } from './typing.ts';
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

/** The data rows of a sheet between two of its total rows, counted and summed. */
interface Parts {
  readonly n: number;
  readonly first_row: number | null;
  readonly last_row: number | null;
  readonly [sumOrCount: string]: number | string | null;
}

const NO_PARTS: Parts = { n: 0, first_row: null, last_row: null };

/** The parts of several segments together: counts added, sums of the segments that have some. */
function combine(segments: readonly Parts[], columns: readonly ColumnDescriptor[]): Parts {
  const present = segments.filter((s) => s.n > 0);
  if (present.length === 0) return NO_PARTS;
  if (present.length === 1) return present[0]!;
  const parts: Record<string, number | null> = {
    n: present.reduce((a, s) => a + s.n, 0),
    first_row: Math.min(...present.map((s) => s.first_row as number)),
    last_row: Math.max(...present.map((s) => s.last_row as number)),
  };
  for (const { name } of columns) {
    const counted = present.filter((s) => (s[`n_${name}`] as number) > 0);
    parts[`n_${name}`] = counted.reduce((a, s) => a + (s[`n_${name}`] as number), 0);
    parts[`sum_${name}`] =
      counted.length === 0 ? null : counted.reduce((a, s) => a + (s[`sum_${name}`] as number), 0);
  }
  return parts as unknown as Parts;
}

/** Why a total row was set aside without a check, as the value of its warning. */
const UNCHECKED = {
  noFigures: 'a total row with no figures',
  noRows: 'a total row with no data rows to total',
  noColumn: 'a total row whose figures have no column where every row it totals has a value',
} as const;

/**
 * Records a finding for each value of a total row that differs from the sum of the rows it
 * totals (decimals within one unit of the last decimal place the total cell shows), and for a
 * value of a total row that is no number. Parts with a missing value are not summed: missing is
 * not zero. A total row that nothing could be checked on is told, with a warning: a row kept out
 * of the data is never dropped unseen. The data is read once for all the total rows of a file:
 * its rows summed per stretch between two total rows of a sheet.
 */
export async function checkTotalRows(
  db: DuckDbHandle,
  source: SourceDescriptor,
  convention: 'vn' | 'en',
): Promise<void> {
  // Most files have no total row: counted first, since the typed read below (a cast per summed
  // column) took ~15-20 ms to plan for none.
  const [staged] = await db.all<{ n: number }>(`select count(*) as n from ${TOTAL_TABLE}`);
  if (!staged?.n) return;
  const columns = summedColumns(source);
  const totals = await db.all<TotalRow>(
    `select src_sheet, src_row${columns
      .map((c) => `, ${c.name} as raw_${c.name}, ${castSql(c, c.name, convention)} as ${c.name}`)
      .join('')}
     from ${TOTAL_TABLE} order by src_sheet nulls first, src_row`,
  );
  if (totals.length === 0) return;
  // Each data row counts in the stretch that follows the nearest total row above it in its
  // sheet (`after_row`, 0 above the first one).
  const segments = await db.all<Parts & { src_sheet: string | null; after_row: number }>(
    `select r.src_sheet, coalesce(t.src_row, 0) as after_row, count(*) as n,
       min(r.src_row) as first_row, max(r.src_row) as last_row${columns
         .map((c) => `, sum(r.${c.name}) as sum_${c.name}, count(r.${c.name}) as n_${c.name}`)
         .join('')}
     from ${RESOLVED_TABLE} r
     asof left join (select coalesce(src_sheet, '') as sheet, src_row from ${TOTAL_TABLE}) t
       on coalesce(r.src_sheet, '') = t.sheet and r.src_row > t.src_row
     group by all`,
  );
  const key = (sheet: string | null, after: number) => `${after}:${sheet ?? ''}`;
  const stretches = new Map(segments.map((s) => [key(s.src_sheet, s.after_row), s as Parts]));
  const stretch = (sheet: string | null, after: number) =>
    stretches.get(key(sheet, after)) ?? NO_PARTS;
  for (let i = 0; i < totals.length; i++) {
    const total = totals[i]!;
    const sameSheet = (t: TotalRow | undefined) =>
      t !== undefined && t.src_sheet === total.src_sheet;
    const previous = sameSheet(totals[i - 1]) ? totals[i - 1]!.src_row : null;
    // The rows above it up to the previous total row; else, for the first total row, those
    // below it up to the next one; else every row above it.
    let parts = stretch(total.src_sheet, previous ?? 0);
    if (parts.n === 0) {
      if (previous === null) parts = stretch(total.src_sheet, total.src_row);
      else {
        const above = totals.slice(0, i).filter(sameSheet);
        parts = combine(
          [0, ...above.map((t) => t.src_row)].map((after) => stretch(total.src_sheet, after)),
          columns,
        );
      }
    }
    const given = columns.filter((c) => total[`raw_${c.name}`] !== null);
    if (given.length === 0) {
      await unchecked(db, UNCHECKED.noFigures, total);
      continue;
    }
    if (parts.n === 0) {
      await unchecked(db, UNCHECKED.noRows, total);
      continue;
    }
    const rows = `row${parts.n === 1 ? '' : 's'} ${parts.first_row === parts.last_row ? parts.first_row : `${parts.first_row}–${parts.last_row}`}`;
    let checked = false;
    for (const column of given) {
      const raw = total[`raw_${column.name}`] as string;
      const value = total[column.name] as number | null;
      if (value === null) {
        checked = true;
        await finding(db, typeRule(column), raw, total, column.name);
        continue;
      }
      const sum = parts[`sum_${column.name}`] as number | null | undefined;
      if (sum === null || sum === undefined || parts[`n_${column.name}`] !== parts.n) continue;
      checked = true;
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
    if (!checked) await unchecked(db, UNCHECKED.noColumn, total);
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

/** Tells a total row that was kept out of the data without any check. */
async function unchecked(db: DuckDbHandle, value: string, total: TotalRow): Promise<void> {
  await db.run(`insert into ${FINDING_TABLE} values ('WARNING', $1, $2, $3, $4, null)`, [
    'a total row ("Tổng cộng", "Cộng", "Toàn tỉnh" …) is not loaded as data but checked against the rows it totals, and this one could not be checked, so it was left out unchecked: if it is the row of an organisation or a province, give it its organisation code or its province',
    value,
    total.src_sheet,
    total.src_row,
  ]);
}
