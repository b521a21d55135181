import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type ReferenceExpression,
  type SqlBool,
} from 'kysely';
import { createKysely, type DuckDbHandle } from './dialect/index.ts';
import type { TableColumns } from './tables/columns.ts';
import { ADMIN_UNIT_TABLE_COLUMNS, type AdminUnitTable } from './tables/admin-unit.table.ts';
import { API_KEY_TABLE_COLUMNS, type ApiKeyTable } from './tables/api-key.table.ts';
import { INDICATOR_TABLE_COLUMNS, type IndicatorTable } from './tables/indicator.table.ts';
import {
  INDICATOR_ALIAS_TABLE_COLUMNS,
  type IndicatorAliasTable,
} from './tables/indicator-alias.table.ts';
import {
  INDICATOR_OPERAND_TABLE_COLUMNS,
  type IndicatorOperandTable,
} from './tables/indicator-operand.table.ts';
import {
  INDICATOR_VALUE_TABLE_COLUMNS,
  type IndicatorValueTable,
} from './tables/indicator-value.table.ts';
import { LOAD_LOG_TABLE_COLUMNS, type LoadLogTable } from './tables/load-log.table.ts';
import { ORG_ANNUAL_TABLE_COLUMNS, type OrgAnnualTable } from './tables/org-annual.table.ts';
import { PLAN_TABLE_COLUMNS, type PlanTable } from './tables/plan.table.ts';
import {
  PLAN_IMPLEMENTS_TABLE_COLUMNS,
  type PlanImplementsTable,
} from './tables/plan-implements.table.ts';
import { POPULATION_TABLE_COLUMNS, type PopulationTable } from './tables/population.table.ts';
import { PUBLICATION_TABLE_COLUMNS, type PublicationTable } from './tables/publication.table.ts';
import {
  PUBLISHED_VALUE_TABLE_COLUMNS,
  type PublishedValueTable,
} from './tables/published-value.table.ts';
import { REGISTER_TABLE_COLUMNS, type RegisterTable } from './tables/register.table.ts';
import { RELEASE_TABLE_COLUMNS, type ReleaseTable } from './tables/release.table.ts';
import {
  RELEASE_POLICY_TABLE_COLUMNS,
  type ReleasePolicyTable,
} from './tables/release-policy.table.ts';
import { REPORT_ROW_TABLE_COLUMNS, type ReportRowTable } from './tables/report-row.table.ts';
import {
  SCHEMA_MIGRATION_TABLE_COLUMNS,
  type SchemaMigrationTable,
} from './tables/schema-migration.table.ts';
import { SOURCE_TABLE_COLUMNS, type SourceTable } from './tables/source.table.ts';
import { TARGET_TABLE_COLUMNS, type TargetTable } from './tables/target.table.ts';
import {
  TARGET_PROGRESS_TABLE_COLUMNS,
  type TargetProgressTable,
} from './tables/target-progress.table.ts';
import {
  TARGET_WORDING_TABLE_COLUMNS,
  type TargetWordingTable,
} from './tables/target-wording.table.ts';
import { UNIT_ALIAS_TABLE_COLUMNS, type UnitAliasTable } from './tables/unit-alias.table.ts';
import {
  UNIT_CROSSWALK_TABLE_COLUMNS,
  type UnitCrosswalkTable,
} from './tables/unit-crosswalk.table.ts';

/**
 * Every table of the warehouse, for Kysely and for every query that reads or writes through it:
 * each row type comes from its `tables/<table>.table.ts`, where the table's grain is stated.
 */
export interface Database {
  publication: PublicationTable;
  dim_source: SourceTable;
  dim_admin_unit: AdminUnitTable;
  dim_unit_alias: UnitAliasTable;
  dim_unit_crosswalk: UnitCrosswalkTable;
  fct_population: PopulationTable;
  load_log: LoadLogTable;
  fct_org_annual: OrgAnnualTable;
  fct_org_register: RegisterTable;
  fct_published_value: PublishedValueTable;
  dim_indicator: IndicatorTable;
  dim_indicator_alias: IndicatorAliasTable;
  dim_indicator_operand: IndicatorOperandTable;
  dim_plan: PlanTable;
  dim_plan_implements: PlanImplementsTable;
  dim_target: TargetTable;
  dim_target_wording: TargetWordingTable;
  api_key: ApiKeyTable;
  rpt_org_type_row: ReportRowTable;
  rpt_indicator_value: IndicatorValueTable;
  rpt_target_progress: TargetProgressTable;
  release: ReleaseTable;
  release_policy: ReleasePolicyTable;
  schema_migration: SchemaMigrationTable;
}

/**
 * The columns of every table of {@link Database}, in table order, each typed against its row: the
 * runtime side of the interface, which a test compares with DuckDB's catalog.
 */
export const DATABASE_COLUMNS: { readonly [T in keyof Database]: TableColumns<Database[T]> } = {
  publication: PUBLICATION_TABLE_COLUMNS,
  dim_source: SOURCE_TABLE_COLUMNS,
  dim_admin_unit: ADMIN_UNIT_TABLE_COLUMNS,
  dim_unit_alias: UNIT_ALIAS_TABLE_COLUMNS,
  dim_unit_crosswalk: UNIT_CROSSWALK_TABLE_COLUMNS,
  fct_population: POPULATION_TABLE_COLUMNS,
  load_log: LOAD_LOG_TABLE_COLUMNS,
  fct_org_annual: ORG_ANNUAL_TABLE_COLUMNS,
  fct_org_register: REGISTER_TABLE_COLUMNS,
  fct_published_value: PUBLISHED_VALUE_TABLE_COLUMNS,
  dim_indicator: INDICATOR_TABLE_COLUMNS,
  dim_indicator_alias: INDICATOR_ALIAS_TABLE_COLUMNS,
  dim_indicator_operand: INDICATOR_OPERAND_TABLE_COLUMNS,
  dim_plan: PLAN_TABLE_COLUMNS,
  dim_plan_implements: PLAN_IMPLEMENTS_TABLE_COLUMNS,
  dim_target: TARGET_TABLE_COLUMNS,
  dim_target_wording: TARGET_WORDING_TABLE_COLUMNS,
  api_key: API_KEY_TABLE_COLUMNS,
  rpt_org_type_row: REPORT_ROW_TABLE_COLUMNS,
  rpt_indicator_value: INDICATOR_VALUE_TABLE_COLUMNS,
  rpt_target_progress: TARGET_PROGRESS_TABLE_COLUMNS,
  release: RELEASE_TABLE_COLUMNS,
  release_policy: RELEASE_POLICY_TABLE_COLUMNS,
  schema_migration: SCHEMA_MIGRATION_TABLE_COLUMNS,
};

const instances = new WeakMap<DuckDbHandle, Kysely<Database>>();

/** The Kysely instance over a handle, made once per handle (a snapshot is read through one). */
export function kyselyOf(handle: DuckDbHandle): Kysely<Database> {
  let db = instances.get(handle);
  if (!db) instances.set(handle, (db = createKysely<Database>(handle)));
  return db;
}

/** The read tables versioned by data version (`valid_from_version`, `valid_to_version`). */
type VersionedTable = 'rpt_org_type_row' | 'rpt_indicator_value' | 'rpt_target_progress';

/**
 * The rows of a versioned read table valid in data version `version`, or its current rows when
 * `version` is undefined: a `where` argument.
 */
export function validIn(
  version: number | undefined,
): <T extends VersionedTable>(eb: ExpressionBuilder<Database, T>) => Expression<SqlBool> {
  return (eb) => {
    // Every versioned table has both columns; the builder of one of them reads them the same way.
    const b = eb as unknown as ExpressionBuilder<Database, 'rpt_indicator_value'>;
    if (version === undefined) return b('valid_to_version', 'is', null);
    return b.and([
      b('valid_from_version', '<=', version),
      b.or([b('valid_to_version', 'is', null), b('valid_to_version', '>', version)]),
    ]);
  };
}

/**
 * `column in (values)` for a `where`: `true` when the list is absent (no filter), `false` when it
 * is empty (an empty `in ()` is not SQL). The whole list is one list parameter (`VARCHAR[]` or
 * `BIGINT[]`), so the statement's text does not grow with the list (a dashboard asks for every
 * province at once), and a value is matched whole, whatever characters it holds.
 */
export function oneOf<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  column: ReferenceExpression<DB, TB>,
  values: readonly (string | number)[] | undefined,
): Expression<SqlBool> {
  if (values === undefined) return sql<SqlBool>`true`;
  if (values.length === 0) return sql<SqlBool>`false`;
  const list = sql`(select unnest(${sql.val([...values])}))`;
  return eb(column, 'in', list as never);
}

/** A TIMESTAMP as `'YYYY-MM-DD HH:MM:SS'` text (UTC, whole seconds), as the API shows load times. */
export function secondsText<T extends string | null>(timestamp: Expression<T>) {
  return sql<T>`strftime(${timestamp}, '%Y-%m-%d %H:%M:%S')`;
}

/**
 * The rows valid in data version `version` (current rows when undefined), for tables read under
 * an alias or in a join: `from` and `to` are the row's `valid_from_version` and
 * `valid_to_version`.
 */
export function validBetween<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  from: ReferenceExpression<DB, TB>,
  to: ReferenceExpression<DB, TB>,
  version: number | undefined,
): Expression<SqlBool> {
  if (version === undefined) return eb(to, 'is', null);
  return eb.and([
    eb(from, '<=', version as never),
    eb.or([eb(to, 'is', null), eb(to, '>', version as never)]),
  ]);
}

/**
 * A column of a {@link Database} table for Kysely's `sql` template, qualified by `alias` when
 * given: a column the table lacks does not compile.
 */
export function columnOf<T extends keyof Database>(
  table: T,
  column: keyof Database[T] & string,
  alias?: string,
) {
  return sql.ref(alias === undefined ? column : `${alias}.${column}`);
}
