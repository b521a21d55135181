/**
 * The years coopstat speaks of — a reporting year, a plan's year, the year progress is judged as
 * of: 1990 to 2100. A year outside them is a typing slip (`2205` for `2025`), refused in the same
 * words by the API, the command line and the catalog checks.
 */
export const FIRST_YEAR = 1990;
export const LAST_YEAR = 2100;

/** Whether `year` is a whole year from {@link FIRST_YEAR} to {@link LAST_YEAR}. */
export function isYearInRange(year: number): boolean {
  return Number.isInteger(year) && year >= FIRST_YEAR && year <= LAST_YEAR;
}
