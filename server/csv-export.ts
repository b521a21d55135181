import {
  AdminLevel,
  badInput,
  Boundaries,
  ObservationDimension,
  queryObservations,
  Topic,
  type ApiContext,
  type Observation,
} from '../schema/index.ts';
import { releaseParam } from './routes/download.route.ts';

/** Where the observations CSV is served. */
export const OBSERVATIONS_CSV_PATH = '/export/observations.csv';

/** Columns of the observations CSV, in order. */
export const OBSERVATION_CSV_COLUMNS = [
  'indicator_code',
  'unit',
  'area_id',
  'area_code',
  'area_name_vi',
  'year',
  'value',
  'numerator',
  'denominator',
  'source',
  'status',
  'qualifier',
  'origin',
  'unit_count',
  'covered_parts',
  'total_parts',
] as const;

function list(params: URLSearchParams, name: string): string[] | null {
  const values = params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return values.length > 0 ? values : null;
}

function year(params: URLSearchParams, name: string): number | null {
  const raw = params.get(name);
  if (raw === null || raw === '') return null;
  if (!/^[0-9]{4}$/.test(raw))
    throw badInput(`parameter ${name} must be a four-digit year, but got '${raw}'`);
  return Number(raw);
}

function wholeNumber(params: URLSearchParams, name: string): number | null {
  const raw = params.get(name);
  if (raw === null || raw === '') return null;
  if (!/^[0-9]{1,9}$/.test(raw))
    throw badInput(`parameter ${name} must be a whole number, but got '${raw.slice(0, 40)}'`);
  return Number(raw);
}

function oneOf<T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | null {
  const raw = params.get(name);
  if (raw === null || raw === '') return null;
  const upper = raw.toUpperCase() as T;
  if (!allowed.includes(upper))
    throw badInput(`parameter ${name} must be one of ${allowed.join(', ')}, but got '${raw}'`);
  return upper;
}

/**
 * A cell as CSV text. Text that a spreadsheet would run as a formula (starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return) is prefixed with `'`; numbers are written as numbers.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The observations of a query string as CSV (UTF-8 with BOM, CRLF, so Excel reads Vietnamese
 * correctly): the same rows as the `observations` field, whole, never capped. Parameters:
 * `indicators`, `topics`, `areas` (codes, read today), `level`, `from`, `to`, `sources`,
 * `groupBy`, `boundaries`, `asOfVersion` (the values as published in that data version), `release`
 * (a release number, or `DRAFT` for loader and admin keys; default the latest release); lists as
 * repeated parameters or comma-separated.
 */
export async function observationsCsv(
  context: ApiContext,
  params: URLSearchParams,
): Promise<string> {
  const topics = list(params, 'topics')?.map((t) => {
    const upper = t.toUpperCase();
    if (!(upper in Topic))
      throw badInput(`parameter topics must list ${Object.keys(Topic).join(', ')}, but got '${t}'`);
    return upper as Topic;
  });
  const groupBy = list(params, 'groupBy')?.map((d) => {
    const upper = d.toUpperCase();
    if (!(upper in ObservationDimension))
      throw badInput(
        `parameter groupBy must list ${Object.keys(ObservationDimension).join(', ')}, but got '${d}'`,
      );
    return upper as ObservationDimension;
  });
  const rows: Observation[] = await queryObservations(context, {
    filter: {
      indicators: list(params, 'indicators'),
      topics: topics ?? null,
      areas: list(params, 'areas')?.map((code) => ({ code })) ?? null,
      level: oneOf(params, 'level', Object.values(AdminLevel)),
      fromYear: year(params, 'from'),
      toYear: year(params, 'to'),
      sources: list(params, 'sources'),
    },
    groupBy: groupBy ?? null,
    boundaries: oneOf(params, 'boundaries', Object.values(Boundaries)) ?? Boundaries.AS_REPORTED,
    asOfVersion: wholeNumber(params, 'asOfVersion'),
    release: releaseParam(params),
    first: Number.MAX_SAFE_INTEGER,
  });
  const lines = [OBSERVATION_CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.indicatorCode,
        r.unit,
        r.areaId,
        r.areaCode,
        r.areaNameVi,
        r.year,
        r.value,
        r.numerator,
        r.denominator,
        r.source,
        r.status,
        r.qualifier,
        r.origin,
        r.unitCount,
        r.coveredParts,
        r.totalParts,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
