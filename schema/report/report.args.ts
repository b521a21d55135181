import { RELEASE_ARGUMENT_DESCRIPTION, asOfVersionDescription } from '../common/data-version.ts';
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
    description: asOfVersionDescription('Read the figures'),
  })
  asOfVersion?: number | null;

  @Field(() => ReleaseChoiceScalar, {
    nullable: true,
    description: RELEASE_ARGUMENT_DESCRIPTION,
  })
  release?: ReleaseChoice | null;
}
