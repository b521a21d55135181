import { sql } from 'kysely';
import type { DuckDbHandle } from '../dialect/index.ts';
import { columnOf, kyselyOf, oneOf } from '../database.ts';
import {
  FACT_MEASURE_NAMES,
  type FactMeasure,
  type OrgAnnualTable,
} from '../tables/org-annual.table.ts';
import type { AdminUnitTable } from '../tables/admin-unit.table.ts';
import { findLatestRelease } from './release.queries.ts';

/**
 * The review of a year's draft before it is released: who reported (against the provinces valid
 * that year), what changed against the latest release, and the warnings of the draft's loads.
 */

/** A province, by its statistics-office code and Vietnamese name. */
export interface ReviewProvince {
  readonly code: string;
  readonly nameVi: string;
}

/** How many of the expected provinces reported something. */
export interface Coverage {
  readonly reported: number;
  readonly expected: number;
  /** `reported / expected` as a percentage, one decimal; null when none are expected. */
  readonly ratePercent: number | null;
  readonly missing: readonly ReviewProvince[];
}

/** One value that differs between the latest release and the draft. */
export interface ReviewChange {
  readonly kind: 'ADDED' | 'CHANGED' | 'REMOVED';
  readonly year: number;
  readonly provinceCode: string | null;
  readonly provinceNameVi: string | null;
  readonly orgType: string | null;
  readonly sector: string;
  /** REGISTERED, or OPERATING_WITH_RESULTS. */
  readonly universe: string;
  readonly source: string;
  readonly measure: string;
  readonly before: number | null;
  readonly after: number | null;
  /** `after − before` (a missing side counts as nothing, so added and removed rank by size). */
  readonly delta: number;
}

/** Counts of changed values of one year, and the largest of them. */
export interface ChangeSummary {
  readonly year: number;
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  /** The largest changes first (by |delta|), at most {@link MAX_LISTED_CHANGES}. */
  readonly largest: readonly ReviewChange[];
}

/** One warning of a draft load (a rule that held only with a caveat), as the load reported it. */
export interface ReviewWarning {
  readonly loadId: number;
  readonly fileName: string;
  readonly rule: string;
  readonly value: string | null;
  readonly row: number | null;
  readonly header: string | null;
}

/** The review of one year's draft. */
export interface YearReview {
  readonly year: number;
  /** The latest release the draft is compared with (null before any). */
  readonly previousRelease: { readonly releaseNo: number; readonly dataVersion: number } | null;
  /** The data version of the draft. */
  readonly draftVersion: number;
  /** Years with loads not yet released (all of them, not only this one). */
  readonly pendingYears: readonly number[];
  /** Provinces valid on 31 December of the year (63 before the 2025 merger, 34 after). */
  readonly provinces: Coverage;
  /** Coverage per input family (`aggregates`, `register`). */
  readonly families: readonly (Coverage & { readonly family: string })[];
  /** Provinces with a value of each measure (any organisation type or sector). */
  readonly measures: readonly { measure: string; reported: number; ratePercent: number | null }[];
  /** Changes of this year against the previous release. */
  readonly changes: ChangeSummary;
  /** Changes the draft makes to other years: revisions of figures already released. */
  readonly otherYears: readonly ChangeSummary[];
  /** Every warning of the loads not yet released that carry this year. */
  readonly warnings: readonly ReviewWarning[];
  /** Warnings counted by the loads (the load log keeps the first 50 of each load's text). */
  readonly warningCount: number;
}

/** How many changes a summary lists. */
export const MAX_LISTED_CHANGES = 50;

const rate = (n: number, of: number) => (of === 0 ? null : Math.round((1000 * n) / of) / 10);

/** The draft of a year reviewed against the latest release. */
export async function reviewYear(db: DuckDbHandle, year: number): Promise<YearReview> {
  const previous = await findLatestRelease(db);
  const released = previous?.data_version ?? -1;
  const k = kyselyOf(db);
  const { draft } = await k
    .selectFrom('publication')
    .select((eb) => eb.fn.max('data_version').as('draft'))
    .executeTakeFirstOrThrow();
  const provinces = await k
    .selectFrom('dim_admin_unit')
    .select(['unit_id', 'code', 'name_vi'])
    .where('level', '=', 'PROVINCE')
    .where((eb) =>
      eb.between(
        sql<string>`make_date(${year}::integer, 12, 31)`,
        eb.ref('valid_from'),
        eb.fn.coalesce('valid_to', sql<string>`date '9999-12-31'`),
      ),
    )
    .orderBy('code')
    .execute();
  const reportedBy = await k
    .selectFrom('fct_org_annual as f')
    .leftJoin('load_log as l', 'l.load_id', 'f.load_id')
    .select((eb) => [eb.fn.coalesce('l.family', eb.val('unknown')).as('family'), 'f.unit_id'])
    .distinct()
    .where('f.valid_to_version', 'is', null)
    .where('f.year', '=', year)
    .execute();
  const coverage = (units: Set<string>): Coverage => {
    const missing = provinces.filter((p) => !units.has(p.unit_id));
    const reported = provinces.length - missing.length;
    return {
      reported,
      expected: provinces.length,
      ratePercent: rate(reported, provinces.length),
      missing: missing.map((p) => ({ code: p.code, nameVi: p.name_vi })),
    };
  };
  const families = [...new Set(reportedBy.map((r) => r.family))]
    .sort()
    .map((family) => ({
      family,
      ...coverage(new Set(reportedBy.filter((r) => r.family === family).map((r) => r.unit_id))),
    }))
    .filter((f) => f.reported > 0);
  const unitIds = provinces.map((p) => p.unit_id);
  const measureCounts =
    unitIds.length === 0
      ? []
      : await k
          .selectFrom('fct_org_annual')
          .select((eb) =>
            FACT_MEASURE_NAMES.map((m) =>
              eb.fn.count<number>('unit_id').distinct().filterWhere(m, 'is not', null).as(m),
            ),
          )
          .where('valid_to_version', 'is', null)
          .where('year', '=', year)
          .where((eb) => oneOf(eb, 'unit_id', unitIds))
          .execute();
  const measures = FACT_MEASURE_NAMES.map((measure) => {
    const reported = Number(measureCounts[0]?.[measure] ?? 0);
    return { measure, reported, ratePercent: rate(reported, provinces.length) };
  });
  const changes = await findChanges(db, released);
  const summarise = (y: number): ChangeSummary => {
    const of = changes.filter((c) => c.year === y);
    return {
      year: y,
      added: of.filter((c) => c.kind === 'ADDED').length,
      changed: of.filter((c) => c.kind === 'CHANGED').length,
      removed: of.filter((c) => c.kind === 'REMOVED').length,
      largest: of.slice(0, MAX_LISTED_CHANGES),
    };
  };
  const otherYears = [...new Set(changes.map((c) => c.year))]
    .filter((y) => y !== year)
    .sort((a, b) => a - b)
    .map(summarise);
  const loads = await k
    .selectFrom('load_log')
    .select(['load_id', 'file_name', 'years', 'warnings', 'report_json'])
    .where('data_version', '>', released)
    .orderBy('load_id')
    .execute();
  const pendingYears = [...new Set(loads.flatMap((l) => l.years))].sort((a, b) => a - b);
  const ofYear = loads.filter((l) => l.years.includes(year));
  const warnings: ReviewWarning[] = [];
  for (const load of ofYear) {
    const parsed = load.report_json
      ? (JSON.parse(load.report_json) as {
          warnings?: {
            rule: string;
            value?: string | null;
            row?: number | null;
            header?: string | null;
          }[];
        })
      : {};
    for (const w of parsed.warnings ?? []) {
      warnings.push({
        loadId: load.load_id,
        fileName: load.file_name,
        rule: w.rule,
        value: w.value ?? null,
        row: w.row ?? null,
        header: w.header ?? null,
      });
    }
  }
  return {
    year,
    previousRelease: previous
      ? { releaseNo: previous.release_no, dataVersion: previous.data_version }
      : null,
    draftVersion: draft,
    pendingYears,
    provinces: coverage(new Set(reportedBy.map((r) => r.unit_id))),
    families,
    measures,
    changes: summarise(year),
    otherYears,
    warnings,
    warningCount: ofYear.reduce((n, l) => n + Number(l.warnings), 0),
  };
}

/**
 * Every fact value (registered organisations and the other universes) that differs between data
 * version `released` and the draft, largest first.
 */
async function findChanges(db: DuckDbHandle, released: number): Promise<ReviewChange[]> {
  const fact = (column: keyof OrgAnnualTable & string, alias?: string) =>
    columnOf('fct_org_annual', column, alias);
  const key = ['unit_id', 'year', 'source_code', 'org_type', 'sector', 'universe'] as const;
  const on = sql.join(
    key.map((c) => sql`${fact(c, 'n')} is not distinct from ${fact(c, 'o')}`),
    sql` and `,
  );
  // The old and new value of each measure, side by side (`o_<measure>`, `n_<measure>`).
  const side = (prefix: 'o' | 'n', m: FactMeasure) => sql.ref(`${prefix}_${m}`);
  const sides = sql.join(
    FACT_MEASURE_NAMES.flatMap((m) => [
      sql`${fact(m, 'o')} as ${side('o', m)}`,
      sql`${fact(m, 'n')} as ${side('n', m)}`,
    ]),
  );
  const keyColumns = sql.join(key.map((c) => sql.ref(c)));
  const unpivot = sql.join(
    FACT_MEASURE_NAMES.map(
      (m) =>
        sql`select ${keyColumns}, ${sql.lit(m)} as measure,
         ${side('o', m)}::double as before, ${side('n', m)}::double as after from joined
       where ${side('o', m)} is distinct from ${side('n', m)}`,
    ),
    sql`\nunion all\n`,
  );
  const facts = sql.table('fct_org_annual');
  const version = { from: fact('valid_from_version'), to: fact('valid_to_version') };
  const unit = (column: keyof AdminUnitTable & string) => columnOf('dim_admin_unit', column);
  const { rows } = await sql<{
    unit_id: string;
    year: number;
    source_code: string;
    org_type: string | null;
    sector: string;
    universe: string;
    measure: string;
    before: number | null;
    after: number | null;
    code: string | null;
    name_vi: string | null;
  }>`with n as (
       select * from ${facts} where ${version.to} is null and ${version.from} > ${released}
     ), o as (
       select * from ${facts}
       where ${version.from} <= ${released} and ${version.to} is not null and ${version.to} > ${released}
     ), joined as (
       select ${sql.join(key.map((c) => sql`coalesce(${fact(c, 'n')}, ${fact(c, 'o')}) as ${sql.ref(c)}`))},
         ${sides}
       from n full outer join o on ${on}
     ), changed as (
       ${unpivot}
     ), units as (
       select ${unit('unit_id')}, any_value(${unit('code')}) as code, any_value(${unit('name_vi')}) as name_vi
       from ${sql.table('dim_admin_unit')} group by ${unit('unit_id')}
     )
     select c.*, u.code, u.name_vi from changed c left join units u using (unit_id)
     order by abs(coalesce(c.after, 0) - coalesce(c.before, 0)) desc, c.year, u.code, c.org_type,
       c.sector, c.measure`.execute(kyselyOf(db));
  return rows.map((r) => ({
    kind: r.before === null ? 'ADDED' : r.after === null ? 'REMOVED' : 'CHANGED',
    year: r.year,
    provinceCode: r.code,
    provinceNameVi: r.name_vi,
    orgType: r.org_type,
    sector: r.sector,
    universe: r.universe,
    source: r.source_code,
    measure: r.measure,
    before: r.before,
    after: r.after,
    delta: (r.after ?? 0) - (r.before ?? 0),
  }));
}
