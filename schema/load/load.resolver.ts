import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import {
  findLatestPublication,
  findLoads,
  type LoadRow,
  type PublicationRow,
} from '../../warehouse/queries/load.queries.ts';
import { mayReadDraft, releasedVersion } from '../common/data-version.ts';
import { perConnectionCache, readOncePerConnection } from '../common/per-connection.ts';
import { checkPageSize } from '../common/validate.ts';
import { DEFAULT_LOADS_PAGE, LoadsArgs } from './load.args.ts';
import { DataVersion, Load, type LoadFamily, type LoadOutcome } from './load.type.ts';

/** What the load-log resolvers need from the request context. */
export interface LoadContext {
  /** The read-only handle of the snapshot pinned for this request. */
  readonly db: DuckDbHandle;
  /** The largest page a list field may return (`PAGE_SIZE_TOO_LARGE` above it). */
  readonly maxPageSize: number;
  /** The request's role: loader and admin keys see the draft's loads too. */
  readonly role: 'reader' | 'loader' | 'admin' | null;
}

/** The newest data version the request may see: the latest release, or the draft for loader and admin keys. */
async function visibleVersion(ctx: LoadContext): Promise<number | undefined> {
  if (mayReadDraft(ctx)) return undefined;
  const released = await releasedVersion(ctx);
  return released > 0 ? released : undefined; // a warehouse not yet initialised has no release
}

/**
 * The load log's pages and the latest publication, read once per snapshot connection: they change
 * only when a load publishes a new snapshot, and `dataVersion` is asked by most dashboards with
 * every request.
 */
const loadPages = perConnectionCache<LoadRow[]>();
const latestPublications = perConnectionCache<PublicationRow | undefined>();

/** Maps a load-log row to the GraphQL `Load` shape. */
export function toLoad(row: LoadRow): Load {
  return {
    id: row.load_id,
    family: row.family as LoadFamily,
    fileName: row.file_name,
    sha256: row.file_sha256,
    fileBytes: row.file_bytes,
    sourceCode: row.source_code,
    years: row.years,
    unitIds: row.unit_ids,
    rowsRead: row.rows_read,
    rowsAccepted: row.rows_accepted,
    rowsRejected: row.rows_rejected,
    warnings: row.warnings,
    valuesAdded: row.values_added,
    valuesChanged: row.values_changed,
    valuesRemoved: row.values_removed,
    valuesUnchanged: row.values_unchanged,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outcome: row.outcome as LoadOutcome,
    dataVersion: row.data_version,
    loadedBy: row.loaded_by,
  };
}

/** The load log and the published data version. */
@Resolver()
export class LoadResolver {
  @Query(() => [Load], {
    description:
      'The load log, newest first: every file loaded into the warehouse, with what it changed.',
  })
  async loads(
    @Args(() => LoadsArgs, { validate: true }) args: LoadsArgs,
    @Ctx() ctx: LoadContext,
  ): Promise<Load[]> {
    const first = args.first ?? Math.min(DEFAULT_LOADS_PAGE, ctx.maxPageSize);
    checkPageSize(first, ctx.maxPageSize);
    const filter = {
      limit: first,
      beforeLoadId: args.before ?? undefined,
      family: args.family ?? undefined,
      outcome: args.outcome ?? undefined,
      // The draft's loads (file names, counts) are part of the draft.
      maxDataVersion: await visibleVersion(ctx),
    };
    const rows = await readOncePerConnection(loadPages, ctx.db, JSON.stringify(filter), () =>
      findLoads(ctx.db, filter),
    );
    return rows.map(toLoad);
  }

  @Query(() => DataVersion, {
    description:
      'The data version this response is computed from when no release or version is asked: the latest release (for loader and admin keys, the newest published, draft included, when the request started).',
  })
  async dataVersion(@Ctx() ctx: LoadContext): Promise<DataVersion> {
    const visible = await visibleVersion(ctx);
    const row = await readOncePerConnection(latestPublications, ctx.db, String(visible), () =>
      findLatestPublication(ctx.db, visible),
    );
    if (!row) throw new Error('the warehouse has no publication row');
    return {
      version: row.data_version,
      publishedAt: row.published_at,
      loadId: row.load_id,
      note: row.note,
    };
  }
}
