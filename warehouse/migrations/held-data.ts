import type { DuckDbHandle } from '../dialect/index.ts';

/**
 * Whether the warehouse holds any fact or published value, current or closed. A migration that
 * builds derived tables from them for the data already published has nothing to build in a new
 * warehouse, where `init` runs every migration before the first load.
 */
export async function holdsData(db: DuckDbHandle): Promise<boolean> {
  const [row] = await db.all<{ held: boolean }>(
    `select exists (select 1 from fct_org_annual) or exists (select 1 from fct_published_value) as held`,
  );
  return row?.held === true;
}
