import type { DuckDbHandle } from '../dialect/index.ts';
import { publishIndicatorDerived } from '../publish/target-progress.ts';
import { holdsData } from './held-data.ts';
import { INDICATOR_VALUE_COLUMNS } from '../tables/indicator-value.table.ts';

/**
 * Indicator values and default target progress computed at publish (`rpt_indicator_value`,
 * `rpt_target_progress`, see their table files), so that series, rankings and progress read rows
 * by key instead of recomputing them. A warehouse that already holds data gets both tables built
 * version by version, as each publication would have built them, so that reading as of an earlier
 * version (`asOfVersion`) finds its own rows.
 */
export const indicatorValuesMigration = {
  version: 9,
  name: 'indicator-values',
  sql: `
-- one row per boundaries x indicator x unit x year x source, per version range
create table rpt_indicator_value (
  boundaries varchar not null,
${INDICATOR_VALUE_COLUMNS.map((c) => `  ${c.name} ${c.sqlType.toLowerCase()},`).join('\n')}
  valid_from_version integer not null,
  valid_to_version integer
);
-- one row per plan target x as-of year, per version range
create table rpt_target_progress (
  plan_id varchar not null,
  target_id varchar not null,
  as_of_year integer not null,
  progress_json varchar not null,
  valid_from_version integer not null,
  valid_to_version integer
);
`,
  async after(db: DuckDbHandle): Promise<void> {
    if (!(await holdsData(db))) return;
    // Every version that changed data, whether or not its publication was recorded.
    const versions = await db.all<{ v: number }>(
      `select data_version as v from publication
       union select valid_from_version from fct_org_annual
       union select valid_to_version from fct_org_annual where valid_to_version is not null
       union select valid_from_version from fct_published_value
       union select valid_to_version from fct_published_value where valid_to_version is not null
       order by 1`,
    );
    for (const { v } of versions) await publishIndicatorDerived(db, v);
  },
} as const;
