import { ReleaseChoiceScalar, type ReleaseChoice } from '../scalars.ts';
import { ArgsType, Field, Int } from 'type-graphql';
import { AreaInput } from '../common/area.input.ts';
import { AdminLevel, Boundaries } from '../common/enums.ts';

/** Arguments shared by the membership, value-chain, high-tech and quality reports. */
@ArgsType()
export class ReportArgs {
  @Field(() => AreaInput, {
    nullable: true,
    description: "The area: 'VN' (default) or a province code read on a date.",
  })
  area?: AreaInput | null;

  @Field(() => AdminLevel, {
    nullable: true,
    description: 'Instead of one area, every unit of this level (e.g. all provinces) in the year.',
  })
  level?: AdminLevel | null;

  @Field(() => Int, { description: 'Reporting year (figures as of 31 December).' })
  year!: number;

  @Field(() => Boundaries, {
    defaultValue: Boundaries.AS_REPORTED,
    description: 'Boundaries to show the figures on.',
  })
  boundaries!: Boundaries;

  @Field(() => String, {
    nullable: true,
    description:
      'Source series (PSO, MINISTRY, VCA, OTHER). Default: per area, the first of PSO, MINISTRY, VCA, OTHER with figures.',
  })
  source?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Read the figures as published in this data version (see `dataVersion`, `loads` and `revisions`); default: the current version. An unknown version is BAD_USER_INPUT.',
  })
  asOfVersion?: number | null;

  @Field(() => ReleaseChoiceScalar, {
    nullable: true,
    description:
      'Read the figures of this release (`releases` lists them), or DRAFT for the loads not yet released (loader and admin keys; DRAFT_FORBIDDEN for others). Default: the latest release. Not together with asOfVersion.',
  })
  release?: ReleaseChoice | null;
}
