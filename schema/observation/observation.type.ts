import { RELEASE_ARGUMENT_DESCRIPTION, asOfVersionDescription } from '../common/data-version.ts';
import { ReleaseChoiceScalar, type ReleaseChoice } from '../scalars.ts';
import { ArgsType, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { AdminUnit } from '../admin-unit/admin-unit.type.ts';
import { AreaInput } from '../common/area.input.ts';
import {
  AdminLevel,
  Boundaries,
  enumOf,
  registerEnum,
  Topic,
  ValueStatus,
} from '../common/enums.ts';
import { Indicator, IndicatorValue } from '../indicator/indicator.type.ts';
import { SafeInt } from '../scalars.ts';
import { ValueQualifier } from '../common/qualifier.enum.ts';

/** Dimensions observations can be grouped by. */
export const ObservationDimension = registerEnum(
  enumOf(['INDICATOR', 'AREA', 'YEAR', 'SOURCE'] as const),
  'ObservationDimension',
  'A dimension to keep in `observations`.',
  {
    INDICATOR: 'Indicator (always kept: different indicators are never added).',
    AREA: 'Area; left out, the provinces are re-aggregated (ratios from summed parts).',
    YEAR: 'Year; left out, the latest year of each group is kept.',
    SOURCE: 'Source series; left out, the preferred source of each cell is kept.',
  },
);
export type ObservationDimension = keyof typeof ObservationDimension;

/** Which observations to return. */
@InputType({ description: 'Filter of observations; every field is optional.' })
export class ObservationFilter {
  @Field(() => [String], { nullable: true, description: 'Indicator codes.' })
  indicators?: string[] | null;

  @Field(() => [Topic], { nullable: true, description: 'Indicator topics.' })
  topics?: Topic[] | null;

  @Field(() => [AreaInput], { nullable: true, description: 'Areas (codes read on a date).' })
  areas?: AreaInput[] | null;

  @Field(() => AdminLevel, { nullable: true, description: 'Only units of this level.' })
  level?: AdminLevel | null;

  @Field(() => Int, { nullable: true, description: 'First year, inclusive.' })
  fromYear?: number | null;

  @Field(() => Int, { nullable: true, description: 'Last year, inclusive.' })
  toYear?: number | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Source series (PSO, MINISTRY, VCA, OTHER).',
  })
  sources?: string[] | null;
}

/** Arguments of `observations`. */
@ArgsType()
export class ObservationsArgs {
  @Field(() => ObservationFilter, { nullable: true, description: 'Which observations.' })
  filter?: ObservationFilter | null;

  @Field(() => [ObservationDimension], {
    nullable: true,
    description: 'Dimensions to keep (default all). See ObservationDimension.',
  })
  groupBy?: ObservationDimension[] | null;

  @Field(() => Boundaries, { defaultValue: Boundaries.AS_REPORTED, description: 'Boundaries.' })
  boundaries!: Boundaries;

  @Field(() => Int, {
    nullable: true,
    description: asOfVersionDescription('Read the values'),
  })
  asOfVersion?: number | null;

  @Field(() => ReleaseChoiceScalar, {
    nullable: true,
    description: RELEASE_ARGUMENT_DESCRIPTION,
  })
  release?: ReleaseChoice | null;

  @Field(() => Int, {
    defaultValue: 100,
    description:
      'Page size; at most the server limit (PAGE_SIZE_TOO_LARGE above it, never a silent cap).',
  })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last row of the previous page.',
  })
  after?: string | null;
}

/** One flat observation. */
@ObjectType({ description: 'One long-format observation: indicator × area × year × source.' })
export class Observation {
  @Field(() => String, { description: 'Indicator code.' })
  indicatorCode!: string;

  @Field(() => String, { description: "Indicator's unit of measure." })
  unit!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Area id; null when provinces were re-aggregated (AREA left out).',
  })
  areaId!: string | null;

  @Field(() => String, { nullable: true, description: 'Area code.' })
  areaCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Area name in Vietnamese.' })
  areaNameVi!: string | null;

  @Field(() => Int, { description: 'Year.' })
  year!: number;

  @Field(() => Float, { nullable: true, description: 'Value in the unit of measure.' })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: 'Numerator.' })
  numerator!: number | null;

  @Field(() => Float, { nullable: true, description: 'Denominator.' })
  denominator!: number | null;

  @Field(() => String, { description: 'Source series.' })
  source!: string;

  @Field(() => ValueStatus, { description: 'Publication status (the weakest of the parts).' })
  status!: ValueStatus;

  @Field(() => ValueQualifier, {
    description:
      'EXACT, or the bound the value carries (ABOUT, MORE_THAN, NEARLY, AT_LEAST) from its source or its parts.',
  })
  qualifier!: ValueQualifier;

  @Field(() => String, { description: 'FACTS or PUBLISHED.' })
  origin!: string;

  @Field(() => SafeInt, { description: 'Units summed into the value.' })
  unitCount!: number;

  @Field(() => Int, {
    description:
      'Areas with a value in the group: 1 when AREA is grouped by; when provinces are summed, those that reported.',
  })
  coveredParts!: number;

  @Field(() => Int, {
    description:
      'Areas the group should cover: the provinces of the query valid at the end of the year when provinces are summed. Fewer covered than total: a count is a lower bound (qualifier AT_LEAST).',
  })
  totalParts!: number;
}

/** An edge of the observation connection. */
@ObjectType({ description: 'An observation with its cursor.' })
export class ObservationEdge {
  @Field(() => String, { description: 'Opaque cursor (tied to the data version).' })
  cursor!: string;

  @Field(() => Observation, { description: 'The observation.' })
  node!: Observation;
}

/** Page information. */
@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when more rows follow.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last row of this page.' })
  endCursor!: string | null;
}

/** A page of observations. */
@ObjectType({ description: 'A page of observations (Relay connection).' })
export class ObservationConnection {
  @Field(() => [ObservationEdge], { description: 'Rows of this page with cursors.' })
  edges!: ObservationEdge[];

  @Field(() => [Observation], { description: 'Rows of this page.' })
  nodes!: Observation[];

  @Field(() => PageInfo, { description: 'Paging.' })
  pageInfo!: PageInfo;

  @Field(() => SafeInt, {
    description: 'Number of rows of the whole result (asked for only when needed).',
  })
  totalCount!: number;
}

/** A point of a series with its change. */
@ObjectType({ description: 'A year of a series with its year-on-year change.' })
export class SeriesPoint extends IndicatorValue {
  @Field(() => Float, {
    nullable: true,
    description: 'Change from the previous year of the series, in the unit.',
  })
  change!: number | null;

  @Field(() => Float, { nullable: true, description: 'Change from the previous year, percent.' })
  changePercent!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Year the change is measured from (the previous point).',
  })
  previousYear!: number | null;
}

/** A time series of one indicator for one area. */
@ObjectType({ description: 'A time series of one indicator for one area from one source.' })
export class Series {
  @Field(() => Indicator, { description: 'The indicator.' })
  indicator!: Indicator;

  @Field(() => AdminUnit, { description: 'The area.' })
  area!: AdminUnit;

  @Field(() => String, { nullable: true, description: 'Source of the series.' })
  source!: string | null;

  @Field(() => [SeriesPoint], { description: 'Points, oldest first.' })
  points!: SeriesPoint[];
}

/** One ranked area. */
@ObjectType({ description: 'An area with its rank and value.' })
export class RankedValue {
  @Field(() => Int, { description: 'Rank (1 = best; ties share a rank).' })
  rank!: number;

  @Field(() => AdminUnit, { description: 'The area.' })
  area!: AdminUnit;

  @Field(() => IndicatorValue, { description: 'The value with its parts.' })
  value!: IndicatorValue;
}

/** A ranking of areas. */
@ObjectType({
  description: 'Areas ranked on an indicator in a year (best first, by the indicator’s direction).',
})
export class Ranking {
  @Field(() => Indicator, { description: 'The indicator.' })
  indicator!: Indicator;

  @Field(() => Int, { description: 'Year.' })
  year!: number;

  @Field(() => [RankedValue], { description: 'Areas with a value, ranked.' })
  entries!: RankedValue[];

  @Field(() => [AdminUnit], { description: 'Areas without a value that year (missing, not zero).' })
  missing!: AdminUnit[];
}
