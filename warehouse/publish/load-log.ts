import type { DuckDbHandle } from '../dialect/index.ts';
import { FACT_MEASURE_NAMES } from '../tables/org-annual.table.ts';
import { REGISTER_COLUMNS } from '../tables/register.table.ts';
import type { LoadLogTable } from '../tables/load-log.table.ts';
import { releaseWithLoad } from '../release/release.queries.ts';
import type { VersionedTable } from './slice-publisher.ts';

/**
 * `fct_org_annual` as a versioned table: a load owns the slices (unit × year × source × org
 * type) it touches, so a corrected file, or a register after aggregates, replaces those values
 * rather than adding to them.
 */
export const FACT_TABLE_SPEC: VersionedTable = {
  table: 'fct_org_annual',
  slice: ['unit_id', 'year', 'source_code', 'org_type'],
  key: ['sector', 'universe'],
  values: [...FACT_MEASURE_NAMES, 'status', 'measure_status', 'measure_qualifier'],
};

/** `fct_org_register` as a versioned table, sliced like the facts it feeds. */
export const REGISTER_TABLE_SPEC: VersionedTable = {
  table: 'fct_org_register',
  slice: ['unit_id', 'year', 'source_code', 'org_type'],
  key: ['org_id'],
  values: REGISTER_COLUMNS.map((c) => c.name).filter((c) => c !== 'unit_id' && c !== 'org_type'),
};

/** `fct_published_value` as a versioned table: one slice per unit × year × source × indicator. */
export const PUBLISHED_VALUE_SPEC: VersionedTable = {
  table: 'fct_published_value',
  slice: ['unit_id', 'year', 'source_code', 'indicator_code'],
  key: ['source_url', 'value'],
  values: [
    'unit_text',
    'status',
    'is_approximate',
    'qualifier',
    'is_preferred',
    'quote',
    'confidence',
    'note',
  ],
};

/** One row of `load_log`. */
export type LoadLogRow = LoadLogTable;

/** The next load id and data version, and the current version. */
export async function nextIds(
  db: DuckDbHandle,
): Promise<{ nextLoadId: number; currentVersion: number; nextVersion: number }> {
  const [row] = await db.all<{ load_id: number; version: number }>(
    `select (select coalesce(max(load_id), 0) from load_log) as load_id,
            (select coalesce(max(data_version), 0) from publication) as version`,
  );
  return {
    nextLoadId: (row?.load_id ?? 0) + 1,
    currentVersion: row?.version ?? 0,
    nextVersion: (row?.version ?? 0) + 1,
  };
}

/** The load that brought a file with this SHA-256, if any. */
export async function findLoadByHash(
  db: DuckDbHandle,
  sha256: string,
): Promise<
  Pick<LoadLogRow, 'load_id' | 'family' | 'data_version' | 'rows_read' | 'years'> | undefined
> {
  const [row] = await db.all<
    Pick<LoadLogRow, 'load_id' | 'family' | 'data_version' | 'rows_read' | 'years'>
  >(
    `select load_id, family, data_version, rows_read, years from load_log where file_sha256 = $1 order by load_id limit 1`,
    [sha256],
  );
  return row;
}

/**
 * Records a load and, when it published, the new data version (released with it when the
 * warehouse does not require review). Call inside the load's transaction, after its rows are
 * applied.
 */
export async function recordLoad(
  db: DuckDbHandle,
  row: LoadLogRow & { publishes: boolean },
): Promise<void> {
  await db.run(
    `insert into load_log values ($1, $2, $3, $4, $5, $6, case when $7 = '' then []::integer[] else string_split($7, '|')::integer[] end,
       case when $8 = '' then []::varchar[] else string_split($8, '|') end, $9, $10, $11, $12, $13, $14, $15, $16,
       $17::timestamp, $18::timestamp, $19, $20, $21, $22)`,
    [
      row.load_id,
      row.family,
      row.file_name,
      row.file_sha256,
      row.file_bytes,
      row.source_code,
      row.years.join('|'),
      row.unit_ids.join('|'),
      row.rows_read,
      row.rows_accepted,
      row.rows_rejected,
      row.warnings,
      row.values_added,
      row.values_changed,
      row.values_removed,
      row.values_unchanged,
      row.started_at.replace('Z', ''),
      row.finished_at.replace('Z', ''),
      row.outcome,
      row.data_version,
      row.loaded_by,
      row.report_json,
    ],
  );
  if (row.publishes) {
    await db.run(`insert into publication values ($1, $2::timestamp, $3, $4)`, [
      row.data_version,
      row.finished_at.replace('Z', ''),
      row.load_id,
      `${row.family} ${row.file_name}`,
    ]);
    await releaseWithLoad(db, {
      loadId: row.load_id,
      dataVersion: row.data_version,
      years: row.years,
      loadedBy: row.loaded_by,
      finishedAt: row.finished_at,
    });
  }
}

/**
 * The latest load that replaced values a load had published, when any of them is no longer
 * current: what is published now differs from that load's file.
 */
export async function findSupersedingLoad(
  db: DuckDbHandle,
  loadId: number,
): Promise<Pick<LoadLogRow, 'load_id' | 'file_name' | 'data_version'> | undefined> {
  const [row] = await db.all<Pick<LoadLogRow, 'load_id' | 'file_name' | 'data_version'>>(
    `select l.load_id, l.file_name, l.data_version
     from (select max(valid_to_version) as version from fct_org_annual
           where load_id = $1 and valid_to_version is not null) f
     join publication p on p.data_version = f.version
     join load_log l on l.load_id = p.load_id`,
    [loadId],
  );
  return row;
}
