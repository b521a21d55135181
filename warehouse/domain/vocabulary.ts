import { sql, type Expression, type RawBuilder } from 'kysely';
import { sqlText } from './sql-text.ts';

/**
 * The closed vocabularies of the collective economy, one list each, as the warehouse stores them
 * and the API names them. Input files may spell them in Vietnamese or English: those spellings
 * belong to the ETL (`etl/sources/vocabulary.ts`), which maps them onto these codes. SQL that
 * needs one of these sets is generated from the list here, so adding a code is one edit.
 */

/** Organisation types of the collective economy: cooperative group, cooperative, union, credit fund. */
export const ORG_TYPES = ['THT', 'HTX', 'LHHTX', 'QTDND'] as const;
/** One of {@link ORG_TYPES}. */
export type OrgType = (typeof ORG_TYPES)[number];

/**
 * SQL: the position of an organisation type (a column or expression) in {@link ORG_TYPES}, from
 * 0 — the order of the rows in a report; -1 for anything else.
 */
export function orgTypeRankExpression(orgType: Expression<string | null>): RawBuilder<number> {
  const whens = ORG_TYPES.map((t, i) => sql`when ${sql.lit(t)} then ${sql.lit(i)}`);
  return sql<number>`case ${orgType} ${sql.join(whens, sql` `)} else -1 end`;
}

/** {@link orgTypeRankExpression} as SQL text; `expr` is SQL of the code, never a value. */
export const orgTypeRankSql = (expr: string): string =>
  sqlText(orgTypeRankExpression(sql.raw<string | null>(expr)));

/**
 * The families of input files an office loads (DESIGN §4c): province aggregates (one row per
 * province × year × organisation type × sector) and the organisation register (one row per
 * organisation × year). The loader, the CLI, the upload route and the templates accept these.
 */
export const INPUT_FAMILIES = ['aggregates', 'register'] as const;
/** One of {@link INPUT_FAMILIES}. */
export type InputFamily = (typeof INPUT_FAMILIES)[number];

/** Sectors of activity (DESIGN §4c). */
export const SECTORS = [
  'AGRICULTURE',
  'INDUSTRY_HANDICRAFT',
  'CONSTRUCTION',
  'TRANSPORT',
  'TRADE_SERVICES',
  'CREDIT',
  'ENVIRONMENT',
  'OTHER',
] as const;
/** One of {@link SECTORS}. */
export type Sector = (typeof SECTORS)[number];

/** The sector code of a total over sectors: stored when a figure has no sector breakdown. */
export const ALL_SECTORS = 'ALL';
/** The sectors a figure can be given for, the total first: what the API's `Sector` names. */
export const SECTORS_AND_TOTAL = [ALL_SECTORS, ...SECTORS] as const;
/** One of {@link SECTORS_AND_TOTAL}. */
export type SectorOrTotal = (typeof SECTORS_AND_TOTAL)[number];

/**
 * The sectors an organisation of each type can work in: a people's credit fund is a cooperative
 * of the credit sector; groups, cooperatives and unions may be in any sector. Sector rows of a
 * type are **complete** for a province and year when every sector listed here has a row (a
 * sector without organisations says 0): only then is their sum the type's all-sector total.
 */
export const SECTORS_OF_ORG_TYPE: Readonly<Record<OrgType, readonly Sector[]>> = {
  THT: SECTORS,
  HTX: SECTORS,
  LHHTX: SECTORS,
  QTDND: ['CREDIT'],
};

/** Which organisations a count covers (DESIGN §4b: the two universes differ). */
export const UNIVERSES = ['REGISTERED', 'OPERATING_WITH_RESULTS'] as const;
/** One of {@link UNIVERSES}. */
export type Universe = (typeof UNIVERSES)[number];

/** Ratings of an organisation (good 80–100, fair 65–<80, average 50–<65, weak < 50, not rated). */
export const RATINGS = ['GOOD', 'FAIR', 'AVERAGE', 'WEAK', 'NOT_RATED'] as const;
/** One of {@link RATINGS}. */
export type Rating = (typeof RATINGS)[number];

/** Legal status of an organisation, from the closed list of DESIGN §4b. */
export const LEGAL_STATUSES = [
  'OPERATING',
  'SUSPENDED',
  'DISSOLVED',
  'BANKRUPT',
  'CEASED',
  'CONVERTED',
] as const;
/** One of {@link LEGAL_STATUSES}. */
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

/**
 * The boundaries a figure is shown on: as reported (the units of the reporting year), or current
 * (old units' figures summed onto the units valid today through the 2025 crosswalk).
 */
export const BOUNDARIES = ['AS_REPORTED', 'CURRENT'] as const;
/** One of {@link BOUNDARIES}. */
export type Boundaries = (typeof BOUNDARIES)[number];

/** Levels of an administrative unit (the district level was abolished on 1 July 2025). */
export const ADMIN_LEVELS = ['NATION', 'PROVINCE'] as const;
/** One of {@link ADMIN_LEVELS}. */
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

/** Topic an indicator is shown under; `CONTEXT` holds non-statistical figures (population, units). */
export const TOPICS = [
  'MEMBERSHIP',
  'VALUE_CHAIN',
  'HIGH_TECH',
  'QUALITY',
  'CAPACITY',
  'CONTEXT',
] as const;
/** One of {@link TOPICS}. */
export type Topic = (typeof TOPICS)[number];

/**
 * How an indicator is computed from its operands. COUNT: the numerator. SHARE: 100 × num / den.
 * RATIO: num / den. PER_POPULATION: 100 × num / population. AVERAGE: the mean of a reported
 * average (the numerator, e.g. income per worker) weighted by the denominator (e.g. workers), so
 * it can be recomputed across units instead of averaging averages.
 */
export const INDICATOR_KINDS = ['COUNT', 'SHARE', 'RATIO', 'PER_POPULATION', 'AVERAGE'] as const;
/** One of {@link INDICATOR_KINDS}. */
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/**
 * SQL: an indicator's value by its kind (a column or expression holding one of
 * {@link INDICATOR_KINDS}) from its numerator and denominator; percentages and ratios are null
 * when the denominator is 0. `average` is the value of an AVERAGE (the numerator for one unit; a
 * mean weighted by the denominators across units).
 */
export function indicatorValueExpression(
  kind: Expression<string | null>,
  numerator: Expression<number | null>,
  denominator: Expression<number | null>,
  average: Expression<number | null> = numerator,
): RawBuilder<number | null> {
  const formulas: Readonly<Record<IndicatorKind, RawBuilder<number | null>>> = {
    COUNT: sql`${numerator}`,
    SHARE: sql`100 * ${numerator} / nullif(${denominator}, 0)`,
    RATIO: sql`${numerator} / nullif(${denominator}, 0)`,
    PER_POPULATION: sql`100 * ${numerator} / nullif(${denominator}, 0)`,
    AVERAGE: sql`${average}`,
  };
  const whens = INDICATOR_KINDS.map((k) => sql`when ${sql.lit(k)} then ${formulas[k]}`);
  return sql<number | null>`case ${kind} ${sql.join(whens, sql` `)} end`;
}

/** {@link indicatorValueExpression} over SQL text of the code (column names, never values). */
export const indicatorValueSql = (
  kind: string,
  numerator: string,
  denominator: string,
  average: string = numerator,
): string =>
  sqlText(
    indicatorValueExpression(
      sql.raw<string | null>(kind),
      sql.raw<number | null>(numerator),
      sql.raw<number | null>(denominator),
      sql.raw<number | null>(average),
    ),
  );

/** Where an indicator value came from: computed from the facts, or a figure published as such. */
export const VALUE_ORIGINS = ['FACTS', 'PUBLISHED'] as const;
/** One of {@link VALUE_ORIGINS}. */
export type ValueOrigin = (typeof VALUE_ORIGINS)[number];

/**
 * How an alternative wording relates to the target it words: a `PARAPHRASE` (e.g. an English press
 * rendering that reads differently) or a `CITATION` (a provincial plan quoting a national target).
 */
export const WORDING_KINDS = ['PARAPHRASE', 'CITATION'] as const;
/** One of {@link WORDING_KINDS}. */
export type WordingKind = (typeof WORDING_KINDS)[number];

/**
 * The first reporting year under the Law on Cooperatives 17/2023/QH15 (in force 1 July 2024);
 * earlier years fall under Law 23/2012/QH13.
 */
export const LAW_2023_FROM_YEAR = 2024;

/**
 * The legal minimum of members of one organisation of each type, under the 2023 law and under
 * the 2012 law before it (DESIGN §4b): a figure below it is a warning, never a refusal.
 */
export const LEGAL_MINIMUM_MEMBERS: Readonly<
  Record<OrgType, { readonly law2023: number; readonly law2012: number }>
> = {
  THT: { law2023: 2, law2012: 2 },
  HTX: { law2023: 5, law2012: 7 },
  LHHTX: { law2023: 3, law2012: 4 },
  QTDND: { law2023: 5, law2012: 7 },
};

/**
 * SQL: the legal minimum of members ({@link LEGAL_MINIMUM_MEMBERS}) for the organisation type and
 * reporting year expressions; null for a type outside {@link ORG_TYPES}.
 */
export function legalMinimumMembersExpression(
  orgType: Expression<string | null>,
  year: Expression<number | null>,
): RawBuilder<number | null> {
  const whens = ORG_TYPES.map((t) => {
    const { law2023, law2012 } = LEGAL_MINIMUM_MEMBERS[t];
    return sql`when ${sql.lit(t)} then case when ${year} >= ${sql.lit(LAW_2023_FROM_YEAR)} then ${sql.lit(law2023)} else ${sql.lit(law2012)} end`;
  });
  return sql<number | null>`(case ${orgType} ${sql.join(whens, sql` `)} end)`;
}

/** {@link legalMinimumMembersExpression} as SQL text of the code (column names, never values). */
export const legalMinimumMembersSql = (orgType: string, year: string): string =>
  sqlText(
    legalMinimumMembersExpression(sql.raw<string | null>(orgType), sql.raw<number | null>(year)),
  );
