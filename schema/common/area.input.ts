import { Field, InputType } from 'type-graphql';
import { LocalDate } from '../scalars.ts';

/**
 * An area: the nation (`VN`) or a province code read on a date, since codes were reused on 1
 * July 2025 (91 was Kiên Giang before and is An Giang after).
 */
@InputType({ description: 'An area: `VN` for the nation, or a province code read on a date.' })
export class AreaInput {
  @Field(() => String, {
    description: "Statistics-office code ('19', '06', '6') or 'VN' for the nation.",
  })
  code!: string;

  @Field(() => LocalDate, {
    nullable: true,
    description:
      'Date on which the code is read (YYYY-MM-DD). Defaults to 31 December of the year asked for, else today.',
  })
  validOn?: string | null;
}
