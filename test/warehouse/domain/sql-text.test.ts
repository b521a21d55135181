import { sql, type Kysely, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKysely, DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import {
  measureObjectExpression,
  measureObjectSql,
  measureQualifierExpression,
  measureQualifierSql,
  measureStatusExpression,
  measureStatusSql,
} from '../../../warehouse/domain/measure-flags.ts';
import {
  invertMaskExpression,
  invertMaskSql,
  qualifierMaskExpression,
  qualifierMaskSql,
  qualifierOfMaskExpression,
  qualifierOfMaskSql,
  QUALIFIERS,
} from '../../../warehouse/domain/qualifier.ts';
import { sqlText } from '../../../warehouse/domain/sql-text.ts';
import {
  VALUE_STATUSES,
  valueStatusOfRankExpression,
  valueStatusOfRankSql,
  valueStatusRankExpression,
  valueStatusRankSql,
  weakestValueStatusExpression,
  weakestValueStatusSql,
} from '../../../warehouse/domain/value-status.ts';
import {
  INDICATOR_KINDS,
  indicatorValueExpression,
  indicatorValueSql,
  legalMinimumMembersExpression,
  legalMinimumMembersSql,
  ORG_TYPES,
  orgTypeRankExpression,
  orgTypeRankSql,
} from '../../../warehouse/domain/vocabulary.ts';

/**
 * The domain's SQL fragments were string builders; they are now Kysely expressions generated from
 * the domain lists, with their SQL text compiled from the same expression. The string builders as
 * they were written before stand here, frozen, as the reference: on every value a column can hold
 * (each code of the set, null, a word outside it), DuckDB must give the same answer for the old
 * text, the new text and the new expression run through Kysely.
 */
const PREVIOUS = {
  valueStatusRank: (e: string) =>
    `(case ${e} when 'REPORTED' then 1 when 'PROVISIONAL' then 2 when 'ESTIMATED' then 3 else 1 end)`,
  valueStatusOfRank: (r: string) =>
    `(case ${r} when 1 then 'REPORTED' when 2 then 'PROVISIONAL' when 3 then 'ESTIMATED' else 'REPORTED' end)`,
  weakestValueStatus: (e: string) =>
    PREVIOUS.valueStatusOfRank(`max(${PREVIOUS.valueStatusRank(e)})`),
  qualifierMask: (e: string) =>
    `(case ${e} when 'EXACT' then 0 when 'ABOUT' then 3 when 'MORE_THAN' then 5 when 'NEARLY' then 2 when 'AT_LEAST' then 1 else 0 end)`,
  invertMask: (m: string) =>
    `((case when (${m}) & 1 <> 0 then 2 else 0 end) | (case when (${m}) & 2 <> 0 then 1 else 0 end))`,
  qualifierOfMask: (m: string) =>
    `(case (${m}) when 0 then 'EXACT' when 1 then 'AT_LEAST' when 2 then 'NEARLY' when 3 then 'ABOUT' when 4 then 'EXACT' when 5 then 'MORE_THAN' when 6 then 'NEARLY' when 7 then 'ABOUT' end)`,
  orgTypeRank: (e: string) =>
    `case ${e} when 'THT' then 0 when 'HTX' then 1 when 'LHHTX' then 2 when 'QTDND' then 3 else -1 end`,
  indicatorValue: (k: string, n: string, d: string, a: string) =>
    `case ${k} when 'COUNT' then ${n} when 'SHARE' then 100 * ${n} / nullif(${d}, 0) when 'RATIO' then ${n} / nullif(${d}, 0) when 'PER_POPULATION' then 100 * ${n} / nullif(${d}, 0) when 'AVERAGE' then ${a} end`,
  legalMinimumMembers: (t: string, y: string) =>
    `(case ${t} when 'THT' then case when ${y} >= 2024 then 2 else 2 end when 'HTX' then case when ${y} >= 2024 then 5 else 7 end when 'LHHTX' then case when ${y} >= 2024 then 3 else 4 end when 'QTDND' then case when ${y} >= 2024 then 5 else 7 end end)`,
  measureStatus: (a: string, m: string) => `coalesce(${a}.measure_status->>${m}, ${a}.status)`,
  measureQualifier: (a: string, m: string) => `coalesce(${a}.measure_qualifier->>${m}, 'EXACT')`,
  measureObject: (flagOf: (m: string) => string, omit: string, measures: readonly string[]) =>
    `nullif('{' || concat_ws(',', ${measures
      .map(
        (m) =>
          `case when (${flagOf(m)}) is not null and (${flagOf(m)}) <> '${omit}' then '"${m}":"' || (${flagOf(m)}) || '"' end`,
      )
      .join(', ')}) || '}', '{}')`,
};

const literal = (v: string | number | null) =>
  v === null ? 'null' : typeof v === 'number' ? String(v) : `'${v}'`;
/** `(values …) as v(a, b, …)` over the rows given. */
const valuesOf = (
  names: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
) =>
  `(values ${rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}) as v(${names.join(', ')})`;

const STATUSES = [...VALUE_STATUSES, 'UNKNOWN', null];
const QUALIFIER_INPUTS = [...QUALIFIERS, 'OTHER', null];
const MASKS = [0, 1, 2, 3, 4, 5, 6, 7, null];

interface Triple {
  readonly old: unknown;
  readonly text: unknown;
  readonly expr: unknown;
}

describe('the domain SQL as Kysely expressions answers as the string builders did (DuckDB)', () => {
  let handle: DuckDbHandle;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    handle = await DuckDbHandle.open(':memory:');
    db = createKysely<unknown>(handle);
  });
  afterAll(() => handle.close());

  /**
   * Runs the three versions over a values table (grouped when `groupBy` is given) and returns
   * each row's three answers with its inputs.
   */
  async function compare(
    from: string,
    oldSql: string,
    newSql: string,
    expr: RawBuilder<unknown>,
    groupBy?: string,
  ): Promise<(Triple & Record<string, unknown>)[]> {
    const keys = groupBy ? sql.raw(`${groupBy}, `) : sql.raw('v.*, ');
    const group = groupBy ? sql.raw(` group by ${groupBy}`) : sql.raw('');
    const { rows } = await sql<Triple & Record<string, unknown>>`select ${keys}
      ${sql.raw(oldSql)} as old, ${sql.raw(newSql)} as text, ${expr} as expr
      from ${sql.raw(from)}${group} order by all`.execute(db);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect([r, r.text, r.expr]).toEqual([r, r.old, r.old]);
    return rows;
  }

  it('status ranks, the status of a rank and the weakest status of a group', async () => {
    const s = valuesOf(
      ['x'],
      STATUSES.map((x) => [x]),
    );
    const x = sql.ref<string | null>('v.x');
    await compare(
      s,
      PREVIOUS.valueStatusRank('v.x'),
      valueStatusRankSql('v.x'),
      valueStatusRankExpression(x),
    );
    const r = valuesOf(
      ['x'],
      [0, 1, 2, 3, 99, null].map((n) => [n]),
    );
    const rank = sql.ref<number | null>('v.x');
    await compare(
      r,
      PREVIOUS.valueStatusOfRank('v.x'),
      valueStatusOfRankSql('v.x'),
      valueStatusOfRankExpression(rank),
    );
    const pairs = valuesOf(
      ['g', 'x'],
      STATUSES.flatMap((a, i) =>
        STATUSES.flatMap((b, j) => [
          [i * 10 + j, a],
          [i * 10 + j, b],
        ]),
      ),
    );
    const rows = await compare(
      pairs,
      PREVIOUS.weakestValueStatus('v.x'),
      weakestValueStatusSql('v.x'),
      weakestValueStatusExpression(x),
      'v.g',
    );
    expect(rows).toHaveLength(STATUSES.length ** 2);
  });

  it('qualifier masks, their inverse and the qualifier of a mask', async () => {
    const q = valuesOf(
      ['x'],
      QUALIFIER_INPUTS.map((x) => [x]),
    );
    await compare(
      q,
      PREVIOUS.qualifierMask('v.x'),
      qualifierMaskSql('v.x'),
      qualifierMaskExpression(sql.ref('v.x')),
    );
    const m = valuesOf(
      ['x'],
      MASKS.map((x) => [x]),
    );
    const mask = sql.ref<number>('v.x');
    await compare(m, PREVIOUS.invertMask('v.x'), invertMaskSql('v.x'), invertMaskExpression(mask));
    await compare(
      m,
      PREVIOUS.qualifierOfMask('v.x'),
      qualifierOfMaskSql('v.x'),
      qualifierOfMaskExpression(mask),
    );
  });

  it('organisation type ranks, legal minimums and indicator values by kind', async () => {
    const types = [...ORG_TYPES, 'OTHER', null];
    const t = valuesOf(
      ['t'],
      types.map((x) => [x]),
    );
    await compare(
      t,
      PREVIOUS.orgTypeRank('v.t'),
      orgTypeRankSql('v.t'),
      orgTypeRankExpression(sql.ref('v.t')),
    );
    const ty = valuesOf(
      ['t', 'y'],
      types.flatMap((x) => [2012, 2023, 2024, 2030, null].map((y) => [x, y])),
    );
    await compare(
      ty,
      PREVIOUS.legalMinimumMembers('v.t', 'v.y'),
      legalMinimumMembersSql('v.t', 'v.y'),
      legalMinimumMembersExpression(sql.ref('v.t'), sql.ref('v.y')),
    );
    const kinds = [...INDICATOR_KINDS, 'OTHER', null];
    const knd = valuesOf(
      ['k', 'n', 'd', 'a'],
      kinds.flatMap((k) =>
        [120, 0, null].flatMap((d) => [
          [k, 30.0, d, 7.5],
          [k, null, d, null],
        ]),
      ),
    );
    const [k, n, d, a] = ['v.k', 'v.n', 'v.d', 'v.a'].map((c) => sql.ref<never>(c));
    await compare(
      knd,
      PREVIOUS.indicatorValue('v.k', 'v.n', 'v.d', 'v.n'),
      indicatorValueSql('v.k', 'v.n', 'v.d'),
      indicatorValueExpression(k!, n!, d!),
    );
    await compare(
      knd,
      PREVIOUS.indicatorValue('v.k', 'v.n', 'v.d', 'v.a'),
      indicatorValueSql('v.k', 'v.n', 'v.d', 'v.a'),
      indicatorValueExpression(k!, n!, d!, a!),
    );
  });

  it('the status and qualifier of a measure, and the object of flags per measure', async () => {
    const flags = [null, '{"members":"ESTIMATED"}', '{"org_count":"PROVISIONAL"}'];
    const rows = valuesOf(
      ['status', 'measure_status', 'measure_qualifier', 'measure'],
      [...STATUSES].flatMap((s) =>
        flags.flatMap((f) =>
          ['members', 'org_count'].map((m) => [
            s,
            f,
            f === null ? null : f.replace(/ESTIMATED|PROVISIONAL/, 'NEARLY'),
            m,
          ]),
        ),
      ),
    );
    const measure = sql.ref<string>('v.measure');
    await compare(
      rows,
      PREVIOUS.measureStatus('v', 'v.measure'),
      measureStatusSql('v', 'v.measure'),
      measureStatusExpression('v', measure),
    );
    await compare(
      rows,
      PREVIOUS.measureQualifier('v', 'v.measure'),
      measureQualifierSql('v', 'v.measure'),
      measureQualifierExpression('v', measure),
    );
    const named = sql.lit('members');
    await compare(
      rows,
      PREVIOUS.measureStatus('v', "'members'"),
      measureStatusSql('v', "'members'"),
      measureStatusExpression('v', named),
    );

    const pairs = valuesOf(
      ['a', 'b'],
      QUALIFIER_INPUTS.flatMap((x) => QUALIFIER_INPUTS.map((y) => [x, y])),
    );
    const measures = ['org_count', 'members'] as const;
    const column = (m: string) => (m === 'org_count' ? 'v.a' : 'v.b');
    await compare(
      pairs,
      PREVIOUS.measureObject(column, 'EXACT', measures),
      measureObjectSql(column, 'EXACT', measures),
      measureObjectExpression((m) => sql.ref(column(m)), 'EXACT', measures),
    );
  });

  it('text is compiled from values written as literals, never as parameters', () => {
    expect(sqlText(sql`select ${sql.lit("l'an")}, ${sql.ref('v.x')}`)).toBe(
      `select 'l''an', "v"."x"`,
    );
    expect(() => sqlText(sql`select ${'a value'}`)).toThrow(/parameter/);
  });
});
