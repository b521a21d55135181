import type { Expression, ExpressionBuilder, Kysely, SqlBool } from 'kysely';
import { createKysely, type DuckDbHandle } from './dialect/index.ts';
import type { IndicatorValueTable } from './tables/indicator-value.table.ts';
import type { ReportRowTable } from './tables/report-row.table.ts';
import type { TargetProgressTable } from './tables/target-progress.table.ts';

/**
 * The tables the typed read path reads, for Kysely. Tables read only through plain SQL are not
 * listed yet; each listed table has its grain in its `tables/<table>.table.ts`.
 */
export interface Database {
  rpt_org_type_row: ReportRowTable;
  rpt_indicator_value: IndicatorValueTable;
  rpt_target_progress: TargetProgressTable;
}

const instances = new WeakMap<DuckDbHandle, Kysely<Database>>();

/** The Kysely instance over a handle, made once per handle (a snapshot is read through one). */
export function kyselyOf(handle: DuckDbHandle): Kysely<Database> {
  let db = instances.get(handle);
  if (!db) instances.set(handle, (db = createKysely<Database>(handle)));
  return db;
}

/** The read tables versioned by data version (`valid_from_version`, `valid_to_version`). */
type VersionedTable = 'rpt_org_type_row' | 'rpt_indicator_value' | 'rpt_target_progress';

/**
 * The rows of a versioned read table valid in data version `version`, or its current rows when
 * `version` is undefined: a `where` argument.
 */
export function validIn(
  version: number | undefined,
): <T extends VersionedTable>(eb: ExpressionBuilder<Database, T>) => Expression<SqlBool> {
  return (eb) => {
    // Every versioned table has both columns; the builder of one of them reads them the same way.
    const b = eb as unknown as ExpressionBuilder<Database, 'rpt_indicator_value'>;
    if (version === undefined) return b('valid_to_version', 'is', null);
    return b.and([
      b('valid_from_version', '<=', version),
      b.or([b('valid_to_version', 'is', null), b('valid_to_version', '>', version)]),
    ]);
  };
}
