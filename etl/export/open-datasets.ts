import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findIndicatorValues } from '../../warehouse/queries/indicator.queries.ts';
import { computeTargetProgress, findTargets } from '../../warehouse/queries/progress.queries.ts';
import { COMPARATORS, PROGRESS_STATUSES } from '../../warehouse/progress/progress-types.ts';
import { FACT_MEASURES } from '../../warehouse/tables/org-annual.table.ts';

/** One column of an exported dataset: its DuckDB/Parquet type, unit and meaning. */
export interface OpenColumn {
  readonly name: string;
  /** The DuckDB type, written to Parquet as its logical type. */
  readonly type: 'VARCHAR' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'BOOLEAN';
  readonly unit: string | null;
  readonly description: string;
}

/** A table that leaves the warehouse in open formats. */
export interface OpenDataset {
  /** File name without extension (`facts.parquet`, `/export/facts.parquet`). */
  readonly name: string;
  readonly title: string;
  /** The grain in one sentence. */
  readonly grain: string;
  readonly columns: readonly OpenColumn[];
  /** The rows of the published data version the handle reads, keyed by column name. */
  rows(db: DuckDbHandle, options: ExportOptions): Promise<Record<string, unknown>[]>;
}

/** What every dataset is computed for. */
export interface ExportOptions {
  /** Progress is judged with the figures up to this year. */
  readonly asOfYear: number;
  /**
   * The data version to export (a release's, see `releaseVersion`); absent = the latest loads.
   */
  readonly asOfVersion?: number;
}

/** SQL: the rows of alias `a` valid in data version `v` (current rows when undefined). */
export const validIn = (a: string, v: number | undefined) =>
  v === undefined
    ? `${a}.valid_to_version is null`
    : `${a}.valid_from_version <= ${Math.trunc(v)} and (${a}.valid_to_version is null or ${a}.valid_to_version > ${Math.trunc(v)})`;

const col = (
  name: string,
  type: OpenColumn['type'],
  unit: string | null,
  description: string,
): OpenColumn => ({ name, type, unit, description });

const AREA_COLUMNS = [
  col('unit_id', 'VARCHAR', null, 'Warehouse id of the administrative unit version (stable).'),
  col('area_code', 'VARCHAR', null, 'Statistics-office code of the unit (VN = the whole country).'),
  col('area_name_vi', 'VARCHAR', null, 'Vietnamese name of the unit.'),
];

/** `facts`: `fct_org_annual` as published now. */
const FACTS: OpenDataset = {
  name: 'facts',
  title: 'Annual figures of organisations',
  grain:
    'one row per administrative unit × year × organisation type × sector × source × universe (sector ALL = all sectors together, not a sum of the sector rows)',
  columns: [
    ...AREA_COLUMNS,
    col('year', 'INTEGER', null, 'Reporting year (figures as of 31 December).'),
    col('org_type', 'VARCHAR', null, 'THT, HTX, LHHTX or QTDND.'),
    col('sector', 'VARCHAR', null, 'Sector code, or ALL for all sectors together.'),
    col('source_code', 'VARCHAR', null, 'Who published the figures (PSO, MINISTRY, VCA, …).'),
    col(
      'universe',
      'VARCHAR',
      null,
      'Organisations counted: REGISTERED, or OPERATING_WITH_RESULTS.',
    ),
    ...FACT_MEASURES.map((m) =>
      col(
        m.name,
        m.sqlType === 'BIGINT' ? 'BIGINT' : 'DOUBLE',
        m.unit,
        `Measure \`${m.name}\`; empty (null) = not reported, never 0.`,
      ),
    ),
    col('status', 'VARCHAR', null, 'REPORTED, ESTIMATED or PROVISIONAL.'),
    col('load_id', 'INTEGER', null, 'The load that published the row (`coopstat loads`).'),
  ],
  rows: (db, options) =>
    db.all(
      `with units as (
         select unit_id, any_value(code) as area_code, any_value(name_vi) as area_name_vi
         from dim_admin_unit group by unit_id
       )
       select f.unit_id, u.area_code, u.area_name_vi, f.year, f.org_type, f.sector, f.source_code, f.universe,
         ${FACT_MEASURES.map((m) => `f.${m.name}`).join(', ')}, f.status, f.load_id
       from fct_org_annual f left join units u using (unit_id)
       where ${validIn('f', options.asOfVersion)}
       order by u.area_code, f.year, f.org_type, f.sector, f.source_code, f.universe`,
    ),
};

/** `indicator_values`: every registered indicator computed as the API computes it. */
const INDICATOR_VALUES: OpenDataset = {
  name: 'indicator_values',
  title: 'Indicator values',
  grain: 'one row per indicator × administrative unit × year × source, on reported boundaries',
  columns: [
    col(
      'indicator_code',
      'VARCHAR',
      null,
      'Indicator code of the catalog (`indicators` in the API).',
    ),
    col('unit', 'VARCHAR', null, 'Unit of `value` (from the indicator registry).'),
    ...AREA_COLUMNS,
    col('year', 'INTEGER', null, 'Year of the value.'),
    col('source_code', 'VARCHAR', null, 'Source of the figures the value was computed from.'),
    col('value', 'DOUBLE', 'see `unit`', 'The value; null when it cannot be computed (never 0).'),
    col('numerator', 'DOUBLE', null, 'Numerator of a ratio or share (null for a plain count).'),
    col('denominator', 'DOUBLE', null, 'Denominator of a ratio or share.'),
    col('status', 'VARCHAR', null, 'Weakest status among the figures used.'),
    col(
      'qualifier',
      'VARCHAR',
      null,
      'EXACT, ABOUT, MORE_THAN, NEARLY or AT_LEAST: the hedge of a published figure, or what follows from the parts of a computed value.',
    ),
    col(
      'origin',
      'VARCHAR',
      null,
      'FACTS (computed from counts) or PUBLISHED (a published figure).',
    ),
    col(
      'is_approximate',
      'BOOLEAN',
      null,
      'True when `qualifier` is not EXACT (kept for earlier readers).',
    ),
    col('org_types', 'VARCHAR', null, 'Organisation types the value covers, comma-separated.'),
  ],
  async rows(db, options) {
    const [values, meta] = await Promise.all([
      findIndicatorValues(
        db,
        options.asOfVersion === undefined ? {} : { asOfVersion: options.asOfVersion },
      ),
      db.all<{ indicator_code: string; unit: string }>(
        'select indicator_code, unit from dim_indicator',
      ),
    ]);
    const units = await db.all<{ unit_id: string; code: string; name_vi: string }>(
      'select unit_id, any_value(code) as code, any_value(name_vi) as name_vi from dim_admin_unit group by unit_id',
    );
    const unitOf = new Map(meta.map((m) => [m.indicator_code, m.unit]));
    const area = new Map(units.map((u) => [u.unit_id, u]));
    return values
      .map((v) => ({
        indicator_code: v.indicator_code,
        unit: unitOf.get(v.indicator_code) ?? null,
        unit_id: v.unit_id,
        area_code: area.get(v.unit_id)?.code ?? null,
        area_name_vi: area.get(v.unit_id)?.name_vi ?? null,
        year: v.year,
        source_code: v.source_code,
        value: v.value,
        numerator: v.numerator,
        denominator: v.denominator,
        status: v.status,
        qualifier: v.qualifier,
        origin: v.origin,
        is_approximate: v.is_approximate,
        org_types: v.org_types,
      }))
      .sort(
        (a, b) =>
          a.indicator_code.localeCompare(b.indicator_code) ||
          String(a.area_code).localeCompare(String(b.area_code)) ||
          a.year - b.year ||
          a.source_code.localeCompare(b.source_code),
      );
  },
};

/** `target_progress`: every plan target judged as `coopstat progress` judges it. */
const TARGET_PROGRESS: OpenDataset = {
  name: 'target_progress',
  title: 'Progress of plan targets',
  grain: 'one row per plan target, judged as of the export year',
  columns: [
    col('plan_id', 'VARCHAR', null, 'Plan id (`coopstat plans`).'),
    col('target_id', 'VARCHAR', null, 'Target id within the plan.'),
    col('indicator_code', 'VARCHAR', null, 'Indicator the target is set on.'),
    col('unit_id', 'VARCHAR', null, 'Administrative unit of the target.'),
    col('target_year', 'INTEGER', null, 'Year the target is due.'),
    col('comparator', 'VARCHAR', null, `${COMPARATORS.join(', ')}.`),
    col('target_value', 'DOUBLE', 'see `unit`', 'The target value (lower bound of a range).'),
    col('target_value_high', 'DOUBLE', 'see `unit`', 'Upper bound of a RANGE target.'),
    col('unit', 'VARCHAR', null, 'Unit of the target and of the values.'),
    col('as_of_year', 'INTEGER', null, 'Progress judged with the figures up to this year.'),
    col('source_code', 'VARCHAR', null, 'Source of the series used (one source per series).'),
    col('baseline_year', 'INTEGER', null, 'Year of the baseline.'),
    col('baseline_value', 'DOUBLE', 'see `unit`', 'Baseline value.'),
    col('latest_year', 'INTEGER', null, 'Year of the latest value.'),
    col('latest_value', 'DOUBLE', 'see `unit`', 'Latest value up to `as_of_year`.'),
    col('latest_qualifier', 'VARCHAR', null, 'EXACT, ABOUT, MORE_THAN, NEARLY or AT_LEAST.'),
    col('attainment_pct', 'DOUBLE', '%', 'Attainment of the target so far, percent.'),
    col('gap', 'DOUBLE', 'see `unit`', 'Aim minus latest, signed.'),
    col('status', 'VARCHAR', null, `Progress status: ${PROGRESS_STATUSES.join(', ')}.`),
    col('is_final', 'BOOLEAN', null, 'True when the target year is over: a final verdict.'),
  ],
  async rows(db, options) {
    const targets = await findTargets(db);
    const results = await computeTargetProgress(db, targets, {
      asOfYear: options.asOfYear,
      ...(options.asOfVersion === undefined ? {} : { asOfVersion: options.asOfVersion }),
    });
    return results.map((r) => ({
      plan_id: r.target.plan_id,
      target_id: r.target.target_id,
      indicator_code: r.target.indicator_code,
      unit_id: r.target.unit_id,
      target_year: r.target.target_year,
      comparator: r.target.comparator,
      target_value: r.target.value,
      target_value_high: r.target.value_high,
      unit: r.target.unit,
      as_of_year: r.asOfYear,
      source_code: r.source,
      baseline_year: r.progress.baseline?.year ?? null,
      baseline_value: r.progress.baseline?.value ?? null,
      latest_year: r.progress.latest?.year ?? null,
      latest_value: r.progress.latest?.value ?? null,
      latest_qualifier: r.progress.latest?.qualifier ?? null,
      attainment_pct: r.progress.attainment?.percent ?? null,
      gap: r.progress.gap,
      status: r.progress.status,
      is_final: r.progress.isFinal,
    }));
  },
};

/** Every dataset of the open exports, in the order the docs list them. */
export const OPEN_DATASETS: readonly OpenDataset[] = [FACTS, INDICATOR_VALUES, TARGET_PROGRESS];
