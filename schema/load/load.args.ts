import { Min } from 'class-validator';
import { ArgsType, Field, Int } from 'type-graphql';
import { LoadFamily, LoadOutcome } from './load.type.ts';

/** How many loads `loads` returns when `first` is not given (or the page-size limit if lower). */
export const DEFAULT_LOADS_PAGE = 100;

/** Arguments of the `loads` query. */
@ArgsType()
export class LoadsArgs {
  @Field(() => Int, {
    nullable: true,
    description:
      'At most this many loads, newest first: at least 1 and at most the server’s page-size limit ' +
      '(1000 unless configured). Default 100, or the limit if it is lower.',
  })
  @Min(1)
  first?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Only loads with an id below this one: pass the last id of a page to get the next.',
  })
  @Min(1)
  before?: number | null;

  @Field(() => LoadFamily, { nullable: true, description: 'Only loads of this family.' })
  family?: LoadFamily | null;

  @Field(() => LoadOutcome, { nullable: true, description: 'Only loads with this outcome.' })
  outcome?: LoadOutcome | null;
}
