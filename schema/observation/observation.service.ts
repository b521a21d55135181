import type { AdminUnitRow } from '../../warehouse/queries/admin-unit.queries.ts';
import type { IndicatorRow } from '../../warehouse/queries/catalog.queries.ts';
import type { IndicatorValueRow } from '../../warehouse/queries/indicator.queries.ts';
import { resolveArea } from '../admin-unit/area-resolver.ts';
import { Boundaries } from '../common/enums.ts';
import { badInput } from '../common/errors.ts';
import type { ApiContext } from '../context.ts';
import { checkAsOfVersion } from '../common/data-version.ts';
import { valueKey } from '../indicator/indicator.loaders.ts';
import { chooseSource } from '../report/report-basis.ts';
import {
  ObservationDimension,
  type Observation,
  type ObservationsArgs,
} from './observation.type.ts';
import { qualifierOfSum } from '../../warehouse/domain/qualifier.ts';
import { weakestValueStatus } from '../../warehouse/domain/value-status.ts';

/** Recomputes a value of a group from its summed parts, by the indicator's kind. */
function combine(
  indicator: IndicatorRow,
  rows: readonly IndicatorValueRow[],
): Pick<Observation, 'value' | 'numerator' | 'denominator'> {
  if (rows.length === 1)
    return {
      value: rows[0]!.value,
      numerator: rows[0]!.numerator,
      denominator: rows[0]!.denominator,
    };
  if (rows.some((r) => r.origin === 'PUBLISHED' || r.numerator === null))
    return { value: null, numerator: null, denominator: null };
  const numerator = rows.reduce((s, r) => s + (r.numerator ?? 0), 0);
  const denominators = rows.map((r) => r.denominator);
  const denominator = denominators.every((d) => d !== null)
    ? denominators.reduce<number>((s, d) => s + (d ?? 0), 0)
    : null;
  const value = (() => {
    switch (indicator.kind) {
      case 'COUNT':
        return numerator;
      case 'SHARE':
      case 'PER_POPULATION':
        return denominator ? (100 * numerator) / denominator : null;
      case 'RATIO':
        return denominator ? numerator / denominator : null;
      case 'AVERAGE':
        return denominator
          ? rows.reduce((s, r) => s + (r.numerator ?? 0) * (r.denominator ?? 0), 0) / denominator
          : null;
      default:
        return null;
    }
  })();
  return { value, numerator, denominator };
}

/**
 * The rows of `observations` (and of its CSV export), whole and in order: the values of the
 * chosen indicators and units (loaded in one batch), grouped by the dimensions asked for.
 */
export async function queryObservations(
  ctx: ApiContext,
  args: ObservationsArgs,
): Promise<Observation[]> {
  const dims = checkGroupBy(args);
  const version = await checkAsOfVersion(ctx, args.asOfVersion, 'asOfVersion', args.release);
  const indicators = await chooseIndicators(ctx, args.filter ?? {});
  const units = await chooseUnits(ctx, args, dims);
  const byUnit = new Map(units.map((u) => [u.unit_id, u]));
  let rows = await readValues(ctx, args, units, indicators, version);
  if (!dims.has(ObservationDimension.SOURCE)) rows = preferredSourceOnly(rows);
  if (!dims.has(ObservationDimension.YEAR)) rows = latestYearOnly(rows);
  const byIndicator = new Map(indicators.map((i) => [i.indicator_code, i]));
  const groups = groupRows(rows, dims);
  const expectedAreas = expectedAreasOf(units, args.boundaries);
  const observations = [...groups.values()].map((group): Observation => {
    const first = group[0]!;
    const indicator = byIndicator.get(first.indicator_code)!;
    const covered = new Set(group.map((r) => r.unit_id));
    const totalParts = dims.has(ObservationDimension.AREA)
      ? covered.size
      : new Set([...expectedAreas(first.year), ...covered]).size;
    // A count summed over the provinces that reported is a lower bound of the whole.
    const partial = indicator.kind === 'COUNT' && covered.size < totalParts;
    const unit = dims.has(ObservationDimension.AREA) ? byUnit.get(first.unit_id) : undefined;
    const status = weakestValueStatus(group.map((r) => r.status));
    return {
      indicatorCode: first.indicator_code,
      unit: indicator.unit,
      areaId: unit?.unit_id ?? null,
      areaCode: unit?.code ?? null,
      areaNameVi: unit?.name_vi ?? null,
      year: first.year,
      ...combine(indicator, group),
      source: first.source_code,
      status: status as Observation['status'],
      // Areas summed: the bounds of the parts combine as in a sum (shares pool numerators and
      // denominators, so a share of lower-bound parts is a lower bound too; mixed sides: ABOUT).
      qualifier: qualifierOfSum([
        ...group.map((r) => r.qualifier),
        ...(partial ? (['AT_LEAST'] as const) : []),
      ]),
      coveredParts: covered.size,
      totalParts,
      origin: group.every((r) => r.origin === 'FACTS') ? 'FACTS' : 'PUBLISHED',
      unitCount: group.reduce((s, r) => s + r.unit_count, 0),
    };
  });
  return observations.sort(
    (a, b) =>
      a.indicatorCode.localeCompare(b.indicatorCode) ||
      (a.areaCode ?? '').localeCompare(b.areaCode ?? '') ||
      (a.areaId ?? '').localeCompare(b.areaId ?? '') ||
      a.year - b.year ||
      a.source.localeCompare(b.source),
  );
}

type Dimensions = ReadonlySet<ObservationDimension>;

/** The dimensions the rows are grouped by (all by default); INDICATOR cannot be summed away. */
function checkGroupBy(args: ObservationsArgs): Dimensions {
  const dims = new Set(args.groupBy ?? Object.values(ObservationDimension));
  if (!dims.has(ObservationDimension.INDICATOR)) {
    throw badInput(
      'groupBy must keep INDICATOR: values of different indicators cannot be added',
      'groupBy',
    );
  }
  return dims;
}

/** The indicators of the filter (codes and topics); an unknown code is `BAD_USER_INPUT`. */
async function chooseIndicators(
  ctx: ApiContext,
  filter: NonNullable<ObservationsArgs['filter']>,
): Promise<IndicatorRow[]> {
  const registry = await ctx.loaders.indicators();
  const indicators = registry.filter(
    (i) =>
      (!filter.indicators || filter.indicators.includes(i.indicator_code)) &&
      (!filter.topics || filter.topics.includes(i.topic as never)),
  );
  const unknown = (filter.indicators ?? []).filter(
    (c) => !registry.some((i) => i.indicator_code === c),
  );
  if (unknown.length > 0)
    throw badInput(`unknown indicator code(s): ${unknown.join(', ')}`, 'filter.indicators');
  return indicators;
}

/**
 * The units whose values are read: the areas asked for, else those of a level (valid today on
 * current boundaries); provinces only when the areas are summed away.
 */
async function chooseUnits(
  ctx: ApiContext,
  args: ObservationsArgs,
  dims: Dimensions,
): Promise<AdminUnitRow[]> {
  const filter = args.filter ?? {};
  let units: AdminUnitRow[];
  if (filter.areas && filter.areas.length > 0) {
    const ids = await Promise.all(filter.areas.map((a) => resolveArea(ctx, a, ctx.today)));
    units = await ctx.loaders.unitsWhere({ unitIds: ids.map((u) => u.id) });
  } else {
    const validOn = args.boundaries === Boundaries.CURRENT ? ctx.today : undefined;
    units = await ctx.loaders.unitsWhere({
      ...(filter.level ? { level: filter.level } : {}),
      ...(validOn ? { validOn } : {}),
    });
  }
  if (!dims.has(ObservationDimension.AREA)) units = units.filter((u) => u.level === 'PROVINCE');
  return units;
}

/** The stored values of the units (one batch), of the indicators, years and sources asked for. */
async function readValues(
  ctx: ApiContext,
  args: ObservationsArgs,
  units: readonly AdminUnitRow[],
  indicators: readonly IndicatorRow[],
  version: number | undefined,
): Promise<IndicatorValueRow[]> {
  const filter = args.filter ?? {};
  const loaded = await ctx.loaders.values.loadMany(
    units.map((u) => valueKey(args.boundaries, u.unit_id, version)),
  );
  const sources = filter.sources?.map((s) => s.toUpperCase());
  const codes = new Set(indicators.map((i) => i.indicator_code));
  const rows: IndicatorValueRow[] = [];
  for (const unitRows of loaded) {
    if (unitRows instanceof Error) continue;
    for (const r of rowsOfIndicators(unitRows, codes)) {
      if (
        (filter.fromYear == null || r.year >= filter.fromYear) &&
        (filter.toYear == null || r.year <= filter.toYear) &&
        (!sources || sources.includes(r.source_code))
      )
        rows.push(r);
    }
  }
  return rows;
}

/**
 * Where each indicator's rows are in a unit's values, found once per array: the snapshot's memo
 * keeps one array per unit for every request, and a request asks a few of its indicators.
 */
const indicatorPositions = new WeakMap<readonly IndicatorValueRow[], Map<string, number[]>>();

/** The rows of `unitRows` of the indicators `codes`, in the array's order. */
function rowsOfIndicators(
  unitRows: readonly IndicatorValueRow[],
  codes: ReadonlySet<string>,
): IndicatorValueRow[] {
  let positions = indicatorPositions.get(unitRows);
  if (!positions) {
    positions = new Map();
    for (const [i, r] of unitRows.entries()) {
      const at = positions.get(r.indicator_code);
      if (at) at.push(i);
      else positions.set(r.indicator_code, [i]);
    }
    indicatorPositions.set(unitRows, positions);
  }
  const at: number[] = [];
  for (const code of codes) for (const i of positions.get(code) ?? []) at.push(i);
  if (codes.size > 1) at.sort((a, b) => a - b);
  return at.map((i) => unitRows[i]!);
}

/** Sources summed away: each indicator, unit and year keeps the value of its preferred source. */
function preferredSourceOnly(rows: readonly IndicatorValueRow[]): IndicatorValueRow[] {
  const cells = new Map<string, IndicatorValueRow[]>();
  for (const r of rows) {
    const key = `${r.indicator_code}|${r.unit_id}|${r.year}`;
    const cell = cells.get(key);
    if (cell) cell.push(r);
    else cells.set(key, [r]);
  }
  return [...cells.values()].map((c) =>
    c.find(
      (r) =>
        r.source_code ===
        chooseSource(
          c.map((x) => x.source_code),
          null,
        ),
    )!,
  );
}

/** Years summed away: each indicator, unit and source keeps its latest value. */
function latestYearOnly(rows: readonly IndicatorValueRow[]): IndicatorValueRow[] {
  const latest = new Map<string, IndicatorValueRow>();
  for (const r of rows) {
    const key = `${r.indicator_code}|${r.unit_id}|${r.source_code}`;
    if ((latest.get(key)?.year ?? -1) < r.year) latest.set(key, r);
  }
  return [...latest.values()];
}

/** The rows of each observation: by indicator, area (unless summed away), year and source. */
function groupRows(
  rows: readonly IndicatorValueRow[],
  dims: Dimensions,
): Map<string, IndicatorValueRow[]> {
  const groups = new Map<string, IndicatorValueRow[]>();
  for (const r of rows) {
    const key = [
      r.indicator_code,
      dims.has(ObservationDimension.AREA) ? r.unit_id : '',
      r.year,
      r.source_code,
    ].join('|');
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

/**
 * The areas a value summed over provinces should cover: those of the query valid at the end of
 * its year (figures are as of 31 December), or valid today on current boundaries.
 */
function expectedAreasOf(
  units: readonly AdminUnitRow[],
  boundaries: ObservationsArgs['boundaries'],
): (year: number) => Set<string> {
  const areasOfYear = new Map<number, Set<string>>();
  return (year) => {
    let set = areasOfYear.get(year);
    if (!set) {
      const end = `${year}-12-31`;
      set = new Set(
        units
          .filter(
            (u) =>
              boundaries === Boundaries.CURRENT ||
              (u.valid_from <= end && (u.valid_to === null || u.valid_to >= end)),
          )
          .map((u) => u.unit_id),
      );
      areasOfYear.set(year, set);
    }
    return set;
  };
}

/** An opaque cursor: the row offset and the data version it belongs to. */
export function encodeCursor(dataVersion: number, offset: number): string {
  return Buffer.from(JSON.stringify({ v: dataVersion, o: offset })).toString('base64url');
}

/** Reads a cursor; a cursor of another data version is refused (the rows may have moved). */
export function decodeCursor(cursor: string, dataVersion: number): number {
  let parsed: { v?: unknown; o?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      v?: unknown;
      o?: unknown;
    };
  } catch {
    throw badInput(
      `cursor must come from a previous page, but got '${cursor.slice(0, 40)}'`,
      'after',
    );
  }
  if (
    typeof parsed.o !== 'number' ||
    !Number.isInteger(parsed.o) ||
    parsed.o < 0 ||
    typeof parsed.v !== 'number'
  ) {
    throw badInput(
      `cursor must come from a previous page, but got '${cursor.slice(0, 40)}'`,
      'after',
    );
  }
  if (parsed.v !== dataVersion) {
    throw badInput(
      `cursor belongs to data version ${parsed.v}, but the data is now at version ${dataVersion}; start again without \`after\``,
      'after',
    );
  }
  return parsed.o;
}
