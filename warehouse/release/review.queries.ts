import type { DuckDbHandle } from '../dialect/index.ts';
import { FACT_MEASURE_NAMES } from '../tables/org-annual.table.ts';
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
  const [{ draft }] = await db.all<{ draft: number }>(
    'select max(data_version) as draft from publication',
  );
  const provinces = await db.all<{ unit_id: string; code: string; name_vi: string }>(
    `select unit_id, code, name_vi from dim_admin_unit
     where level = 'PROVINCE'
       and make_date($1::integer, 12, 31) between valid_from and coalesce(valid_to, date '9999-12-31')
     order by code`,
    [year],
  );
  const reportedBy = await db.all<{ family: string; unit_id: string }>(
    `select distinct coalesce(l.family, 'unknown') as family, f.unit_id
     from fct_org_annual f left join load_log l on l.load_id = f.load_id
     where f.valid_to_version is null and f.year = $1`,
    [year],
  );
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
      : await db.all<Record<string, number>>(
          `select ${FACT_MEASURE_NAMES.map((m) => `count(distinct unit_id) filter (where ${m} is not null) as ${m}`).join(', ')}
           from fct_org_annual
           where valid_to_version is null and year = $1
             and unit_id in (select unnest(string_split($2, '|')))`,
          [year, unitIds.join('|')],
        );
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
  const loads = await db.all<{
    load_id: number;
    file_name: string;
    years: number[];
    warnings: number;
    report_json: string | null;
  }>(
    `select load_id, file_name, years, warnings, report_json from load_log
     where data_version > $1
     order by load_id`,
    [released],
  );
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
  const key = ['unit_id', 'year', 'source_code', 'org_type', 'sector', 'universe'];
  const on = key.map((k) => `n.${k} is not distinct from o.${k}`).join(' and ');
  const unpivot = FACT_MEASURE_NAMES.map(
    (m) =>
      `select unit_id, year, source_code, org_type, sector, universe, '${m}' as measure,
         o_${m}::double as before, n_${m}::double as after from joined
       where o_${m} is distinct from n_${m}`,
  ).join('\nunion all\n');
  const rows = await db.all<{
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
  }>(
    `with n as (
       select * from fct_org_annual where valid_to_version is null and valid_from_version > $1
     ), o as (
       select * from fct_org_annual
       where valid_from_version <= $1 and valid_to_version is not null and valid_to_version > $1
     ), joined as (
       select ${key.map((k) => `coalesce(n.${k}, o.${k}) as ${k}`).join(', ')},
         ${FACT_MEASURE_NAMES.map((m) => `o.${m} as o_${m}, n.${m} as n_${m}`).join(', ')}
       from n full outer join o on ${on}
     ), changed as (
       ${unpivot}
     ), units as (
       select unit_id, any_value(code) as code, any_value(name_vi) as name_vi
       from dim_admin_unit group by unit_id
     )
     select c.*, u.code, u.name_vi from changed c left join units u using (unit_id)
     order by abs(coalesce(c.after, 0) - coalesce(c.before, 0)) desc, c.year, u.code, c.org_type,
       c.sector, c.measure`,
    [released],
  );
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
