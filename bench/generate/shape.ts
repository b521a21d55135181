import type { LegalStatus, OrgType, Sector } from '../../warehouse/domain/vocabulary.ts';
import { interpolate } from './national-series.ts';

/**
 * The shape of the synthetic population besides its national totals: sector mixes, churn, ratings,
 * flags and size distributions. Curves are `[year, value]` points, linear between and flat outside.
 * Where a published figure exists it is cited; the rest is a plausible assumption (README).
 */

type Curve = readonly (readonly [number, number])[];

/** Value of a curve in a year. */
export const at = (curve: Curve, year: number): number => interpolate(curve, year);

/** First year the figures use the member split of the Law on Cooperatives 2023 (1 July 2024). */
export const MEMBER_SPLIT_FROM_YEAR = 2024;

/** First year with the founding minimums of Law 17/2023/QH15 (HTX ≥ 5, LHHTX ≥ 3). */
export const LAW_2023_FROM_YEAR = 2024;

/** Sector mix of new organisations per type. HTX: VCA 31/12/2024 (22,415 of 33,557 agricultural). */
export const SECTOR_MIX: Readonly<Record<OrgType, Readonly<Partial<Record<Sector, number>>>>> = {
  HTX: {
    AGRICULTURE: 0.67,
    INDUSTRY_HANDICRAFT: 0.09,
    TRADE_SERVICES: 0.1,
    TRANSPORT: 0.06,
    CONSTRUCTION: 0.03,
    ENVIRONMENT: 0.025,
    OTHER: 0.025,
  },
  THT: {
    AGRICULTURE: 0.72,
    INDUSTRY_HANDICRAFT: 0.1,
    TRADE_SERVICES: 0.08,
    TRANSPORT: 0.03,
    CONSTRUCTION: 0.03,
    ENVIRONMENT: 0.02,
    OTHER: 0.02,
  },
  LHHTX: {
    AGRICULTURE: 0.7,
    TRADE_SERVICES: 0.1,
    TRANSPORT: 0.08,
    INDUSTRY_HANDICRAFT: 0.06,
    CONSTRUCTION: 0.02,
    ENVIRONMENT: 0.02,
    OTHER: 0.02,
  },
  QTDND: { CREDIT: 1 },
};

/** Agriculture's weight is multiplied by this in the urban provinces. */
export const URBAN_AGRICULTURE_FACTOR = 0.4;

/** Log-normal spread of province weights around population × cooperative factor. */
export const PROVINCE_JITTER_SIGMA = 0.25;
/** Extra spread for THT, which cluster in some provinces. */
export const THT_PROVINCE_JITTER_SIGMA = 0.45;

/** Yearly share of last year's stock that leaves (dissolved, bankrupt, ceased, converted). */
export const EXIT_RATE: Readonly<Record<OrgType, Curve>> = {
  // Weak HTX were dissolved en masse after the 2012 law (the count fell in 2016); by the 2020s about
  // 2,200 are founded a year while the stock grows by ~1,500–2,000, so few leave.
  HTX: [
    [2015, 0.07],
    [2018, 0.04],
    [2021, 0.015],
    [2030, 0.015],
  ],
  THT: [
    [2015, 0.12],
    [2024, 0.12],
    [2026, 0.08],
    [2030, 0.06],
  ],
  LHHTX: [
    [2015, 0.03],
    [2030, 0.02],
  ],
  QTDND: [[2015, 0.002]],
};

/** How leavers leave, per type. CONVERTED = became an enterprise (a THT becoming an HTX is not an exit). */
export const EXIT_STATUS_MIX: Readonly<
  Record<OrgType, Readonly<Partial<Record<LegalStatus, number>>>>
> = {
  HTX: { DISSOLVED: 0.72, CEASED: 0.15, BANKRUPT: 0.03, CONVERTED: 0.1 },
  THT: { CEASED: 0.6, DISSOLVED: 0.4 },
  LHHTX: { DISSOLVED: 0.8, CEASED: 0.2 },
  QTDND: { DISSOLVED: 0.6, BANKRUPT: 0.2, CEASED: 0.2 },
};

/** Yearly chance an operating organisation is temporarily suspended; a suspended one resumes with RESUME_RATE. */
export const SUSPEND_RATE: Readonly<Record<OrgType, number>> = {
  HTX: 0.025,
  THT: 0.015,
  LHHTX: 0.02,
  QTDND: 0.002,
};
/** Yearly chance a suspended organisation operates again. */
export const RESUME_RATE = 0.3;

/** Share of each year's new HTX that are converted THT (keeping their registration code). */
export const THT_CONVERSION_SHARE = 0.08;

/**
 * Ratings among the organisations graded. Good + fair: ~40% in 2015, 78.1% in 2025 (MoF report
 * 768/BC-BTC), over 60–70% targeted for 2030.
 */
export const RATING_GOOD_FAIR: Curve = [
  [2015, 0.4],
  [2020, 0.55],
  [2025, 0.78],
  [2030, 0.82],
];
/** Share of the good + fair that are good. */
export const RATING_GOOD_OF_GOOD_FAIR: Curve = [
  [2015, 0.35],
  [2030, 0.45],
];
/** Share rated weak. */
export const RATING_WEAK: Curve = [
  [2015, 0.22],
  [2025, 0.07],
  [2030, 0.05],
];
/** Rating score = quality·q + noise·ε (unit variance for a standard-normal q). */
export const RATING_SCORE = { quality: 0.85, noise: 0.527 } as const;
/** THT grade below HTX by this much of good + fair. */
export const THT_GOOD_FAIR_OFFSET = -0.08;
/** Share of organisations older than a year that were not assessed (rated none). */
export const NOT_ASSESSED: Readonly<Record<OrgType, number>> = {
  HTX: 0.04,
  THT: 0.25,
  LHHTX: 0.05,
  QTDND: 0,
};

/** Base flag rates for HTX, and multipliers per type (agricultural HTX for high tech). */
export const FLAG_RATE = {
  /** ~13% of HTX in 2024 (VCA: over 4,000). */
  in_value_chain: [
    [2015, 0.05],
    [2024, 0.13],
    [2030, 0.25],
  ] as Curve,
  /** ~2,200 of ~20,000 agricultural HTX around 2024. */
  linked_enterprise: [
    [2015, 0.04],
    [2024, 0.1],
    [2030, 0.18],
  ] as Curve,
  /** Of agricultural HTX: 1,718 of 17,300 in 2020 (MARD), ~10% in 2024; over 5,000 targeted for 2030. */
  high_tech: [
    [2015, 0.06],
    [2020, 0.099],
    [2024, 0.1],
    [2030, 0.14],
  ] as Curve,
  /** ~2,600 of 22,500 agricultural HTX in 2025 (MAE). */
  digital: [
    [2015, 0.01],
    [2020, 0.04],
    [2025, 0.116],
    [2030, 0.3],
  ] as Curve,
  /** Pilot new-model cooperatives: a few percent. */
  new_model: [
    [2015, 0.002],
    [2020, 0.02],
    [2030, 0.06],
  ] as Curve,
} as const;

/** Flag name. */
export type FlagName = keyof typeof FLAG_RATE;

/** Multiplier on the HTX flag rate per type (QTDND digital has its own curve). */
export const FLAG_TYPE_FACTOR: Readonly<Record<OrgType, Readonly<Record<FlagName, number>>>> = {
  HTX: { in_value_chain: 1, linked_enterprise: 1, high_tech: 1, digital: 1, new_model: 1 },
  THT: { in_value_chain: 0.3, linked_enterprise: 0.3, high_tech: 0.05, digital: 0.3, new_model: 0 },
  LHHTX: { in_value_chain: 2.5, linked_enterprise: 2, high_tech: 1.5, digital: 1.5, new_model: 1 },
  QTDND: { in_value_chain: 0, linked_enterprise: 0, high_tech: 0, digital: 1, new_model: 0 },
};
/** High tech outside agriculture, relative to agriculture. */
export const HIGH_TECH_NON_AGRICULTURE_FACTOR = 0.15;
/** Core banking and e-payments in people's credit funds. */
export const QTDND_DIGITAL: Curve = [
  [2015, 0.3],
  [2030, 0.9],
];

/** Members per organisation: log-normal spread; HTX and THT are scaled yearly to the national totals. */
export const MEMBERS = {
  /** σ of log members; with the yearly scale this gives an HTX median near 50 and a long tail. */
  sigma: { HTX: 1.58, THT: 0.75, LHHTX: 0.6, QTDND: 0.7 } as Readonly<Record<OrgType, number>>,
  /** Cap on the size latent, so the largest HTX has some tens of thousands of members. */
  zCap: 3.5,
  /** QTDND median members (no published series). */
  qtdndMedian: 1500,
  /** Minimum members by type before / from the 2023 law. */
  minBefore2024: { HTX: 7, THT: 2, LHHTX: 4, QTDND: 30 } as Readonly<Record<OrgType, number>>,
  minFrom2024: { HTX: 5, THT: 2, LHHTX: 3, QTDND: 30 } as Readonly<Record<OrgType, number>>,
  lhhtxMax: 20,
  /** Share of members who are capital-contributing associates, when an organisation has any. */
  capitalAssociateShare: 0.05,
  /** Share of organisations with capital-contributing associates. */
  hasCapitalAssociates: 0.35,
  /** Share of organisations that do not register non-contributing associates (optional): missing. */
  otherAssociatesUnregistered: 0.45,
} as const;

/** Regular workers: log-normal median and σ. 897,109 workers in ~33,000 HTX in 2024 (~27 each). */
export const EMPLOYEES: Readonly<Record<OrgType, { median: number; sigma: number }>> = {
  HTX: { median: 13.5, sigma: 1.2 },
  THT: { median: 2, sigma: 0.7 },
  LHHTX: { median: 10, sigma: 0.9 },
  QTDND: { median: 9, sigma: 0.35 },
};

/** Revenue (VND million, 2015 prices growing 5% a year) and profit margin. */
export const REVENUE: Readonly<
  Record<OrgType, { median: number; sigma: number; margin: number; marginSd: number }>
> = {
  HTX: { median: 1000, sigma: 1.3, margin: 0.06, marginSd: 0.06 },
  THT: { median: 150, sigma: 1, margin: 0.1, marginSd: 0.08 },
  LHHTX: { median: 4000, sigma: 1.2, margin: 0.05, marginSd: 0.05 },
  QTDND: { median: 5000, sigma: 0.7, margin: 0.15, marginSd: 0.05 },
};
/** Nominal revenue growth a year. */
export const REVENUE_GROWTH = 1.05;
/** Average yearly income of a regular HTX worker: 59 VND million in 2023 (VCA), growing 7% a year. */
export const WORKER_INCOME_2023 = 59;
/** Growth of worker income a year. */
export const WORKER_INCOME_GROWTH = 1.07;

/** Managers in post: minimum and spread per type. */
export const MANAGERS: Readonly<Record<OrgType, { min: number; spread: number }>> = {
  HTX: { min: 3, spread: 5 },
  THT: { min: 1, spread: 2 },
  LHHTX: { min: 3, spread: 7 },
  QTDND: { min: 5, spread: 7 },
};
/** Share of managers trained in the year. */
export const MANAGERS_TRAINED: Curve = [
  [2015, 0.1],
  [2030, 0.25],
];

/** Share of optional cells left empty (missing, not zero). */
export const MISSING_CELL_RATE = 0.03;
/** Share of provinces whose aggregates give only the all-sector total (sector empty). */
export const ALL_SECTOR_PROVINCE_SHARE = 0.15;
