import type { AdminUnitRow } from '../../warehouse/queries/admin-unit.queries.ts';
import { AdminLevel } from '../common/enums.ts';
import type { AdminUnit } from './admin-unit.type.ts';

/** Maps a unit row to the GraphQL shape. */
export function toAdminUnit(row: AdminUnitRow): AdminUnit {
  return {
    id: row.unit_id,
    code: row.code,
    level: row.level as AdminLevel,
    nameVi: row.name_vi,
    nameEn: row.name_en,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    changeKind: row.change_kind,
    parentId: row.parent_unit_id,
  };
}

/** True for a unit row from a loader's `loadMany` (not a missing key, not an error). */
export const isUnitRow = (r: AdminUnitRow | Error | null): r is AdminUnitRow =>
  r !== null && !(r instanceof Error);
