import { publishReportRows } from '../publish/report-rows.ts';
import { REPORT_ROW_COLUMNS } from '../tables/report-row.table.ts';
import type { DuckDbHandle } from '../dialect/index.ts';
import { holdsData } from './held-data.ts';

/**
 * Topic-report rows computed at publish (`rpt_org_type_row`, see its table file), so that a request
 * reads rows by key instead of recomputing them. A warehouse that already holds facts gets the rows
 * of its current data version built here; earlier versions are not reconstructed.
 */
export const reportRowsMigration = {
  version: 6,
  name: 'report-rows',
  sql: `
-- one row per boundaries x unit x year x source x org type x sector, per version range
create table rpt_org_type_row (
  boundaries varchar not null,
  unit_id varchar not null,
  year integer not null,
  source_code varchar not null,
  org_type varchar not null,
  sector varchar not null,
  is_default_source boolean not null,
  org_type_rank integer not null,
${REPORT_ROW_COLUMNS.map((c) => `  ${c.name} ${c.sqlType}${c.name === 'status' || c.name === 'unit_count' ? ' not null' : ''},`).join('\n')}
  valid_from_version integer not null,
  valid_to_version integer
);
`,
  async after(db: DuckDbHandle): Promise<void> {
    if (!(await holdsData(db))) return;
    const [row] = await db.all<{ v: number | null }>(
      'select max(data_version) as v from publication',
    );
    await publishReportRows(db, row?.v ?? 0, 'all');
  },
} as const;
