import type { DuckDbHandle } from '../dialect/index.ts';
import { QueryParams } from './query-params.ts';
import type { IndicatorTable } from '../tables/indicator.table.ts';
import type { PlanTable } from '../tables/plan.table.ts';

/** One registered indicator. */
export type IndicatorRow = IndicatorTable;

/** Reads the indicator registry, optionally one topic or some codes. */
export async function findIndicators(
  db: DuckDbHandle,
  filter: { topic?: string; codes?: readonly string[] } = {},
): Promise<IndicatorRow[]> {
  const p = new QueryParams();
  return db.all<IndicatorRow>(
    `select * from dim_indicator
     where ${filter.topic ? `topic = ${p.add(filter.topic)}` : 'true'} and ${p.in('indicator_code', filter.codes)}
     order by topic, indicator_code`,
    p.values,
  );
}

/** One plan with the unit it covers. */
export type PlanRow = PlanTable;

/** Reads plans by id or by the units they cover. */
export async function findPlans(
  db: DuckDbHandle,
  filter: { planIds?: readonly string[]; unitIds?: readonly string[] } = {},
): Promise<PlanRow[]> {
  const p = new QueryParams();
  return db.all<PlanRow>(
    `select * from dim_plan where ${p.in('plan_id', filter.planIds)} and ${p.in('unit_id', filter.unitIds)}
     order by issued_on, plan_id`,
    p.values,
  );
}

/** Which plan implements which. */
export async function findPlanLinks(
  db: DuckDbHandle,
): Promise<{ plan_id: string; implements_plan_id: string }[]> {
  return db.all(
    `select plan_id, implements_plan_id from dim_plan_implements order by plan_id, implements_plan_id`,
  );
}
