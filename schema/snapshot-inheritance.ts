import type { Lease, PreviousSnapshot } from '../warehouse/store/warehouse-reader.ts';
import { carryMemo } from './snapshot-memo.ts';

/*
 * Why a new snapshot takes over part of the old one's memo: a load publishes the slices of its
 * file's years and leaves every other year as it was, yet each publish opened a snapshot whose
 * memo was empty, so every dashboard read its report rows again, for years the load never
 * touched. What the loaders below kept for the old snapshot is carried to the new one when it
 * provably reads the same:
 *
 * - a value read as of an earlier data version (`asOfVersion` in its key): published versions
 *   never change, as a publish only adds rows and closes rows at its own new version;
 * - a value read at the current version, for a year in which no versioned row was added or
 *   closed since the old snapshot's version;
 * - the lists read whole from the catalog's tables (admin units, indicators, sources, plans,
 *   targets), which only `init`, reference and catalog loads and migrations write.
 *
 * Only when the new file descends from the old by data loads alone: its version is later, it
 * records the old version published at the same moment, its schema is the same, and every
 * version between was published by a load of figures (a catalog, reference data or release
 * publication can change what is read without a year's rows changing, so nothing is carried).
 * Anything else — a file replaced by another warehouse, a migration — carries nothing: a request
 * then reads again, as it did before.
 */

/**
 * The tables the carried loaders read (report rows and their partial sums, indicator values):
 * each versioned, with a year. Versioned tables without a year (target progress, by as-of year)
 * feed none of them.
 */
const CARRIED_READS = ['rpt_org_type_row', 'rpt_indicator_value'] as const;

/** The data loads: a publication by any other family carries nothing. */
const DATA_FAMILIES = ['aggregates', 'register'] as const;

/** What a new snapshot changed since the old one's version, or `null` when nothing may be carried. */
type Changes = { readonly years: ReadonlySet<number> } | null;

/**
 * Carries to the snapshot of `next` what the loaders kept for `previous` and still holds in it
 * (see above); returns how many values were carried. For the reader's `inherit` option.
 */
export async function inheritSnapshot(next: Lease, previous: PreviousSnapshot): Promise<number> {
  const changes = await changesSince(next, previous);
  if (!changes) return 0;
  return carryMemo(previous.snapshotKey, next.snapshotKey, (name, key) =>
    stillHolds(name, key, changes.years),
  );
}

/**
 * Whether the value of loader `name` under `key` (a list of `perSnapshot`: no key) reads the same
 * after `changedYears` changed.
 */
function stillHolds(name: string, key: string, changedYears: ReadonlySet<number>): boolean {
  switch (name) {
    case 'reportRows': {
      // [boundaries, source, part, unitId, year, asOfVersion | null] (reportRowKey)
      const parts = JSON.parse(key) as unknown[];
      const [year, version] = [parts[4], parts[5]];
      return version !== null || (typeof year === 'number' && !changedYears.has(year));
    }
    case 'yearValues': {
      // boundaries|unitId|year|asOfVersion (yearValueKey)
      const [, , year, version] = key.split('|');
      return version !== '' || !changedYears.has(Number(year));
    }
    case 'values': {
      // boundaries|unitId|asOfVersion (valueKey): every year of the unit
      const [, , version] = key.split('|');
      return version !== '' || changedYears.size === 0;
    }
    case 'indicators':
    case 'sourceCodes':
    case 'plans':
    case 'targets':
    case 'planLinks':
      return true;
    default:
      return name.startsWith('units:');
  }
}

/**
 * The years in which the snapshot of `next` added or closed a versioned row since `previous`'s
 * version; `null` unless it descends from `previous` by data loads alone.
 */
async function changesSince(next: Lease, previous: PreviousSnapshot): Promise<Changes> {
  if (next.dataVersion <= previous.dataVersion) return null;
  if (next.schemaVersion !== previous.schemaVersion) return null;
  const db = next.handle;
  const [lineage] = await db.all<{ published_at: string | null; other: number }>(
    `select
       (select published_at from publication where data_version = $1) as published_at,
       (select count(*) from publication p left join load_log l on l.load_id = p.load_id
        where p.data_version > $1
          and (l.family is null or l.family not in (${DATA_FAMILIES.map((f) => `'${f}'`).join(', ')}))) as other`,
    [previous.dataVersion],
  );
  if (!lineage || lineage.published_at !== previous.publishedAt || Number(lineage.other) > 0)
    return null;
  const tables = await db.all<{ table_name: string; has_year: boolean }>(
    `select table_name, bool_or(column_name = 'year') as has_year
     from duckdb_columns()
     where database_name = current_database() and schema_name = 'main' and not internal
     group by table_name
     having bool_or(column_name = 'valid_from_version') and bool_or(column_name = 'valid_to_version')
     order by table_name`,
  );
  // The years changed in every versioned table with a year (more than the carried loaders
  // read); a table they read must be one of them.
  const withYear = tables.filter((t) => t.has_year).map((t) => t.table_name);
  if (CARRIED_READS.some((t) => !withYear.includes(t))) return null;
  const years = await db.all<{ year: number | null }>(
    withYear
      .map(
        (t) =>
          `select distinct year from "${t}" where valid_from_version > $1 or valid_to_version > $1`,
      )
      .join(' union '),
    [previous.dataVersion],
  );
  if (years.some((r) => r.year === null)) return null;
  return { years: new Set(years.map((r) => Number(r.year))) };
}
