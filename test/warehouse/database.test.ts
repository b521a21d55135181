import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_COLUMNS, kyselyOf, oneOf } from '../../warehouse/database.ts';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { findAdminUnits } from '../../warehouse/queries/admin-unit.queries.ts';
import { findPlans } from '../../warehouse/queries/catalog.queries.ts';
import { createTestWarehouse, query, type TestWarehouse } from '../helpers/warehouse.ts';

/** A column as compared: table, name, SQL type (upper case, unquoted), nullable. */
type CatalogColumn = readonly [table: string, column: string, type: string, nullable: boolean];

/** DuckDB's spelling of a type and ours compared alike: `STRUCT("percent" DOUBLE, …)` = `struct(percent double, …)`. */
const normaliseType = (type: string) => type.replaceAll('"', '').toUpperCase();

/** The columns the `Database` interface declares, through the runtime description of each table. */
function declaredColumns(): CatalogColumn[] {
  return Object.entries(DATABASE_COLUMNS).flatMap(([table, columns]) =>
    Object.entries(columns).map(([name, column]): CatalogColumn => [
      table,
      name,
      normaliseType(column.type),
      column.nullable,
    ]),
  );
}

describe('the Database interface against the catalog of a freshly initialised warehouse', () => {
  let warehouse: TestWarehouse;
  let catalog: CatalogColumn[];
  beforeAll(async () => {
    warehouse = await createTestWarehouse();
    const rows = await query<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
    }>(
      warehouse.db,
      `select table_name, column_name, data_type, is_nullable
       from information_schema.columns
       where table_schema = 'main' and table_catalog = current_database()
       order by table_name, ordinal_position`,
    );
    catalog = rows.map((r) => [
      r.table_name,
      r.column_name,
      normaliseType(r.data_type),
      r.is_nullable === 'YES',
    ]);
  });
  afterAll(() => warehouse.cleanup());

  it('declares every table the migrations create, and no other', () => {
    expect(Object.keys(DATABASE_COLUMNS).sort()).toEqual(
      [...new Set(catalog.map(([t]) => t))].sort(),
    );
  });

  it('declares every column of every table, in table order, with its type and nullability', () => {
    const byTable = (columns: CatalogColumn[]) =>
      [...columns].sort((a, b) => a[0].localeCompare(b[0]));
    // Stable sort by table keeps each table's columns in their declared (and ordinal) order.
    expect(byTable(declaredColumns())).toEqual(byTable(catalog));
  });
});

describe('oneOf: a list parameter matches each value whole', () => {
  let warehouse: TestWarehouse;
  let db: DuckDbHandle;
  beforeAll(async () => {
    warehouse = await createTestWarehouse();
    db = await DuckDbHandle.open(warehouse.db, { readOnly: true });
  });
  afterAll(async () => {
    db.close();
    await warehouse.cleanup();
  });

  it('finds the values listed, and none when a value only holds listed values inside it', async () => {
    const codes = async (list: string[]) =>
      (await findAdminUnits(db, { codes: list, validOn: '2024-12-31' })).map((u) => u.code).sort();
    expect(await codes(['01', '19'])).toEqual(['01', '19']);
    // A character that once joined the list's values is text like any other.
    expect(await codes(['01\u001f19'])).toEqual([]);
    expect(await codes(['01,19'])).toEqual([]);
    const plans = await findPlans(db);
    const id = plans[0]!.plan_id;
    expect((await findPlans(db, { planIds: [id] })).map((p) => p.plan_id)).toEqual([id]);
    expect(await findPlans(db, { planIds: [`x\u001f${id}`] })).toEqual([]);
  });

  it('takes whole numbers as numbers, and an empty list as no match', async () => {
    const years = await findAdminUnits(db, { codes: [] });
    expect(years).toEqual([]);
    const [row] = await kyselyOf(db)
      .selectFrom('dim_admin_unit')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => oneOf(eb, eb.fn('length', ['code']), [1, 2]))
      .execute();
    const [all] = await db.all<{ n: number }>('select count(*) as n from dim_admin_unit');
    expect(row!.n).toBe(all!.n);
  });
});
