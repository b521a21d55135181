/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** Level of an administrative unit (the district level was abolished on 1 July 2025). */
export type AdminLevel =
  /** Viet Nam as a whole. */
  | 'NATION'
  /** Province or centrally-run city (63 until 30 June 2025, 34 since 1 July 2025). */
  | 'PROVINCE';

/** An area: `VN` for the nation, or a province code read on a date. */
export type AreaInput = {
  /** Statistics-office code ('19', '06', '6') or 'VN' for the nation. */
  code: string;
  /** Date on which the code is read (YYYY-MM-DD). Defaults to 31 December of the year asked for, else today. */
  validOn?: string | null | undefined;
};

/** What an attainment computed from a qualified value may claim: the number, about it, or only one side of it. */
export type AttainmentBound =
  /** The latest value is "about" (khoảng): attainment is about the number. */
  | 'ABOUT'
  /** Attainment is at least the number ("≥ 77.9%"), e.g. from a "trên" value. */
  | 'AT_LEAST'
  /** Attainment is at most the number ("≤ 75.0%"), e.g. from a "gần" value. */
  | 'AT_MOST'
  /** The latest value is exact: attainment is the number. */
  | 'EXACT';

/** Which administrative boundaries figures are shown on. */
export type Boundaries =
  /** The units as they were in the reporting year (63 provinces until 30 June 2025). */
  | 'AS_REPORTED'
  /** Re-aggregated onto the 34 provinces valid since 1 July 2025 through the crosswalk; a merged province has a value only when every province merged into it reported one. */
  | 'CURRENT';

/** How a target value is to be met. */
export type Comparator =
  /** About ("khoảng"): met within ±5% by default. */
  | 'APPROX'
  /** Exactly; read as "reach at least" when higher is better. */
  | 'EQ'
  /** More than ("trên"). */
  | 'GT'
  /** At least ("ít nhất", "tối thiểu", "đạt"). */
  | 'GTE'
  /** Less than. */
  | 'LT'
  /** At most. */
  | 'LTE'
  /** Between value and valueHigh ("từ 60 - 70%", "1 to 2"). */
  | 'RANGE';

/** How a value is computed from its numerator and denominator. */
export type IndicatorKind =
  /** A reported average, weighted by its denominator when units are combined. */
  | 'AVERAGE'
  /** The numerator itself (a count). */
  | 'COUNT'
  /** 100 × numerator ÷ population, percent. */
  | 'PER_POPULATION'
  /** Numerator ÷ denominator. */
  | 'RATIO'
  /** 100 × numerator ÷ denominator, percent. */
  | 'SHARE';

/** The kind of input a load brought into the warehouse. */
export type LoadFamily =
  /** Province aggregates: one row per province × year × organisation type × sector. */
  | 'AGGREGATES'
  /** The plan catalog and indicator registry (targets with their sources). */
  | 'CATALOG'
  /** Reference data built in: administrative units, population and the published national series. */
  | 'REFERENCE'
  /** Organisation register: one row per organisation × year. */
  | 'REGISTER';

/** What a recorded load did to the published data. */
export type LoadOutcome =
  /** The file was new but every value in it was already published: logged, no new data version. */
  | 'NO_CHANGE'
  /** The load changed values and published a new data version. */
  | 'PUBLISHED';

/** A dimension to keep in `observations`. */
export type ObservationDimension =
  /** Area; left out, the provinces are re-aggregated (ratios from summed parts). */
  | 'AREA'
  /** Indicator (always kept: different indicators are never added). */
  | 'INDICATOR'
  /** Source series; left out, the preferred source of each cell is kept. */
  | 'SOURCE'
  /** Year; left out, the latest year of each group is kept. */
  | 'YEAR';

/** Filter of observations; every field is optional. */
export type ObservationFilter = {
  /** Areas (codes read on a date). */
  areas?: Array<AreaInput> | null | undefined;
  /** First year, inclusive. */
  fromYear?: number | null | undefined;
  /** Indicator codes. */
  indicators?: Array<string> | null | undefined;
  /** Only units of this level. */
  level?: AdminLevel | null | undefined;
  /** Source series (PSO, MINISTRY, VCA, OTHER). */
  sources?: Array<string> | null | undefined;
  /** Last year, inclusive. */
  toYear?: number | null | undefined;
  /** Indicator topics. */
  topics?: Array<Topic> | null | undefined;
};

/** Type of collective-economy organisation. */
export type OrgType =
  /** Cooperative (hợp tác xã). */
  | 'HTX'
  /** Cooperative union (liên hiệp hợp tác xã); its members are cooperatives. */
  | 'LHHTX'
  /** People's credit fund (quỹ tín dụng nhân dân), a cooperative in the credit sector. */
  | 'QTDND'
  /** Cooperative group (tổ hợp tác). */
  | 'THT';

/** Method whose verdict `status` reports. All three are always exposed in `methods`. */
export type ProgressMethod =
  /** UN ESCAP anticipated gap at the target year on a linear trend. */
  | 'ESCAP'
  /** Open SDG ratio method: observed CAGR ÷ required CAGR, with its thresholds. */
  | 'OPEN_SDG'
  /** The engine’s combined rule: target met, deadline passed, else UNSD, falling back to ESCAP, then Open SDG. */
  | 'OVERALL'
  /** UN Statistics Division SDG Progress Chart: progress ratio P = (projected − baseline) ÷ (target − baseline). */
  | 'UNSD';

/** Verdict on a target. */
export type ProgressStatus =
  /** Progress, but too slow to meet the target on the current trend (UNSD fair progress, Open SDG moderate progress, ESCAP accelerate). */
  | 'ACCELERATION_NEEDED'
  /** The latest value meets the target; after the target year, final: the value of the target year (or the nearest earlier year, with a warning) met it. A per-year target (`fromYear`): final only, every year of its range observed and met. */
  | 'ACHIEVED'
  /** The target's unit ended (the 2025 mergers): comparing it with the larger successor would be wrong; figures shown are the old unit's. */
  | 'BOUNDARY_CHANGED'
  /** Not enough observations (or none) to judge. */
  | 'INSUFFICIENT_DATA'
  /** Open SDG's own category: the pace is positive but below 60% of the pace required. Not folded into ACCELERATION_NEEDED. */
  | 'LIMITED_PROGRESS'
  /** Final: the target year is over (or observed) and its value (or the nearest earlier one) missed the target; for a per-year target (`fromYear`), a year of its range missed it. */
  | 'NOT_ACHIEVED'
  /** No method applies to this target. */
  | 'NOT_APPLICABLE'
  /** On the current trend the target will be met (UNSD on track, Open SDG substantial progress, ESCAP maintain progress). */
  | 'ON_TRACK'
  /** Little or no progress, or moving away from the target (UNSD stagnation or regression, Open SDG deterioration, ESCAP reverse the trend). */
  | 'STAGNATION_OR_REGRESSION'
  /** The latest value is a bound ("trên", "gần") and values inside it lead to different verdicts: `possibleStatuses` lists them. */
  | 'UNDETERMINED_BY_BOUND';

/** Sector of activity; ALL is the total over sectors (never added to the sector rows). */
export type Sector =
  /** Agriculture, forestry and fisheries (nông nghiệp). */
  | 'AGRICULTURE'
  /** All sectors together (the total). */
  | 'ALL'
  /** Construction (xây dựng). */
  | 'CONSTRUCTION'
  /** Credit (tín dụng): people's credit funds. */
  | 'CREDIT'
  /** Environmental services (môi trường). */
  | 'ENVIRONMENT'
  /** Industry and handicraft (công nghiệp - tiểu thủ công nghiệp). */
  | 'INDUSTRY_HANDICRAFT'
  /** Other sectors (khác). */
  | 'OTHER'
  /** Trade and services (thương mại - dịch vụ). */
  | 'TRADE_SERVICES'
  /** Transport (vận tải). */
  | 'TRANSPORT';

/** Topic of an indicator. */
export type Topic =
  /** Workers, managers, training, income. */
  | 'CAPACITY'
  /** Population and administrative context. */
  | 'CONTEXT'
  /** High technology and digital transformation. */
  | 'HIGH_TECH'
  /** Organisations and members. */
  | 'MEMBERSHIP'
  /** Ratings and operating effectively. */
  | 'QUALITY'
  /** Value-chain linkages and links with enterprises. */
  | 'VALUE_CHAIN';

/** How the source hedged a value. A bound (MORE_THAN, AT_LEAST, NEARLY) limits what progress may claim from it. */
export type ValueQualifier =
  /** "khoảng", "xấp xỉ", "ước" (about, approximately, estimated): either side of the number. */
  | 'ABOUT'
  /** "ít nhất", "tối thiểu" (at least): a lower bound; the number itself included. */
  | 'AT_LEAST'
  /** No hedge word: the number is the figure. */
  | 'EXACT'
  /** "trên", "hơn" (more than, over): a lower bound; the true value is above the number. */
  | 'MORE_THAN'
  /** "gần" (nearly, almost): an upper bound; the true value is just below the number. */
  | 'NEARLY';

/** How a figure was published. */
export type ValueStatus =
  /** Estimate (ước), published before the year closed. */
  | 'ESTIMATED'
  /** Preliminary figure (sơ bộ). */
  | 'PROVISIONAL'
  /** Final reported figure. */
  | 'REPORTED';

/** How an alternative wording relates to the target it words. */
export type WordingKind =
  /** Another plan quoting this target (a provincial plan citing a national one). */
  | 'CITATION'
  /** Another rendering of the same target (e.g. an English press version); it may read differently, and the target follows the plan’s own words. */
  | 'PARAPHRASE';

export type AdminUnitQueryVariables = Exact<{
  code: string;
  validOn?: string | null | undefined;
}>;


export type AdminUnitQuery = { adminUnit: { id: string, code: string, level: AdminLevel, nameVi: string, nameEn: string, validFrom: string, validTo: string | null, changeKind: string, parent: { id: string } | null, predecessors: Array<{ id: string, nameVi: string }>, successors: Array<{ id: string, nameVi: string, predecessors: Array<{ id: string }> }>, names: Array<{ nameVi: string, validFrom: string, validTo: string | null, kind: string }>, population: { year: number, population: number, kind: string } | null } };

export type AdminUnitsQueryVariables = Exact<{
  level?: AdminLevel | null | undefined;
  validOn?: string | null | undefined;
}>;


export type AdminUnitsQuery = { adminUnits: Array<{ id: string, code: string, nameVi: string, nameEn: string, validFrom: string, validTo: string | null }> };

export type DashboardQueryVariables = Exact<{
  year: number;
}>;


export type DashboardQuery = { membership: Array<{ area: { id: string }, byOrgType: Array<{ orgType: OrgType, organisations: number | null, members: number | null }> }>, valueChain: Array<{ area: { id: string }, byOrgType: Array<{ orgType: OrgType, valueChainShare: { percent: number | null } }> }>, highTech: Array<{ area: { id: string }, byOrgType: Array<{ orgType: OrgType, highTechShare: { percent: number | null } }> }>, quality: Array<{ area: { id: string }, byOrgType: Array<{ orgType: OrgType, goodOrFairShareOfRated: { percent: number | null } }> }>, plans: Array<{ id: string, targets: Array<{ id: string, targetYear: number, value: number, unit: string, progress: { status: ProgressStatus, attainmentPercent: number | null, latest: { value: number } | null } }> }> };

export type HighTechQueryVariables = Exact<{
  area?: AreaInput | null | undefined;
  level?: AdminLevel | null | undefined;
  year: number;
  boundaries?: Boundaries | null | undefined;
}>;


export type HighTechQuery = { highTech: Array<{ source: string | null, area: { id: string }, byOrgType: Array<{ orgType: OrgType, organisations: number | null, highTech: number | null, digital: number | null, highTechShare: { percent: number | null, numerator: number | null, denominator: number | null }, digitalShare: { percent: number | null } }>, bySector: Array<{ orgType: OrgType, sector: Sector, highTech: number | null, highTechShare: { percent: number | null } }> }> };

export type IndicatorsQueryVariables = Exact<{
  topic?: Topic | null | undefined;
}>;


export type IndicatorsQuery = { indicators: Array<{ code: string, labelVi: string, labelEn: string, topic: Topic, unit: string, kind: IndicatorKind, higherIsBetter: boolean, naturalLimit: number | null }> };

export type LoadsQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type LoadsQuery = { loads: Array<{ id: number, family: LoadFamily, fileName: string, outcome: LoadOutcome, dataVersion: number, rowsRead: number, valuesAdded: number }>, dataVersion: { version: number } };

export type MembershipQueryVariables = Exact<{
  area?: AreaInput | null | undefined;
  level?: AdminLevel | null | undefined;
  year: number;
  boundaries?: Boundaries | null | undefined;
}>;


export type MembershipQuery = { membership: Array<{ year: number, boundaries: Boundaries, source: string | null, area: { id: string, nameVi: string }, byOrgType: Array<{ orgType: OrgType, sector: Sector, organisations: number | null, members: number | null, membersPerOrganisation: number | null, employees: number | null, status: ValueStatus }>, bySector: Array<{ orgType: OrgType, sector: Sector, organisations: number | null, members: number | null }>, populationShare: { percent: number | null, numerator: number | null, denominator: number | null }, indicators: Array<{ value: number | null, numerator: number | null, denominator: number | null, source: string, status: ValueStatus, indicator: { code: string } }> }> };

export type ObservationsQueryVariables = Exact<{
  filter?: ObservationFilter | null | undefined;
  groupBy?: Array<ObservationDimension> | ObservationDimension | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  boundaries?: Boundaries | null | undefined;
}>;


export type ObservationsQuery = { observations: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ indicatorCode: string, unit: string, areaId: string | null, areaCode: string | null, year: number, value: number | null, numerator: number | null, denominator: number | null, source: string, status: ValueStatus, qualifier: ValueQualifier, origin: string, unitCount: number, coveredParts: number, totalParts: number }> } };

export type PlanProgressQueryVariables = Exact<{
  id: string;
  asOf?: number | null | undefined;
  method?: ProgressMethod | null | undefined;
}>;


export type PlanProgressQuery = { plan: { id: string, titleEn: string, targets: Array<{ id: string, comparator: Comparator, value: number, valueHigh: number | null, targetYear: number, unit: string, quote: string, indicator: { code: string, labelEn: string }, area: { id: string }, progress: { status: ProgressStatus, method: ProgressMethod, statusBasis: string, source: string | null, otherSources: Array<string>, orgTypes: Array<string>, attainmentPercent: number | null, gap: number | null, expectedNow: number | null, aheadOfPath: number | null, cagrActual: number | null, cagrRequiredFromBaseline: number | null, cagrRequiredFromNow: number | null, projectedCagr: number | null, projectedLinear: number | null, latest: { year: number, value: number, source: string | null, status: ValueStatus | null } | null, baseline: { year: number, value: number, kind: string | null } | null, methods: { unsd: { status: ProgressStatus, score: number | null, band: string | null }, openSdg: { status: ProgressStatus, score: number | null, band: string | null }, escap: { status: ProgressStatus, score: number | null, band: string | null } }, warnings: Array<{ code: string }>, boundary: { changed: boolean, validTo: string | null, successors: Array<{ id: string }> } } }> } };

export type PlansQueryVariables = Exact<{
  area?: AreaInput | null | undefined;
}>;


export type PlansQuery = { plans: Array<{ id: string, documentNumber: string | null, titleVi: string, issuedOn: string, area: { id: string }, implements: Array<{ id: string }>, targets: Array<{ id: string, comparator: Comparator, value: number, targetYear: number, quote: string }> }> };

export type ProgressBoundsQueryVariables = Exact<{
  id: string;
  asOf?: number | null | undefined;
}>;


export type ProgressBoundsQuery = { plan: { targets: Array<{ id: string, progress: { status: ProgressStatus, statusMethod: ProgressMethod | null, statusCategory: string | null, isFinal: boolean, possibleStatuses: Array<ProgressStatus>, attainmentPercent: number | null, attainmentBound: AttainmentBound | null, latest: { year: number, value: number, qualifier: ValueQualifier | null } | null, baseline: { year: number, kind: string | null, qualifier: ValueQualifier | null } | null, warnings: Array<{ code: string, message: string }> } }> } };

export type QualityQueryVariables = Exact<{
  area?: AreaInput | null | undefined;
  level?: AdminLevel | null | undefined;
  year: number;
  boundaries?: Boundaries | null | undefined;
}>;


export type QualityQuery = { quality: Array<{ source: string | null, area: { id: string }, byOrgType: Array<{ orgType: OrgType, organisations: number | null, good: number | null, fair: number | null, average: number | null, weak: number | null, notRated: number | null, rated: number | null, goodOrFairShareOfRated: { percent: number | null, numerator: number | null, denominator: number | null }, goodOrFairShareOfAll: { percent: number | null } }>, indicators: Array<{ value: number | null, indicator: { code: string } }> }> };

export type RankingQueryVariables = Exact<{
  indicator: string;
  year: number;
  level?: AdminLevel | null | undefined;
  boundaries?: Boundaries | null | undefined;
}>;


export type RankingQuery = { ranking: { year: number, entries: Array<{ rank: number, area: { id: string, nameVi: string }, value: { value: number | null, numerator: number | null, denominator: number | null, source: string } }>, missing: Array<{ id: string }> } };

export type SeriesQueryVariables = Exact<{
  indicator: string;
  area?: AreaInput | null | undefined;
  from?: number | null | undefined;
  to?: number | null | undefined;
  boundaries?: Boundaries | null | undefined;
}>;


export type SeriesQuery = { series: { source: string | null, area: { id: string }, points: Array<{ year: number, value: number | null, change: number | null, changePercent: number | null, status: ValueStatus, qualifier: ValueQualifier }> } };

export type TargetWordingsQueryVariables = Exact<{
  id: string;
}>;


export type TargetWordingsQuery = { plan: { targets: Array<{ id: string, inferred: boolean, inferredReason: string | null, alternativeWordings: Array<{ id: string, quotedInPlanId: string, kind: WordingKind, quote: string, quoteLanguage: string, sourceFile: string | null, note: string | null }> }> } };

export type ValueChainQueryVariables = Exact<{
  area?: AreaInput | null | undefined;
  level?: AdminLevel | null | undefined;
  year: number;
  boundaries?: Boundaries | null | undefined;
}>;


export type ValueChainQuery = { valueChain: Array<{ source: string | null, area: { id: string }, byOrgType: Array<{ orgType: OrgType, organisations: number | null, inValueChain: number | null, linkedEnterprise: number | null, goodOrFairInValueChain: number | null, valueChainShare: { percent: number | null, numerator: number | null, denominator: number | null }, linkedEnterpriseShare: { percent: number | null }, valueChainShareOfGoodOrFair: { percent: number | null, numerator: number | null, denominator: number | null } }> }> };
