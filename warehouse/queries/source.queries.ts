import type { DuckDbHandle } from '../dialect/index.ts';
import { kyselyOf } from '../database.ts';

/** Codes of the series and organisations that publish figures, in code order. */
export async function findSourceCodes(db: DuckDbHandle): Promise<string[]> {
  const rows = await kyselyOf(db)
    .selectFrom('dim_source')
    .select('source_code')
    .orderBy('source_code')
    .execute();
  return rows.map((r) => r.source_code);
}
