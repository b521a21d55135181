import { Field, Int, ObjectType } from 'type-graphql';
import { AdminLevel } from '../common/enums.ts';
import { LocalDate, SafeInt } from '../scalars.ts';

/** One version of an administrative unit: a code plus a validity period. */
@ObjectType({
  simpleResolvers: true,
  description:
    'An administrative unit version: a statistics-office code plus a validity period. Codes were reused on 1 July 2025, so a unit is identified by code and date.',
})
export class AdminUnit {
  @Field(() => String, {
    description:
      "Stable id: code and first day of validity, e.g. '91:2025-07-01'; 'VN' for the nation.",
  })
  id!: string;

  @Field(() => String, { description: "Statistics-office code ('VN' for the nation)." })
  code!: string;

  @Field(() => AdminLevel, { description: 'Level of the unit.' })
  level!: AdminLevel;

  @Field(() => String, {
    description: 'Official name in Vietnamese, with diacritics (the latest name).',
  })
  nameVi!: string;

  @Field(() => String, { description: 'Name in English.' })
  nameEn!: string;

  @Field(() => LocalDate, { description: 'First day of validity.' })
  validFrom!: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Last day of validity; null while the unit is current.',
  })
  validTo!: string | null;

  @Field(() => String, {
    description:
      'How the unit came about or ended: UNCHANGED, MERGED_INTO_OTHER, MERGED_NAME_KEPT, CREATED_BY_MERGER, NATION.',
  })
  changeKind!: string;

  parentId!: string | null;
}

/** A name a unit was known by. */
@ObjectType({
  simpleResolvers: true,
  description: 'A name a unit was known by, with its validity (former names stay as aliases).',
})
export class UnitName {
  @Field(() => String, { description: 'Name in Vietnamese.' })
  nameVi!: string;

  @Field(() => LocalDate, { description: 'First day the name was in use.' })
  validFrom!: string;

  @Field(() => LocalDate, {
    nullable: true,
    description: 'Last day the name was in use; null if still in use.',
  })
  validTo!: string | null;

  @Field(() => String, { description: 'OFFICIAL or FORMER.' })
  kind!: string;
}

/** A population figure of a unit. */
@ObjectType({
  simpleResolvers: true,
  description: 'Population of a unit in a year, with its kind and source.',
})
export class PopulationFigure {
  @Field(() => Int, { description: 'Year of the figure.' })
  year!: number;

  @Field(() => SafeInt, { description: 'Population, persons.' })
  population!: number;

  @Field(() => String, {
    description:
      'Kind: CENSUS, MIDTERM_SURVEY, AVERAGE, SCALE_RES202 (the scale used by Resolution 202/2025/QH15, incl. temporary residents), OTHER.',
  })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'Source address of the figure.' })
  sourceUrl!: string | null;
}
