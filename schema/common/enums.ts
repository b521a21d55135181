import { registerEnumType } from 'type-graphql';
import {
  ADMIN_LEVELS,
  BOUNDARIES,
  INDICATOR_KINDS,
  ORG_TYPES,
  SECTORS_AND_TOTAL,
  TOPICS,
  VALUE_ORIGINS,
} from '../../warehouse/domain/vocabulary.ts';
import { VALUE_STATUSES } from '../../warehouse/domain/value-status.ts';

/** The enum object of a closed list: every code named by itself, in the list's order. */
export function enumOf<const T extends string>(codes: readonly T[]): { readonly [K in T]: K } {
  return Object.fromEntries(codes.map((code) => [code, code])) as { readonly [K in T]: K };
}

/**
 * Registers `values` (name → value) as the GraphQL enum `name`, with a description on the type
 * and one on every value: the compiler refuses a value left without one. Returns `values`.
 */
export function registerEnum<E extends Readonly<Record<string, string>>>(
  values: E,
  name: string,
  description: string,
  valueDescriptions: Readonly<Record<keyof E, string>>,
): E {
  const valuesConfig = Object.fromEntries(
    Object.entries<string>(valueDescriptions).map(([value, text]) => [
      value,
      { description: text },
    ]),
  ) as Partial<Record<keyof E, { description: string }>>;
  registerEnumType(values, { name, description, valuesConfig });
  return values;
}

/** Boundaries a figure is shown on (the domain's `BOUNDARIES`). */
export const Boundaries = registerEnum(
  enumOf(BOUNDARIES),
  'Boundaries',
  'Which administrative boundaries figures are shown on.',
  {
    AS_REPORTED: 'The units as they were in the reporting year (63 provinces until 30 June 2025).',
    CURRENT:
      'Re-aggregated onto the 34 provinces valid since 1 July 2025 through the crosswalk; a merged province has a value only when every province merged into it reported one.',
  },
);
export type Boundaries = (typeof BOUNDARIES)[number];

/** Level of an administrative unit (the domain's `ADMIN_LEVELS`). */
export const AdminLevel = registerEnum(
  enumOf(ADMIN_LEVELS),
  'AdminLevel',
  'Level of an administrative unit (the district level was abolished on 1 July 2025).',
  {
    NATION: 'Viet Nam as a whole.',
    PROVINCE: 'Province or centrally-run city (63 until 30 June 2025, 34 since 1 July 2025).',
  },
);
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

/** Organisation types of the collective economy (the domain's `ORG_TYPES`). */
export const OrgType = registerEnum(
  enumOf(ORG_TYPES),
  'OrgType',
  'Type of collective-economy organisation.',
  {
    THT: 'Cooperative group (tổ hợp tác).',
    HTX: 'Cooperative (hợp tác xã).',
    LHHTX: 'Cooperative union (liên hiệp hợp tác xã); its members are cooperatives.',
    QTDND: "People's credit fund (quỹ tín dụng nhân dân), a cooperative in the credit sector.",
  },
);
export type OrgType = (typeof ORG_TYPES)[number];

/** Sectors, plus ALL for a total over sectors (the domain's `SECTORS_AND_TOTAL`). */
export const Sector = registerEnum(
  enumOf(SECTORS_AND_TOTAL),
  'Sector',
  'Sector of activity; ALL is the total over sectors (never added to the sector rows).',
  {
    ALL: 'All sectors together (the total).',
    AGRICULTURE: 'Agriculture, forestry and fisheries (nông nghiệp).',
    INDUSTRY_HANDICRAFT: 'Industry and handicraft (công nghiệp - tiểu thủ công nghiệp).',
    CONSTRUCTION: 'Construction (xây dựng).',
    TRANSPORT: 'Transport (vận tải).',
    TRADE_SERVICES: 'Trade and services (thương mại - dịch vụ).',
    CREDIT: "Credit (tín dụng): people's credit funds.",
    ENVIRONMENT: 'Environmental services (môi trường).',
    OTHER: 'Other sectors (khác).',
  },
);
export type Sector = (typeof SECTORS_AND_TOTAL)[number];

/** How a figure was published (the domain's `VALUE_STATUSES`). */
export const ValueStatus = registerEnum(
  enumOf(VALUE_STATUSES),
  'ValueStatus',
  'How a figure was published.',
  {
    REPORTED: 'Final reported figure.',
    ESTIMATED: 'Estimate (ước), published before the year closed.',
    PROVISIONAL: 'Preliminary figure (sơ bộ).',
  },
);
export type ValueStatus = (typeof VALUE_STATUSES)[number];

/** Topics of the indicator registry (the domain's `TOPICS`). */
export const Topic = registerEnum(enumOf(TOPICS), 'Topic', 'Topic of an indicator.', {
  MEMBERSHIP: 'Organisations and members.',
  VALUE_CHAIN: 'Value-chain linkages and links with enterprises.',
  HIGH_TECH: 'High technology and digital transformation.',
  QUALITY: 'Ratings and operating effectively.',
  CAPACITY: 'Workers, managers, training, income.',
  CONTEXT: 'Population and administrative context.',
});
export type Topic = (typeof TOPICS)[number];

/** How an indicator's value is computed from its parts (the domain's `INDICATOR_KINDS`). */
export const IndicatorKind = registerEnum(
  enumOf(INDICATOR_KINDS),
  'IndicatorKind',
  'How a value is computed from its numerator and denominator.',
  {
    COUNT: 'The numerator itself (a count).',
    SHARE: '100 × numerator ÷ denominator, percent.',
    RATIO: 'Numerator ÷ denominator.',
    PER_POPULATION: '100 × numerator ÷ population, percent.',
    AVERAGE: 'A reported average, weighted by its denominator when units are combined.',
  },
);
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];

/** Where a value came from (the domain's `VALUE_ORIGINS`). */
export const ValueOrigin = registerEnum(
  enumOf(VALUE_ORIGINS),
  'ValueOrigin',
  'Where a value came from.',
  {
    FACTS: 'Computed from counts by the registry formula.',
    PUBLISHED: 'A figure published without its counts (a share, for instance).',
  },
);
export type ValueOrigin = (typeof VALUE_ORIGINS)[number];
