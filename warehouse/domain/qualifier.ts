import { sql, type Expression, type RawBuilder } from 'kysely';
import { sqlText } from './sql-text.ts';

/**
 * The qualifier of a published value: how the source's own words hedge the number. One closed
 * set for the whole warehouse (reference files, load formats, progress, API), because a bound
 * decides what can be said about a value: "gần 6 triệu" (nearly 6 million) is at most 6 million,
 * "trên 31 nghìn" (more than 31 thousand) at least 31 thousand.
 */

/**
 * - `EXACT`: no hedge word; the number is the figure.
 * - `ABOUT`: "khoảng", "xấp xỉ", "ước" (about, approximately, estimated) — either side.
 * - `MORE_THAN`: "trên", "hơn" (over, more than) — the figure is a lower bound, strictly above.
 * - `NEARLY`: "gần" (nearly, almost) — the figure is an upper bound, just below.
 * - `AT_LEAST`: "ít nhất", "tối thiểu" (at least) — a lower bound, equal allowed.
 */
export const QUALIFIERS = ['EXACT', 'ABOUT', 'MORE_THAN', 'NEARLY', 'AT_LEAST'] as const;
/** One of {@link QUALIFIERS}. */
export type Qualifier = (typeof QUALIFIERS)[number];

/** Which side a qualified figure bounds the true value from; `NONE` for exact and "about". */
export type BoundSide = 'LOWER' | 'UPPER' | 'NONE';

/** The side a qualifier bounds: MORE_THAN and AT_LEAST give a lower bound, NEARLY an upper one. */
export function boundSideOf(qualifier: Qualifier): BoundSide {
  if (qualifier === 'MORE_THAN' || qualifier === 'AT_LEAST') return 'LOWER';
  if (qualifier === 'NEARLY') return 'UPPER';
  return 'NONE';
}

/**
 * Hedge words, Vietnamese first, with the English of sources that only exist in English. Longer
 * phrases first so that "ít nhất" wins over a shorter word inside it.
 */
export const HEDGE_WORDS: readonly { readonly words: string; readonly qualifier: Qualifier }[] = [
  { words: 'xấp xỉ', qualifier: 'ABOUT' },
  { words: 'ít nhất', qualifier: 'AT_LEAST' },
  { words: 'tối thiểu', qualifier: 'AT_LEAST' },
  { words: 'at least', qualifier: 'AT_LEAST' },
  { words: 'more than', qualifier: 'MORE_THAN' },
  { words: 'approximately', qualifier: 'ABOUT' },
  { words: 'khoảng', qualifier: 'ABOUT' },
  { words: 'ước', qualifier: 'ABOUT' },
  { words: 'about', qualifier: 'ABOUT' },
  { words: 'around', qualifier: 'ABOUT' },
  { words: 'trên', qualifier: 'MORE_THAN' },
  { words: 'hơn', qualifier: 'MORE_THAN' },
  { words: 'over', qualifier: 'MORE_THAN' },
  { words: 'gần', qualifier: 'NEARLY' },
  { words: 'nearly', qualifier: 'NEARLY' },
  { words: 'almost', qualifier: 'NEARLY' },
];

/** The spellings a load file may write a qualifier in: the hedge words, and "chính xác" for exact. */
export const QUALIFIER_ALIASES: Readonly<Record<Qualifier, readonly string[]>> = {
  EXACT: ['chính xác', 'exact'],
  ABOUT: HEDGE_WORDS.filter((h) => h.qualifier === 'ABOUT').map((h) => h.words),
  MORE_THAN: HEDGE_WORDS.filter((h) => h.qualifier === 'MORE_THAN').map((h) => h.words),
  NEARLY: HEDGE_WORDS.filter((h) => h.qualifier === 'NEARLY').map((h) => h.words),
  AT_LEAST: HEDGE_WORDS.filter((h) => h.qualifier === 'AT_LEAST').map((h) => h.words),
};

/** Words that may stand between a hedge word and its number ("ước đạt 4.431", "hơn là 5"). */
const FILLER = new Set(['đạt', 'tính', 'là', 'có', 'tới', 'reached', 'of']);
const MULTIPLIERS: Record<string, number> = {
  nghìn: 1e3,
  ngàn: 1e3,
  thousand: 1e3,
  triệu: 1e6,
  million: 1e6,
  tỷ: 1e9,
  tỉ: 1e9,
  billion: 1e9,
};
const NUMBER = /\d[\d.,]*\d|\d/gu;

/** The readings of a number written either way: 5.935 / 5,8 (Vietnamese) or 5,935 / 5.8 (English). */
function readings(token: string): number[] {
  const vi = Number(token.replaceAll('.', '').replace(',', '.'));
  const en = Number(token.replaceAll(',', ''));
  return [vi, en].filter((n) => Number.isFinite(n));
}

/**
 * Reads the qualifier of `value` from the words of its quote: the hedge word written right
 * before the number that gives `value` (allowing the scale word after it: "gần 6 triệu" = nearly
 * 6,000,000). A hedge word elsewhere in the sentence qualifies another number ("khoảng 70%" says
 * nothing about the 17.000 of the same sentence), so it is not taken. Returns `null` when the
 * quote does not contain the number at all: the caller then decides (see {@link qualifierOf}).
 */
export function qualifierOfQuote(quote: string, value: number): Qualifier | null {
  const text = quote.normalize('NFC');
  let found: Qualifier | null = null;
  for (const match of text.matchAll(NUMBER)) {
    const after = text
      .slice(match.index + match[0].length)
      .trimStart()
      .split(/[\s)(,;.]/u)[0]!
      .toLowerCase();
    const scale = MULTIPLIERS[after] ?? 1;
    // A figure may be stored in the scale word's unit (4.431 "triệu đồng" as 4,431 VND million).
    const same = readings(match[0]).some((n) =>
      [n * scale, n].some((v) => Math.abs(v - value) <= Math.max(1e-9, Math.abs(value) * 0.005)),
    );
    if (!same) continue;
    const before = text
      .slice(0, match.index)
      .toLowerCase()
      .split(/[\s(]+/u)
      .filter(Boolean);
    while (before.length > 0 && FILLER.has(before[before.length - 1]!)) before.pop();
    const tail = before.slice(-2).join(' ');
    const hedge = HEDGE_WORDS.find(
      (h) => tail === h.words || tail.endsWith(` ${h.words}`) || before.at(-1) === h.words,
    );
    const q = hedge?.qualifier ?? 'EXACT';
    // The first mention of the number decides; a hedged mention wins over a bare repeat.
    if (found === null || (found === 'EXACT' && q !== 'EXACT')) found = q;
  }
  return found;
}

/**
 * The qualifier of a published figure: from its quote when the quote holds the number, else
 * `ABOUT` when the file flags it approximate (a figure transcribed from a rounded statement),
 * else `EXACT`.
 */
export function qualifierOf(quote: string | null, value: number, approximate: boolean): Qualifier {
  const fromQuote = quote ? qualifierOfQuote(quote, value) : null;
  if (fromQuote !== null && (fromQuote !== 'EXACT' || !approximate)) return fromQuote;
  return approximate ? 'ABOUT' : 'EXACT';
}

/** The sign a qualifier is printed with: "≥", ">", "≤" for nearly (an upper bound), "≈", or "". */
export function qualifierSign(qualifier: Qualifier): string {
  switch (qualifier) {
    case 'MORE_THAN':
      return '>';
    case 'AT_LEAST':
      return '≥';
    case 'NEARLY':
      return '≤';
    case 'ABOUT':
      return '≈';
    default:
      return '';
  }
}

/**
 * What each qualifier says about the true value, as the rules that combine qualifiers are
 * written on it: `lower` — the true value is at least the figure; `upper` — at most the figure;
 * `strict` — the lower bound is not reached ("trên"/"hơn": more than). ABOUT is either side.
 */
export const QUALIFIER_BOUNDS: Readonly<
  Record<Qualifier, { readonly lower: boolean; readonly upper: boolean; readonly strict: boolean }>
> = {
  EXACT: { lower: false, upper: false, strict: false },
  AT_LEAST: { lower: true, upper: false, strict: false },
  MORE_THAN: { lower: true, upper: false, strict: true },
  NEARLY: { lower: false, upper: true, strict: false },
  ABOUT: { lower: true, upper: true, strict: false },
};

const LOWER = 1;
const UPPER = 2;
const STRICT = 4;

/** The bits of a qualifier: 1 lower bound, 2 upper bound, 4 strictly above (both bits: ABOUT). */
export function qualifierMask(qualifier: Qualifier): number {
  const b = QUALIFIER_BOUNDS[qualifier];
  return (b.lower ? LOWER : 0) | (b.upper ? UPPER : 0) | (b.strict && !b.upper ? STRICT : 0);
}

/** The qualifier a set of bits stands for: bounds on both sides give ABOUT. */
export function qualifierOfMask(mask: number): Qualifier {
  const sides = mask & (LOWER | UPPER);
  if (sides === (LOWER | UPPER)) return 'ABOUT';
  if (sides === LOWER) return mask & STRICT ? 'MORE_THAN' : 'AT_LEAST';
  if (sides === UPPER) return 'NEARLY';
  return 'EXACT';
}

/**
 * The qualifier of a sum of parts (all non-negative): exact parts add nothing; a lower bound
 * makes the sum a lower bound (strict if any part is strict: 100 + more than 50 is more than
 * 150); an upper bound an upper bound; bounds in both directions, or any ABOUT, give ABOUT.
 */
export function qualifierOfSum(parts: readonly Qualifier[]): Qualifier {
  return qualifierOfMask(parts.reduce((m, q) => m | qualifierMask(q), 0));
}

/**
 * The qualifier of `1 / x` where `x` has `qualifier`: a lower bound of a denominator is an upper
 * bound of the ratio (a share of "more than 33,557" is at most the share of 33,557), and the
 * reverse; strictness is not kept (the only upper-bound qualifier is NEARLY).
 */
export function invertQualifier(qualifier: Qualifier): Qualifier {
  const m = qualifierMask(qualifier);
  return qualifierOfMask((m & LOWER ? UPPER : 0) | (m & UPPER ? LOWER : 0));
}

/**
 * The qualifier of `numerator ÷ denominator` (shares, ratios, per population): the numerator's
 * bound as it is, the denominator's turned round, combined like a sum. Numerator at least and
 * denominator exact: at least; numerator exact and denominator at least: nearly (at most);
 * numerator and denominator both lower bounds: the directions are mixed, so ABOUT.
 */
export function qualifierOfRatio(numerator: Qualifier, denominator: Qualifier): Qualifier {
  return qualifierOfSum([numerator, invertQualifier(denominator)]);
}

/** SQL: the bits ({@link qualifierMask}) of a qualifier column or expression; null is EXACT. */
export function qualifierMaskExpression(qualifier: Expression<string | null>): RawBuilder<number> {
  const whens = QUALIFIERS.map((q) => sql`when ${sql.lit(q)} then ${sql.lit(qualifierMask(q))}`);
  return sql<number>`(case ${qualifier} ${sql.join(whens, sql` `)} else 0 end)`;
}

/** SQL: the bits of `1 / x` from the bits of `x` ({@link invertQualifier}). */
export function invertMaskExpression(mask: Expression<number>): RawBuilder<number> {
  const [lower, upper] = [sql.lit(LOWER), sql.lit(UPPER)];
  return sql<number>`((case when (${mask}) & ${lower} <> 0 then ${upper} else 0 end) | (case when (${mask}) & ${upper} <> 0 then ${lower} else 0 end))`;
}

/**
 * SQL: the qualifier of a set of bits ({@link qualifierOfMask}); combine parts first with
 * `bit_or` (over rows) or `|` (between columns), as {@link qualifierOfSum} does.
 */
export function qualifierOfMaskExpression(mask: Expression<number | null>): RawBuilder<Qualifier> {
  const whens = Array.from(
    { length: 8 },
    (_, m) => sql`when ${sql.lit(m)} then ${sql.lit(qualifierOfMask(m))}`,
  );
  return sql<Qualifier>`(case (${mask}) ${sql.join(whens, sql` `)} end)`;
}

/** {@link qualifierMaskExpression} as SQL text; `expr` is SQL of the code, never a value. */
export const qualifierMaskSql = (expr: string): string =>
  sqlText(qualifierMaskExpression(sql.raw<string | null>(expr)));

/** {@link invertMaskExpression} as SQL text; `mask` is SQL of the code, never a value. */
export const invertMaskSql = (mask: string): string =>
  sqlText(invertMaskExpression(sql.raw<number>(mask)));

/** {@link qualifierOfMaskExpression} as SQL text; `mask` is SQL of the code, never a value. */
export const qualifierOfMaskSql = (mask: string): string =>
  sqlText(qualifierOfMaskExpression(sql.raw<number | null>(mask)));
