import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The warehouse's queries read through Kysely over the typed `Database` (`warehouse/database.ts`):
 * a query file builds its statements with the query builder, or with Kysely's `sql` template
 * where DuckDB has no builder form, never as SQL text handed to the handle. This scan keeps it so.
 */
const ROOT = join(import.meta.dirname, '..');
const QUERY_FOLDERS = ['warehouse/queries', 'warehouse/release'];
/** Builds SQL text for the ETL's own statements; it is not a query file. */
const NOT_QUERIES = new Set(['warehouse/queries/query-params.ts']);

/** What a query file may not contain, with the reason shown on failure. */
const RULES: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  {
    pattern: /\bdb\.(all|run)\s*[<(]/,
    why: 'SQL text handed to the DuckDB handle (db.all / db.run)',
  },
  { pattern: /\.(all|run)<[^>]*>\s*\(\s*[`'"]/, why: 'SQL text handed to a handle' },
  {
    pattern: /(?<![\w.>])[`'"]\s*(select|with|insert|update|delete|create)\s/i,
    why: 'a SQL statement as a plain string (use the builder or the sql`…` template)',
  },
  { pattern: /\.replaceAll\(/, why: 'SQL assembled by string replacement' },
];

function queryFiles(): string[] {
  return QUERY_FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${folder}/${name}`),
  ).filter((file) => !NOT_QUERIES.has(file));
}

/** The rule broken on each line of a source text, as `line: why`. */
export function violations(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, i) =>
      RULES.filter((r) => r.pattern.test(line)).map((r) => `${i + 1}: ${r.why}`),
    );
}

describe('query files', () => {
  it('finds the query files of both folders', () => {
    expect(queryFiles()).toEqual(
      expect.arrayContaining([
        'warehouse/queries/indicator.queries.ts',
        'warehouse/release/review.queries.ts',
      ]),
    );
  });

  it.each(queryFiles())('%s reads through Kysely, with no SQL text of its own', (file) => {
    expect(violations(readFileSync(join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('catches the forms it forbids', () => {
    expect(violations("return db.all<Row>('select 1');")).toHaveLength(3);
    expect(violations('  const rows = await db.all(`select * from t`);')).toHaveLength(2);
    expect(violations('const text = `with x as (select 1) select * from x`;')).toHaveLength(1);
    expect(violations("version.replaceAll('valid_', 'p.valid_')")).toHaveLength(1);
    expect(violations('const q = sql`select ${sql.ref(column)} from t`;')).toEqual([]);
    expect(violations("k.selectFrom('t').select('a').execute();")).toEqual([]);
  });
});
