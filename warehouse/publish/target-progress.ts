import type { DuckDbHandle } from '../dialect/index.ts';
import { reviseDerivedRows } from './derived-rows.ts';
import {
  findTargets,
  progressFromInputs,
  readProgressInputs,
  type TargetProgress,
  type TargetRow,
} from '../queries/progress.queries.ts';
import {
  publishIndicatorValues,
  type DerivedChange,
  type DerivedScope,
} from './indicator-values.ts';

/** Rows of a table valid in data version $1. */
const AT_VERSION = `valid_from_version <= $1 and (valid_to_version is null or valid_to_version > $1)`;

/** The first and last year with any indicator value in data version `version`. */
async function dataYears(
  db: DuckDbHandle,
  version: number,
): Promise<{ first: number | null; last: number | null }> {
  const [row] = await db.all<{ first: number | null; last: number | null }>(
    `select min(year) as first, max(year) as last from rpt_indicator_value
     where boundaries = 'AS_REPORTED' and ${AT_VERSION}`,
    [version],
  );
  return { first: row?.first ?? null, last: row?.last ?? null };
}

/**
 * The as-of years whose progress is kept for a target: from the first year with data to the year
 * after the later of the last year with data and the target's year.
 */
export function progressYears(
  target: Pick<TargetRow, 'target_year'>,
  years: { first: number | null; last: number | null },
): number[] {
  if (years.first === null || years.last === null) return [];
  const out: number[] = [];
  for (let y = years.first; y <= Math.max(years.last, target.target_year) + 1; y++) out.push(y);
  return out;
}

/** A computed progress as stored: everything but the target, which the catalog holds. */
export function progressJson(p: TargetProgress): string {
  const { target: _target, ...rest } = p;
  return JSON.stringify(rest);
}

/**
 * Per indicator and unit (`indicator_code|unit_id`), the earliest year whose indicator values (as
 * reported, what progress reads) or published figures data version `version` added, revised or
 * removed; a key that did not change is absent.
 */
async function firstChangedYears(db: DuckDbHandle, version: number): Promise<Map<string, number>> {
  const rows = await db.all<{ indicator_code: string; unit_id: string; year: number }>(
    `select indicator_code, unit_id, min(year) as year from (
       select indicator_code, unit_id, year from rpt_indicator_value
       where boundaries = 'AS_REPORTED' and (valid_from_version = $1 or valid_to_version = $1)
       union all
       select coalesce(a.indicator_code, p.indicator_code), p.unit_id, p.year
       from fct_published_value p left join dim_indicator_alias a on a.alias = p.indicator_code
       where p.valid_from_version = $1 or p.valid_to_version = $1)
     group by indicator_code, unit_id`,
    [version],
  );
  return new Map(rows.map((r) => [`${r.indicator_code}|${r.unit_id}`, r.year]));
}

/**
 * The as-of years of a target whose stored progress a publication revises: the progress as of
 * year Y reads the target's values up to max(Y, target year) and nothing else a load changes, so
 * a kept year (`now`) is recomputed only where that reaches the first changed year, or when it
 * has no stored progress yet; a stored year no longer kept is closed (`kept` false).
 */
export function asOfYearsToRevise(
  target: Pick<TargetRow, 'target_year'>,
  now: readonly number[],
  stored: ReadonlySet<number>,
  firstChanged: number | null,
): { year: number; kept: boolean }[] {
  const reached = (y: number) =>
    firstChanged !== null && Math.max(y, target.target_year) >= firstChanged;
  const out = now.filter((y) => !stored.has(y) || reached(y)).map((year) => ({ year, kept: true }));
  for (const year of stored) if (!now.includes(year)) out.push({ year, kept: false });
  return out;
}

/**
 * The targets a publication revises, each with its as-of years ({@link asOfYearsToRevise}): a
 * target reads only the values of its indicator and unit, so its stored years are recomputed
 * from that key's first changed year (`firstChanged`, keyed `indicator_code|unit_id`), never from
 * another key's; a target whose key did not change gets only its kept years with nothing stored
 * and its stored years no longer kept. Targets with nothing to revise are left out.
 */
export function targetsToRevise<
  T extends Pick<TargetRow, 'plan_id' | 'target_id' | 'indicator_code' | 'unit_id' | 'target_year'>,
>(
  targets: readonly T[],
  years: { first: number | null; last: number | null },
  stored: ReadonlyMap<string, ReadonlySet<number>>,
  firstChanged: ReadonlyMap<string, number>,
): { target: T; asOf: { year: number; kept: boolean }[] }[] {
  return targets
    .map((target) => ({
      target,
      asOf: asOfYearsToRevise(
        target,
        progressYears(target, years),
        stored.get(`${target.plan_id}|${target.target_id}`) ?? new Set(),
        firstChanged.get(`${target.indicator_code}|${target.unit_id}`) ?? null,
      ),
    }))
    .filter(({ asOf }) => asOf.length > 0);
}

/**
 * Recomputes the default progress (`rpt_target_progress`: default sources, tolerance and
 * boundaries) that data version `version` can change, target by target: the as-of years that
 * read a value the version changed for the target's indicator and unit ({@link asOfYearsToRevise}
 * with that key's first changed year), the kept years with nothing stored yet (when the range of
 * years with data grew) and the stored years no longer kept. A target whose values did not change
 * keeps its stored progress: it is a pure function of those values and the as-of year. Every kept
 * year of every target on a full rebuild (`all`). Reads the indicator values of
 * `rpt_indicator_value` as of `version`, so call it after {@link publishIndicatorValues}, inside
 * the publishing transaction. Unchanged progress stays as it is; changed and vanished rows are
 * closed at `version`, new ones inserted from it.
 */
export async function publishTargetProgress(
  db: DuckDbHandle,
  version: number,
  scope: DerivedScope = { version },
): Promise<DerivedChange> {
  const years = await dataYears(db, version);
  const all = await findTargets(db, {}, { wordings: false });
  // The as-of years to revise, per target: every kept one on a full rebuild.
  const firstChanged =
    scope === 'all' ? new Map<string, number>() : await firstChangedYears(db, version);
  const stored = new Map<string, Set<number>>();
  if (scope !== 'all')
    for (const r of await db.all<{ plan_id: string; target_id: string; as_of_year: number }>(
      `select plan_id, target_id, as_of_year from rpt_target_progress where valid_to_version is null`,
    )) {
      const key = `${r.plan_id}|${r.target_id}`;
      stored.set(key, (stored.get(key) ?? new Set()).add(r.as_of_year));
    }
  const revised =
    scope === 'all'
      ? all.map((target) => ({
          target,
          asOf: progressYears(target, years).map((year) => ({ year, kept: true })),
        }))
      : targetsToRevise(all, years, stored, firstChanged);
  // Nothing any target reads changed (a file of provinces without plans, say): no statement more.
  // A full rebuild goes on, to close whatever is stored.
  if (scope !== 'all' && revised.length === 0) return { keys: 0, closed: 0, inserted: 0 };
  await db.run(
    `create or replace temp table tpg_keys (plan_id varchar, target_id varchar, as_of_year integer)`,
  );
  await db.run(`create or replace temp table tpg_fresh (
    plan_id varchar, target_id varchar, as_of_year integer, progress_json varchar)`);
  if (scope === 'all')
    await db.run(`insert into tpg_keys
      select distinct plan_id, target_id, as_of_year from rpt_target_progress
      where valid_to_version is null`);
  const keyRows = revised.flatMap(({ target, asOf }) =>
    asOf.map(({ year }) => [target.plan_id, target.target_id, year] as [string, string, number]),
  );
  if (keyRows.length > 0) {
    await db.append('tpg_keys', keyRows);
    const computed = revised.filter(({ asOf }) => asOf.some((a) => a.kept));
    const inputs = await readProgressInputs(
      db,
      computed.map((r) => r.target),
      version,
    );
    const byYear = new Map<number, TargetRow[]>();
    for (const { target, asOf } of computed)
      for (const { year, kept } of asOf)
        if (kept) byYear.set(year, [...(byYear.get(year) ?? []), target]);
    const rows: [string, string, number, string][] = [];
    for (const [asOfYear, targets] of byYear)
      for (const p of progressFromInputs(inputs, targets, { asOfYear }))
        rows.push([p.target.plan_id, p.target.target_id, asOfYear, progressJson(p)]);
    await db.append('tpg_fresh', rows);
  }
  const { closed, inserted } = await reviseDerivedRows(
    db,
    {
      table: 'rpt_target_progress',
      fresh: 'tpg_fresh',
      keys: 'tpg_keys',
      keyColumns: ['plan_id', 'target_id', 'as_of_year'],
      key: ['plan_id', 'target_id', 'as_of_year'],
      values: ['progress_json'],
    },
    version,
  );
  const [keys] = await db.all<{ n: number }>(
    'select count(distinct (plan_id, target_id)) as n from tpg_keys',
  );
  for (const table of ['tpg_keys', 'tpg_fresh']) await db.run(`drop table ${table}`);
  return { keys: keys?.n ?? 0, closed, inserted };
}

/** Publishes everything derived from indicator values: the values, then target progress. */
export async function publishIndicatorDerived(
  db: DuckDbHandle,
  version: number,
  scope: DerivedScope = { version },
): Promise<{ values: DerivedChange; progress: DerivedChange }> {
  const values = await publishIndicatorValues(db, version, scope);
  const progress = await publishTargetProgress(db, version, scope);
  return { values, progress };
}
