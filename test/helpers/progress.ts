import type { TargetSpec } from '../../warehouse/progress/progress-engine.ts';

/** ">= 1,000 cooperatives by 2030", plan issued 2020: the target of the engine's tests (override any field per case). */
export function coopTarget(over: Partial<TargetSpec> = {}): TargetSpec {
  return {
    comparator: 'GTE',
    value: 1000,
    targetYear: 2030,
    planYear: 2020,
    higherIsBetter: true,
    unit: 'cooperatives',
    ...over,
  };
}
