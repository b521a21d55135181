import { DuckDbHandle } from '../../warehouse/dialect/index.ts';

const SOURCE_RANK = `case source_code when 'PSO' then 1 when 'MINISTRY' then 2 when 'VCA' then 3 when 'OTHER' then 4 else 5 end`;

/**
 * The rows the peer serves, written by DuckDB from a coopstat warehouse: every current
 * province × year × organisation type × sector row of the registered universe, on the source
 * coopstat prefers for that province and year, with the province's code and Vietnamese name.
 * Sector rows only (no `ALL` total), so the peer sums them per group as a generic tool would.
 */
export const PEER_EXPORT_SQL = `
with facts as (
  select f.* from fct_org_annual f join dim_admin_unit u using (unit_id)
  where u.level = 'PROVINCE' and f.valid_to_version is null and f.universe = 'REGISTERED'
),
chosen as (
  select unit_id, year, source_code from (select distinct unit_id, year, source_code from facts)
  qualify row_number() over (partition by unit_id, year order by ${SOURCE_RANK}, source_code) = 1
)
select f.year, u.code as province_code, u.name_vi as province_name, f.org_type, f.sector,
  f.org_count as organisations, f.members, f.rated_good, f.rated_fair, f.in_value_chain, f.high_tech
from facts f join chosen using (unit_id, year, source_code) join dim_admin_unit u using (unit_id)
where f.sector <> 'ALL'
order by f.year, province_code, f.org_type, f.sector`;

/** Writes the peer's rows to `csv` (with a header); returns how many. */
export async function exportPeerRows(args: { db: string; csv: string }): Promise<{ rows: number }> {
  const handle = await DuckDbHandle.open(args.db, { readOnly: true });
  try {
    const path = args.csv.replaceAll("'", "''");
    await handle.run(`copy (${PEER_EXPORT_SQL}) to '${path}' (format csv, header true)`);
    const [r] = await handle.all<{ n: number }>(`select count(*) as n from read_csv('${path}')`);
    return { rows: r?.n ?? 0 };
  } finally {
    handle.close();
  }
}
