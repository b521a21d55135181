import { optional, required, type RowOf } from './columns.ts';

/**
 * `publication` — one row per published data version; version 0 is the empty warehouse. A load that changes values publishes the next version.
 */
export const PUBLICATION_TABLE_COLUMNS = {
  data_version: required('INTEGER'),
  published_at: required('TIMESTAMP'),
  load_id: optional('INTEGER'),
  note: optional('VARCHAR'),
} as const;

/** A row of `publication`. */
export type PublicationTable = RowOf<typeof PUBLICATION_TABLE_COLUMNS>;
