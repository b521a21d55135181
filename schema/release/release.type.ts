import { Field, Float, Int, ObjectType } from 'type-graphql';

/** One release: what the public reads, frozen at one data version. */
@ObjectType({
  description:
    'A numbered release: the figures the public reads, frozen at one data version, with notes written from its review. A correction after a release is a new release; earlier ones stay readable with `release: N` on the reading fields.',
})
export class Release {
  @Field(() => Int, { description: 'The release number, 1, 2, …' })
  number!: number;

  @Field(() => Int, { description: 'The data version it froze (as read by `asOfVersion`).' })
  dataVersion!: number;

  @Field(() => [Int], { description: 'Years whose figures this release published.' })
  years!: number[];

  @Field(() => String, { description: 'When it was released, `YYYY-MM-DD HH:MM:SS` (UTC).' })
  releasedAt!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Who released it (the API key name or the operating-system user).',
  })
  releasedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'The note given with the release.' })
  note!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Release notes in Vietnamese (Markdown); null for init and automatic releases.',
  })
  notesVi!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Release notes in English (Markdown); null for init and automatic releases.',
  })
  notesEn!: string | null;

  @Field(() => Boolean, {
    description: 'True when it was released with its load, without a review (single office).',
  })
  automatic!: boolean;
}

@ObjectType({ description: 'A province by its code and name.' })
export class ReviewProvince {
  @Field(() => String, { description: 'Statistics-office code.' })
  code!: string;

  @Field(() => String, { description: 'Vietnamese name.' })
  nameVi!: string;
}

@ObjectType({ description: 'How many of the provinces valid that year reported.' })
export class ReviewCoverage {
  @Field(() => Int, { description: 'Provinces that reported.' })
  reported!: number;

  @Field(() => Int, {
    description: 'Provinces valid on 31 December of the year (63 before 2025, 34 after).',
  })
  expected!: number;

  @Field(() => Float, { nullable: true, description: 'reported / expected, percent.' })
  ratePercent!: number | null;

  @Field(() => [ReviewProvince], { description: 'Provinces that did not report.' })
  missing!: ReviewProvince[];
}

@ObjectType({ description: 'Coverage of one input family (aggregates, register).' })
export class ReviewFamilyCoverage extends ReviewCoverage {
  @Field(() => String, { description: 'The input family.' })
  family!: string;
}

@ObjectType({ description: 'Provinces with a value of one measure.' })
export class ReviewMeasureCoverage {
  @Field(() => String, { description: 'The measure (a fact column, e.g. org_count, members).' })
  measure!: string;

  @Field(() => Int, { description: 'Provinces with a value (any organisation type or sector).' })
  reported!: number;

  @Field(() => Float, { nullable: true, description: 'Percent of the provinces expected.' })
  ratePercent!: number | null;
}

@ObjectType({ description: 'One value the draft adds, changes or removes against the release.' })
export class ReviewChange {
  @Field(() => String, { description: 'ADDED, CHANGED or REMOVED.' })
  kind!: string;

  @Field(() => Int, { description: 'Year of the value.' })
  year!: number;

  @Field(() => String, { nullable: true, description: 'Province (or area) code.' })
  provinceCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Province (or area) name.' })
  provinceNameVi!: string | null;

  @Field(() => String, { nullable: true, description: 'Organisation type.' })
  orgType!: string | null;

  @Field(() => String, { description: 'Sector (ALL for the total).' })
  sector!: string;

  @Field(() => String, { description: 'REGISTERED or OPERATING_WITH_RESULTS.' })
  universe!: string;

  @Field(() => String, { description: 'Source series.' })
  source!: string;

  @Field(() => String, { description: 'The measure.' })
  measure!: string;

  @Field(() => Float, { nullable: true, description: 'Value in the latest release.' })
  before!: number | null;

  @Field(() => Float, { nullable: true, description: 'Value in the draft.' })
  after!: number | null;

  @Field(() => Float, { description: 'after − before (a missing side counts as 0).' })
  delta!: number;
}

@ObjectType({ description: 'Changed values of one year, counted, and the largest of them.' })
export class ReviewChangeSummary {
  @Field(() => Int, { description: 'The year.' })
  year!: number;

  @Field(() => Int, { description: 'Values added.' })
  added!: number;

  @Field(() => Int, { description: 'Values changed.' })
  changed!: number;

  @Field(() => Int, { description: 'Values removed.' })
  removed!: number;

  @Field(() => [ReviewChange], { description: 'The largest changes first (at most 50).' })
  largest!: ReviewChange[];
}

@ObjectType({ description: "A warning of one of the draft's loads." })
export class ReviewWarning {
  @Field(() => Int, { description: 'The load.' })
  loadId!: number;

  @Field(() => String, { description: 'The file loaded.' })
  fileName!: string;

  @Field(() => String, { description: 'The rule, worded as what must hold.' })
  rule!: string;

  @Field(() => String, { nullable: true, description: 'The value as written in the file.' })
  value!: string | null;

  @Field(() => Int, { nullable: true, description: 'Row in the file.' })
  row!: number | null;

  @Field(() => String, { nullable: true, description: 'Header as written in the file.' })
  header!: string | null;
}

@ObjectType({
  description:
    "The review of a year's draft before release: completeness, changes against the latest release, warnings.",
})
export class Review {
  @Field(() => Int, { description: 'The year reviewed.' })
  year!: number;

  @Field(() => Int, { description: 'The data version of the draft.' })
  draftVersion!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'The release the draft is compared with (null before any).',
  })
  previousRelease!: number | null;

  @Field(() => [Int], { description: 'Years with loads not yet released.' })
  pendingYears!: number[];

  @Field(() => ReviewCoverage, { description: 'Provinces that reported anything.' })
  provinces!: ReviewCoverage;

  @Field(() => [ReviewFamilyCoverage], { description: 'Coverage per input family.' })
  families!: ReviewFamilyCoverage[];

  @Field(() => [ReviewMeasureCoverage], { description: 'Coverage per measure.' })
  measures!: ReviewMeasureCoverage[];

  @Field(() => ReviewChangeSummary, { description: 'Changes of this year.' })
  changes!: ReviewChangeSummary;

  @Field(() => [ReviewChangeSummary], {
    description: 'Changes to other years: revisions of figures already released.',
  })
  otherYears!: ReviewChangeSummary[];

  @Field(() => [ReviewWarning], { description: "Warnings of the draft's loads of this year." })
  warnings!: ReviewWarning[];

  @Field(() => Int, { description: 'Warnings counted by those loads.' })
  warningCount!: number;
}
