import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { insertTableRows } from '../../warehouse/publish/insert-rows.ts';
import type { IndicatorOperandTable } from '../../warehouse/tables/indicator-operand.table.ts';
import type { IndicatorTable } from '../../warehouse/tables/indicator.table.ts';
import type { PlanTable } from '../../warehouse/tables/plan.table.ts';
import type { TargetWordingTable } from '../../warehouse/tables/target-wording.table.ts';
import type { TargetTable } from '../../warehouse/tables/target.table.ts';
import type {
  Catalog,
  Indicator,
  Operand,
  Plan,
  SourceRef,
  Target,
  TargetWording,
} from './catalog.types.ts';

/** The rows of one side of an indicator's formula: one per measure × organisation type × sector. */
function operandRows(
  code: string,
  role: 'NUMERATOR' | 'DENOMINATOR',
  operand: Operand | null,
): IndicatorOperandTable[] {
  const row = (
    measure: string,
    orgType: string | null,
    rank: number | null,
    sector: string | null,
  ): IndicatorOperandTable => ({
    indicator_code: code,
    role,
    measure,
    org_type: orgType,
    org_type_rank: rank,
    sector,
  });
  if (!operand) return [];
  if ('population' in operand) return [row('population', null, null, null)];
  const rows: IndicatorOperandTable[] = [];
  const sectors = operand.sectors === 'ALL' ? ['ALL'] : operand.sectors;
  for (const measure of operand.measures)
    operand.orgTypes.forEach((orgType, rank) => {
      for (const sector of sectors) rows.push(row(measure, orgType, rank, sector));
    });
  return rows;
}

/** The tables the catalog fills, emptied before it is loaded again. */
const CATALOG_TABLES = [
  'dim_indicator',
  'dim_indicator_alias',
  'dim_indicator_operand',
  'dim_plan',
  'dim_plan_implements',
  'dim_target',
  'dim_target_wording',
];

/** Resolves an area of the catalog to its unit id: the unit of that code valid on the date. */
type UnitOn = (code: string, date: string) => string;

/**
 * Replaces the indicator registry, plans and targets with a validated catalog. Each plan's and
 * target's area is resolved to the unit valid on the plan's issue date. Call inside a writer.
 */
export async function replaceCatalog(
  db: DuckDbHandle,
  catalog: Catalog,
): Promise<{ plans: number; targets: number }> {
  for (const table of CATALOG_TABLES) await db.run(`delete from ${table}`);
  const unitOn = await readUnitResolver(db);
  const { indicators, plans } = catalog;
  const targets = plans.flatMap((p) => p.targets);
  await insertTableRows(db, 'dim_indicator', indicators.map(indicatorRow));
  await insertTableRows(
    db,
    'dim_indicator_alias',
    indicators.flatMap((i) => i.aliases.map((alias) => ({ alias, indicator_code: i.code }))),
  );
  await insertTableRows(
    db,
    'dim_indicator_operand',
    indicators.flatMap((i) => [
      ...operandRows(i.code, 'NUMERATOR', i.numerator),
      ...operandRows(i.code, 'DENOMINATOR', i.denominator),
    ]),
  );
  await insertTableRows(
    db,
    'dim_plan',
    plans.map((p) => planRow(p, unitOn)),
  );
  await insertTableRows(
    db,
    'dim_plan_implements',
    plans.flatMap((p) => p.implements.map((i) => ({ plan_id: p.id, implements_plan_id: i }))),
  );
  await insertTableRows(
    db,
    'dim_target',
    targets.map((t) => targetRow(t, unitOn)),
  );
  await insertTableRows(
    db,
    'dim_target_wording',
    plans.flatMap((p) => p.wordings.map(wordingRow)),
  );
  return { plans: plans.length, targets: targets.length };
}

/** Reads the admin units once and resolves catalog areas against them. */
async function readUnitResolver(db: DuckDbHandle): Promise<UnitOn> {
  const units = await db.all<{
    unit_id: string;
    code: string;
    valid_from: string;
    valid_to: string | null;
  }>(`select unit_id, code, valid_from, valid_to from dim_admin_unit`);
  const unitOn = (code: string, date: string): string => {
    const unit = units.find(
      (u) => u.code === code && u.valid_from <= date && (u.valid_to === null || date <= u.valid_to),
    );
    if (!unit)
      throw new Error(
        `a catalog area must be a unit valid on its date, but got code ${code} on ${date}`,
      );
    return unit.unit_id;
  };
  return unitOn;
}

/** An indicator of the registry as its row. */
function indicatorRow(i: Indicator): IndicatorTable {
  return {
    indicator_code: i.code,
    label_vi: i.labelVi,
    label_en: i.labelEn,
    topic: i.topic,
    unit: i.unit,
    kind: i.kind,
    universe: i.universe,
    is_higher_better: i.higherIsBetter,
    natural_limit: i.naturalLimit,
    is_published_only: i.publishedOnly,
    description: i.description,
  };
}

/** Where a quoted text comes from, as the plan, target and wording tables keep it. */
const sourceColumns = (source: SourceRef) => ({
  source_url: source.url,
  source_file: source.file,
  source_line: source.line,
});

/** A plan as its row, its area resolved to the unit valid on its date. */
function planRow(p: Plan, unitOn: UnitOn): PlanTable {
  return {
    plan_id: p.id,
    document_number: p.documentNumber,
    title_vi: p.titleVi,
    title_en: p.titleEn,
    issuer_vi: p.issuerVi,
    issuer_en: p.issuerEn,
    issued_on: p.issuedOn,
    issued_on_precision: p.issuedOnPrecision,
    unit_id: unitOn(p.area.code, p.area.validOn),
    ...sourceColumns(p.source),
    note: p.note,
  };
}

/** A target as its row, its area resolved to the unit valid on its date. */
function targetRow(t: Target, unitOn: UnitOn): TargetTable {
  return {
    plan_id: t.planId,
    target_id: t.id,
    indicator_code: t.indicator,
    unit_id: unitOn(t.area.code, t.area.validOn),
    target_year: t.targetYear,
    target_date: t.targetDate,
    from_year: t.fromYear,
    comparator: t.comparator,
    value: t.value,
    value_high: t.valueHigh,
    unit: t.unit,
    per_unit: t.per,
    of_target_id: t.ofTarget,
    denominator_note: t.denominatorNote,
    baseline_year: t.baseline?.year ?? null,
    baseline_value: t.baseline?.value ?? null,
    quote_lang: t.quote.lang,
    quote: t.quote.text,
    ...sourceColumns(t.source),
    wording_note: t.wordingNote,
    note: t.note,
    is_inferred: t.inferred,
    inferred_reason: t.inferredReason,
  };
}

/** An alternative wording of a target as its row. */
function wordingRow(w: TargetWording): TargetWordingTable {
  return {
    plan_id: w.planId,
    wording_id: w.id,
    of_plan_id: w.ofPlanId,
    of_target_id: w.ofTargetId,
    kind: w.kind,
    quote_lang: w.quote.lang,
    quote: w.quote.text,
    ...sourceColumns(w.source),
    note: w.note,
  };
}
