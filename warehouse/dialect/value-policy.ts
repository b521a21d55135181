import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DOUBLE,
  DuckDBArrayValue,
  DuckDBBitValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBGeometryValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimeNSValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeTZValue,
  DuckDBTimeValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  DuckDBUUIDValue,
  DuckDBVariantValue,
  HUGEINT,
  INTEGER,
  LIST,
  listValue,
  SQLNULL,
  VARCHAR,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/** A value callers pass as a query parameter or append to a table. */
export type SqlValue = string | number | boolean | null;

/** One result row keyed by (de-duplicated) column name, values already converted by the policy. */
export type Row = Record<string, unknown>;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT32 = -2_147_483_648;
const MAX_INT32 = 2_147_483_647;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

// DuckDB's sentinels for ±infinity.
const DATE_INFINITY_DAYS = 2 ** 31 - 1;
const TIMESTAMP_INFINITY_MICROS = 2n ** 63n - 1n;

const MICROS_PER_MILLI = 1000n;
const MILLIS_PER_DAY = 86_400_000n;

/** Column types whose DuckDB values already are the JS values the policy wants. */
const PASS_THROUGH = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.ENUM,
  DuckDBTypeId.SQLNULL,
]);

/** Where a value came from, for error messages. */
interface ValueOrigin {
  readonly column?: string;
  readonly typeName?: string;
}

/**
 * Converts one DuckDB value to the project's JS policy (exported for tests).
 *
 * Every integer type becomes a `number` (a `RangeError` if it is outside the safe-integer range),
 * DECIMAL a `number`, DATE a `'YYYY-MM-DD'` string and TIMESTAMP / TIMESTAMPTZ an ISO-8601 UTC
 * string, all computed from DuckDB's day and microsecond counts so the process time zone never
 * matters. `typeName` (a DuckDB type such as `'BIGINT'`, or a column name) only labels errors:
 * the value classes of `@duckdb/node-api` already say which type a value has.
 */
export function toJsValue(value: unknown, typeName?: string): unknown {
  return convertValue(value, { typeName });
}

/**
 * Converts the rows of one result, choosing a converter per column from the result's column types.
 *
 * Columns whose values need no conversion (INTEGER, DOUBLE, VARCHAR…) are copied as they are; a
 * `RangeError` for an unsafe BIGINT names the column it came from.
 */
export function convertRows(
  columnNames: readonly string[],
  columnTypes: readonly DuckDBType[],
  rows: readonly (readonly DuckDBValue[])[],
): Row[] {
  const converters = columnTypes.map((type, index) => {
    if (PASS_THROUGH.has(type.typeId)) return undefined;
    const origin: ValueOrigin = { column: columnNames[index], typeName: type.toString() };
    return (value: DuckDBValue) => convertValue(value, origin);
  });
  const out: Row[] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const source = rows[r];
    const row: Row = {};
    for (let c = 0; c < columnNames.length; c++) {
      const convert = converters[c];
      row[columnNames[c]] = convert === undefined ? source[c] : convert(source[c]);
    }
    out[r] = row;
  }
  return out;
}

function convertValue(value: unknown, origin: ValueOrigin): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'number':
    case 'string':
      return value;
    case 'bigint':
      return safeNumber(value, origin);
  }
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBDateValue) return dateString(value.days);
  if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue) {
    return timestampString(value.micros);
  }
  if (value instanceof DuckDBTimestampSecondsValue) {
    return timestampString(value.seconds * 1_000_000n);
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) {
    return timestampString(value.millis * MICROS_PER_MILLI);
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) {
    return timestampString(floorDiv(value.nanos, 1000n));
  }
  if (value instanceof DuckDBTimeValue) return timeString(value.micros, 1_000_000n, 6);
  if (value instanceof DuckDBTimeNSValue) return timeString(value.nanos, 1_000_000_000n, 9);
  if (value instanceof DuckDBTimeTZValue) return value.toString();
  if (value instanceof DuckDBUUIDValue) return value.toString();
  if (value instanceof DuckDBBlobValue) return value.bytes;
  if (value instanceof DuckDBGeometryValue) return value.bytes;
  if (value instanceof DuckDBBitValue) return value.toString();
  if (value instanceof DuckDBIntervalValue) {
    return {
      months: value.months,
      days: value.days,
      micros: safeNumber(value.micros, origin),
    };
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return value.items.map((item) => convertValue(item, origin));
  }
  if (value instanceof DuckDBStructValue) {
    const object: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value.entries)) {
      object[key] = convertValue(entry, origin);
    }
    return object;
  }
  if (value instanceof DuckDBMapValue) {
    return value.entries.map((entry) => ({
      key: convertValue(entry.key, origin),
      value: convertValue(entry.value, origin),
    }));
  }
  if (value instanceof DuckDBUnionValue) {
    return { tag: value.tag, value: convertValue(value.value, origin) };
  }
  if (value instanceof DuckDBVariantValue) return convertValue(value.value, origin);
  throw new TypeError(
    `no JS conversion for the DuckDB value ${String(value)}${describeOrigin(origin)}`,
  );
}

function safeNumber(value: bigint, origin: ValueOrigin): number {
  if (value < MIN_SAFE || value > MAX_SAFE) {
    throw new RangeError(
      `${origin.typeName ?? 'integer'} value ${value}${describeOrigin(origin)} is outside ` +
        `JavaScript's safe integer range (±${Number.MAX_SAFE_INTEGER}); cast it in SQL ` +
        `(to DOUBLE for an approximate number, or to VARCHAR for the exact digits)`,
    );
  }
  return Number(value);
}

function describeOrigin(origin: ValueOrigin): string {
  return origin.column === undefined ? '' : ` in column "${origin.column}"`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Proleptic Gregorian (year, month, day) of a day count from 1970-01-01, in integer arithmetic. */
function civilFromDays(days: number): [year: number, month: number, day: number] {
  // Howard Hinnant's civil_from_days; exact for DuckDB's whole DATE range (±2^31 days).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** DuckDB's own text for a DATE: 'YYYY-MM-DD', or '0044-03-15 (BC)' before year 1. */
function dateString(days: number): string {
  if (days === DATE_INFINITY_DAYS) return 'infinity';
  if (days === -DATE_INFINITY_DAYS) return '-infinity';
  const [year, month, day] = civilFromDays(days);
  const tail = `-${pad(month, 2)}-${pad(day, 2)}`;
  return year > 0 ? `${pad(year, 4)}${tail}` : `${pad(1 - year, 4)}${tail} (BC)`;
}

/** ISO-8601 UTC text with milliseconds, exactly as `Date#toISOString` writes it (±YYYYYY too). */
function timestampString(micros: bigint): string {
  if (micros === TIMESTAMP_INFINITY_MICROS) return 'infinity';
  if (micros === -TIMESTAMP_INFINITY_MICROS) return '-infinity';
  // Split in bigint first: the milliseconds since 1970 of far dates exceed 2^53.
  const millis = floorDiv(micros, MICROS_PER_MILLI);
  const wholeDays = floorDiv(millis, MILLIS_PER_DAY);
  const days = Number(wholeDays);
  let rest = Number(millis - wholeDays * MILLIS_PER_DAY);
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  const [year, month, day] = civilFromDays(days);
  const yearText =
    year >= 0 && year <= 9999 ? pad(year, 4) : `${year < 0 ? '-' : '+'}${pad(Math.abs(year), 6)}`;
  return (
    `${yearText}-${pad(month, 2)}-${pad(day, 2)}T` +
    `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(ms, 3)}Z`
  );
}

/** 'HH:MM:SS', plus all fractional digits of the unit when there is a fraction. */
function timeString(ticks: bigint, ticksPerSecond: bigint, digits: number): string {
  const fraction = ticks % ticksPerSecond;
  const totalSeconds = Number(ticks / ticksPerSecond);
  const seconds = totalSeconds % 60;
  const minutes = Math.floor(totalSeconds / 60) % 60;
  const hours = Math.floor(totalSeconds / 3600);
  const base = `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}`;
  return fraction === 0n ? base : `${base}.${fraction.toString().padStart(digits, '0')}`;
}

/** A parameter or appended value as DuckDB sees it. */
export interface BoundValue {
  readonly value: DuckDBValue;
  readonly type: DuckDBType;
}

/**
 * Chooses the DuckDB type for one parameter: whole numbers bind as INTEGER or BIGINT, other numbers
 * as DOUBLE, strings as VARCHAR.
 *
 * An array of strings binds as a `VARCHAR[]`, of whole numbers as a `BIGINT[]` (list parameters).
 * JS `Date` is rejected on purpose (it has no time-zone-free meaning): pass dates as 'YYYY-MM-DD'.
 * `bigint` and `Uint8Array` are accepted too, for Kysely callers, though `SqlValue` does not list them.
 */
export function toBoundValue(value: unknown, position: number): BoundValue {
  if (value === null || value === undefined) return { value: null, type: SQLNULL };
  switch (typeof value) {
    case 'string':
      return { value, type: VARCHAR };
    case 'boolean':
      return { value, type: BOOLEAN };
    case 'number':
      if (Number.isInteger(value)) {
        if (value >= MIN_INT32 && value <= MAX_INT32) return { value, type: INTEGER };
        if (Number.isSafeInteger(value)) return { value: BigInt(value), type: BIGINT };
      }
      return { value, type: DOUBLE };
    case 'bigint':
      return { value, type: value >= MIN_INT64 && value <= MAX_INT64 ? BIGINT : HUGEINT };
  }
  if (value instanceof Uint8Array) return { value: new DuckDBBlobValue(value), type: BLOB };
  if (Array.isArray(value)) {
    // A list parameter (`in (select unnest($1))`): its items travel as they are, so no
    // character inside a value can split it.
    if (value.every((v) => typeof v === 'string'))
      return { value: listValue(value), type: LIST(VARCHAR) };
    if (value.every((v) => Number.isSafeInteger(v)))
      return { value: listValue(value.map((v: number) => BigInt(v))), type: LIST(BIGINT) };
  }
  throw new TypeError(describeUnsupported(value, `parameter $${position}`));
}

/** The message for a value the binder and appender refuse. */
export function describeUnsupported(value: unknown, where: string): string {
  const what = value instanceof Date ? 'a JS Date' : `a value of type ${typeof value}`;
  return (
    `${where} must be a string, number, boolean or null, but got ${what}` +
    (value instanceof Date ? " (pass dates as 'YYYY-MM-DD' strings)" : '')
  );
}
