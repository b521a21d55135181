import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { MIGRATIONS, migrate } from '../../../warehouse/migrations/migrations.ts';

// A warehouse built before qualifiers and wordings (schema 3), with rows in the tables that
// migrations 4 and 5 rebuild, must upgrade in place and keep every row.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-migrate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('upgrading a schema-3 warehouse', () => {
  it('adds the value qualifier and the target wordings without losing rows', async () => {
    const db = await DuckDbHandle.open(join(dir, 'old.duckdb'));
    try {
      await db.run(
        `create table schema_migration (version integer primary key, name varchar not null, applied_at timestamp not null)`,
      );
      for (const m of MIGRATIONS.filter((m) => m.version <= 3)) {
        await db.run(m.sql);
        await db.run(`insert into schema_migration values ($1, $2, current_timestamp)`, [
          m.version,
          m.name,
        ]);
      }
      await db.run(
        `insert into fct_published_value values
          ('VN', 'htx_members', 2025, 6000000, 'members', 'MINISTRY', 'PROVISIONAL', true, true,
           'https://example.org/a', 'gần 6 triệu thành viên', 'high', null, 1, 1, null),
          ('VN', 'htx_count', 2024, 33335, 'cooperatives', 'MINISTRY', 'REPORTED', false, true,
           'https://example.org/b', '33.335 HTX', 'high', null, 1, 1, null)`,
      );
      await db.run(
        `insert into dim_target (plan_id, target_id, indicator_code, unit_id, target_year, comparator,
           value, unit, quote_lang, quote)
         values ('p', 't', 'htx_count', 'VN', 2030, 'APPROX', 45000, 'cooperatives', 'vi', 'khoảng 45.000')`,
      );

      await db.run(
        `insert into fct_org_annual (unit_id, year, org_type, sector, source_code, universe, org_count,
           members, status, load_id, valid_from_version, valid_to_version)
         values ('VN', 2022, 'HTX', 'ALL', 'MINISTRY', 'REGISTERED', 29378, 5935000, 'ESTIMATED', 1, 1, null)`,
      );

      // 4 and 5 rebuild these tables; 6 adds the topic-report rows; 7 gives each fact measure its
      // own status and qualifier (rebuilding the fact table); 8 the release tables (the current
      // figures become release 1); 9 the indicator values and target progress (none: no
      // indicator in the registry here).
      expect(await migrate(db)).toEqual([4, 5, 6, 7, 8, 9]);
      expect(await db.all(`select count(*)::integer as n from rpt_org_type_row`)).toEqual([
        { n: 1 },
      ]);
      // The fact keeps its values; every measure keeps the row's status until init re-derives it.
      expect(
        await db.all(
          `select org_count, members, status, measure_status, measure_qualifier, load_id, valid_from_version, valid_to_version
           from fct_org_annual`,
        ),
      ).toEqual([
        {
          org_count: 29378,
          members: 5935000,
          status: 'ESTIMATED',
          measure_status: null,
          measure_qualifier: null,
          load_id: 1,
          valid_from_version: 1,
          valid_to_version: null,
        },
      ]);
      const columns = await db.all<{ column_name: string }>(
        `select column_name from information_schema.columns where table_name = 'fct_org_annual' order by ordinal_position`,
      );
      expect(columns.slice(-3).map((c) => c.column_name)).toEqual([
        'load_id',
        'valid_from_version',
        'valid_to_version',
      ]);

      expect(
        await db.all(
          `select indicator_code, value, is_approximate, qualifier, valid_to_version
           from fct_published_value order by indicator_code`,
        ),
      ).toEqual([
        {
          indicator_code: 'htx_count',
          value: 33335,
          is_approximate: false,
          qualifier: 'EXACT',
          valid_to_version: null,
        },
        {
          indicator_code: 'htx_members',
          value: 6000000,
          is_approximate: true,
          qualifier: 'ABOUT', // until init re-reads the quote ("gần" → NEARLY)
          valid_to_version: null,
        },
      ]);
      expect(
        await db.all(`select target_id, value, is_inferred, inferred_reason from dim_target`),
      ).toEqual([{ target_id: 't', value: 45000, is_inferred: false, inferred_reason: null }]);
      expect(await db.all(`select count(*)::integer as n from dim_target_wording`)).toEqual([
        { n: 0 },
      ]);
    } finally {
      db.close();
    }
  });
});
