import { Field, Float, Int, ObjectType } from 'type-graphql';
import {
  COMPARATORS,
  type Comparator as TargetComparator,
} from '../../warehouse/progress/progress-types.ts';
import {
  WORDING_KINDS,
  type WordingKind as DomainWordingKind,
} from '../../warehouse/domain/vocabulary.ts';
import { enumOf, registerEnum } from '../common/enums.ts';
import { LocalDate } from '../scalars.ts';
import { sourceFieldOptions } from './source-fields.ts';

/** Comparators of targets. */
export const Comparator = registerEnum(
  enumOf(COMPARATORS),
  'Comparator',
  'How a target value is to be met.',
  {
    GT: 'More than ("trên").',
    GTE: 'At least ("ít nhất", "tối thiểu", "đạt").',
    APPROX: 'About ("khoảng"): met within ±5% by default.',
    EQ: 'Exactly; read as "reach at least" when higher is better.',
    LTE: 'At most.',
    LT: 'Less than.',
    RANGE: 'Between value and valueHigh ("từ 60 - 70%", "1 to 2").',
  },
);
export type Comparator = TargetComparator;

/** A plan, strategy, resolution or directive that sets targets. */
@ObjectType({
  simpleResolvers: true,
  description: 'A plan that sets targets, with its document number, issuer and source.',
})
export class Plan {
  @Field(() => String, { description: 'Stable plan id.' })
  id!: string;

  @Field(() => String, {
    nullable: true,
    description: "Document number as printed, e.g. '03/KH-UBND'.",
  })
  documentNumber!: string | null;

  @Field(() => String, { description: 'Title in Vietnamese.' })
  titleVi!: string;

  @Field(() => String, { description: 'Title in English.' })
  titleEn!: string;

  @Field(() => String, { description: 'Issuing body in Vietnamese.' })
  issuerVi!: string;

  @Field(() => String, { description: 'Issuing body in English.' })
  issuerEn!: string;

  @Field(() => LocalDate, { description: 'Date issued.' })
  issuedOn!: string;

  @Field(() => String, sourceFieldOptions.sourceUrl())
  sourceUrl!: string | null;

  unitId!: string;
}

/**
 * The fields that say where a quoted text comes from, the same on a target and on another
 * wording of a target (each class adds its own `quote`, described for what it quotes). No field
 * returns this class, so the schema has no type of its name: only its subclasses carry its fields.
 */
@ObjectType()
abstract class QuotedSource {
  @Field(() => String, sourceFieldOptions.quoteLanguage())
  quoteLanguage!: string;

  @Field(() => String, sourceFieldOptions.sourceUrl())
  sourceUrl!: string | null;

  @Field(() => String, sourceFieldOptions.sourceFile())
  sourceFile!: string | null;
}

/** How an alternative wording relates to its target. */
export const WordingKind = registerEnum(
  enumOf(WORDING_KINDS),
  'WordingKind',
  'How an alternative wording relates to the target it words.',
  {
    PARAPHRASE:
      'Another rendering of the same target (e.g. an English press version); it may read differently, and the target follows the plan’s own words.',
    CITATION: 'Another plan quoting this target (a provincial plan citing a national one).',
  },
);
export type WordingKind = DomainWordingKind;

/** Another wording of a target: shown beside it, never counted as a target. */
@ObjectType({
  simpleResolvers: true,
  description:
    'Another wording of a target, with its exact words and source. Never a target of its own: it has no progress and is not counted.',
})
export class TargetWording extends QuotedSource {
  @Field(() => String, { description: 'Wording id, unique within the plan file that quotes it.' })
  id!: string;

  @Field(() => String, {
    description: 'Id of the plan whose text quotes the wording (another plan for a citation).',
  })
  quotedInPlanId!: string;

  @Field(() => WordingKind, { description: 'Paraphrase or citation.' })
  kind!: WordingKind;

  @Field(() => String, { description: 'The exact words of the wording.' })
  quote!: string;

  @Field(() => String, {
    nullable: true,
    description: 'How the wording differs from the target’s own words.',
  })
  note!: string | null;
}

/** One quantitative target of a plan. */
@ObjectType({
  simpleResolvers: true,
  description: 'A quantitative target of a plan, with the exact words it comes from.',
})
export class Target extends QuotedSource {
  @Field(() => String, { description: 'Target id, unique within its plan.' })
  id!: string;

  @Field(() => String, { description: 'Id of the plan.' })
  planId!: string;

  @Field(() => Int, { description: 'Year the target is due.' })
  targetYear!: number;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Date the target is due, when the plan gives one.',
  })
  targetDate!: string | null;

  @Field(() => Comparator, { description: 'How the value is to be met.' })
  comparator!: Comparator;

  @Field(() => Float, { description: "Target value, in the target's unit." })
  value!: number;

  @Field(() => Float, { nullable: true, description: 'Upper bound of a RANGE target.' })
  valueHigh!: number | null;

  @Field(() => String, {
    description: "Unit of measure (plus ' per district' for per-sub-unit targets).",
  })
  unit!: string;

  @Field(() => String, {
    nullable: true,
    description: "For nested targets ('trong đó'): the denominator, in words.",
  })
  denominatorNote!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Id of the parent target of a 'trong đó' (of which) target.",
  })
  ofTargetId!: string | null;

  @Field(() => Float, { nullable: true, description: 'Baseline value stated in the plan.' })
  baselineValue!: number | null;

  @Field(() => Int, { nullable: true, description: 'Year of the stated baseline.' })
  baselineYear!: number | null;

  @Field(() => String, {
    description: 'The exact words of the source (Vietnamese unless quoteLanguage says otherwise).',
  })
  quote!: string;

  @Field(() => String, { nullable: true, description: 'How another source words the same target.' })
  wordingNote!: string | null;

  @Field(() => [TargetWording], {
    description:
      'Other wordings of this target (paraphrases, citations by other plans): shown, never counted as targets.',
  })
  alternativeWordings!: TargetWording[];

  @Field(() => Boolean, {
    description:
      'True when the year or the reading is not in the words but inferred; `inferredReason` says from what.',
  })
  inferred!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'What an inferred year or reading was inferred from.',
  })
  inferredReason!: string | null;

  indicatorCode!: string;
  unitId!: string;
}
