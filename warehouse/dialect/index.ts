export {
  DuckDbHandle,
  duckDbVersion,
  NEW_FILE_BLOCK_SIZE,
  SNAPSHOT_LINK_MARK,
  type OpenOptions,
} from './duckdb-handle.ts';
export { createKysely, DuckDbDialect } from './kysely-dialect.ts';
export { toJsValue, type Row, type SqlValue } from './value-policy.ts';
