/**
 * Types of the indicator and plan catalog (`catalog/indicators.yaml`, `catalog/plans/*.yaml`) as
 * `readCatalog` returns them: validated, with defaults applied and every area resolved to a name.
 */
import {
  INDICATOR_KINDS,
  type IndicatorKind,
  type OrgType,
  type Sector,
  TOPICS,
  type Topic,
  type Universe,
  WORDING_KINDS,
  type WordingKind,
} from '../../warehouse/domain/vocabulary.ts';
import { COMPARATORS, type Comparator } from '../../warehouse/progress/progress-types.ts';

/** The closed sets of the warehouse that the catalog's fields take their values from. */
export {
  COMPARATORS,
  type Comparator,
  INDICATOR_KINDS,
  type IndicatorKind,
  TOPICS,
  type Topic,
  WORDING_KINDS,
  type WordingKind,
};

/** Language of a target's quote: Vietnamese, or the language a source only exists in. */
export const QUOTE_LANGUAGES = ['vi', 'en', 'ko'] as const;
export type QuoteLanguage = (typeof QUOTE_LANGUAGES)[number];

/** How much of `issuedOn` the source states (a day left blank in the original → MONTH). */
export const DATE_PRECISIONS = ['DAY', 'MONTH', 'YEAR'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

/** Sub-units a target is set for, each ("1 to 2 per district"). */
export const PER_UNITS = ['district'] as const;
export type PerUnit = (typeof PER_UNITS)[number];

/** Measures of `fct_org_annual` summed over the org types and sectors selected. */
export interface MeasureOperand {
  readonly measures: readonly string[];
  readonly orgTypes: readonly OrgType[];
  /** `'ALL'`: the all-sector total; a list: those sectors summed. */
  readonly sectors: 'ALL' | readonly Sector[];
}

/** The population of the unit in the year. */
export interface PopulationOperand {
  readonly population: true;
}

export type Operand = MeasureOperand | PopulationOperand;

/** Where a catalog entry was read from: path relative to the catalog directory, 1-based line. */
export interface CatalogLocation {
  readonly file: string;
  readonly line: number;
}

/** One registered indicator; defined once, referred to by `code` from targets and figures. */
export interface Indicator {
  readonly code: string;
  /** Other codes for the same indicator in published files (joins figures to targets). */
  readonly aliases: readonly string[];
  readonly labelVi: string;
  readonly labelEn: string;
  readonly topic: Topic;
  /** Unit of measure in English, e.g. 'cooperatives', 'percent'. */
  readonly unit: string;
  readonly kind: IndicatorKind;
  /** Null only when `publishedOnly`. */
  readonly numerator: Operand | null;
  readonly denominator: Operand | null;
  /** Universe counted, when the indicator is tied to one; null = as loaded. */
  readonly universe: Universe | null;
  readonly higherIsBetter: boolean;
  readonly naturalLimit: number | null;
  /** No fact measure computes it: values only come from published figures. */
  readonly publishedOnly: boolean;
  readonly description: string;
  readonly location: CatalogLocation;
}

/** An administrative unit as of a date; `code` 'VN' is the nation. */
export interface AreaRef {
  readonly code: string;
  /** The date the code is read on (YYYY-MM-DD): codes were reused on 2025-07-01. */
  readonly validOn: string;
  /** Name of the unit on `validOn`, from the admin-unit reference. */
  readonly name: string;
}

/** Where a plan or a target is written down. At least one of `url` and `file`. */
export interface SourceRef {
  readonly url: string | null;
  /** Path relative to the catalog directory. */
  readonly file: string | null;
  /** 1-based line of `file` the quote starts on. */
  readonly line: number | null;
  readonly note: string | null;
}

export interface Quote {
  readonly lang: QuoteLanguage;
  /** Exact words of the source, NFC. */
  readonly text: string;
}

/** One quantitative target of a plan. */
export interface Target {
  /** Unique within the plan. */
  readonly id: string;
  readonly planId: string;
  /** Registered indicator code (never an alias). */
  readonly indicator: string;
  readonly area: AreaRef;
  /** Year the target is due; the year of `targetDate` when that is given. */
  readonly targetYear: number;
  readonly targetDate: string | null;
  /** When set, the target holds for every year from `fromYear` to `targetYear` ("mỗi năm"). */
  readonly fromYear: number | null;
  readonly comparator: Comparator;
  readonly value: number;
  /** Upper bound, RANGE only. */
  readonly valueHigh: number | null;
  /** The indicator's unit, plus ' per <per>' for per-sub-unit targets. */
  readonly unit: string;
  readonly per: PerUnit | null;
  /** Parent target for "trong đó" (of which) targets. */
  readonly ofTarget: string | null;
  readonly denominatorNote: string | null;
  readonly baseline: { readonly year: number; readonly value: number } | null;
  readonly quote: Quote;
  readonly source: SourceRef;
  /** How another source words the same target differently. */
  readonly wordingNote: string | null;
  /**
   * True when the year or the reading is not in the words but inferred by the transcriber
   * (`inferredReason` says from what); the API shows both, so nobody takes it for the text.
   */
  readonly inferred: boolean;
  readonly inferredReason: string | null;
  readonly note: string | null;
  readonly location: CatalogLocation;
}

/**
 * Another wording of a target: kept with its quote and source, shown beside the target, and never
 * counted as a target of its own (no progress, no duplicate rows in a table of targets).
 */
export interface TargetWording {
  /** Unique within the plan file that quotes it. */
  readonly id: string;
  /** The plan whose file quotes the wording (a provincial plan for a citation). */
  readonly planId: string;
  /** The target it words: plan id and target id. */
  readonly ofPlanId: string;
  readonly ofTargetId: string;
  readonly kind: WordingKind;
  readonly quote: Quote;
  readonly source: SourceRef;
  readonly note: string | null;
  readonly location: CatalogLocation;
}

/** A plan, strategy, resolution or directive that sets targets. */
export interface Plan {
  readonly id: string;
  /** As printed (e.g. '03/KH-UBND'); null when the target was announced without a document. */
  readonly documentNumber: string | null;
  readonly titleVi: string;
  readonly titleEn: string;
  readonly issuerVi: string;
  readonly issuerEn: string;
  readonly issuedOn: string;
  readonly issuedOnPrecision: DatePrecision;
  readonly area: AreaRef;
  /** Ids of catalog plans this one implements. */
  readonly implements: readonly string[];
  readonly source: SourceRef;
  readonly note: string | null;
  readonly targets: readonly Target[];
  /** Other wordings of targets (of this plan or, for a citation, of another plan). */
  readonly wordings: readonly TargetWording[];
  readonly location: CatalogLocation;
}

/** The whole validated catalog. */
export interface Catalog {
  readonly indicators: readonly Indicator[];
  readonly plans: readonly Plan[];
}
