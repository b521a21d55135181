import type { SqlValue } from '../dialect/index.ts';

/**
 * Collects positional parameters while a query is assembled, so every user value reaches SQL as
 * a parameter; only identifiers from the code itself are ever spliced into the text.
 */
export class QueryParams {
  readonly values: SqlValue[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** `column in (…)` for a list given as one parameter; `true` when the list is absent. */
  in(column: string, values: readonly string[] | undefined): string {
    if (values === undefined) return 'true';
    if (values.length === 0) return 'false';
    return `${column} in (select unnest(string_split(${this.add(values.join('\u001f'))}, '\u001f')))`;
  }

  /** Same as {@link in} for whole numbers. */
  inNumbers(column: string, values: readonly number[] | undefined): string {
    if (values === undefined) return 'true';
    if (values.length === 0) return 'false';
    return `${column} in (select unnest(string_split(${this.add(values.join(','))}, ','))::integer)`;
  }
}
