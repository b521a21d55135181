import type { DuckDbHandle } from '../dialect/index.ts';
import { sql } from 'kysely';
import { columnOf, kyselyOf, oneOf, validIn } from '../database.ts';
import { computeProgress, type Observation, type Progress } from '../progress/progress-engine.ts';
import type { Comparator } from '../progress/progress-types.ts';
import type { Qualifier } from '../domain/qualifier.ts';
import {
  findIndicatorValues,
  type IndicatorValueFilter,
  type IndicatorValueRow,
} from './indicator.queries.ts';
import type { TargetWordingTable } from '../tables/target-wording.table.ts';

/** Which targets to read. */
export interface TargetFilter {
  readonly planIds?: readonly string[];
  readonly unitIds?: readonly string[];
  readonly indicatorCodes?: readonly string[];
}

/**
 * Reads targets with their indicator's direction and limit, in plan and catalog order, and their
 * other wordings unless `wordings` is false (what publishing and counting read without: each
 * target's wordings are gathered as JSON, most of the statement's cost).
 */
export function findTargets(
  db: DuckDbHandle,
  filter: TargetFilter = {},
  { wordings = true }: { readonly wordings?: boolean } = {},
) {
  const wording = (column: keyof TargetWordingTable & string) =>
    columnOf('dim_target_wording', column, 'w');
  return kyselyOf(db)
    .selectFrom('dim_target as t')
    .innerJoin('dim_plan as p', 'p.plan_id', 't.plan_id')
    .innerJoin('dim_indicator as i', 'i.indicator_code', 't.indicator_code')
    .innerJoin('dim_admin_unit as u', 'u.unit_id', 't.unit_id')
    .selectAll('t')
    .select([
      'p.issued_on as plan_issued_on',
      'i.is_higher_better',
      'i.natural_limit',
      'i.is_published_only',
      'u.valid_to as unit_valid_to',
    ])
    .$if(wordings, (qb) =>
      qb.select((eb) => [
        // Other wordings of the target (paraphrases, citations by other plans), as JSON; null when none.
        sql<
          string | null
        >`(select to_json(list({plan_id: ${wording('plan_id')}, id: ${wording('wording_id')},
          kind: ${wording('kind')}, quote_lang: ${wording('quote_lang')}, quote: ${wording('quote')},
          source_url: ${wording('source_url')}, source_file: ${wording('source_file')},
          source_line: ${wording('source_line')}, note: ${wording('note')}}
          order by ${wording('plan_id')}, ${wording('wording_id')}))::varchar
        from ${sql.table('dim_target_wording')} w
        where ${wording('of_plan_id')} = ${eb.ref('t.plan_id')}
          and ${wording('of_target_id')} = ${eb.ref('t.target_id')})`.as('wordings_json'),
      ]),
    )
    .$narrowType<{ comparator: Comparator }>()
    .where((eb) => oneOf(eb, 't.plan_id', filter.planIds))
    .where((eb) => oneOf(eb, 't.unit_id', filter.unitIds))
    .where((eb) => oneOf(eb, 't.indicator_code', filter.indicatorCodes))
    .orderBy('t.plan_id')
    .orderBy('t.target_year')
    .orderBy('t.target_id')
    .execute();
}

/** A plan target with what the progress engine needs from its indicator, plan and unit. */
export type TargetRow = Awaited<ReturnType<typeof findTargets>>[number];

/** The order in which series are preferred when several sources publish the same indicator. */
export const DEFAULT_SOURCE_PREFERENCE = ['PSO', 'PROVINCIAL', 'MINISTRY', 'VCA', 'OTHER'] as const;

/** How a target's unit relates to the units valid in the as-of year. */
export interface BoundaryInfo {
  /** The unit ended before the end of the as-of year (a 2025 merger, for instance). */
  readonly changed: boolean;
  /** Last day of the target's unit, when it ended. */
  readonly validTo: string | null;
  /** Units it became part of. */
  readonly successorUnitIds: readonly string[];
}

/** Progress of one target: the series used, the engine's result, and the boundary caveat. */
export interface TargetProgress {
  readonly target: TargetRow;
  readonly asOfYear: number;
  /** Source of the series used (one source per series: the series do not mix). */
  readonly source: string | null;
  /** Other sources with values for the same indicator and unit. */
  readonly otherSources: readonly string[];
  /** Organisation types the series covers; years covering fewer are left out of it. */
  readonly orgTypes: string | null;
  /** Years of the chosen source left out because they cover fewer organisation types. */
  readonly narrowerYears: readonly number[];
  readonly series: readonly IndicatorValueRow[];
  /** Qualifier of each value of `series`, in the same order (EXACT unless its source hedged it). */
  readonly qualifiers: readonly Qualifier[];
  readonly progress: Progress;
  readonly boundary: BoundaryInfo;
}

/** Options of {@link computeTargetProgress}. */
export interface ProgressOptions {
  readonly asOfYear: number;
  /** Sources in order of preference (default {@link DEFAULT_SOURCE_PREFERENCE}). */
  readonly sources?: readonly string[];
  readonly asOfVersion?: number;
  /** Tolerance of "khoảng" (about) targets, as a fraction of the target (engine default 5%). */
  readonly approxTolerance?: number;
}

/** The last day a target runs: its date, else the end of its year. */
const deadlineOf = (t: TargetRow) => t.target_date ?? `${t.target_year}-12-31`;

/** What the progress of some targets is computed from: their values, qualifiers and successors. */
export interface ProgressInputs {
  readonly byKey: ReadonlyMap<string, readonly IndicatorValueRow[]>;
  readonly qualifierOfRow: (r: IndicatorValueRow) => Qualifier;
  readonly successors: readonly { from_unit_id: string; to_unit_id: string }[];
}

/** Where indicator values come from: the published table, or computed from the facts. */
export type ValueSource = (
  db: DuckDbHandle,
  filter: IndicatorValueFilter,
) => Promise<IndicatorValueRow[]>;

/**
 * Reads what {@link progressFromInputs} needs for some targets with a fixed number of SQL
 * statements (one for the values of every indicator and unit involved, with their qualifiers,
 * one for the crosswalk), whatever their count.
 */
export async function readProgressInputs(
  db: DuckDbHandle,
  targets: readonly TargetRow[],
  asOfVersion: number | undefined,
  valuesOf: ValueSource = findIndicatorValues,
): Promise<ProgressInputs> {
  const values = await valuesOf(db, {
    indicatorCodes: [...new Set(targets.map((t) => t.indicator_code))],
    unitIds: [...new Set(targets.map((t) => t.unit_id))],
    ...(asOfVersion === undefined ? {} : { asOfVersion }),
  });
  const qualifierOfRow = (r: IndicatorValueRow): Qualifier => r.qualifier;
  const successors = await kyselyOf(db)
    .selectFrom('dim_unit_crosswalk')
    .select(['from_unit_id', 'to_unit_id'])
    .where('from_unit_id', '<>', (eb) => eb.ref('to_unit_id'))
    .execute();
  const byKey = new Map<string, IndicatorValueRow[]>();
  for (const row of values) {
    const key = `${row.indicator_code}|${row.unit_id}`;
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  return { byKey, qualifierOfRow, successors };
}

/**
 * Computes the progress of many targets, reading the indicator values from `valuesOf` (default:
 * the values computed at publish). A target belongs to its unit as it was when the plan was
 * issued. A target whose deadline fell before its unit ended is judged on that unit at its
 * deadline, merger or not. A target still running when its unit ended (the 2025 mergers) is
 * BOUNDARY_CHANGED once the unit has ended, with the successor named, and the numbers shown are
 * those on the old boundaries.
 */
export async function computeTargetProgress(
  db: DuckDbHandle,
  targets: readonly TargetRow[],
  options: ProgressOptions,
  valuesOf: ValueSource = findIndicatorValues,
): Promise<TargetProgress[]> {
  if (targets.length === 0) return [];
  const inputs = await readProgressInputs(db, targets, options.asOfVersion, valuesOf);
  return progressFromInputs(inputs, targets, options);
}

/** The progress of targets from inputs read by {@link readProgressInputs}; no SQL. */
export function progressFromInputs(
  { byKey, qualifierOfRow, successors }: ProgressInputs,
  targets: readonly TargetRow[],
  options: ProgressOptions,
): TargetProgress[] {
  const preference = options.sources ?? DEFAULT_SOURCE_PREFERENCE;
  return targets.map((target) => {
    const rows = (byKey.get(`${target.indicator_code}|${target.unit_id}`) ?? []).filter(
      (r) => r.year <= Math.max(options.asOfYear, target.target_year),
    );
    // After the target year the verdict is on the target year's value: a source that has one
    // comes first, and no source is chosen for values it only has after the deadline.
    const isFinal = options.asOfYear > target.target_year;
    const lastYear = isFinal ? target.target_year : options.asOfYear;
    const available = [
      ...new Set(rows.filter((r) => r.year <= lastYear).map((r) => r.source_code)),
    ];
    const atDeadline = new Set(
      rows.filter((r) => isFinal && r.year === target.target_year).map((r) => r.source_code),
    );
    const rank = (s: string) => {
      const i = preference.indexOf(s);
      return (atDeadline.has(s) ? 0 : preference.length + 1) + (i < 0 ? preference.length : i);
    };
    const source = available.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))[0] ?? null;
    // One coverage per series too: the widest set of organisation types the source reports, so
    // a year that lacks the groups does not read as a fall.
    const fromSource = rows.filter((r) => r.source_code === source);
    const width = (types: string | null) => (types ? types.split(',').length : 0);
    const widest = fromSource.reduce<string | null>(
      (best, r) => (best === null || width(r.org_types) > width(best) ? r.org_types : best),
      null,
    );
    const series = fromSource.filter((r) => width(r.org_types) === width(widest));
    const narrowerYears = fromSource
      .filter((r) => width(r.org_types) < width(widest))
      .map((r) => r.year);
    const seriesQualifiers = series.map((r) => r.qualifier);
    const observations: Observation[] = series.map((r, i) => ({
      year: r.year,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      source: r.source_code,
      status: r.status,
      qualifier: seriesQualifiers[i]!,
    }));
    let progress = computeProgress({
      target: {
        comparator: target.comparator,
        value: target.value,
        valueHigh: target.value_high,
        targetYear: target.target_year,
        planYear: Number(target.plan_issued_on.slice(0, 4)),
        statedBaseline:
          target.baseline_year === null || target.baseline_value === null
            ? null
            : { year: target.baseline_year, value: target.baseline_value },
        higherIsBetter: target.is_higher_better,
        naturalLimit: target.natural_limit,
        unit: target.unit,
        fromYear: target.from_year,
      },
      series: observations,
      asOfYear: options.asOfYear,
      ...(options.approxTolerance === undefined
        ? {}
        : { approxTolerance: options.approxTolerance }),
    });
    const changed =
      target.unit_valid_to !== null && target.unit_valid_to < `${options.asOfYear}-12-31`;
    // Only a target still running across the end of its unit loses its verdict to the merger.
    const runsAcross = changed && deadlineOf(target) > target.unit_valid_to!;
    if (runsAcross && progress.status !== 'ACHIEVED')
      progress = {
        ...progress,
        status: 'BOUNDARY_CHANGED',
        statusMethod: null,
        statusCategory: null,
        possibleStatuses: ['BOUNDARY_CHANGED'],
      };
    return {
      target,
      asOfYear: options.asOfYear,
      source,
      otherSources: available.filter((s) => s !== source),
      orgTypes: widest,
      narrowerYears,
      series,
      qualifiers: seriesQualifiers,
      progress,
      boundary: {
        changed,
        validTo: target.unit_valid_to,
        successorUnitIds: successors
          .filter((s) => s.from_unit_id === target.unit_id)
          .map((s) => s.to_unit_id),
      },
    };
  });
}

/**
 * The progress of targets as the API reports it: read from what was computed at publish
 * (`rpt_target_progress`) when the options are the defaults (default sources and tolerance) and
 * the as-of year is one kept there; computed from the published indicator values otherwise.
 * Same results as {@link computeTargetProgress}, in the order of `targets`.
 */
export async function findTargetProgress(
  db: DuckDbHandle,
  targets: readonly TargetRow[],
  options: ProgressOptions,
): Promise<TargetProgress[]> {
  if (targets.length === 0) return [];
  if (options.sources !== undefined || options.approxTolerance !== undefined)
    return computeTargetProgress(db, targets, options);
  const stored = await kyselyOf(db)
    .selectFrom('rpt_target_progress')
    .select(['plan_id', 'target_id', 'progress_json'])
    .where('as_of_year', '=', options.asOfYear)
    .where('plan_id', 'in', [...new Set(targets.map((t) => t.plan_id))])
    .where(validIn(options.asOfVersion))
    .execute();
  const byTarget = new Map(stored.map((s) => [`${s.plan_id}|${s.target_id}`, s.progress_json]));
  const missing = targets.filter((t) => !byTarget.has(`${t.plan_id}|${t.target_id}`));
  const computed = new Map(
    (await computeTargetProgress(db, missing, options)).map((c) => [
      `${c.target.plan_id}|${c.target.target_id}`,
      c,
    ]),
  );
  return targets.map((target) => {
    const key = `${target.plan_id}|${target.target_id}`;
    const json = byTarget.get(key);
    return json === undefined
      ? computed.get(key)!
      : { target, ...(JSON.parse(json) as Omit<TargetProgress, 'target'>) };
  });
}
