import { Field, ObjectType } from 'type-graphql';
import { Ratio } from '../common/ratio.type.ts';
import { OrgTypeRow, TopicReport } from '../report/report.type.ts';
import { SafeInt } from '../scalars.ts';

/** High-technology and digital adoption of one organisation type (and sector). */
@ObjectType({
  simpleResolvers: true,
  description:
    'Organisations applying high technology and in digital transformation, of one organisation type.',
})
export class HighTechRow extends OrgTypeRow {
  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations applying high technology, count (as the source words it).',
  })
  highTech!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations in digital transformation, count.',
  })
  digital!: number | null;

  @Field(() => Ratio, { description: 'High technology ÷ organisations, percent.' })
  highTechShare!: Ratio;

  @Field(() => Ratio, { description: 'Digital transformation ÷ organisations, percent.' })
  digitalShare!: Ratio;
}

/** High-tech adoption in an area and year. */
@ObjectType({
  simpleResolvers: true,
  description:
    'High-tech and digital adoption by organisation type and sector, with the high-tech indicators.',
})
export class HighTechReport extends TopicReport {
  @Field(() => [HighTechRow], {
    description: 'One row per organisation type: totals over sectors.',
  })
  byOrgType!: HighTechRow[];

  @Field(() => [HighTechRow], {
    description:
      'One row per organisation type and sector (the national high-tech series counts agricultural cooperatives).',
  })
  bySector!: HighTechRow[];
}
