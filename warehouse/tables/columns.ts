/**
 * The runtime description of a table's columns, typed against its row: every `tables/*.table.ts`
 * exports one, `warehouse/database.ts` gathers them beside the Kysely `Database`, and a test
 * compares them with DuckDB's catalog of a freshly initialised warehouse. A row field without
 * its column, a column without its field, a SQL type whose reading does not fit the field, or a
 * field that admits null over a `NOT NULL` column does not compile.
 */

/** A share as the API exposes it: `percent` = 100 × numerator ÷ denominator, null when either is missing or the denominator is 0. */
export interface RatioValue {
  percent: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** The SQL type of a {@link RatioValue} column. */
export const RATIO_SQL_TYPE = 'struct(percent double, numerator bigint, denominator bigint)';

/**
 * The SQL types the warehouse's tables use, with what a read through the dialect returns for each
 * (`warehouse/dialect/value-policy.ts`): BIGINT as a range-checked `number`, DATE as
 * `'YYYY-MM-DD'`, TIMESTAMP as an ISO-8601 UTC string.
 */
export interface SqlReadings {
  VARCHAR: string;
  INTEGER: number;
  BIGINT: number;
  DOUBLE: number;
  BOOLEAN: boolean;
  DATE: string;
  TIMESTAMP: string;
  'INTEGER[]': number[];
  'VARCHAR[]': string[];
  [RATIO_SQL_TYPE]: RatioValue;
}

/** One of the SQL types of {@link SqlReadings}. */
export type SqlType = keyof SqlReadings;

/** A column: its SQL type and whether it may hold null. */
export interface Column {
  readonly type: SqlType;
  readonly nullable: boolean;
}

/** A `NOT NULL` column of `type`. */
export const required = <T extends SqlType>(type: T) => ({ type, nullable: false }) as const;
/** A column of `type` that may hold null. */
export const optional = <T extends SqlType>(type: T) => ({ type, nullable: true }) as const;

/**
 * The columns a row field of type `F` may be: a SQL type whose reading holds every value of `F`
 * (a domain code such as `'FACTS' | 'PUBLISHED'` in a VARCHAR), nullable when `F` admits null. A
 * field without null may stand on a nullable column that every writer fills (the report's shares,
 * always a struct).
 */
type ColumnFor<F> = {
  [T in SqlType]: NonNullable<F> extends SqlReadings[T]
    ? { readonly type: T; readonly nullable: null extends F ? true : boolean }
    : never;
}[SqlType];

/** The columns of a table whose rows are `Row`: one per field, each fitting its field. */
export type TableColumns<Row> = { readonly [K in keyof Row]-?: ColumnFor<Row[K]> };

/** The row a set of columns reads as: each column's reading, or null where it is nullable. */
export type RowOf<C extends Readonly<Record<string, Column>>> = {
  -readonly [K in keyof C]:
    SqlReadings[C[K]['type']] | (C[K]['nullable'] extends true ? null : never);
};

/** A column of a list descriptor (`FACT_MEASURES`, …): `sqlType` may end in ` NOT NULL`. */
type ListedColumn = { readonly name: string; readonly sqlType: string };

/** The {@link Column} a listed SQL type stands for. */
type ColumnOfListed<S extends string> = S extends `${infer T extends SqlType} NOT NULL`
  ? { readonly type: T; readonly nullable: false }
  : S extends SqlType
    ? { readonly type: S; readonly nullable: true }
    : never;

/**
 * The columns of a list descriptor, in list order, keyed by name: a type without ` NOT NULL` is
 * nullable. Lets a table whose columns are generated from a list (the fact measures, the
 * register's fields) describe them without writing them again.
 */
export function columnsOfList<const L extends readonly ListedColumn[]>(
  list: L,
): { readonly [E in L[number] as E['name']]: ColumnOfListed<E['sqlType']> } {
  return Object.fromEntries(
    list.map((c) => {
      const type = c.sqlType.replace(/ NOT NULL$/, '');
      return [c.name, { type, nullable: type === c.sqlType }];
    }),
  ) as never;
}
