import type { DuckDbHandle } from '../dialect/index.ts';

/** Codes of the series and organisations that publish figures, in code order. */
export async function findSourceCodes(db: DuckDbHandle): Promise<string[]> {
  const rows = await db.all<{ source_code: string }>(
    `select source_code from dim_source order by source_code`,
  );
  return rows.map((r) => r.source_code);
}
