import type { GraphQLSchema } from 'graphql';
import { graphql } from 'graphql';
import { createRequestContext } from '../../schema/index.ts';
import type { WarehouseReader } from '../../warehouse/store/warehouse-reader.ts';
import { operation } from './api.ts';

/** One execution of a test operation: its file name and variables. */
export interface OperationCase {
  readonly name: string;
  readonly variables: Record<string, unknown>;
}

const REPORTS = ['membership', 'quality', 'value-chain', 'high-tech'] as const;

/**
 * Every operation of `test/operations/` with variables that make it read real rows of the API
 * test warehouse (the provinces fixture and the 2024 aggregates example): plan ids and indicator
 * codes are read from the warehouse itself.
 */
export async function operationCases(
  schema: GraphQLSchema,
  reader: WarehouseReader,
): Promise<OperationCase[]> {
  const first = async (source: string, path: (data: any) => string | undefined) => {
    const lease = await reader.acquire();
    try {
      const result = await graphql({
        schema,
        source,
        contextValue: createRequestContext(lease, { maxPageSize: 1000 }),
      });
      return path(result.data);
    } finally {
      lease.release();
    }
  };
  const planId = (await first('{ plans { id } }', (d) => d?.plans?.[0]?.id)) ?? 'none';
  const indicator =
    (await first('{ indicators { code } }', (d) => d?.indicators?.[0]?.code)) ?? 'none';
  const cases: OperationCase[] = [
    { name: 'admin-unit', variables: { code: '19', validOn: '2025-07-01' } },
    { name: 'admin-unit', variables: { code: '06', validOn: '2024-12-31' } },
    { name: 'admin-units', variables: { level: 'PROVINCE', validOn: '2024-12-31' } },
    { name: 'admin-units', variables: { level: 'PROVINCE', validOn: '2025-07-01' } },
    { name: 'dashboard', variables: { year: 2024 } },
    { name: 'indicators', variables: {} },
    { name: 'loads', variables: { first: 20 } },
    { name: 'observations', variables: { first: 200 } },
    { name: 'observations', variables: { first: 50, groupBy: ['ORG_TYPE'] } },
    { name: 'plans', variables: {} },
    { name: 'plan-progress', variables: { id: planId, asOf: 2024 } },
    { name: 'progress-bounds', variables: { id: planId, asOf: 2024 } },
    { name: 'target-wordings', variables: { id: planId } },
    { name: 'series', variables: { indicator, area: { code: '19' } } },
    { name: 'ranking', variables: { indicator, year: 2024, level: 'PROVINCE' } },
  ];
  for (const name of REPORTS) {
    cases.push(
      { name, variables: { level: 'PROVINCE', year: 2024 } },
      { name, variables: { level: 'PROVINCE', year: 2024, boundaries: 'CURRENT' } },
      { name, variables: { area: { code: '19' }, year: 2023 } },
    );
  }
  return cases;
}

/** The text of a case's operation. */
export const caseSource = (c: OperationCase) => operation(c.name);
