import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import { DEFAULT_MEMO_BYTES, setMemoBudget } from '../../../schema/bounded-memo.ts';
import { DEFAULT_SOURCE_PREFERENCE } from '../../../warehouse/queries/progress.queries.ts';
import type { WarehouseReader } from '../../../warehouse/store/warehouse-reader.ts';
import { execute, forgetKept, openApiReader, type ApiReader } from '../../helpers/api.ts';

interface Verdict {
  status: string;
}
interface Progress {
  status: string;
  method: string;
  isFinal: boolean;
  methods: { unsd: Verdict; openSdg: Verdict; escap: Verdict };
  boundary?: { changed: boolean; successors?: { id: string }[] };
}
interface Plans<P = Progress> {
  plans: { id: string; targets: { id: string; progress: P }[] }[];
}

/** Every field of a progress but the successor units. */
const PROGRESS_FIELDS = `
  asOfYear status method statusMethod statusCategory isFinal possibleStatuses statusBasis
  source otherSources orgTypes
  latest { year value numerator denominator source status kind qualifier }
  baseline { year value source kind qualifier }
  attainmentPercent attainmentBound gap expectedNow aheadOfPath cagrActual
  cagrRequiredFromBaseline cagrRequiredFromNow projectedCagr projectedCagrMeetsTarget
  projectedLinear projectedLinearMeetsTarget
  methods {
    unsd { status band score projectedValue thresholds }
    openSdg { status band score projectedValue thresholds }
    escap { status band score projectedValue thresholds }
  }
  methodsAgree warnings { code message } boundary { changed validTo }
  series { year value source status qualifier orgTypes }`;

const allProgress = (args: string, fields = PROGRESS_FIELDS) =>
  `{ plans { id targets { id progress(${args}) { ${fields} } } } }`;

let api: ApiReader | undefined;
let schema: GraphQLSchema;
let reader: WarehouseReader;

beforeAll(async () => {
  api = await openApiReader(1);
  ({ schema, reader } = api);
});
afterAll(async () => {
  setMemoBudget(DEFAULT_MEMO_BYTES);
  await api?.close();
});

const cold = () => forgetKept(reader);
const progressBatches = (batches: readonly { loader: string; keys: readonly string[] }[]) =>
  batches.filter((b) => b.loader === 'progress').map((b) => b.keys);

describe('the default progress of every target, kept for the snapshot', () => {
  it('is read for a year once, in one batch, and served again with no SQL', async () => {
    await cold();
    const first = await execute<Plans>(schema, reader, allProgress('asOf: 2024'));
    expect(first.errors).toEqual([]);
    const targets = first.data.plans.flatMap((p) => p.targets);
    expect(targets.length).toBeGreaterThan(70);
    expect(progressBatches(first.batches)).toEqual([['2024|']]);

    const again = await execute<Plans>(schema, reader, allProgress('asOf: 2024'));
    expect(again.data).toEqual(first.data);
    expect(again.batches).toEqual([]);
    expect(again.statements).toBe(0);

    // Another year is another read; the first stays kept.
    const other = await execute<Plans>(schema, reader, allProgress('asOf: 2025'));
    expect(progressBatches(other.batches)).toEqual([['2025|']]);
    const third = await execute<Plans>(schema, reader, allProgress('asOf: 2024'));
    expect(third.statements).toBe(0);
  });

  it('equals the progress computed on demand from the same sources named explicitly', async () => {
    const sources = JSON.stringify(DEFAULT_SOURCE_PREFERENCE);
    for (const asOf of [2020, 2024, 2025, 2031]) {
      const kept = await execute<Plans>(schema, reader, allProgress(`asOf: ${asOf}`));
      const computed = await execute<Plans>(
        schema,
        reader,
        allProgress(`asOf: ${asOf}, sources: ${sources}`),
      );
      expect(computed.errors).toEqual([]);
      expect(progressBatches(computed.batches)).toHaveLength(1);
      expect(computed.batches.find((b) => b.loader === 'progress')!.keys.length).toBeGreaterThan(
        70,
      );
      expect(computed.data).toEqual(kept.data);
    }
  });

  it("gives each method's verdict from the one kept progress, leaving it as it was", async () => {
    const fields =
      'status method isFinal methods { unsd { status } openSdg { status } escap { status } }';
    const overall = await execute<Plans>(schema, reader, allProgress('asOf: 2024', fields));
    const byMethod = {
      UNSD: 'unsd',
      OPEN_SDG: 'openSdg',
      ESCAP: 'escap',
    } as const;
    for (const [method, key] of Object.entries(byMethod)) {
      const asked = await execute<Plans>(
        schema,
        reader,
        allProgress(`asOf: 2024, method: ${method}`, fields),
      );
      expect(asked.statements).toBe(0);
      const expected = overall.data.plans.flatMap((p) => p.targets.map((t) => t.progress));
      const got = asked.data.plans.flatMap((p) => p.targets.map((t) => t.progress));
      expect(got).toHaveLength(expected.length);
      got.forEach((g, i) => {
        const o = expected[i]!;
        const holds =
          o.isFinal || o.status === 'BOUNDARY_CHANGED' || o.status === 'UNDETERMINED_BY_BOUND';
        expect(g).toEqual({ ...o, method, status: holds ? o.status : o.methods[key].status });
      });
      // Some verdict differs from the overall one, so the copy is really another answer.
      if (method === 'ESCAP')
        expect(got.some((g, i) => g.status !== expected[i]!.status)).toBe(true);
    }
    const after = await execute<Plans>(schema, reader, allProgress('asOf: 2024', fields));
    expect(after.data).toEqual(overall.data);
  });

  it('reads the successor units of a merged province only when they are asked for', async () => {
    const without = await execute<Plans>(
      schema,
      reader,
      allProgress('asOf: 2025', 'boundary { changed }'),
    );
    expect(without.batches.filter((b) => b.loader === 'unit')).toEqual([]);
    const withUnits = await execute<Plans>(
      schema,
      reader,
      allProgress('asOf: 2025', 'boundary { changed successors { id } }'),
    );
    expect(withUnits.errors).toEqual([]);
    const boundaries = withUnits.data.plans.flatMap((p) =>
      p.targets.map((t) => ({ plan: p.id, boundary: t.progress.boundary! })),
    );
    const merged = boundaries.filter((b) => b.boundary.successors!.length > 0);
    // Kiên Giang (91 before the merger) became part of the new An Giang (91 after it).
    expect(merged.find((b) => b.plan === 'kien-giang-1558-ct-ubnd-2018')?.boundary).toEqual({
      changed: true,
      successors: [{ id: '91:2025-07-01' }],
    });
    expect(
      boundaries
        .filter((b) => !b.boundary.changed)
        .every((b) => b.boundary.successors!.length === 0),
    ).toBe(true);
    // One batch for every successor of the request.
    const units = withUnits.batches.filter((b) => b.loader === 'unit');
    expect(units).toHaveLength(1);
    expect(new Set(units[0]!.keys)).toEqual(
      new Set(merged.flatMap((b) => b.boundary.successors!.map((s) => s.id))),
    );
  });

  it('answers the same with no memo at all, reading once per request', async () => {
    const kept = await execute<Plans>(schema, reader, allProgress('asOf: 2024'));
    setMemoBudget(0);
    try {
      await cold();
      for (let i = 0; i < 2; i++) {
        const again = await execute<Plans>(schema, reader, allProgress('asOf: 2024'));
        expect(again.data).toEqual(kept.data);
        expect(progressBatches(again.batches)).toEqual([['2024|']]);
      }
    } finally {
      setMemoBudget(DEFAULT_MEMO_BYTES);
      await cold();
    }
  });
});
