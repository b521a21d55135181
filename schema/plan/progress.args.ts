import { ArgsType, Field, Int } from 'type-graphql';
import { RELEASE_ARGUMENT_DESCRIPTION, asOfVersionDescription } from '../common/data-version.ts';
import { ReleaseChoiceScalar, type ReleaseChoice } from '../scalars.ts';
import { ProgressMethod } from './progress.type.ts';

/**
 * The arguments of a target's `progress`, as one object: the field is resolved once per target,
 * and one arguments object costs type-graphql one conversion instead of one per argument.
 */
@ArgsType()
export class TargetProgressArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'Year to judge progress as of; default the current year.',
  })
  asOf?: number | null;

  @Field(() => ProgressMethod, {
    defaultValue: ProgressMethod.OVERALL,
    description: 'Method whose verdict `status` reports.',
  })
  method!: ProgressMethod;

  @Field(() => [String], {
    nullable: true,
    description:
      'Sources in order of preference (default PSO, MINISTRY, VCA, OTHER). With the default, progress is read as computed when the data was published; with other sources it is computed per request.',
  })
  sources?: string[] | null;

  @Field(() => Int, {
    nullable: true,
    description: asOfVersionDescription('Judge with the values'),
  })
  asOfVersion?: number | null;

  @Field(() => ReleaseChoiceScalar, {
    nullable: true,
    description: RELEASE_ARGUMENT_DESCRIPTION,
  })
  release?: ReleaseChoice | null;
}
