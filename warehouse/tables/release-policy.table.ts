import { required, type RowOf } from './columns.ts';

/**
 * `release_policy` — one row: whether loads wait for a reviewed release (`review_required`) or are released with their load.
 */
export const RELEASE_POLICY_TABLE_COLUMNS = {
  review_required: required('BOOLEAN'),
} as const;

/** A row of `release_policy`. */
export type ReleasePolicyTable = RowOf<typeof RELEASE_POLICY_TABLE_COLUMNS>;
