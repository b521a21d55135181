import { ArgsType, Field, Int } from 'type-graphql';
import { AreaInput } from '../common/area.input.ts';
import { OrgType, Sector } from '../common/enums.ts';
import { RevisionMeasure } from './revision.type.ts';

/** Which cell to list the revisions of: a fact measure or a published reference value. */
@ArgsType()
export class RevisionsArgs {
  @Field(() => AreaInput, { description: "The area: 'VN' or a province code read on a date." })
  area!: AreaInput;

  @Field(() => Int, { description: 'Reporting year (figures as of 31 December).' })
  year!: number;

  @Field(() => RevisionMeasure, {
    nullable: true,
    description: 'A count loaded from files (give this or `indicator`, not both).',
  })
  measure?: RevisionMeasure | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Code of a published reference figure (e.g. htx-count), with its qualifier (give this or `measure`, not both).',
  })
  indicator?: string | null;

  @Field(() => OrgType, {
    nullable: true,
    description: 'Organisation type of the measure; default every type.',
  })
  orgType?: OrgType | null;

  @Field(() => Sector, {
    defaultValue: Sector.ALL,
    description: 'Sector of the measure; default ALL (the total row).',
  })
  sector!: Sector;

  @Field(() => String, {
    nullable: true,
    description: 'Source series (PSO, MINISTRY, VCA, OTHER); default every source.',
  })
  source?: string | null;
}
