import type { DuckDbHandle, SqlValue } from '../../warehouse/dialect/index.ts';
import { insertRows } from '../../warehouse/publish/insert-rows.ts';
import type { Catalog, Indicator, Operand, Plan, Target } from './catalog.types.ts';

function operandRows(
  code: string,
  role: 'NUMERATOR' | 'DENOMINATOR',
  operand: Operand | null,
): SqlValue[][] {
  if (!operand) return [];
  if ('population' in operand) return [[code, role, 'population', null, null, null]];
  const rows: SqlValue[][] = [];
  const sectors = operand.sectors === 'ALL' ? ['ALL'] : operand.sectors;
  for (const measure of operand.measures)
    operand.orgTypes.forEach((orgType, rank) => {
      for (const sector of sectors) rows.push([code, role, measure, orgType, rank, sector]);
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
  await insertIndicators(db, catalog.indicators);
  await insertPlans(db, catalog.plans, unitOn);
  const targets = catalog.plans.flatMap((p) => p.targets);
  await insertTargets(db, targets, unitOn);
  await insertWordings(db, catalog.plans);
  return { plans: catalog.plans.length, targets: targets.length };
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

/** The indicator registry: indicators, their aliases and the operands of their formulas. */
async function insertIndicators(db: DuckDbHandle, indicators: readonly Indicator[]): Promise<void> {
  await insertRows(
    db,
    'dim_indicator',
    indicators.map((i) => [
      i.code,
      i.labelVi,
      i.labelEn,
      i.topic,
      i.unit,
      i.kind,
      i.universe,
      i.higherIsBetter,
      i.naturalLimit,
      i.publishedOnly,
      i.description,
    ]),
  );
  await insertRows(
    db,
    'dim_indicator_alias',
    indicators.flatMap((i) => i.aliases.map((a) => [a, i.code])),
  );
  await insertRows(
    db,
    'dim_indicator_operand',
    indicators.flatMap((i) => [
      ...operandRows(i.code, 'NUMERATOR', i.numerator),
      ...operandRows(i.code, 'DENOMINATOR', i.denominator),
    ]),
  );
}

/** The plans, with the plans each implements. */
async function insertPlans(
  db: DuckDbHandle,
  plans: readonly Plan[],
  unitOn: UnitOn,
): Promise<void> {
  await insertRows(
    db,
    'dim_plan',
    plans.map((p) => [
      p.id,
      p.documentNumber,
      p.titleVi,
      p.titleEn,
      p.issuerVi,
      p.issuerEn,
      p.issuedOn,
      p.issuedOnPrecision,
      unitOn(p.area.code, p.area.validOn),
      p.source.url,
      p.source.file,
      p.source.line,
      p.note,
    ]),
  );
  await insertRows(
    db,
    'dim_plan_implements',
    plans.flatMap((p) => p.implements.map((i) => [p.id, i])),
  );
}

/** The targets of every plan. */
async function insertTargets(
  db: DuckDbHandle,
  targets: readonly Target[],
  unitOn: UnitOn,
): Promise<void> {
  await insertRows(
    db,
    'dim_target',
    targets.map((t) => [
      t.planId,
      t.id,
      t.indicator,
      unitOn(t.area.code, t.area.validOn),
      t.targetYear,
      t.targetDate,
      t.fromYear,
      t.comparator,
      t.value,
      t.valueHigh,
      t.unit,
      t.per,
      t.ofTarget,
      t.denominatorNote,
      t.baseline?.year ?? null,
      t.baseline?.value ?? null,
      t.quote.lang,
      t.quote.text,
      t.source.url,
      t.source.file,
      t.source.line,
      t.wordingNote,
      t.note,
      t.inferred,
      t.inferredReason,
    ]),
  );
}

/** The alternative wordings of targets. */
async function insertWordings(db: DuckDbHandle, plans: readonly Plan[]): Promise<void> {
  await insertRows(
    db,
    'dim_target_wording',
    plans.flatMap((p) =>
      p.wordings.map((w) => [
        w.planId,
        w.id,
        w.ofPlanId,
        w.ofTargetId,
        w.kind,
        w.quote.lang,
        w.quote.text,
        w.source.url,
        w.source.file,
        w.source.line,
        w.note,
      ]),
    ),
  );
}
