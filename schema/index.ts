import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import type { Lease } from '../warehouse/store/warehouse-reader.ts';
import { AdminUnitResolver } from './admin-unit/admin-unit.resolver.ts';
import { createLoaders, type ApiContext } from './context.ts';
import { HighTechResolver } from './high-tech/high-tech.resolver.ts';
import { IndicatorResolver, IndicatorValueResolver } from './indicator/indicator.resolver.ts';
import { LoadResolver } from './load/load.resolver.ts';
import { MembershipResolver } from './membership/membership.resolver.ts';
import { ObservationResolver } from './observation/observation.resolver.ts';
import { BoundaryInfoResolver, PlanResolver, TargetResolver } from './plan/plan.resolver.ts';
import { QualityResolver } from './quality/quality.resolver.ts';
import { OrgTypeRowResolver, RatioResolver } from './report/report-row.resolver.ts';
import { ReleaseResolver } from './release/release.resolver.ts';
import { RevisionResolver } from './revision/revision.resolver.ts';
import { ValueChainResolver } from './value-chain/value-chain.resolver.ts';

export { forgetSnapshot } from './snapshot-memo.ts';
export { inheritSnapshot } from './snapshot-inheritance.ts';

/** Every resolver class of the API, one or more per domain folder. */
export const RESOLVERS = [
  AdminUnitResolver,
  IndicatorResolver,
  IndicatorValueResolver,
  MembershipResolver,
  ValueChainResolver,
  HighTechResolver,
  QualityResolver,
  OrgTypeRowResolver,
  RatioResolver,
  PlanResolver,
  TargetResolver,
  BoundaryInfoResolver,
  ObservationResolver,
  LoadResolver,
  RevisionResolver,
  ReleaseResolver,
] as const;

/**
 * Object types whose objects hold plain values only (no property is a promise or a getter that
 * reads): the rows kept for a snapshot, ratios, units, plans, targets and their progress. A
 * compiled executor may read their fields inline; every other type's lazy properties must be
 * awaited.
 */
export const PLAIN_OBJECT_TYPES: ReadonlySet<string> = new Set([
  'MembershipRow',
  'QualityRow',
  'ValueChainRow',
  'HighTechRow',
  'Ratio',
  'AdminUnit',
  'UnitName',
  'PopulationFigure',
  'Plan',
  'Target',
  'TargetWording',
  'TargetProgress',
  'ProgressPoint',
  'ProgressMethods',
  'MethodVerdict',
  'ProgressWarning',
  'BoundaryInfo',
]);

/**
 * Builds the executable schema from the domain resolvers. Callers import 'reflect-metadata' first.
 *
 * type-graphql's class-validator pass is off by default here and turned on per argument where the
 * argument class carries class-validator rules (`LoadsArgs`): every other argument is checked by
 * the shared validators of `common/validate.ts`, and validating it would cost a dynamic
 * `import('class-validator')` plus a metadata walk per argument per request for no rule at all.
 */
export async function buildCoopstatSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...RESOLVERS], validate: false });
  const mutation = schema.getMutationType();
  if (mutation) {
    mutation.description =
      'Writes to the warehouse (admin keys): the release of a reviewed draft. Loads are uploaded with `POST /load`.';
  }
  return schema;
}

/** Settings of the server that resolvers must respect. */
export interface RequestContextOptions {
  /** The largest page a list field may return (`PAGE_SIZE_TOO_LARGE` above it). */
  readonly maxPageSize: number;
  /**
   * The UTC date (`YYYY-MM-DD`) the request is answered on (see `ApiContext.today`); the server
   * passes the one its request took when it arrived. Default: the date now.
   */
  readonly today?: string;
  /** The role of the request's API key; absent = no key (reads the latest release only). */
  readonly role?: 'reader' | 'loader' | 'admin' | null;
  /** How this request may release the draft (admin keys on a server that writes). */
  readonly publishRelease?: ApiContext['publishRelease'];
}

/** What every resolver receives as its context: one per request, pinned to one snapshot. */
export interface RequestContext extends ApiContext {
  /** The snapshot lease of this request; released by the server when the response ends. */
  readonly lease: Lease;
  /** The data version every resolver of this request reads. */
  readonly dataVersion: number;
}

/** Creates the context of one request. Called once per request, after its lease is taken. */
export function createRequestContext(
  lease: Lease,
  options: RequestContextOptions = { maxPageSize: 1000 },
): RequestContext {
  return {
    lease,
    db: lease.handle,
    dataVersion: lease.dataVersion,
    maxPageSize: options.maxPageSize,
    today: options.today ?? new Date().toISOString().slice(0, 10),
    role: options.role ?? null,
    ...(options.publishRelease ? { publishRelease: options.publishRelease } : {}),
    loaders: createLoaders(lease.handle, lease.snapshotKey),
  };
}

// What the server uses of the schema besides the schema and the request context: `server/`
// reaches `schema/` through this file only (checked by test/import-rules.test.ts).
export { setMemoBudget } from './bounded-memo.ts';
export { AdminLevel, Boundaries, Topic } from './common/enums.ts';
export {
  badInput,
  codedError,
  draftForbidden,
  ERROR_CODE_MEANINGS,
  ERROR_CODES,
  HTTP_STATUS,
  type ErrorCode,
} from './common/errors.ts';
export { MAX_ECHOED_VALUE } from './common/validate.ts';
export { queryObservations } from './observation/observation.service.ts';
export { ObservationDimension, type Observation } from './observation/observation.type.ts';
export type { ReleaseChoice } from './scalars.ts';
export type { ApiContext };
