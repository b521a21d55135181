import type { Kysely } from 'kysely';
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
