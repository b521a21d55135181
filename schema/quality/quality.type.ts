import { Field, ObjectType } from 'type-graphql';
import { Ratio } from '../common/ratio.type.ts';
import { OrgTypeRow, TopicReport } from '../report/report.type.ts';
import { SafeInt } from '../scalars.ts';

/** Rating distribution of one organisation type (and sector). */
@ObjectType({
  simpleResolvers: true,
  description:
    'Ratings (good 80–100 points, fair 65–<80, average 50–<65, weak <50; not rated under 12 months) and operating effectively, of one organisation type.',
})
export class QualityRow extends OrgTypeRow {
  @Field(() => SafeInt, { nullable: true, description: 'Rated good, count.' })
  good!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Rated fair, count.' })
  fair!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Rated average, count.' })
  average!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Rated weak, count.' })
  weak!: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'Not rated, count.' })
  notRated!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Rated (good + fair + average + weak), count; missing when any rating is missing.',
  })
  rated!: number | null;

  @Field(() => Ratio, { description: 'Good or fair ÷ rated, percent.' })
  goodOrFairShareOfRated!: Ratio;

  @Field(() => Ratio, { description: 'Good or fair ÷ all organisations, percent.' })
  goodOrFairShareOfAll!: Ratio;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Operating effectively, count (as the source words it).',
  })
  effective!: number | null;

  @Field(() => Ratio, { description: 'Operating effectively ÷ organisations, percent.' })
  effectiveShare!: Ratio;
}

/** Quality ratings in an area and year. */
@ObjectType({
  simpleResolvers: true,
  description:
    'Rating distribution, good-or-fair share and share operating effectively, with the quality indicators.',
})
export class QualityReport extends TopicReport {
  @Field(() => [QualityRow], { description: 'One row per organisation type: totals over sectors.' })
  byOrgType!: QualityRow[];

  @Field(() => [QualityRow], {
    description: 'One row per organisation type and sector, where reported.',
  })
  bySector!: QualityRow[];
}
