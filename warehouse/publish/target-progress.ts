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
 * Recomputes the default progress (`rpt_target_progress`: default sources, tolerance and
 * boundaries) of the targets whose indicator values or published figures data version `version`
 * changed, for every as-of year kept (see {@link progressYears}); every target when the range of
 * years with data moved or on a full rebuild (`all`). Reads the indicator values of
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
  const before = await dataYears(db, version - 1);
  const all = await findTargets(db);
  let affected: TargetRow[];
  if (scope === 'all' || years.first !== before.first || years.last !== before.last) {
    affected = all;
  } else {
    const changed = await db.all<{ indicator_code: string; unit_id: string }>(
      `select distinct indicator_code, unit_id from rpt_indicator_value
       where boundaries = 'AS_REPORTED' and (valid_from_version = $1 or valid_to_version = $1)
       union
       select distinct coalesce(a.indicator_code, p.indicator_code), p.unit_id
       from fct_published_value p left join dim_indicator_alias a on a.alias = p.indicator_code
       where p.valid_from_version = $1 or p.valid_to_version = $1`,
      [version],
    );
    const keys = new Set(changed.map((c) => `${c.indicator_code}|${c.unit_id}`));
    affected = all.filter((t) => keys.has(`${t.indicator_code}|${t.unit_id}`));
  }
  await db.run(`create or replace temp table tpg_keys (plan_id varchar, target_id varchar)`);
  await db.run(`create or replace temp table tpg_fresh (
    plan_id varchar, target_id varchar, as_of_year integer, progress_json varchar)`);
  if (scope === 'all')
    await db.run(`insert into tpg_keys
      select distinct plan_id, target_id from rpt_target_progress where valid_to_version is null`);
  if (affected.length > 0) {
    await db.append(
      'tpg_keys',
      affected.map((t) => [t.plan_id, t.target_id]),
    );
    const inputs = await readProgressInputs(db, affected, version);
    const byYear = new Map<number, TargetRow[]>();
    for (const t of affected)
      for (const y of progressYears(t, years)) byYear.set(y, [...(byYear.get(y) ?? []), t]);
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
      keyColumns: ['plan_id', 'target_id'],
      key: ['plan_id', 'target_id', 'as_of_year'],
      values: ['progress_json'],
    },
    version,
  );
  const [keys] = await db.all<{ n: number }>('select count(*) as n from tpg_keys');
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
