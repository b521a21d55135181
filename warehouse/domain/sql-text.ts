import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
} from 'kysely';

/**
 * A Kysely that only compiles, with the Postgres compiler the DuckDB dialect reuses
 * (`warehouse/dialect/kysely-dialect.ts`), so an expression reads as text exactly as it would run.
 */
const COMPILER = new Kysely<never>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * The SQL text of a domain expression, for the statements still written as SQL text (the ETL's
 * staging and validation steps, the publish's report rows): the same expression that a Kysely
 * query embeds, so the two cannot drift. The expression must hold no parameter (its values are
 * `sql.lit`, its inputs `sql.ref` or `sql.raw` of SQL from the code itself, never a user's value).
 */
export function sqlText(expression: RawBuilder<unknown>): string {
  const compiled = expression.compile(COMPILER);
  if (compiled.parameters.length > 0)
    throw new Error(`a domain SQL fragment took a parameter: ${compiled.sql}`);
  return compiled.sql;
}
