import { Field, ObjectType } from 'type-graphql';
import { Ratio } from '../common/ratio.type.ts';
import { OrgTypeRow, TopicReport } from '../report/report.type.ts';
import { SafeInt } from '../scalars.ts';

/** Value-chain participation of one organisation type (and sector). */
@ObjectType({
  simpleResolvers: true,
  description:
    'Value-chain linkage (Decree 98/2018/NĐ-CP) and links with enterprises of one organisation type.',
})
export class ValueChainRow extends OrgTypeRow {
  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations in value-chain linkages, count.',
  })
  inValueChain!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations linked with an enterprise, count.',
  })
  linkedEnterprise!: number | null;

  @Field(() => SafeInt, {
    nullable: true,
    description: 'Organisations rated good or fair that are in value chains, count.',
  })
  goodOrFairInValueChain!: number | null;

  @Field(() => Ratio, { description: 'In value chains ÷ organisations, percent.' })
  valueChainShare!: Ratio;

  @Field(() => Ratio, { description: 'Linked with an enterprise ÷ organisations, percent.' })
  linkedEnterpriseShare!: Ratio;

  @Field(() => Ratio, {
    description:
      'Good or fair in value chains ÷ rated good or fair, percent (the nested target of Resolution 20-NQ/TW).',
  })
  valueChainShareOfGoodOrFair!: Ratio;
}

/** Value-chain participation in an area and year. */
@ObjectType({
  simpleResolvers: true,
  description:
    'Value-chain participation by organisation type and sector, with the value-chain indicators.',
})
export class ValueChainReport extends TopicReport {
  @Field(() => [ValueChainRow], {
    description: 'One row per organisation type: totals over sectors.',
  })
  byOrgType!: ValueChainRow[];

  @Field(() => [ValueChainRow], {
    description: 'One row per organisation type and sector, where reported.',
  })
  bySector!: ValueChainRow[];
}
