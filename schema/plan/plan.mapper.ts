import type { PlanRow } from '../../warehouse/queries/catalog.queries.ts';
import type { TargetProgress as TargetProgressRow } from '../../warehouse/queries/progress.queries.ts';
import type { TargetRow } from '../../warehouse/queries/progress.queries.ts';
import type { MethodVerdict as EngineVerdictSource } from './progress.type.ts';
import type { ValueStatus } from '../common/enums.ts';
import { toIndicatorValue } from '../indicator/indicator.mapper.ts';
import type { Comparator, Plan, Target, TargetWording, WordingKind } from './plan.type.ts';
import {
  type AttainmentBound,
  ProgressMethod,
  ProgressStatus,
  type TargetProgress,
} from './progress.type.ts';

/** Maps a plan row to the GraphQL shape. */
export function toPlan(row: PlanRow): Plan {
  return {
    id: row.plan_id,
    documentNumber: row.document_number,
    titleVi: row.title_vi,
    titleEn: row.title_en,
    issuerVi: row.issuer_vi,
    issuerEn: row.issuer_en,
    issuedOn: row.issued_on,
    sourceUrl: row.source_url,
    unitId: row.unit_id,
  };
}

interface WordingJson {
  plan_id: string;
  id: string;
  kind: string;
  quote_lang: string;
  quote: string;
  source_url: string | null;
  source_file: string | null;
  source_line: number | null;
  note: string | null;
}

function toWordings(json: string | null): TargetWording[] {
  if (json === null) return [];
  return (JSON.parse(json) as WordingJson[]).map((w) => ({
    id: w.id,
    quotedInPlanId: w.plan_id,
    kind: w.kind as WordingKind,
    quote: w.quote,
    quoteLanguage: w.quote_lang,
    sourceUrl: w.source_url,
    sourceFile:
      w.source_file === null ? null : `${w.source_file}${w.source_line ? `:${w.source_line}` : ''}`,
    note: w.note,
  }));
}

/** Maps a target row to the GraphQL shape. */
export function toTarget(row: TargetRow): Target {
  return {
    id: row.target_id,
    planId: row.plan_id,
    targetYear: row.target_year,
    targetDate: row.target_date,
    comparator: row.comparator as Comparator,
    value: row.value,
    valueHigh: row.value_high,
    unit: row.unit,
    denominatorNote: row.denominator_note,
    ofTargetId: row.of_target_id,
    baselineValue: row.baseline_value,
    baselineYear: row.baseline_year,
    quote: row.quote,
    quoteLanguage: row.quote_lang,
    sourceUrl: row.source_url,
    sourceFile:
      row.source_file === null
        ? null
        : `${row.source_file}${row.source_line ? `:${row.source_line}` : ''}`,
    wordingNote: row.wording_note,
    alternativeWordings: toWordings(row.wordings_json ?? null),
    inferred: row.is_inferred,
    inferredReason: row.inferred_reason,
    indicatorCode: row.indicator_code,
    unitId: row.unit_id,
  };
}

const fmt = (o: object) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/**
 * Maps the engine's result to the GraphQL shape, its `status` the OVERALL verdict: built once per
 * snapshot for what was computed at publish and served as it is ({@link progressByMethod} for the
 * other methods). Successor units are resolved only when asked for (from `successorUnitIds`).
 */
export function toTargetProgress(result: TargetProgressRow): TargetProgress {
  const p = result.progress;
  const m = p.methods;
  const verdicts: Record<'unsd' | 'openSdg' | 'escap', EngineVerdictSource> = {
    unsd: {
      status: m.unsd.status as ProgressStatus,
      band: m.unsd.band,
      score: m.unsd.progressRatio,
      projectedValue: m.unsd.expectedValueAtTargetYear,
      thresholds: fmt(m.unsd.thresholds),
    },
    openSdg: {
      status: m.openSdg.status as ProgressStatus,
      band: m.openSdg.category,
      score: m.openSdg.ratio,
      projectedValue: null,
      thresholds: fmt(m.openSdg.thresholds),
    },
    escap: {
      status: m.escap.status as ProgressStatus,
      band: m.escap.band,
      score: m.escap.anticipatedGap,
      projectedValue: m.escap.projectedValue,
      thresholds: 'gap ≤ 0 on track, 0–1 accelerate, ≥ 1 reverse trend',
    },
  };
  return {
    asOfYear: result.asOfYear,
    status: p.status as ProgressStatus,
    method: ProgressMethod.OVERALL,
    statusBasis: p.statusBasis,
    statusMethod: p.statusMethod as ProgressMethod | null,
    statusCategory: p.statusCategory,
    isFinal: p.isFinal,
    possibleStatuses: p.possibleStatuses.map((s) => s as ProgressStatus),
    source: result.source,
    otherSources: [...result.otherSources],
    orgTypes: result.orgTypes ? result.orgTypes.split(',') : [],
    latest: p.latest
      ? { ...p.latest, status: p.latest.status as ValueStatus | null, kind: null }
      : null,
    baseline: p.baseline
      ? {
          year: p.baseline.year,
          value: p.baseline.value,
          numerator: null,
          denominator: null,
          source: p.baseline.source,
          status: null,
          kind: p.baseline.kind,
          // A baseline read from the series keeps the qualifier of its value; a stated one has none.
          qualifier:
            p.baseline.kind === 'STATED'
              ? null
              : (result.qualifiers[
                  result.series.findIndex(
                    (r) => r.year === p.baseline!.year && r.source_code === p.baseline!.source,
                  )
                ] ?? null),
        }
      : null,
    attainmentPercent: p.attainment?.percent ?? null,
    attainmentBound: (p.attainment?.bound ?? null) as AttainmentBound | null,
    gap: p.gap,
    expectedNow: p.expectedNow,
    aheadOfPath: p.aheadOfPath,
    cagrActual: p.cagrActual,
    cagrRequiredFromBaseline: p.cagrRequiredFromBaseline,
    cagrRequiredFromNow: p.cagrRequiredFromNow,
    projectedCagr: p.projectedCagr,
    projectedCagrMeetsTarget: p.projectedCagrMeetsTarget,
    projectedLinear: p.projectedLinear,
    projectedLinearMeetsTarget: p.projectedLinearMeetsTarget,
    methods: verdicts,
    methodsAgree: p.methodsAgree,
    warnings: p.warnings.map((w) => ({ code: w.code, message: w.message })),
    boundary: {
      changed: result.boundary.changed,
      validTo: result.boundary.validTo,
      successorUnitIds: result.boundary.successorUnitIds,
    },
    series: result.series.map(toIndicatorValue),
  };
}

/** The verdict method of {@link ProgressMethod} in `TargetProgress.methods`. */
const METHOD_VERDICT = {
  [ProgressMethod.UNSD]: 'unsd',
  [ProgressMethod.OPEN_SDG]: 'openSdg',
  [ProgressMethod.ESCAP]: 'escap',
} as const;

/**
 * A progress whose `status` is the verdict of `method`: the OVERALL one itself, else a copy with
 * that method's verdict — except where a boundary change, a final verdict or an undetermining
 * bound holds whatever method is asked.
 */
export function progressByMethod(overall: TargetProgress, method: ProgressMethod): TargetProgress {
  if (method === ProgressMethod.OVERALL) return overall;
  const holds =
    overall.status === ProgressStatus.BOUNDARY_CHANGED ||
    overall.status === ProgressStatus.UNDETERMINED_BY_BOUND ||
    overall.isFinal;
  return {
    ...overall,
    status: holds ? overall.status : overall.methods[METHOD_VERDICT[method]].status,
    method,
  };
}
