import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { qualifierSign } from '../../warehouse/domain/qualifier.ts';
import { findAdminUnits } from '../../warehouse/queries/admin-unit.queries.ts';
import { findPlans } from '../../warehouse/queries/catalog.queries.ts';
import {
  findTargets,
  type TargetProgress,
  type TargetRow,
} from '../../warehouse/queries/progress.queries.ts';
import { renderCsv } from '../export/csv.ts';
import {
  formatCount,
  formatNumber,
  formatPercent,
  renderTable,
  type Column,
  type Lang,
} from './output.ts';

/** How a listing is printed. */
export interface ListingFormat {
  readonly lang: Lang;
  readonly wide: boolean;
  readonly as: 'table' | 'json' | 'csv';
}

/** A listing ready to print: the table's columns and cells, and flat records for JSON/CSV. */
interface Listing {
  readonly columns: readonly Column[];
  readonly cells: readonly (readonly string[])[];
  readonly records: readonly Record<string, unknown>[];
}

/** Prints a listing in the chosen form. */
export function renderListing(listing: Listing, format: ListingFormat): string {
  if (format.as === 'json') return JSON.stringify(listing.records, null, 2);
  if (format.as === 'csv') return renderCsv(listing.records);
  return renderTable(listing.columns, listing.cells, format.wide);
}

const SIGNS: Readonly<Record<string, string>> = {
  GT: '>',
  GTE: '≥',
  APPROX: '≈',
  EQ: '=',
  LTE: '≤',
  LT: '<',
  RANGE: '',
};

/** Names of units by id, in the chosen language. */
async function unitNames(
  db: DuckDbHandle,
  unitIds: readonly string[],
  lang: Lang,
): Promise<Map<string, string>> {
  if (unitIds.length === 0) return new Map();
  const units = await findAdminUnits(db, { unitIds: [...new Set(unitIds)] });
  return new Map(units.map((u) => [u.unit_id, lang === 'vi' ? u.name_vi : u.name_en]));
}

const isPercent = (t: Pick<TargetRow, 'unit'>) => t.unit === 'percent';

/** A value in the target's unit: counts as whole numbers, percentages with one decimal and %. */
function targetValue(t: Pick<TargetRow, 'unit'>, n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return '–';
  return isPercent(t) ? `${formatNumber(n, lang, 1)}%` : formatCount(n, lang);
}

/** A target per year ("100 new cooperative groups each year 2021–2025") rather than a level. */
const isPerYear = (t: TargetRow) => t.from_year !== null;

/** The goal in short: `≈45,000 by 2030`, `1–2 /district by 2025`, `≥100 /yr 2021–2025`. */
function describeGoal(t: TargetRow, lang: Lang): string {
  const value =
    t.comparator === 'RANGE'
      ? `${targetValue(t, t.value, lang)}–${targetValue(t, t.value_high, lang)}`
      : `${SIGNS[t.comparator] ?? t.comparator}${targetValue(t, t.value, lang)}`;
  const per = t.per_unit ? ` /${t.per_unit}` : '';
  return isPerYear(t)
    ? `${value}${per} /yr ${t.from_year}–${t.target_year}`
    : `${value}${per} by ${t.target_year}`;
}

/** `coopstat plans`. */
export async function plansListing(db: DuckDbHandle, format: ListingFormat): Promise<Listing> {
  const plans = await findPlans(db);
  const counts = new Map<string, number>();
  for (const t of await findTargets(db, {}, { wordings: false }))
    counts.set(t.plan_id, (counts.get(t.plan_id) ?? 0) + 1);
  const names = await unitNames(
    db,
    plans.map((p) => p.unit_id),
    format.lang,
  );
  const title = (p: (typeof plans)[number]) => (format.lang === 'vi' ? p.title_vi : p.title_en);
  return {
    columns: [
      { header: 'plan', max: 32 },
      { header: 'area', max: 24 },
      { header: 'issued' },
      { header: 'document', max: 20 },
      { header: 'targets', align: 'right' },
      { header: 'title', max: 60 },
    ],
    cells: plans.map((p) => [
      p.plan_id,
      names.get(p.unit_id) ?? p.unit_id,
      p.issued_on,
      p.document_number ?? '–',
      formatCount(counts.get(p.plan_id) ?? 0, format.lang),
      title(p),
    ]),
    records: plans.map((p) => ({
      plan_id: p.plan_id,
      area: names.get(p.unit_id) ?? p.unit_id,
      unit_id: p.unit_id,
      issued_on: p.issued_on,
      document_number: p.document_number,
      targets: counts.get(p.plan_id) ?? 0,
      title: title(p),
      issuer: format.lang === 'vi' ? p.issuer_vi : p.issuer_en,
    })),
  };
}

/** `coopstat targets --plan ID`. */
export async function targetsListing(
  db: DuckDbHandle,
  targets: readonly TargetRow[],
  format: ListingFormat,
): Promise<Listing> {
  const names = await unitNames(
    db,
    targets.map((t) => t.unit_id),
    format.lang,
  );
  return {
    columns: [
      { header: 'target', max: 30 },
      { header: 'area', max: 24 },
      { header: 'indicator', max: 30 },
      { header: 'year', align: 'right' },
      { header: 'goal', max: 30 },
      { header: 'words', max: 70 },
    ],
    cells: targets.map((t) => [
      t.target_id,
      names.get(t.unit_id) ?? t.unit_id,
      t.indicator_code,
      String(t.target_year),
      describeGoal(t, format.lang),
      t.quote,
    ]),
    records: targets.map((t) => ({
      plan_id: t.plan_id,
      target_id: t.target_id,
      area: names.get(t.unit_id) ?? t.unit_id,
      unit_id: t.unit_id,
      indicator_code: t.indicator_code,
      from_year: t.from_year,
      target_year: t.target_year,
      comparator: t.comparator,
      value: t.value,
      value_high: t.value_high,
      unit: t.unit,
      per_unit: t.per_unit,
      quote_lang: t.quote_lang,
      quote: t.quote,
    })),
  };
}

/** `coopstat progress`. */
/** How an attainment's bound is shown: the value may be higher (≥) or lower (≤) than printed. */
const ATTAINMENT_SIGNS = { EXACT: '', ABOUT: '≈', AT_LEAST: '≥', AT_MOST: '≤' } as const;

export async function progressListing(
  db: DuckDbHandle,
  results: readonly TargetProgress[],
  format: ListingFormat,
): Promise<Listing> {
  const { lang } = format;
  const names = await unitNames(
    db,
    results.flatMap((r) => [r.target.unit_id, ...r.boundary.successorUnitIds]),
    lang,
  );
  const area = (r: TargetProgress) => names.get(r.target.unit_id) ?? r.target.unit_id;
  const successors = (r: TargetProgress) =>
    r.boundary.successorUnitIds.map((id) => names.get(id) ?? id).join(', ');
  const status = (r: TargetProgress) => {
    const p = r.progress;
    const how = p.isFinal ? ' (final)' : p.statusMethod ? ` (${p.statusMethod})` : '';
    const moved =
      r.boundary.changed && p.status === 'BOUNDARY_CHANGED'
        ? ` (now part of ${successors(r)})`
        : '';
    return `${p.status}${how}${moved}`;
  };
  return {
    columns: [
      { header: 'plan / target', max: 40 },
      { header: 'area', max: 20 },
      { header: 'indicator', max: 26 },
      { header: 'target', max: 26 },
      { header: 'latest', align: 'right' },
      { header: 'year / source', max: 30 },
      { header: 'attain.', align: 'right' },
      { header: 'CAGR', align: 'right' },
      { header: 'need/yr', align: 'right' },
      { header: 'CAGR→tgt', align: 'right' },
      { header: 'linear→tgt', align: 'right' },
      { header: 'status' },
    ],
    cells: results.map((r) => {
      const t = r.target;
      const p = r.progress;
      const perYear = isPerYear(t);
      const latest = p.latest;
      return [
        `${t.plan_id}/${t.target_id}`,
        area(r),
        t.indicator_code,
        describeGoal(t, lang),
        latest ? `${qualifierSign(latest.qualifier)}${targetValue(t, latest.value, lang)}` : '–',
        latest
          ? `${latest.year} ${r.source ?? ''}${latest.status && latest.status !== 'REPORTED' ? ` ${latest.status.toLowerCase()}` : ''}`.trim()
          : '–',
        p.attainment
          ? `${ATTAINMENT_SIGNS[p.attainment.bound]}${formatNumber(p.attainment.percent, lang, 1)}%`
          : '–',
        // Growth rates describe a level; a per-year target has none to grow towards.
        perYear ? '–' : formatPercent(p.cagrActual, lang),
        perYear ? '–' : formatPercent(p.cagrRequiredFromNow, lang),
        perYear ? '–' : targetValue(t, p.projectedCagr, lang),
        perYear ? '–' : targetValue(t, p.projectedLinear, lang),
        status(r),
      ];
    }),
    records: results.map((r) => ({
      plan_id: r.target.plan_id,
      target_id: r.target.target_id,
      area: area(r),
      unit_id: r.target.unit_id,
      indicator_code: r.target.indicator_code,
      comparator: r.target.comparator,
      value: r.target.value,
      value_high: r.target.value_high,
      unit: r.target.unit,
      per_unit: r.target.per_unit,
      from_year: r.target.from_year,
      target_year: r.target.target_year,
      as_of_year: r.asOfYear,
      source: r.source,
      latest_year: r.progress.latest?.year ?? null,
      latest_value: r.progress.latest?.value ?? null,
      latest_status: r.progress.latest?.status ?? null,
      latest_qualifier: r.progress.latest?.qualifier ?? null,
      attainment_percent: r.progress.attainment?.percent ?? null,
      attainment_bound: r.progress.attainment?.bound ?? null,
      cagr_actual: isPerYear(r.target) ? null : r.progress.cagrActual,
      cagr_required_from_now: isPerYear(r.target) ? null : r.progress.cagrRequiredFromNow,
      projected_cagr: isPerYear(r.target) ? null : r.progress.projectedCagr,
      projected_linear: isPerYear(r.target) ? null : r.progress.projectedLinear,
      status: r.progress.status,
      // The rule the status was judged by, and what the judgement warns of, as the API's
      // \`statusBasis\` and \`warnings\` give them (a per-year target judged on every year of its
      // range says so, and which years were missing or not met).
      status_basis: r.progress.statusBasis,
      status_method: r.progress.statusMethod ?? null,
      is_final: r.progress.isFinal,
      successor_unit_ids: r.boundary.changed ? r.boundary.successorUnitIds : [],
      warnings: r.progress.warnings.map((w) => w.code),
    })),
  };
}

/** One row of the load log as the CLI lists it. */
export interface LoadLogLine {
  load_id: number;
  family: string;
  file_name: string;
  outcome: string;
  data_version: number;
  rows_read: number;
  values_added: number;
  values_changed: number;
  values_removed: number;
  warnings: number;
  years: string;
  finished_at: string;
  loaded_by: string | null;
  sha256: string;
}

/** `coopstat loads`. */
export function loadsListing(rows: readonly LoadLogLine[], format: ListingFormat): Listing {
  const n = (v: number) => formatCount(Number(v), format.lang);
  return {
    columns: [
      { header: 'load', align: 'right' },
      { header: 'family' },
      { header: 'version', align: 'right' },
      { header: 'outcome' },
      { header: 'rows', align: 'right' },
      { header: '+added', align: 'right' },
      { header: '~changed', align: 'right' },
      { header: '-removed', align: 'right' },
      { header: 'finished (UTC)' },
      { header: 'file', max: 40 },
    ],
    cells: rows.map((r) => [
      String(r.load_id),
      r.family,
      String(r.data_version),
      r.outcome,
      n(r.rows_read),
      n(r.values_added),
      n(r.values_changed),
      n(r.values_removed),
      r.finished_at,
      r.file_name,
    ]),
    records: rows.map((r) => ({ ...r })),
  };
}
