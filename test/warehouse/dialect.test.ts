import { mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBConnection } from '@duckdb/node-api';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createKysely,
  DuckDbHandle,
  toJsValue,
  type SqlValue,
} from '../../warehouse/dialect/index.ts';

interface TestDb {
  coop: { id: number; province: string; founded_on: string | null; members: number | null };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-dialect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Opens a fresh file in the temp folder with the table every test below uses. */
async function openWithCoopTable(name: string): Promise<DuckDbHandle> {
  const handle = await DuckDbHandle.open(join(dir, `${name}.duckdb`));
  await handle.run(
    'create table coop (id integer primary key, province varchar not null, founded_on date, members bigint)',
  );
  return handle;
}

describe('value policy over test_all_types()', () => {
  let h: DuckDbHandle;
  beforeAll(async () => {
    h = await DuckDbHandle.open(':memory:');
  });
  afterAll(() => h.close());

  /** The three rows (min, max, null) of one test_all_types() column. */
  async function column(name: string): Promise<unknown[]> {
    const rows = await h.all<Record<string, unknown>>(`select "${name}" from test_all_types()`);
    return rows.map((row) => row[name]);
  }

  it('keeps booleans, small integers and floats as they are', async () => {
    expect(await column('bool')).toEqual([false, true, null]);
    expect(await column('tinyint')).toEqual([-128, 127, null]);
    expect(await column('smallint')).toEqual([-32768, 32767, null]);
    expect(await column('int')).toEqual([-2147483648, 2147483647, null]);
    expect(await column('utinyint')).toEqual([0, 255, null]);
    expect(await column('usmallint')).toEqual([0, 65535, null]);
    expect(await column('uint')).toEqual([0, 4294967295, null]);
    expect(await column('float')).toEqual([-3.4028234663852886e38, 3.4028234663852886e38, null]);
    expect(await column('double')).toEqual([-Number.MAX_VALUE, Number.MAX_VALUE, null]);
  });

  it.each(['bigint', 'hugeint', 'ubigint', 'uhugeint', 'bignum'])(
    'rejects %s values outside the safe range with a RangeError naming the column',
    async (name) => {
      const failure = column(name);
      await expect(failure).rejects.toBeInstanceOf(RangeError);
      await expect(failure).rejects.toThrow(`in column "${name}" is outside JavaScript's safe`);
    },
  );

  it('turns every wide integer type into a number inside the safe range', async () => {
    const [row] = await h.all(
      `select ${Number.MAX_SAFE_INTEGER}::bigint as big_max, ${Number.MIN_SAFE_INTEGER}::bigint as big_min,
        (-7)::hugeint as huge, 18::ubigint as ubig, 19::uhugeint as uhuge, 20::bignum as bignum,
        (select count(*) from test_all_types()) as n`,
    );
    expect(row).toEqual({
      big_max: Number.MAX_SAFE_INTEGER,
      big_min: Number.MIN_SAFE_INTEGER,
      huge: -7,
      ubig: 18,
      uhuge: 19,
      bignum: 20,
      n: 3,
    });
    await expect(h.all(`select ${Number.MAX_SAFE_INTEGER}::bigint + 1 as over`)).rejects.toThrow(
      RangeError,
    );
    await expect(h.all('select bigint::double as d from test_all_types()')).resolves.toEqual([
      { d: -9223372036854775808 },
      { d: 9223372036854775807 },
      { d: null },
    ]);
  });

  it('turns DECIMAL into number', async () => {
    expect(await column('dec_4_1')).toEqual([-999.9, 999.9, null]);
    expect(await column('dec_9_4')).toEqual([-99999.9999, 99999.9999, null]);
    expect(await column('dec_18_6')).toEqual([-999999999999.999999, 999999999999.999999, null]);
    expect(await column('dec38_10')).toEqual([-1e28, 1e28, null]);
    expect(await h.all('select 1234.56::decimal(18,2) as vnd_million')).toEqual([
      { vnd_million: 1234.56 },
    ]);
  });

  it("turns DATE into DuckDB's own 'YYYY-MM-DD' text, infinities included", async () => {
    expect(await column('date')).toEqual(['5877642-06-25 (BC)', '5881580-07-10', null]);
    expect(await column('date_array')).toEqual([
      [],
      ['1970-01-01', 'infinity', '-infinity', null, '2022-05-12'],
      null,
    ]);
    const rows = await h.all<{ ours: string; theirs: string }>(
      `select d as ours, d::varchar as theirs
       from (select unnest(['0001-01-01', '0044-03-15 (BC)', '1582-10-15', '1900-02-28', '2000-02-29',
         '2024-12-31', '9999-12-31', '12345-06-07']::date[]) as d)`,
    );
    expect(rows).toHaveLength(8);
    for (const { ours, theirs } of rows) expect(ours).toBe(theirs);
  });

  it('turns TIMESTAMP and TIMESTAMPTZ into ISO-8601 UTC text with milliseconds', async () => {
    const extremes = ['-290308-12-22T00:00:00.000Z', '+294247-01-10T04:00:54.775Z', null];
    expect(await column('timestamp')).toEqual(extremes);
    expect(await column('timestamp_tz')).toEqual(extremes);
    expect(await column('timestamp_ms')).toEqual(extremes);
    expect(await column('timestamp_s')).toEqual([
      '-290308-12-22T00:00:00.000Z',
      '+294247-01-10T04:00:54.000Z',
      null,
    ]);
    expect(await column('timestamp_ns')).toEqual([
      '1677-09-22T00:00:00.000Z',
      '2262-04-11T23:47:16.854Z',
      null,
    ]);
    expect(await column('timestamptz_array')).toEqual([
      [],
      ['1970-01-01T00:00:00.000Z', 'infinity', '-infinity', null, '2022-05-12T23:23:45.000Z'],
      null,
    ]);
    const [row] = await h.all(
      `select timestamp '2024-01-02 03:04:05.123456' as ts,
        timestamptz '2024-01-02 10:04:05.9+07' as tz,
        timestamp '1969-12-31 23:59:59.999' as before_epoch`,
    );
    expect(row).toEqual({
      ts: '2024-01-02T03:04:05.123Z',
      tz: '2024-01-02T03:04:05.900Z',
      before_epoch: '1969-12-31T23:59:59.999Z',
    });
    // Within JS Date's range the text is exactly what Date#toISOString would write.
    for (const iso of extremes.slice(0, 2) as string[]) {
      expect(Number.isNaN(Date.parse(iso))).toBe(true); // beyond ±275760 years: no JS Date at all
    }
    expect(new Date(row.ts as string).toISOString()).toBe(row.ts);
  });

  it("turns TIME into 'HH:MM:SS[.ffffff]' and keeps TIMETZ's offset", async () => {
    expect(await column('time')).toEqual(['00:00:00', '24:00:00', null]);
    expect(await column('time_ns')).toEqual(['00:00:00', '24:00:00', null]);
    expect(await column('time_tz')).toEqual(['00:00:00+15:59:59', '24:00:00-15:59:59', null]);
    expect(await h.all("select time '12:34:56.5' as t, time '07:08:09.000123' as u")).toEqual([
      { t: '12:34:56.500000', u: '07:08:09.000123' },
    ]);
  });

  it('keeps VARCHAR (Vietnamese included), ENUM and UUID as strings, BLOB as bytes', async () => {
    expect(await column('varchar')).toEqual(['🦆🦆🦆🦆🦆🦆', 'goo\u0000se', null]);
    expect(await column('small_enum')).toEqual(['DUCK_DUCK_ENUM', 'GOOSE', null]);
    expect(await column('uuid')).toEqual([
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      null,
    ]);
    const [blob] = await column('blob');
    expect(blob).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(blob as Uint8Array).toString('latin1')).toBe(
      'thisisalongblob\u0000withnullbytes',
    );
    expect(await h.all("select 'Thái Nguyên' as name, $1 as echoed", ['Đắk Lắk'])).toEqual([
      { name: 'Thái Nguyên', echoed: 'Đắk Lắk' },
    ]);
  });

  it('turns LIST and ARRAY into arrays, STRUCT into objects, MAP into {key, value} entries', async () => {
    expect(await column('int_array')).toEqual([[], [42, 999, null, null, -42], null]);
    expect(await column('nested_int_array')).toEqual([
      [],
      [[], [42, 999, null, null, -42], null, [], [42, 999, null, null, -42]],
      null,
    ]);
    expect(await column('fixed_int_array')).toEqual([[null, 2, 3], [4, 5, 6], null]);
    expect(await column('struct')).toEqual([
      { a: null, b: null },
      { a: 42, b: '🦆🦆🦆🦆🦆🦆' },
      null,
    ]);
    expect(await column('struct_of_arrays')).toEqual([
      { a: null, b: null },
      { a: [42, 999, null, null, -42], b: ['🦆🦆🦆🦆🦆🦆', 'goose', null, ''] },
      null,
    ]);
    expect(await column('map')).toEqual([
      [],
      [
        { key: 'key1', value: '🦆🦆🦆🦆🦆🦆' },
        { key: 'key2', value: 'goose' },
      ],
      null,
    ]);
    expect(await column('union')).toEqual([
      { tag: 'name', value: 'Frank' },
      { tag: 'age', value: 5 },
      null,
    ]);
    expect(await column('interval')).toEqual([
      { months: 0, days: 0, micros: 0 },
      { months: 999, days: 999, micros: 999999999 },
      null,
    ]);
    // Elements follow the same policy as columns.
    expect(await h.all("select [1::bigint, null] as ids, {'on': date '2024-03-08'} as s")).toEqual([
      { ids: [1, null], s: { on: '2024-03-08' } },
    ]);
  });

  it('converts every test_all_types() column but the unsafe integers without throwing', async () => {
    const rows = await h.all(
      'select * exclude (bigint, hugeint, ubigint, uhugeint, bignum) from test_all_types()',
    );
    expect(rows).toHaveLength(3);
    const values = rows.flatMap((row) => Object.values(row));
    expect(values.some((v) => typeof v === 'bigint' || v instanceof Date)).toBe(false);
    expect(Object.values(rows[2]).every((v) => v === null)).toBe(true);
  });

  it('exposes toJsValue for single values', () => {
    expect(toJsValue(42n, 'BIGINT')).toBe(42);
    expect(toJsValue(null)).toBeNull();
    expect(toJsValue('x')).toBe('x');
    expect(() => toJsValue(2n ** 53n, 'BIGINT')).toThrow(RangeError);
  });
});

describe('DATE and TIMESTAMP text does not depend on the process time zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  it.each([
    ['UTC', 0],
    ['Asia/Ho_Chi_Minh', -420],
    ['America/Los_Angeles', 480],
  ])('under TZ=%s', async (zone, offsetMinutes) => {
    process.env.TZ = zone;
    // Proves the zone switch took effect in this process.
    expect(new Date(2024, 0, 1).getTimezoneOffset()).toBe(offsetMinutes);
    const h = await DuckDbHandle.open(':memory:');
    try {
      await h.run('create table d (day date)');
      await h.run('insert into d values ($1), (?)', ['2024-01-01', '1975-04-30']);
      expect(await h.all('select day from d order by day')).toEqual([
        { day: '1975-04-30' },
        { day: '2024-01-01' },
      ]);
      expect(
        await h.all(
          `select date '2024-01-01' as day, timestamp '2024-01-01 00:00:00' as ts,
            timestamptz '2024-01-01 00:00:00+00' as tz`,
        ),
      ).toEqual([
        { day: '2024-01-01', ts: '2024-01-01T00:00:00.000Z', tz: '2024-01-01T00:00:00.000Z' },
      ]);
    } finally {
      h.close();
    }
  });
});

describe('DuckDbHandle on a real file', () => {
  it('inserts with parameters and counts as numbers, raw and through Kysely', async () => {
    const h = await openWithCoopTable('count');
    try {
      await h.run('insert into coop values ($1, $2, $3, $4)', [1, 'Thái Nguyên', '2019-07-01', 12]);
      await h.run('insert into coop values (?, ?, ?, ?)', [2, 'Hà Nội', null, 2 ** 40]);
      await h.run('insert into coop values ($1, $2, $3, $4)', [3, 'Huế', '2024-02-29', null]);

      expect(await h.all('select count(*) as count from coop')).toEqual([{ count: 3 }]);

      const db = createKysely<TestDb>(h);
      expect(await db.selectFrom('coop').select(db.fn.countAll().as('count')).execute()).toEqual([
        { count: 3 },
      ]);
      // kysely-duckdb answered [] to exactly this query.
      const raw = await sql<{ count: number }>`select count(*) as count from coop`.execute(db);
      expect(raw.rows).toEqual([{ count: 3 }]);
      expect(typeof raw.rows[0].count).toBe('number');

      expect(
        await db
          .selectFrom('coop')
          .select(['id', 'province', 'founded_on', 'members'])
          .where('province', '=', 'Thái Nguyên')
          .execute(),
      ).toEqual([{ id: 1, province: 'Thái Nguyên', founded_on: '2019-07-01', members: 12 }]);
      expect(await h.all('select members from coop where id = $1', [2])).toEqual([
        { members: 2 ** 40 },
      ]);
    } finally {
      h.close();
    }
  });

  it('returns sum() of BIGINT (a HUGEINT in DuckDB) as a number', async () => {
    const h = await openWithCoopTable('sum');
    try {
      await h.run(
        "insert into coop values (1, 'a', null, 5000000000), (2, 'b', null, 7000000000), (3, 'c', null, null)",
      );
      const rows = await h.all<{ total: unknown; kind: string }>(
        'select sum(members) as total, typeof(sum(members)) as kind from coop',
      );
      expect(rows).toEqual([{ total: 12000000000, kind: 'HUGEINT' }]);
      expect(typeof rows[0].total).toBe('number');
      const db = createKysely<TestDb>(h);
      expect(
        await db
          .selectFrom('coop')
          .select((eb) => eb.fn.sum<number>('members').as('total'))
          .executeTakeFirstOrThrow(),
      ).toEqual({ total: 12000000000 });
    } finally {
      h.close();
    }
  });

  it('binds whole numbers as INTEGER or BIGINT, others as DOUBLE, and refuses a JS Date', async () => {
    const h = await DuckDbHandle.open(':memory:');
    try {
      const params: SqlValue[] = [7, 2 ** 40, 1.5, true, null, 'x'];
      expect(
        await h.all(
          'select typeof($1) a, typeof($2) b, typeof($3) c, typeof($4) d, $5 as e, typeof($6) f',
          params,
        ),
      ).toEqual([{ a: 'INTEGER', b: 'BIGINT', c: 'DOUBLE', d: 'BOOLEAN', e: null, f: 'VARCHAR' }]);
      const date = new Date() as unknown as SqlValue;
      await expect(h.all('select $1 as d', [date])).rejects.toThrow(
        "parameter $1 must be a string, number, boolean or null, but got a JS Date (pass dates as 'YYYY-MM-DD' strings)",
      );
    } finally {
      h.close();
    }
  });

  it('leaves the table unchanged when a transaction throws', async () => {
    const h = await openWithCoopTable('rollback');
    try {
      await h.run("insert into coop values (1, 'kept', null, 1)");
      const failure = h.transaction(async (tx) => {
        await tx.run("insert into coop values (2, 'lost', null, 2)");
        await tx.run('update coop set members = 100 where id = 1');
        expect(await tx.all('select count(*) as n from coop')).toEqual([{ n: 2 }]);
        throw new Error('load failed');
      });
      await expect(failure).rejects.toThrow('load failed');
      expect(await h.all('select id, members from coop')).toEqual([{ id: 1, members: 1 }]);

      const db = createKysely<TestDb>(h);
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('coop').values({ id: 3, province: 'lost' }).execute();
          throw new Error('kysely load failed');
        }),
      ).rejects.toThrow('kysely load failed');
      expect(await h.all('select id from coop')).toEqual([{ id: 1 }]);

      const committed = await h.transaction(async (tx) => {
        await tx.run("insert into coop values (4, 'kept too', null, 4)");
        return 'done';
      });
      expect(committed).toBe('done');
      expect(await h.all('select id from coop order by id')).toEqual([{ id: 1 }, { id: 4 }]);
    } finally {
      h.close();
    }
  });

  it('makes other callers wait for a running transaction instead of joining it', async () => {
    const h = await openWithCoopTable('isolation');
    try {
      const db = createKysely<TestDb>(h);
      let insideDone = false;
      const tx = h.transaction(async (inner) => {
        await inner.run("insert into coop values (1, 'a', null, 1)");
        // Parallel statements inside the transaction still run one at a time.
        await Promise.all([
          inner.run("insert into coop values (2, 'b', null, 2)"),
          db.insertInto('coop').values({ id: 3, province: 'c' }).execute(),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 30));
        insideDone = true;
        throw new Error('abort');
      });
      // Started while the transaction is open: must see the table only after the rollback.
      const outsideRaw = h.all('select count(*) as n from coop').then((rows) => {
        expect(insideDone).toBe(true);
        return rows;
      });
      const outsideKysely = db.selectFrom('coop').select('id').execute();
      await expect(tx).rejects.toThrow('abort');
      expect(await outsideRaw).toEqual([{ n: 0 }]);
      expect(await outsideKysely).toEqual([]);
      await expect(h.transaction(async (t) => t.transaction(async () => 1))).rejects.toThrow(
        'cannot be nested',
      );
    } finally {
      h.close();
    }
  });

  it('appends 10,000 rows, all or nothing', async () => {
    const h = await openWithCoopTable('append');
    try {
      const rows = Array.from({ length: 10_000 }, (_, i): SqlValue[] => [
        i + 1,
        i % 2 === 0 ? 'Thái Nguyên' : 'Cao Bằng',
        i % 10 === 0 ? null : '2024-01-15',
        i,
      ]);
      expect(await h.append('coop', rows)).toBe(10_000);
      expect(
        await h.all(
          `select count(*) as n, count(founded_on) as dated, sum(members) as members,
            min(founded_on) as first_day from coop`,
        ),
      ).toEqual([{ n: 10_000, dated: 9_000, members: 49_995_000, first_day: '2024-01-15' }]);

      async function* more(): AsyncGenerator<SqlValue[]> {
        yield [20_001, 'Lào Cai', '2020-05-05', 3];
        yield [20_002, 'Lào Cai', 'not a date', 4];
      }
      await expect(h.append('coop', more())).rejects.toThrow(
        /^appending to coop failed at row 2: .*not a date/,
      );
      await expect(h.append('coop', [[30_001, 'too short']])).rejects.toThrow(
        'each row appended to coop must have 4 values (one per column), but got 2 at row 1',
      );
      expect(await h.all('select count(*) as n from coop')).toEqual([{ n: 10_000 }]);

      // Inside a transaction the append joins it.
      await h.transaction(async (tx) => {
        await tx.append('main.coop', [[40_001, 'Sơn La', null, null]]);
      });
      expect(await h.all('select province from coop where id = 40001')).toEqual([
        { province: 'Sơn La' },
      ]);
    } finally {
      h.close();
    }
  });

  it('counts statements and reports each SQL text', async () => {
    const h = await openWithCoopTable('count-statements');
    try {
      const seen: string[] = [];
      h.statementCount = 0;
      h.onStatement = (text) => seen.push(text);
      await h.run("insert into coop values (1, 'a', null, null)");
      await h.all('select * from coop');
      const db = createKysely<TestDb>(h);
      await db.selectFrom('coop').selectAll().where('id', 'in', [1, 2]).execute();
      expect(h.statementCount).toBe(3);
      expect(seen[2]).toBe('select * from "coop" where "id" in ($1, $2)');
      await h.transaction(async (tx) => tx.run('select 1'));
      expect(h.statementCount).toBe(6);
      expect(seen.slice(3)).toEqual(['BEGIN TRANSACTION', 'select 1', 'COMMIT']);
      h.statementCount = 0;
      expect(h.statementCount).toBe(0);
    } finally {
      h.close();
    }
  });

  it('reports numAffectedRows for INSERT, UPDATE, DELETE and returns RETURNING rows', async () => {
    const h = await openWithCoopTable('affected');
    try {
      const db = createKysely<TestDb>(h);
      const inserted = await db
        .insertInto('coop')
        .values([
          { id: 1, province: 'a' },
          { id: 2, province: 'b' },
        ])
        .executeTakeFirstOrThrow();
      expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
      expect(
        await db
          .insertInto('coop')
          .values({ id: 3, province: 'c', members: 9 })
          .returning(['id', 'members'])
          .execute(),
      ).toEqual([{ id: 3, members: 9 }]);
      const updated = await db
        .updateTable('coop')
        .set({ members: 1 })
        .where('id', '<', 3)
        .executeTakeFirstOrThrow();
      expect(updated.numUpdatedRows).toBe(2n);
      const deleted = await db.deleteFrom('coop').where('id', '=', 99).executeTakeFirstOrThrow();
      expect(deleted.numDeletedRows).toBe(0n);
      const tables = await db.introspection.getTables();
      expect(tables.map((t) => [t.name, t.columns.map((c) => `${c.name} ${c.dataType}`)])).toEqual([
        ['coop', ['id INTEGER', 'province VARCHAR', 'founded_on DATE', 'members BIGINT']],
      ]);
    } finally {
      h.close();
    }
  });

  it('opens read-only a file another handle created and closed', async () => {
    const path = join(dir, 'read-only.duckdb');
    const writer = await DuckDbHandle.open(path);
    await writer.run('create table t (x integer); insert into t values (1), (2)');
    writer.close();
    writer.close(); // idempotent
    await expect(writer.all('select 1')).rejects.toThrow('is closed');

    const reader = await DuckDbHandle.open(path, { readOnly: true });
    try {
      expect(reader.readOnly).toBe(true);
      expect(reader.path).toBe(path);
      expect(await reader.all('select sum(x) as total from t')).toEqual([{ total: 3 }]);
      await expect(reader.run('insert into t values (3)')).rejects.toThrow(/read-only/i);
    } finally {
      reader.close();
    }
  });

  it('opens with the DuckDB threads asked for, and refuses fewer than one', async () => {
    const h = await DuckDbHandle.open(':memory:', { threads: 1 });
    try {
      expect(await h.all(`select current_setting('threads') as threads`)).toEqual([{ threads: 1 }]);
    } finally {
      h.close();
    }
    await expect(DuckDbHandle.open(':memory:', { threads: 0 })).rejects.toThrow(
      'DuckDB threads must be a positive whole number, but got 0',
    );
  });

  it('interrupts a running query and stays usable', async () => {
    const h = await DuckDbHandle.open(':memory:');
    try {
      const slow = h.all('select sum(i) as s from range(1000000000000) t(i)');
      await new Promise((resolve) => setTimeout(resolve, 100));
      h.interrupt();
      await expect(slow).rejects.toThrow(/interrupt/i);
      expect(await h.all('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      h.close();
    }
  });

  it('interrupts a query asked to stop before DuckDB started it, and only that query', async () => {
    const path = join(dir, 'interrupt-early.duckdb');
    const writer = await DuckDbHandle.open(path);
    await writer.run('create table t (x integer)');
    writer.close();
    // A read-only handle prepares, then runs, each through Node's thread pool: an interrupt asked
    // for as the statement is sent reaches DuckDB before it executes (and used to be forgotten,
    // the statement then running to its end).
    const h = await DuckDbHandle.open(path, { readOnly: true });
    try {
      h.onStatement = () => {
        h.onStatement = undefined;
        queueMicrotask(() => h.interrupt());
      };
      // Not interrupted, the count would run to its end (tens of seconds) and resolve.
      await expect(h.all('select count(*) as n from range(50000000000) t(i)')).rejects.toThrow(
        /interrupt/i,
      );
      // The next statement runs whole, however soon it follows.
      expect(await h.all('select count(*) as n from range(3000000) t(i)')).toEqual([
        { n: 3000000 },
      ]);
    } finally {
      h.close();
    }
  });
});

describe('DuckDbHandle.openInstances', () => {
  it('counts each database open in the process once, until its last handle closes', async () => {
    const before = DuckDbHandle.openInstances;
    const first = await DuckDbHandle.open(':memory:');
    const other = await first.connectAnother();
    const second = await DuckDbHandle.open(':memory:');
    expect(DuckDbHandle.openInstances).toBe(before + 2);
    first.close();
    expect(DuckDbHandle.openInstances).toBe(before + 2);
    other.close();
    other.close(); // idempotent
    expect(DuckDbHandle.openInstances).toBe(before + 1);
    second.close();
    expect(DuckDbHandle.openInstances).toBe(before);
  });
});

describe('DuckDbHandle.attach', () => {
  it('writes to the file through the instance the process keeps, with the settings it was given', async () => {
    const before = DuckDbHandle.openInstances;
    const path = join(dir, 'attached.duckdb');
    const h = await DuckDbHandle.attach(path, { threads: 1 });
    expect(DuckDbHandle.openInstances).toBe(before + 1);
    const [settings] = await h.all<{ threads: number; temp: string; db: string; file: string }>(
      `select current_setting('threads')::integer as threads,
              current_setting('temp_directory') as temp, current_database() as db,
              (select path from duckdb_databases() where database_name = current_database()) as file`,
    );
    expect(settings).toMatchObject({ threads: 1, temp: `${path}.tmp`, file: path });
    expect(settings?.db).not.toBe('memory');
    await h.run('create table coop (id integer, province varchar)');
    await h.append('coop', [[1, 'Thái Nguyên']]);
    await h.run('create temp table scratch as select 1 as x');
    await h.closeAsync();
    expect(DuckDbHandle.openInstances).toBe(before);
    await expect(h.all('select 1')).rejects.toThrow(/closed/);

    // The next file attached starts clean: its own settings, no temporary table of the last one.
    const next = await DuckDbHandle.attach(join(dir, 'attached-next.duckdb'), { threads: 2 });
    expect(
      await next.all(
        `select current_setting('threads')::integer as threads,
                (select count(*) from duckdb_tables() where temporary) as temp_tables,
                (select count(*) from duckdb_databases() where path = '${path}') as still_attached`,
      ),
    ).toEqual([{ threads: 2, temp_tables: 0, still_attached: 0 }]);
    next.close(); // close() detaches too, without waiting
    await vi.waitFor(() => expect(DuckDbHandle.openInstances).toBe(before));

    const reader = await DuckDbHandle.open(path, { readOnly: true });
    try {
      expect(await reader.all('select * from coop')).toEqual([{ id: 1, province: 'Thái Nguyên' }]);
    } finally {
      reader.close();
    }
  });

  it('gives a second file attached at the same time an instance of its own', async () => {
    const before = DuckDbHandle.openInstances;
    const first = await DuckDbHandle.attach(join(dir, 'first.duckdb'));
    const second = await DuckDbHandle.attach(join(dir, 'second.duckdb'), { threads: 1 });
    expect(DuckDbHandle.openInstances).toBe(before + 2);
    await Promise.all([
      first.run('create table t as select 1 as n'),
      second.run('create table t as select 2 as n'),
    ]);
    expect(await first.all('select n from t')).toEqual([{ n: 1 }]);
    expect(
      await second.all(`select n, current_setting('threads')::integer as threads from t`),
    ).toEqual([{ n: 2, threads: 1 }]);
    // Each sees its own file only.
    expect(
      await second.all(`select count(*) as n from duckdb_databases() where not internal`),
    ).toEqual([{ n: 1 }]);
    await Promise.all([first.closeAsync(), second.closeAsync()]);
    expect(DuckDbHandle.openInstances).toBe(before);
  });

  it('refuses a file DuckDB cannot open, and attaches the next one', async () => {
    const bad = join(dir, 'not-a-database.duckdb');
    await writeFile(bad, 'this is not a DuckDB file');
    const before = DuckDbHandle.openInstances;
    await expect(DuckDbHandle.attach(bad)).rejects.toThrow();
    expect(DuckDbHandle.openInstances).toBe(before);
    const good = await DuckDbHandle.attach(join(dir, 'after-bad.duckdb'));
    expect(await good.all('select 1 as one')).toEqual([{ one: 1 }]);
    await good.closeAsync();
  });
});

describe('DuckDbHandle.closeAsync of an attached file', () => {
  it('detaches a file whose connection left a transaction open, and the next file attaches to the same host', async () => {
    const before = DuckDbHandle.openInstances;
    const path = join(dir, 'left-open.duckdb');
    const h = await DuckDbHandle.attach(path);
    await h.run('create table kept (x integer); insert into kept values (1)');
    // Outstanding work on the file's own connection: DuckDB refuses that connection a detach.
    await h.run(
      'begin transaction; create table dropped (x integer); insert into dropped values (2)',
    );
    await h.closeAsync();
    expect(DuckDbHandle.openInstances).toBe(before);

    const next = await DuckDbHandle.attach(join(dir, 'after-left-open.duckdb'));
    try {
      const [db] = await next.all<{ name: string }>('select current_database() as name');
      expect(db?.name).toMatch(/^attached_\d+$/);
    } finally {
      await next.closeAsync();
    }
    const reader = await DuckDbHandle.open(path, { readOnly: true });
    try {
      expect(
        await reader.all(
          `select table_name from duckdb_tables() where database_name = current_database() order by 1`,
        ),
      ).toEqual([{ table_name: 'kept' }]);
    } finally {
      reader.close();
    }
  });

  it('refuses a second connection on an attached file', async () => {
    const h = await DuckDbHandle.attach(join(dir, 'one-connection.duckdb'));
    try {
      await expect(h.connectAnother()).rejects.toThrow(/one connection/);
    } finally {
      await h.closeAsync();
    }
  });
});

describe('DuckDbHandle prepared statements on a read-only file', () => {
  it('prepares a query once and runs it again with other parameters; the writer prepares every time', async () => {
    const path = join(dir, 'prepared.duckdb');
    const w = await DuckDbHandle.open(path);
    await w.run('create table t (x integer, name varchar)');
    await w.run(`insert into t values (1, 'Thái Nguyên'), (2, 'Bắc Kạn'), (3, null)`);
    const extract = vi.spyOn(DuckDBConnection.prototype, 'extractStatements');
    try {
      const query = 'select name from t where x = $1';
      for (const x of [1, 2, 3]) await w.all(query, [x]);
      expect(extract).toHaveBeenCalledTimes(3);
      w.close();
      const w2 = await DuckDbHandle.open(':memory:');

      extract.mockClear();
      const r = await DuckDbHandle.open(path, { readOnly: true });
      try {
        expect(await r.all(query, [1])).toEqual([{ name: 'Thái Nguyên' }]);
        expect(await r.all(query, [2])).toEqual([{ name: 'Bắc Kạn' }]);
        expect(await r.all(query, [3])).toEqual([{ name: null }]);
        expect(await r.all(query, ['2'])).toEqual([{ name: 'Bắc Kạn' }]);
        expect(await r.all('select count(*) as n from t')).toEqual([{ n: 3 }]);
        expect(extract).toHaveBeenCalledTimes(2);
        // A text of several statements runs as before, every time.
        const several = 'create temp table s as select 7 as x; select x from s';
        const writerRows = await w2.all(several);
        await w2.run('drop table s');
        expect(await r.all(several)).toEqual(writerRows);
        await r.run('drop table s');
        expect(await r.all(several)).toEqual(writerRows);
        // A statement that fails is dropped, and prepared again next time.
        await expect(r.all(query, ['not a number'])).rejects.toThrow(
          /Could not convert|Conversion/,
        );
        extract.mockClear();
        expect(await r.all(query, [1])).toEqual([{ name: 'Thái Nguyên' }]);
        expect(extract).toHaveBeenCalledTimes(1);
      } finally {
        r.close();
        w2.close();
      }
    } finally {
      extract.mockRestore();
      w.close();
    }
  });
});

describe('DuckDbHandle.attachSnapshot', () => {
  /** A file holding `value` in table t, renamed over `path` as a publish does. */
  async function publish(path: string, value: number): Promise<void> {
    const writing = `${path}.writing`;
    const w = await DuckDbHandle.open(writing);
    await w.run(`create table t (x integer); insert into t values (${value}); checkpoint`);
    w.close();
    await rename(writing, path);
  }
  const names = async (h: DuckDbHandle) =>
    (
      await h.all<{ name: string }>(
        `select database_name as name from duckdb_databases() where database_name like 'snapshot_%'`,
      )
    ).map((r) => r.name);

  it('reads the file it attached after another is renamed over the path, on every connection', async () => {
    const before = DuckDbHandle.openInstances;
    const path = join(dir, 'snapshots.duckdb');
    await publish(path, 1);
    const options = { threads: 1, memoryLimitBytes: 64 * 2 ** 20 };
    const [a1, a2] = await DuckDbHandle.attachSnapshot(path, 2, options);
    await publish(path, 2);
    const [b] = await DuckDbHandle.attachSnapshot(path, 1, options);
    const other = await DuckDbHandle.attachSnapshot(path, 1, { threads: 1 });
    try {
      for (const h of [a1!, a2!]) expect(await h.all('select x from t')).toEqual([{ x: 1 }]);
      expect(await b!.all('select x from t')).toEqual([{ x: 2 }]);
      // Snapshots of the same settings share one instance; other settings get another.
      expect(await names(b!)).toEqual(expect.arrayContaining(await names(a1!)));
      expect(await names(b!)).toHaveLength(2);
      expect(await names(other[0]!)).toHaveLength(1);
      expect(
        await b!.all(
          `select current_setting('threads') as threads, current_setting('memory_limit') as memory`,
        ),
      ).toEqual([{ threads: 1, memory: '64.0 MiB' }]);
      expect(DuckDbHandle.openInstances).toBe(before + 3);
      await expect(a1!.connectAnother()).rejects.toThrow(/attached with/);
      await expect(DuckDbHandle.attachSnapshot(path, 0)).rejects.toThrow(/at least one connection/);
    } finally {
      a1!.close();
      expect(DuckDbHandle.openInstances).toBe(before + 3); // a2 still reads it
      await a2!.closeAsync();
      expect(await names(b!)).toHaveLength(1);
      await b!.closeAsync();
      await other[0]!.closeAsync();
    }
    expect(DuckDbHandle.openInstances).toBe(before);
    expect((await readdir(dir)).filter((f) => f.includes('.snapshot-'))).toEqual([]);
  });
});

describe('DuckDbHandle.attach after a file spilled to disk', () => {
  it('attaches the next file to a new host (DuckDB will not move a temporary directory it used)', async () => {
    const before = DuckDbHandle.openInstances;
    const spilled = await DuckDbHandle.attach(join(dir, 'spilled.duckdb'), { threads: 1 });
    let aliasBefore: string | undefined;
    try {
      [{ name: aliasBefore } = { name: undefined }] = await spilled.all<{ name: string }>(
        'select current_database() as name',
      );
      await spilled.run(`set memory_limit = '40MB'`);
      await spilled.run(
        `create temp table wide as
         select range as x, repeat('x', 200) || range::varchar as y from range(1000000)`,
      );
      const [files] = await spilled.all<{ n: number }>(
        'select count(*) as n from duckdb_temporary_files()',
      );
      expect(files?.n).toBeGreaterThan(0);
    } finally {
      await spilled.closeAsync();
    }

    const next = await DuckDbHandle.attach(join(dir, 'after-spill.duckdb'));
    try {
      expect(
        await next.all(
          `select current_database() like 'attached_%' as attached,
                  current_database() = '${aliasBefore}' as same_alias,
                  current_setting('memory_limit') = '40.0 MiB' as old_limit,
                  current_setting('temp_directory') = '${join(dir, 'after-spill.duckdb')}.tmp' as temp_here`,
        ),
      ).toEqual([{ attached: true, same_alias: false, old_limit: false, temp_here: true }]);
    } finally {
      await next.closeAsync();
    }
    expect(DuckDbHandle.openInstances).toBe(before);
  });
});
