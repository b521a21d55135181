import type { Selectable } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf, oneOf } from '../database.ts';
import type { IndicatorTable } from '../tables/indicator.table.ts';
import type { PlanTable } from '../tables/plan.table.ts';

/** One registered indicator. */
export type IndicatorRow = Selectable<IndicatorTable>;

/** Reads the indicator registry, optionally one topic or some codes. */
export function findIndicators(
  db: DuckDbHandle,
  filter: { topic?: string; codes?: readonly string[] } = {},
): Promise<IndicatorRow[]> {
  let query = kyselyOf(db)
    .selectFrom('dim_indicator')
    .selectAll()
    .where((eb) => oneOf(eb, 'indicator_code', filter.codes));
  if (filter.topic) query = query.where('topic', '=', filter.topic);
  return query.orderBy('topic').orderBy('indicator_code').execute();
}

/** One plan with the unit it covers. */
export type PlanRow = Selectable<PlanTable>;

/** Reads plans by id or by the units they cover. */
export function findPlans(
  db: DuckDbHandle,
  filter: { planIds?: readonly string[]; unitIds?: readonly string[] } = {},
): Promise<PlanRow[]> {
  return kyselyOf(db)
    .selectFrom('dim_plan')
    .selectAll()
    .where((eb) => oneOf(eb, 'plan_id', filter.planIds))
    .where((eb) => oneOf(eb, 'unit_id', filter.unitIds))
    .orderBy('issued_on')
    .orderBy('plan_id')
    .execute();
}

/** Which plan implements which. */
export function findPlanLinks(db: DuckDbHandle) {
  return kyselyOf(db)
    .selectFrom('dim_plan_implements')
    .select(['plan_id', 'implements_plan_id'])
    .orderBy('plan_id')
    .orderBy('implements_plan_id')
    .execute();
}
