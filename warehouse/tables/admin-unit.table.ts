import { optional, required, type RowOf } from './columns.ts';

/**
 * `dim_admin_unit` — one row per administrative unit version: a code plus a validity period (`valid_to` inclusive, null while current), since codes are reused across the 2025 mergers.
 */
export const ADMIN_UNIT_TABLE_COLUMNS = {
  unit_id: required('VARCHAR'),
  code: required('VARCHAR'),
  level: required('VARCHAR'),
  name_vi: required('VARCHAR'),
  name_en: required('VARCHAR'),
  valid_from: required('DATE'),
  valid_to: optional('DATE'),
  parent_unit_id: optional('VARCHAR'),
  change_kind: required('VARCHAR'),
} as const;

/** A row of `dim_admin_unit`. */
export type AdminUnitTable = RowOf<typeof ADMIN_UNIT_TABLE_COLUMNS>;
