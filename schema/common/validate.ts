import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../warehouse/domain/years.ts';
import type { ApiContext } from '../context.ts';
import { badInput, pageTooLarge, yearNotLoaded } from './errors.ts';

/**
 * The one rule for arguments: each is checked against what exists in the snapshot being read
 * (sources, loaded years, the rows a cursor points into, the page-size limit), with the same
 * code wherever the argument appears. Resolvers call these in one line each.
 */

/** Longest user value a message repeats whole; longer ones are cut to a prefix and their length. */
export const MAX_ECHOED_VALUE = 40;

/** A user's value as a message quotes it: whole when short, else `'prefix…' (N characters)`. */
export function quoteValue(value: string): string {
  const chars = [...value];
  return chars.length <= MAX_ECHOED_VALUE
    ? `'${value}'`
    : `'${chars.slice(0, MAX_ECHOED_VALUE).join('')}…' (${chars.length} characters)`;
}

/**
 * A `source` argument: null when absent, else its code upper-cased; `BAD_USER_INPUT` naming the
 * known codes when the warehouse has no such source.
 */
export async function checkSource(
  ctx: Pick<ApiContext, 'loaders'>,
  source: string | null | undefined,
  argument = 'source',
): Promise<string | null> {
  if (source === null || source === undefined) return null;
  const code = source.trim().toUpperCase();
  // Read once per snapshot (the loaders keep it under the snapshot's key).
  const known = await ctx.loaders.sourceCodes();
  if (!known.includes(code)) {
    throw badInput(
      `${argument} must be one of ${known.join(', ')}, but got ${quoteValue(source)}`,
      argument,
    );
  }
  return code;
}

/** A list of sources: each checked as {@link checkSource}. */
export async function checkSources(
  ctx: Pick<ApiContext, 'loaders'>,
  sources: readonly string[] | null | undefined,
  argument = 'sources',
): Promise<string[] | null> {
  if (sources === null || sources === undefined) return null;
  return Promise.all(sources.map((s) => checkSource(ctx, s, argument) as Promise<string>));
}

/**
 * A `year` whose figures are read: `BAD_USER_INPUT` outside 1990–2100, `YEAR_NOT_LOADED` (with
 * the years there are) when the data version read has no figures for it. `version` is what
 * `checkAsOfVersion` gave: undefined for the version being served, else the version read (so a
 * year that exists only in the draft is not loaded for a reader of the release).
 */
export async function checkLoadedYear(
  ctx: Pick<ApiContext, 'loaders'>,
  year: number,
  argument = 'year',
  version?: number,
): Promise<void> {
  if (!isYearInRange(year)) {
    throw badInput(
      `${argument} must be from ${FIRST_YEAR} to ${LAST_YEAR}, but got ${year}`,
      argument,
    );
  }
  const visible = (r: { from_version: number; to_version: number | null }) =>
    version === undefined
      ? r.to_version === null
      : r.from_version <= version && (r.to_version === null || r.to_version > version);
  const rows = (await ctx.loaders.loadedYears()).filter(visible);
  const loaded = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  if (!loaded.includes(year)) throw yearNotLoaded(year, loaded);
}

/**
 * A page size `first`: at least 1 (`BAD_USER_INPUT`) and at most the server's limit
 * (`PAGE_SIZE_TOO_LARGE`), the same on every list field.
 */
export function checkPageSize(first: number, limit: number): void {
  if (first < 1) throw badInput(`first must not be less than 1, but got ${first}`, 'first');
  if (first > limit) throw pageTooLarge(first, limit);
}

/**
 * The offset a cursor stands for must point into the rows of this answer (a forged or stale
 * offset is refused, never answered with an empty page).
 */
export function checkCursorOffset(offset: number, rows: number, cursor: string): void {
  if (offset >= rows) {
    throw badInput(
      `after must be a cursor from a previous page of this query, but got ${quoteValue(cursor)}`,
      'after',
    );
  }
}
