import { registerEnumType } from 'type-graphql';

/** Boundaries a figure is shown on. */
export enum Boundaries {
  AS_REPORTED = 'AS_REPORTED',
  CURRENT = 'CURRENT',
}
registerEnumType(Boundaries, {
  name: 'Boundaries',
  description: 'Which administrative boundaries figures are shown on.',
  valuesConfig: {
    AS_REPORTED: {
      description:
        'The units as they were in the reporting year (63 provinces until 30 June 2025).',
    },
    CURRENT: {
      description:
        'Re-aggregated onto the 34 provinces valid since 1 July 2025 through the crosswalk; a merged province has a value only when every province merged into it reported one.',
    },
  },
});

/** Level of an administrative unit. */
export enum AdminLevel {
  NATION = 'NATION',
  PROVINCE = 'PROVINCE',
}
registerEnumType(AdminLevel, {
  name: 'AdminLevel',
  description: 'Level of an administrative unit (the district level was abolished on 1 July 2025).',
  valuesConfig: {
    NATION: { description: 'Viet Nam as a whole.' },
    PROVINCE: {
      description: 'Province or centrally-run city (63 until 30 June 2025, 34 since 1 July 2025).',
    },
  },
});

/** Organisation types of the collective economy. */
export enum OrgType {
  THT = 'THT',
  HTX = 'HTX',
  LHHTX = 'LHHTX',
  QTDND = 'QTDND',
}
registerEnumType(OrgType, {
  name: 'OrgType',
  description: 'Type of collective-economy organisation.',
  valuesConfig: {
    THT: { description: 'Cooperative group (tổ hợp tác).' },
    HTX: { description: 'Cooperative (hợp tác xã).' },
    LHHTX: {
      description: 'Cooperative union (liên hiệp hợp tác xã); its members are cooperatives.',
    },
    QTDND: {
      description:
        "People's credit fund (quỹ tín dụng nhân dân), a cooperative in the credit sector.",
    },
  },
});

/** Sectors, plus ALL for a total over sectors. */
export enum Sector {
  ALL = 'ALL',
  AGRICULTURE = 'AGRICULTURE',
  INDUSTRY_HANDICRAFT = 'INDUSTRY_HANDICRAFT',
  CONSTRUCTION = 'CONSTRUCTION',
  TRANSPORT = 'TRANSPORT',
  TRADE_SERVICES = 'TRADE_SERVICES',
  CREDIT = 'CREDIT',
  ENVIRONMENT = 'ENVIRONMENT',
  OTHER = 'OTHER',
}
registerEnumType(Sector, {
  name: 'Sector',
  description:
    'Sector of activity; ALL is the total over sectors (never added to the sector rows).',
  valuesConfig: {
    ALL: { description: 'All sectors together (the total).' },
    AGRICULTURE: { description: 'Agriculture, forestry and fisheries (nông nghiệp).' },
    INDUSTRY_HANDICRAFT: {
      description: 'Industry and handicraft (công nghiệp - tiểu thủ công nghiệp).',
    },
    CONSTRUCTION: { description: 'Construction (xây dựng).' },
    TRANSPORT: { description: 'Transport (vận tải).' },
    TRADE_SERVICES: { description: 'Trade and services (thương mại - dịch vụ).' },
    CREDIT: { description: "Credit (tín dụng): people's credit funds." },
    ENVIRONMENT: { description: 'Environmental services (môi trường).' },
    OTHER: { description: 'Other sectors (khác).' },
  },
});

/** How a figure was published. */
export enum ValueStatus {
  REPORTED = 'REPORTED',
  ESTIMATED = 'ESTIMATED',
  PROVISIONAL = 'PROVISIONAL',
}
registerEnumType(ValueStatus, {
  name: 'ValueStatus',
  description: 'How a figure was published.',
  valuesConfig: {
    REPORTED: { description: 'Final reported figure.' },
    ESTIMATED: { description: 'Estimate (ước), published before the year closed.' },
    PROVISIONAL: { description: 'Preliminary figure (sơ bộ).' },
  },
});

/** Topics of the indicator registry. */
export enum Topic {
  MEMBERSHIP = 'MEMBERSHIP',
  VALUE_CHAIN = 'VALUE_CHAIN',
  HIGH_TECH = 'HIGH_TECH',
  QUALITY = 'QUALITY',
  CAPACITY = 'CAPACITY',
  CONTEXT = 'CONTEXT',
}
registerEnumType(Topic, {
  name: 'Topic',
  description: 'Topic of an indicator.',
  valuesConfig: {
    MEMBERSHIP: { description: 'Organisations and members.' },
    VALUE_CHAIN: { description: 'Value-chain linkages and links with enterprises.' },
    HIGH_TECH: { description: 'High technology and digital transformation.' },
    QUALITY: { description: 'Ratings and operating effectively.' },
    CAPACITY: { description: 'Workers, managers, training, income.' },
    CONTEXT: { description: 'Population and administrative context.' },
  },
});

/** How an indicator's value is computed from its parts. */
export enum IndicatorKind {
  COUNT = 'COUNT',
  SHARE = 'SHARE',
  RATIO = 'RATIO',
  PER_POPULATION = 'PER_POPULATION',
  AVERAGE = 'AVERAGE',
}
registerEnumType(IndicatorKind, {
  name: 'IndicatorKind',
  description: 'How a value is computed from its numerator and denominator.',
  valuesConfig: {
    COUNT: { description: 'The numerator itself (a count).' },
    SHARE: { description: '100 × numerator ÷ denominator, percent.' },
    RATIO: { description: 'Numerator ÷ denominator.' },
    PER_POPULATION: { description: '100 × numerator ÷ population, percent.' },
    AVERAGE: {
      description: 'A reported average, weighted by its denominator when units are combined.',
    },
  },
});

/** Where a value came from. */
export enum ValueOrigin {
  FACTS = 'FACTS',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(ValueOrigin, {
  name: 'ValueOrigin',
  description: 'Where a value came from.',
  valuesConfig: {
    FACTS: { description: 'Computed from counts by the registry formula.' },
    PUBLISHED: { description: 'A figure published without its counts (a share, for instance).' },
  },
});
