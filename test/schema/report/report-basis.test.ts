import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { createRequestContext } from '../../../schema/index.ts';
import { loadReportBasis } from '../../../schema/report/report-basis.ts';
import type { ReportArgs } from '../../../schema/report/report.args.ts';
import { AdminLevel, Boundaries } from '../../../schema/common/enums.ts';
import type { WarehouseReader } from '../../../warehouse/store/warehouse-reader.ts';
import { execute, forgetKept, openApiReader } from '../../helpers/api.ts';

// One reader for the file, on a copy of the API tests' warehouse (one connection).
const opened = openApiReader(1);
let schema: GraphQLSchema;
let reader: WarehouseReader;
beforeAll(async () => void ({ schema, reader } = await opened));
afterAll(async () => (await opened).close());

const provinces = (year: number, more: Partial<ReportArgs> = {}): ReportArgs =>
  ({ level: AdminLevel.PROVINCE, year, boundaries: Boundaries.AS_REPORTED, ...more }) as ReportArgs;

describe('the report bases of one request', () => {
  it('are shared by the topics asked with the same arguments, and only by them', async () => {
    const lease = await reader.acquire();
    try {
      const ctx = createRequestContext(lease);
      const first = await loadReportBasis(ctx, provinces(2024));
      expect(first.length).toBeGreaterThan(1);
      // The same arguments in the same request: the same bases, whose rows are read once.
      expect(await loadReportBasis(ctx, provinces(2024))).toBe(first);
      expect(first[0]!.rows('ALL')).toBe(first[0]!.rows('ALL'));
      // Any argument that differs has bases of its own.
      for (const other of [
        provinces(2023),
        provinces(2024, { boundaries: Boundaries.CURRENT }),
        provinces(2024, { source: 'PSO' }),
        provinces(2024, { asOfVersion: lease.dataVersion }),
      ]) {
        expect(await loadReportBasis(ctx, other)).not.toBe(first);
      }
      // Another request (another snapshot, role or date) never reuses them.
      const next = await loadReportBasis(createRequestContext(lease), provinces(2024));
      expect(next).not.toBe(first);
      expect(next.map((b) => b.area.id)).toEqual(first.map((b) => b.area.id));
    } finally {
      lease.release();
    }
  });

  it('give four topics in one request the answers each gets alone, reading each area once', async () => {
    const fields = 'area { code } year byOrgType { orgType organisations }';
    const topics = ['membership', 'quality', 'valueChain', 'highTech'];
    const ask = (year: number, names: string[]) =>
      `{ ${names.map((t) => `${t}(level: PROVINCE, year: ${year}) { ${fields} }`).join(' ')} }`;
    await forgetKept(reader);
    const together = await execute<Record<string, unknown>>(schema, reader, ask(2024, topics));
    expect(together.errors).toEqual([]);
    const facts = together.batches.filter((b) => b.loader === 'facts');
    expect(facts).toHaveLength(1);
    expect(new Set(facts[0]!.keys).size).toBe(facts[0]!.keys.length);
    for (const topic of topics) {
      const alone = await execute<Record<string, unknown>>(schema, reader, ask(2024, [topic]));
      expect(together.data[topic]).toEqual(alone.data[topic]);
    }
    // Two years in one request: each topic has its own year's figures.
    const mixed = await execute<Record<string, { year: number }[]>>(
      schema,
      reader,
      `{ a: membership(level: PROVINCE, year: 2023) { ${fields} } b: membership(level: PROVINCE, year: 2024) { ${fields} } }`,
    );
    expect(mixed.data.a!.every((r) => r.year === 2023)).toBe(true);
    expect(mixed.data.b).toEqual(together.data.membership);
  });

  it('do not share a failure: each topic refused gets an error of its own', async () => {
    const lease = await reader.acquire();
    try {
      const ctx = createRequestContext(lease);
      const refused = [
        loadReportBasis(ctx, provinces(1990)),
        loadReportBasis(ctx, provinces(1990)),
      ].map((p) =>
        p.then(
          () => null,
          (e: unknown) => e as GraphQLError,
        ),
      );
      const [a, b] = await Promise.all(refused);
      expect([a?.extensions.code, b?.extensions.code]).toEqual([
        'YEAR_NOT_LOADED',
        'YEAR_NOT_LOADED',
      ]);
      expect(a!.message).toBe(b!.message);
      // Its own error object: graphql-js locates an error once, at the first path it reaches.
      expect(a).not.toBe(b);
    } finally {
      lease.release();
    }
  });
});
