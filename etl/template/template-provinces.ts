import type { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findAdminUnits } from '../../warehouse/queries/admin-unit.queries.ts';
import type { TemplateProvince } from './input-template.ts';

/** The provinces valid on 31 December of `year`, by code, as the template lists them. */
export async function templateProvinces(
  db: DuckDbHandle,
  year: number,
): Promise<TemplateProvince[]> {
  const units = await findAdminUnits(db, { level: 'PROVINCE', validOn: `${year}-12-31` });
  return units.map((u) => ({ code: u.code, name_vi: u.name_vi }));
}
