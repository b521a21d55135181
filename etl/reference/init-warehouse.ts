import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { insertRows, insertTableRows } from '../../warehouse/publish/insert-rows.ts';
import {
  buildAdminUnits,
  NATION_UNIT_ID,
  NEW_PROVINCES_FROM,
  OLD_PROVINCES_FROM,
} from '../../warehouse/reference/admin-units.ts';
import {
  FACT_TABLE_SPEC,
  findLoadByHash,
  nextIds,
  PUBLISHED_VALUE_SPEC,
  recordLoad,
  type LoadLogRow,
} from '../../warehouse/publish/load-log.ts';
import { publishReportRows } from '../../warehouse/publish/report-rows.ts';
import { publishIndicatorDerived } from '../../warehouse/publish/target-progress.ts';
import { applySlices, diffSlices } from '../../warehouse/publish/slice-publisher.ts';
import {
  findReleases,
  insertRelease,
  readReleaseMode,
  writeReleaseMode,
  type ReleaseMode,
} from '../../warehouse/release/release.queries.ts';
import { withWriter, type WriteOutcome } from '../../warehouse/store/warehouse-store.ts';
import { FACT_MEASURES } from '../../warehouse/tables/org-annual.table.ts';
import { readCatalog } from '../catalog/catalog.reader.ts';
import { replaceCatalog } from '../catalog/catalog.loader.ts';
import { NATIONAL_FACT_MAP, SHARES_STATED_WITH_COUNTS } from './national-figures.ts';
import { stageProvincialFigures } from './provincial-figures.ts';
import { qualifierOf } from '../../warehouse/domain/qualifier.ts';
import { measureObjectSql } from '../../warehouse/domain/measure-flags.ts';
import { weakestValueStatusSql } from '../../warehouse/domain/value-status.ts';

const referencePath = (name: string) =>
  fileURLToPath(new URL(`../../warehouse/reference/${name}`, import.meta.url));

/** The reference files the default warehouse is built from, in the project. */
export const REFERENCE_FILES = {
  adminUnits: referencePath('admin-units-2025.csv'),
  figures: referencePath('published-figures-national.csv'),
  provincialFigures: referencePath('published-figures-provincial.csv'),
  population: referencePath('population.csv'),
  sources: referencePath('sources.csv'),
} as const;

/** The catalog of indicators, plans and targets in the project. */
export const CATALOG_DIR = fileURLToPath(new URL('../../catalog', import.meta.url));

/** SHA-256 over every file of a directory tree, in path order. */
async function hashTree(dir: string): Promise<{ sha256: string; bytes: number }> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const hash = createHash('sha256');
  let bytes = 0;
  for (const path of entries) {
    const content = await readFile(path);
    hash.update(path.slice(dir.length)).update(content);
    bytes += content.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Loads the plan catalog (validated first: a bad catalog changes nothing) when it differs from
 * the one published, as a load of its own that publishes a new data version.
 */
async function publishCatalog(
  db: DuckDbHandle,
): Promise<{ targets: number; version: number | null }> {
  const { sha256, bytes } = await hashTree(CATALOG_DIR);
  if (await findLoadByHash(db, sha256)) return { targets: 0, version: null };
  const catalog = await readCatalog(CATALOG_DIR);
  const ids = await nextIds(db);
  const startedAt = new Date().toISOString();
  let targets = 0;
  await db.transaction(async (tx) => {
    ({ targets } = await replaceCatalog(tx, catalog));
    // Every indicator value and progress may change with the registry's formulas and targets.
    await publishIndicatorDerived(tx, ids.nextVersion, 'all');
    await recordInitLoad(tx, {
      load_id: ids.nextLoadId,
      family: 'catalog',
      file_name: 'catalog/',
      file_sha256: sha256,
      file_bytes: bytes,
      source_code: null,
      years: [],
      unit_ids: [],
      rows_read: targets,
      rows_accepted: targets,
      values_added: targets,
      values_changed: 0,
      values_removed: 0,
      values_unchanged: 0,
      started_at: startedAt,
      data_version: ids.nextVersion,
    });
  });
  return { targets, version: ids.nextVersion };
}

/** What `init` records of a load it publishes itself (checked before: nothing is rejected). */
type InitLoad = Omit<
  LoadLogRow,
  'rows_rejected' | 'warnings' | 'finished_at' | 'outcome' | 'loaded_by' | 'report_json'
>;

/** Records a load `coopstat init` publishes itself: no rejected rows, no warnings, no report. */
function recordInitLoad(tx: DuckDbHandle, load: InitLoad): Promise<void> {
  return recordLoad(tx, {
    ...load,
    rows_rejected: 0,
    warnings: 0,
    finished_at: new Date().toISOString(),
    outcome: 'PUBLISHED',
    loaded_by: 'coopstat init',
    report_json: null,
    publishes: true,
  });
}

/** Options of {@link initWarehouse}. */
export interface InitOptions {
  /**
   * Whether later loads wait for a reviewed release (`reviewed`, what `coopstat init` sets) or are
   * released with their load (`automatic`, a single-office warehouse). Default: `automatic` for a
   * new warehouse, unchanged for an existing one.
   */
  readonly releases?: ReleaseMode;
}

/**
 * Wraps init's writer so that init's own loads make one release, the reference figures as
 * published (a new warehouse's release 1), and then sets the release mode.
 */
function withInitRelease(
  options: InitOptions,
  init: (db: DuckDbHandle) => Promise<WriteOutcome<InitReport>>,
): (db: DuckDbHandle) => Promise<WriteOutcome<InitReport>> {
  return async (db) => {
    const fresh = (await findReleases(db)).length === 0;
    const before = await readReleaseMode(db);
    // Released below as one release, not one per step.
    if (fresh) await writeReleaseMode(db, 'reviewed');
    const outcome = await init(db);
    let releaseNo: number | null = null;
    if (fresh) {
      const { currentVersion } = await nextIds(db);
      const [row] = await db.all<{ years: number[] | null }>(
        'select list(distinct year order by year) as years from fct_org_annual where valid_to_version is null',
      );
      releaseNo = await insertRelease(db, {
        dataVersion: currentVersion,
        years: row?.years ?? [],
        releasedAt: new Date().toISOString(),
        releasedBy: 'coopstat init',
        note: 'reference data and published national figures',
        notesMdVi: null,
        notesMdEn: null,
        automatic: false,
      });
    }
    const mode = options.releases ?? (fresh ? 'automatic' : before);
    await writeReleaseMode(db, mode);
    return {
      publish: outcome.publish || fresh || mode !== before,
      result: { ...outcome.result, releaseNo, releaseMode: mode },
    };
  };
}

/** What `init` did. */
export interface InitReport {
  /** The release init made (a new warehouse's release 1), or null. */
  readonly releaseNo?: number | null;
  /** Whether loads wait for a reviewed release. */
  readonly releaseMode?: ReleaseMode;
  readonly units: number;
  readonly currentProvinces: number;
  readonly populationRows: number;
  readonly publishedValues: number;
  readonly facts: number;
  readonly targets: number;
  readonly outcome: 'PUBLISHED' | 'ALREADY_LOADED';
  readonly dataVersion: number;
}

/** Replaces the unit, alias, crosswalk, source and population reference tables from the files. */
async function seedDimensions(db: DuckDbHandle): Promise<number> {
  const { units, aliases, crosswalk } = await buildAdminUnits(REFERENCE_FILES.adminUnits);
  for (const table of [
    'dim_admin_unit',
    'dim_unit_alias',
    'dim_unit_crosswalk',
    'dim_source',
    'fct_population',
  ]) {
    await db.run(`delete from ${table}`);
  }
  await insertTableRows(db, 'dim_admin_unit', units);
  await insertTableRows(db, 'dim_unit_alias', aliases);
  await insertTableRows(db, 'dim_unit_crosswalk', crosswalk);
  await db.run(
    `insert into dim_source select code, name_vi, name_en, kind, note
     from read_csv($1, header = true, all_varchar = true)`,
    [REFERENCE_FILES.sources],
  );
  await db.run(
    `insert into fct_population
     select case when p.unit_code = 'VN' then 'VN'
                 when p.boundary = 'NEW' then p.unit_code || ':' || $2
                 else p.unit_code || ':' || $3 end,
       p.year::integer, p.population::bigint, p.kind, p.preferred::boolean, p.source_url, p.quote, p.confidence, p.note
     from read_csv($1, header = true, all_varchar = true) p`,
    [REFERENCE_FILES.population, NEW_PROVINCES_FROM, OLD_PROVINCES_FROM],
  );
  const [orphans] = await db.all<{ n: number }>(
    `select count(*) as n from fct_population p anti join dim_admin_unit u using (unit_id)`,
  );
  if (orphans && orphans.n > 0) {
    throw new Error(
      `every population row must name a known unit, but ${orphans.n} do not in ${REFERENCE_FILES.population}`,
    );
  }
  return units.length;
}

/**
 * Sets the qualifier of every staged published value from the hedge word of its quote ("gần 6
 * triệu" → NEARLY, "trên 31 nghìn" → MORE_THAN). A few hundred reference rows: read in JS, written
 * back in one statement.
 */
async function qualifyStagedValues(db: DuckDbHandle): Promise<void> {
  const rows = await db.all<{ i: number; quote: string | null; value: number; approx: boolean }>(
    `select rowid as i, quote, value, is_approximate as approx from stg_pub`,
  );
  if (rows.length === 0) return;
  await db.run(`drop table if exists stg_pub_qualifier`);
  await db.run(`create temp table stg_pub_qualifier (i bigint, qualifier varchar)`);
  await insertRows(
    db,
    'stg_pub_qualifier',
    rows.map((r) => [r.i, qualifierOf(r.quote, r.value, r.approx)]),
  );
  await db.run(
    `update stg_pub set qualifier = q.qualifier,
       is_approximate = q.qualifier <> 'EXACT'
     from stg_pub_qualifier q where stg_pub.rowid = q.i`,
  );
}

/** Names the way reference facts are derived; changing it makes the next `init` re-derive them. */
const FACT_DERIVATION = 'facts: status and qualifier per measure';

/** Stages the national figures as published values and, where they map to a fact, as facts. */
async function stageNationalFigures(db: DuckDbHandle): Promise<void> {
  await db.run('drop table if exists stg_pub');
  await db.run(
    `create temp table stg_pub as
     select $2::varchar as unit_id, indicator as indicator_code, year::integer as year, value::double as value,
       unit as unit_text, series as source_code, status, approximate::boolean as is_approximate,
       'EXACT' as qualifier,
       preferred::boolean as is_preferred, source_url, nfc_normalize(quote) as quote, confidence, note
     from read_csv($1, header = true, all_varchar = true)
     where scope = 'nation'`,
    [REFERENCE_FILES.figures, NATION_UNIT_ID],
  );
  for (const stated of SHARES_STATED_WITH_COUNTS) {
    await db.run(
      `insert into stg_pub
       select unit_id, $2, year, $3::double, $4, source_code, status, true, 'EXACT', is_preferred,
         source_url, quote, confidence,
         'share stated in the same sentence as the ' || indicator_code || ' figure (' || value::bigint || ')'
       from stg_pub
       where indicator_code = $1 and quote like '%' || $5 || '%'`,
      [stated.count, stated.share, stated.value, stated.unit, `${stated.value}%`],
    );
  }
  await stageProvincialFigures(db, REFERENCE_FILES.provincialFigures);
  await qualifyStagedValues(db);
  const mapRows = Object.entries(NATIONAL_FACT_MAP)
    .map(
      ([code, m]) => `('${code}', '${m.org_type}', '${m.sector}', '${m.universe}', '${m.measure}')`,
    )
    .join(', ');
  const measures = FACT_MEASURES.map((m) =>
    m.sqlType === 'BIGINT'
      ? `round(max(p.value) filter (where m.measure = '${m.name}'))::bigint as ${m.name}`
      : `max(p.value) filter (where m.measure = '${m.name}') as ${m.name}`,
  ).join(',\n      ');
  await db.run('drop table if exists stg_fact');
  await db.run(
    `create temp table stg_fact as
     with m(indicator_code, org_type, sector, universe, measure) as (values ${mapRows})
     select p.unit_id, p.year, m.org_type, m.sector, p.source_code, m.universe,
      ${measures},
      ${weakestValueStatusSql('p.status')} as status,
      case when count(distinct p.status) > 1 then ${measureObjectSql(
        (m) => `any_value(p.status) filter (where m.measure = '${m}')`,
        '',
      )} end as measure_status,
      ${measureObjectSql((m) => `any_value(p.qualifier) filter (where m.measure = '${m}')`, 'EXACT')} as measure_qualifier
     from stg_pub p join m using (indicator_code)
     where p.is_preferred and p.unit_id = '${NATION_UNIT_ID}'
     group by p.unit_id, p.year, m.org_type, m.sector, p.source_code, m.universe`,
  );
}

/**
 * Builds or refreshes the default warehouse from the real reference data in the repository: the
 * 2025 admin units with their crosswalk, population, and the published national series (both
 * the ministry's and the cooperative alliance's, each labelled with its source). Re-running it
 * changes nothing unless the reference files changed.
 */
export async function initWarehouse(
  dbPath: string,
  options: InitOptions = {},
): Promise<InitReport> {
  const contents = await Promise.all(Object.values(REFERENCE_FILES).map((p) => readFile(p)));
  const sha256 = createHash('sha256');
  for (const c of contents) sha256.update(c);
  // How the facts are derived from the files: a change here re-stages them once on the next
  // init (schema 8 gave each measure its own status and qualifier).
  sha256.update(FACT_DERIVATION);
  const hash = sha256.digest('hex');
  return withWriter(
    dbPath,
    withInitRelease(options, async (db) => {
      const units = await seedDimensions(db);
      const previous = await findLoadByHash(db, hash);
      await stageNationalFigures(db);
      if (previous) {
        const catalog = await publishCatalog(db);
        return {
          publish: catalog.version !== null,
          result: initReport(
            units,
            await countReference(db),
            catalog.version === null ? 'ALREADY_LOADED' : 'PUBLISHED',
            catalog.version ?? (await nextIds(db)).currentVersion,
          ),
        };
      }
      const version = await publishReferenceFigures(db, hash, contents);
      const catalog = await publishCatalog(db);
      return {
        publish: true,
        result: initReport(
          units,
          await countReference(db),
          'PUBLISHED',
          catalog.version ?? version,
        ),
      };
    }),
  );
}

/** What the warehouse holds after init: current provinces, population rows, values, facts, targets. */
async function countReference(db: DuckDbHandle) {
  const [row] = await db.all<{
    provinces: number;
    population: number;
    values: number;
    facts: number;
    targets: number;
  }>(
    `select (select count(*) from dim_admin_unit where level = 'PROVINCE' and valid_to is null) as provinces,
            (select count(*) from fct_population) as population,
            (select count(*) from fct_published_value where valid_to_version is null) as values,
            (select count(*) from fct_org_annual where valid_to_version is null) as facts,
            (select count(*) from dim_target) as targets`,
  );
  return row!;
}

/** Init's report from what the warehouse holds. */
function initReport(
  units: number,
  counts: Awaited<ReturnType<typeof countReference>>,
  outcome: InitReport['outcome'],
  dataVersion: number,
): InitReport {
  return {
    units,
    currentProvinces: counts.provinces,
    populationRows: counts.population,
    publishedValues: counts.values,
    facts: counts.facts,
    targets: counts.targets,
    outcome,
    dataVersion,
  };
}

/**
 * Publishes the staged reference figures (facts and published values) as one load with a new
 * data version, with the topic reports and indicator values that follow from them; returns it.
 */
async function publishReferenceFigures(
  db: DuckDbHandle,
  hash: string,
  contents: readonly Buffer[],
): Promise<number> {
  const factChanges = await diffSlices(db, FACT_TABLE_SPEC, 'stg_fact');
  const valueChanges = await diffSlices(db, PUBLISHED_VALUE_SPEC, 'stg_pub');
  const ids = await nextIds(db);
  const startedAt = new Date().toISOString();
  const total = (key: 'added' | 'changed' | 'removed' | 'unchanged') =>
    [...factChanges, ...valueChanges].reduce((n, c) => n + c[key], 0);
  await db.transaction(async (tx) => {
    await applySlices(tx, FACT_TABLE_SPEC, 'stg_fact', ids.nextLoadId, ids.nextVersion);
    await applySlices(tx, PUBLISHED_VALUE_SPEC, 'stg_pub', ids.nextLoadId, ids.nextVersion);
    await publishReportRows(tx, ids.nextVersion);
    await publishIndicatorDerived(tx, ids.nextVersion);
    const [rows] = await tx.all<{ n: number; years: number[]; units: string[] }>(
      `select count(*) as n, list(distinct year order by year) as years,
         list(distinct unit_id order by unit_id) as units from stg_pub`,
    );
    await recordInitLoad(tx, {
      load_id: ids.nextLoadId,
      family: 'reference',
      file_name: 'warehouse/reference/published-figures-national.csv',
      file_sha256: hash,
      file_bytes: contents.reduce((n, c) => n + c.length, 0),
      source_code: null,
      years: rows?.years ?? [],
      unit_ids: rows?.units ?? [NATION_UNIT_ID],
      rows_read: rows?.n ?? 0,
      rows_accepted: rows?.n ?? 0,
      values_added: total('added'),
      values_changed: total('changed'),
      values_removed: total('removed'),
      values_unchanged: total('unchanged'),
      started_at: startedAt,
      data_version: ids.nextVersion,
    });
  });
  return ids.nextVersion;
}
