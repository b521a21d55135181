import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LoadRefusedError, formatFinding } from '../../../etl/load/findings.ts';
import { loadFile, type LoadReport } from '../../../etl/load/load-file.ts';
import { orderedPlansKnown } from '../../../etl/load/staging.ts';
import { TEMPLATE_EXAMPLE_VALUES } from '../../../etl/template/input-template.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import {
  DEFAULT_WRITER_THREADS,
  ONE_THREAD_INPUT_BYTES,
} from '../../../warehouse/store/warehouse-store.ts';
import {
  copyTemplate,
  example,
  fileHash,
  query,
  useTestWarehouse,
} from '../../helpers/warehouse.ts';
import { writeWorkbook } from '../../helpers/xlsx.ts';

const TN = '19:2008-08-01'; // Thái Nguyên before it absorbed Bắc Kạn
const LC = '12:2008-08-01'; // Lai Châu, unchanged and continuous
const AGG_HEADER = 'year,province_code,org_type,org_count,members';

const wh = useTestWarehouse('test');

/** Writes `text` as the file `name` beside the warehouse and loads it. */
async function loadText(name: string, text: string) {
  const path = join(wh.dir, name);
  await writeFile(path, text);
  return loadFile(path, { db: wh.db });
}

/** Loads `text` as the file `name`, checks that it was published, and returns its warnings. */
async function publishedWarnings(name: string, text: string): Promise<string[]> {
  const report = await loadText(name, text);
  expect(report.outcome).toBe('PUBLISHED');
  return report.warnings.map(formatFinding);
}

const current = (unit: string, orgType: string) =>
  query(
    wh.db,
    `select sector, org_count, active_count, new_count, dissolved_count, members, employees, rated_good, rated_fair,
            rated_average, rated_weak, rated_none, in_value_chain, linked_enterprise, high_tech, digital, new_model,
            source_code, universe, status
     from fct_org_annual where valid_to_version is null and unit_id = $1 and org_type = $2 order by sector`,
    [unit, orgType],
  );

/** The annual-fact columns a register derives, in the order {@link registerFact} takes them. */
const REGISTER_FACT_COLUMNS = [
  'sector, org_count, active_count, new_count, dissolved_count, inactive_count',
  'members, official_members, rated_good, rated_fair, rated_average, rated_weak, rated_none',
  'effective_count, in_value_chain, good_fair_in_value_chain, high_tech, new_model',
  'managers_trained, managers_total',
]
  .join(', ')
  .split(', ');

/** One expected row of the register-derived facts: the values of {@link REGISTER_FACT_COLUMNS}. */
function registerFact(...values: (string | number | null)[]): Record<string, unknown> {
  if (values.length !== REGISTER_FACT_COLUMNS.length)
    throw new Error(
      `a register fact has ${REGISTER_FACT_COLUMNS.length} values, got ${values.length}`,
    );
  return Object.fromEntries(REGISTER_FACT_COLUMNS.map((column, i) => [column, values[i]]));
}

describe('province aggregates', () => {
  it('refuses a file with faults in several columns and rules at once, naming each once', async () => {
    // A cell's type, a year's range, a required column, a part over its whole (errors) and the
    // member split before it existed (a warning): checks that run together in one statement.
    const path = join(wh.dir, 'several-faults.csv');
    await writeFile(
      path,
      [
        'year,province_code,org_type,org_count,members,active_count,official_members',
        '2031,19,HTX,10,abc,,',
        '2024,12,,5,50,9,',
        '2023,91,HTX,5,60,,10',
      ].join('\n'),
    );
    const error = await loadFile(path, { db: wh.db, maxYear: 2026 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadRefusedError);
    expect(
      (error as LoadRefusedError).findings.map((f) => `${f.severity} ${formatFinding(f)}`),
    ).toEqual([
      "ERROR column `members` must be a whole number ≥ 0 (digits only, or with . or , between thousands), but got 'abc' at several-faults.csv, row 2, column E (members)",
      "ERROR column `year` must be a year from 2000 to 2026, but got '2031' at several-faults.csv, row 2, column A (year)",
      "ERROR counts must be consistent: active_count must not exceed org_count (5), but got '9' at several-faults.csv, row 3, column F (active_count)",
      'ERROR column `org_type` must have a value in every row, but got an empty cell at several-faults.csv, row 3, column C (org_type)',
      "WARNING column `official_members` exists only from 1 July 2024 (Law 17/2023/QH15), so it was stored as missing for 2023, but got '10' at several-faults.csv, row 4, column G (official_members)",
    ]);
  });

  it('loads a CSV with Vietnamese headers and Vietnamese thousands separators', async () => {
    const report = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    expect(report).toMatchObject({
      family: 'aggregates',
      outcome: 'PUBLISHED',
      rowsRead: 7,
      years: [2024],
      dataVersion: 3, // 1 reference figures, 2 plan catalog
      // Lai Châu gives only its agricultural HTX: no HTX total is made for it.
      totals: { added: 7, changed: 0, removed: 0, unchanged: 0 },
    });
    // Thái Nguyên's agricultural cooperatives are the row the input template offers as its
    // example, with the same figures (the file has no revenue column).
    const {
      org_type,
      revenue_avg_vnd_million: _,
      ...agriculture
    } = TEMPLATE_EXAMPLE_VALUES.aggregates;
    expect(org_type).toBe('HTX');
    expect(await current(TN, 'HTX')).toEqual([
      {
        ...agriculture,
        source_code: 'PSO',
        universe: 'REGISTERED',
        status: 'REPORTED',
      },
      // The file's own all-sector row (empty where a sector lacks the measure).
      {
        sector: 'ALL',
        org_count: 705,
        active_count: 648,
        new_count: 55,
        dissolved_count: 14,
        members: 19760,
        employees: 4760,
        rated_good: 110,
        rated_fair: 240,
        rated_average: 175,
        rated_weak: 49,
        rated_none: 81,
        in_value_chain: 130,
        linked_enterprise: 97,
        high_tech: null,
        digital: 79,
        new_model: null,
        source_code: 'PSO',
        universe: 'REGISTERED',
        status: 'REPORTED',
      },
      {
        sector: 'TRADE_SERVICES',
        org_count: 95,
        active_count: 88,
        new_count: 7,
        dissolved_count: 2,
        members: 1310,
        employees: 640,
        rated_good: 14,
        rated_fair: 30,
        rated_average: 25,
        rated_weak: 9,
        rated_none: 17,
        in_value_chain: 10,
        linked_enterprise: 12,
        high_tech: null,
        digital: 9,
        new_model: null,
        source_code: 'PSO',
        universe: 'REGISTERED',
        status: 'REPORTED',
      },
    ]);
    // An empty cell is missing, never zero; a THT row without a sector covers all sectors.
    expect(await current(LC, 'THT')).toEqual([
      expect.objectContaining({
        sector: 'ALL',
        org_count: 530,
        members: 4770,
        employees: null,
        in_value_chain: null,
      }),
    ]);
  });

  it('loads an .xlsx with English headers, resolving codes by year (91 is Kiên Giang in 2021)', async () => {
    const path = join(wh.dir, 'mekong-2021.xlsx');
    await writeWorkbook(path, [
      {
        name: 'Aggregates',
        rows: [
          [
            'Year',
            'Province code',
            'Province',
            'Org type',
            'Sector',
            'org_count',
            'Members',
            'in_value_chain',
            'high_tech',
          ],
          [2021, 91, 'Kiên Giang', 'HTX', 'AGRICULTURE', 240, 21000, 40, 12],
          [2021, 89, 'An Giang', 'HTX', 'AGRICULTURE', 260, 24000, 55, 20],
          [2021, '6', 'Bac Kan', 'Cooperative', 'Agriculture', 180, 3900, 15, null],
        ],
      },
    ]);
    const report = await loadFile(path, { db: wh.db, status: 'PROVISIONAL' });
    // One sector of each province: the totals stay missing (none is invented from a part).
    expect(report).toMatchObject({ outcome: 'PUBLISHED', rowsRead: 3, totals: { added: 3 } });
    const rows = await query(
      wh.db,
      `select unit_id, org_count, members, in_value_chain, high_tech, status from fct_org_annual
       where valid_to_version is null and year = 2021 and unit_id <> 'VN' and sector <> 'ALL' order by unit_id`,
    );
    expect(rows).toEqual([
      {
        unit_id: '06:2008-08-01',
        org_count: 180,
        members: 3900,
        in_value_chain: 15,
        high_tech: null,
        status: 'PROVISIONAL',
      },
      {
        unit_id: '89:2008-08-01',
        org_count: 260,
        members: 24000,
        in_value_chain: 55,
        high_tech: 20,
        status: 'PROVISIONAL',
      },
      {
        unit_id: '91:2008-08-01',
        org_count: 240,
        members: 21000,
        in_value_chain: 40,
        high_tech: 12,
        status: 'PROVISIONAL',
      },
    ]);
  });

  it('resolves code 91 to the new An Giang for 2025 and accepts a former name with a warning', async () => {
    const report = await loadText(
      'an-giang-2025.csv',
      'năm,mã tỉnh,tỉnh,loại hình,số lượng\n2025,91,An Giang,HTX,530\n2025,46,Thừa Thiên Huế,HTX,210\n',
    );
    expect(report.outcome).toBe('PUBLISHED');
    expect(report.changes.map((c) => c.unit_id)).toEqual(['46:2008-08-01', '91:2025-07-01']);
    expect(report.warnings.map(formatFinding)).toEqual([
      "a province name should be the one in use on 31 December 2025, so it was read as Thành phố Huế, but got 'Thừa Thiên Huế' at an-giang-2025.csv, row 3, column C (tỉnh)",
    ]);
  });

  it('warns, without refusing, when cooperatives average fewer members than the law requires', async () => {
    expect(
      await publishedWarnings(
        'small.csv',
        'year,province_code,org_type,org_count,members\n2024,12,HTX,10,30\n2023,12,HTX,10,60\n',
      ),
    ).toEqual([
      "an HTX should have at least 5 members (Law on Cooperatives 17/2023/QH15), so 10 of them should have at least 50 members, but got '30' at small.csv, row 2, column E (members)",
      "an HTX should have at least 7 members (Law on Cooperatives 23/2012/QH13), so 10 of them should have at least 70 members, but got '60' at small.csv, row 3, column E (members)",
    ]);
  });
  it('stores the member split as missing before July 2024, and reads Vietnamese decimals', async () => {
    const report = await loadText(
      'split.csv',
      [
        'Năm;Mã tỉnh;Loại hình;Số lượng;Số thành viên;Thành viên chính thức;Doanh thu bình quân',
        '2023;12;HTX;10;80;70;"1.250,5"',
        '2024;12;HTX;11;90;82;"1.300,75"',
      ].join('\n'),
    );
    expect(report.warnings.map(formatFinding)).toEqual([
      "column `official_members` exists only from 1 July 2024 (Law 17/2023/QH15), so it was stored as missing for 2023, but got '70' at split.csv, row 2, column F (Thành viên chính thức)",
    ]);
    const rows = await query(
      wh.db,
      `select year, members, official_members, revenue_avg_vnd_million from fct_org_annual
       where valid_to_version is null and unit_id = $1 and org_type = 'HTX' order by year`,
      [LC],
    );
    expect(rows).toEqual([
      { year: 2023, members: 80, official_members: null, revenue_avg_vnd_million: 1250.5 },
      { year: 2024, members: 90, official_members: 82, revenue_avg_vnd_million: 1300.75 },
    ]);
  });

  it('warns when the stock does not follow the flows from the previous year', async () => {
    expect(
      await publishedWarnings(
        'stock.csv',
        'year,province_code,org_type,org_count,new_count,dissolved_count\n2023,12,HTX,250,20,5\n2024,12,HTX,300,22,9\n',
      ),
    ).toEqual([
      "the stock should follow the flows: HTX in Tỉnh Lai Châu 2024 should be about 250 (2023) + 22 new − 9 dissolved = 263, but got '300' at stock.csv, column D (org_count)",
    ]);
    // Within 2% (and 2 organisations) of the previous stock: no warning.
    expect(
      await publishedWarnings(
        'stock-close.csv',
        'year,province_code,org_type,org_count,new_count,dissolved_count\n2025,12,HTX,314,25,10\n',
      ),
    ).toEqual([]);
  });
});

describe('organisation register', () => {
  it('loads a register and derives the annual facts from it', async () => {
    const report = await loadFile(example('register-2024.csv'), { db: wh.db });
    expect(report).toMatchObject({ family: 'register', outcome: 'PUBLISHED', rowsRead: 8 });
    const facts = await query(
      wh.db,
      `select ${REGISTER_FACT_COLUMNS.join(', ')}
       from fct_org_annual where valid_to_version is null and unit_id = $1 and org_type = 'HTX' order by sector`,
      [TN],
    );
    // The dissolved handicraft cooperative is counted as dissolved, not as existing.
    // prettier-ignore
    expect(facts).toEqual([
      registerFact('AGRICULTURE', 3, 3, 1, 0, 0, 87, 77, 1, 1, 0, 0, 1, 2, 1, 1, 1, 1, 4, 9),
      registerFact('ALL', 4, 4, 1, 1, 0, 122, 112, 1, 1, 1, 0, 1, 2, 1, 1, 1, 1, 4, 12),
      registerFact('INDUSTRY_HANDICRAFT', 0, 0, 0, 1, 0, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null),
      registerFact('TRANSPORT', 1, 1, 0, 0, 0, 35, 35, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3),
    ]);
    const [register] = await query<{ n: number }>(
      wh.db,
      'select count(*) as n from fct_org_register where valid_to_version is null',
    );
    expect(register?.n).toBe(8);
  });

  it('reads a CSV file with DuckDB on one thread as on several: same rows, same row numbers', async () => {
    // One thread plans the typed read as a plain CREATE_TABLE_AS (several as a batched one): the
    // order guard must take both, and a refusal must still name the file's own row.
    const report = await loadFile(example('register-2024.csv'), { db: wh.db, threads: 1 });
    expect(report).toMatchObject({ family: 'register', outcome: 'PUBLISHED', rowsRead: 8 });
    const [all] = await query(
      wh.db,
      `select ${REGISTER_FACT_COLUMNS.join(', ')}
       from fct_org_annual where valid_to_version is null and unit_id = $1 and org_type = 'HTX' and sector = 'ALL'`,
      [TN],
    );
    // prettier-ignore
    expect(all).toEqual(registerFact('ALL', 4, 4, 1, 1, 0, 122, 112, 1, 1, 1, 0, 1, 2, 1, 1, 1, 1, 4, 12));
    const lines = (await readFile(example('register-2024.csv'), 'utf8')).split('\n');
    lines[3] = lines[3]!.replace(',35,35,', ',thirty-five,35,');
    const bad = join(wh.dir, 'register-bad-row-4.csv');
    await writeFile(bad, lines.join('\n'));
    const refusal = await loadFile(bad, { db: wh.db, threads: 1 }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(LoadRefusedError);
    expect((refusal as LoadRefusedError).findings.map(formatFinding).join('\n')).toMatch(
      /'thirty-five' at register-bad-row-4\.csv, row 4, column J/,
    );
  });

  it('plans the order check of a layout once per thread count, and still numbers each file’s rows', async () => {
    // A layout no other test loads: the register's last column moved to the front.
    const lines = (await readFile(example('register-2024.csv'), 'utf8'))
      .split('\n')
      .map((line) =>
        line ? [line.split(',').at(-1), ...line.split(',').slice(0, -1)].join(',') : line,
      );
    const variant = (name: string, row: number, members: string) => {
      const copy = [...lines];
      copy[row - 1] = copy[row - 1]!.replace(',35,35,', `,${members},35,`);
      const path = join(wh.dir, name);
      return writeFile(path, copy.join('\n')).then(() => path);
    };
    const before = orderedPlansKnown();
    const first = await loadFile(await variant('register-36.csv', 4, '36'), {
      db: wh.db,
      threads: 2,
    });
    expect(first.outcome).toBe('PUBLISHED');
    expect(orderedPlansKnown()).toBe(before + 1);
    // The same layout again, another file: no new plan is judged, and a bad cell is still placed
    // at its own row.
    const refusal = await loadFile(await variant('register-bad.csv', 4, 'ba mươi sáu'), {
      db: wh.db,
      threads: 2,
    }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(LoadRefusedError);
    expect((refusal as LoadRefusedError).findings.map(formatFinding).join('\n')).toMatch(
      /'ba mươi sáu' at register-bad\.csv, row 4, column K/,
    );
    expect(orderedPlansKnown()).toBe(before + 1);
    // Another thread count is another plan, judged anew.
    await loadFile(await variant('register-37.csv', 4, '37'), { db: wh.db, threads: 1 });
    expect(orderedPlansKnown()).toBe(before + 2);
  });

  it('loads a register from .xlsx with Vietnamese headers', async () => {
    const path = join(wh.dir, 'so-dang-ky.xlsx');
    await writeWorkbook(path, [
      { name: 'Hướng dẫn', rows: [['Biểu mẫu sổ đăng ký hợp tác xã, năm 2024']] },
      {
        name: 'HTX',
        rows: [
          [
            'Năm',
            'Mã số HTX',
            'Tên HTX',
            'Loại hình',
            'Lĩnh vực',
            'Mã tỉnh',
            'Năm thành lập',
            'Tình trạng',
            'Số thành viên',
            'Xếp loại',
            'Liên kết chuỗi',
            'Công nghệ cao',
          ],
          [
            2024,
            '1200987601',
            'Hợp tác xã Nông nghiệp Sìn Hồ',
            'Hợp tác xã',
            'Nông nghiệp',
            12,
            2019,
            'Đang hoạt động',
            26,
            'Khá',
            'có',
            'không',
          ],
          [
            2024,
            '1200987603',
            'Hợp tác xã Dệt thổ cẩm Bình Lư',
            'HTX',
            'Công nghiệp - tiểu thủ công nghiệp',
            12,
            2020,
            'Tạm ngừng hoạt động',
            9,
            'Yếu',
            'không',
            'không',
          ],
        ],
      },
    ]);
    const report = await loadFile(path, { db: wh.db });
    expect(report).toMatchObject({ family: 'register', outcome: 'PUBLISHED', rowsRead: 2 });
    expect(report.warnings.map(formatFinding)).toContain(
      "a sheet must start with a header row of the register format to be loaded, so it was skipped, but got 'Biểu mẫu sổ đăng ký hợp tác xã, năm 2024' at so-dang-ky.xlsx, sheet Hướng dẫn, row 1",
    );
    const rows = await query(
      wh.db,
      `select org_id, org_name, sector, legal_status, members, rating, in_value_chain, high_tech
       from fct_org_register where valid_to_version is null order by org_id`,
    );
    expect(rows).toEqual([
      {
        org_id: '1200987601',
        org_name: 'Hợp tác xã Nông nghiệp Sìn Hồ',
        sector: 'AGRICULTURE',
        legal_status: 'OPERATING',
        members: 26,
        rating: 'FAIR',
        in_value_chain: true,
        high_tech: false,
      },
      {
        org_id: '1200987603',
        org_name: 'Hợp tác xã Dệt thổ cẩm Bình Lư',
        sector: 'INDUSTRY_HANDICRAFT',
        legal_status: 'SUSPENDED',
        members: 9,
        rating: 'WEAK',
        in_value_chain: false,
        high_tech: false,
      },
    ]);
  });

  it('replaces the aggregates of the same province, year, source and type instead of adding to them', async () => {
    // The default warehouse with examples/aggregates-2024.csv loaded (data version 3).
    await copyTemplate(wh.db, 'example');
    const report = await loadFile(example('register-2024.csv'), { db: wh.db, replace: true });
    const [total] = await query<{ org_count: number }>(
      wh.db,
      `select sum(org_count) as org_count from fct_org_annual
       where valid_to_version is null and unit_id = $1 and org_type = 'HTX' and sector = 'ALL'`,
      [TN],
    );
    expect(total?.org_count).toBe(4); // the register's total, not 4 + 705
    const tn = report.changes.find((c) => c.unit_id === TN);
    expect(tn).toMatchObject({ removed: 1 }); // TRADE_SERVICES from the aggregates file
    const [history] = await query<{ n: number }>(
      wh.db,
      `select count(*) as n from fct_org_annual where unit_id = $1 and org_type = 'HTX' and valid_to_version is not null`,
      [TN],
    );
    expect(history?.n).toBe(3); // the aggregate rows (two sectors and their total) are kept as history
  });
});

describe('a path that is not a file to load', () => {
  it('is refused, named, when it is missing or a folder, and nothing is published', async () => {
    const before = await fileHash(wh.db);
    const missing = join(wh.dir, 'aggregates-2025.csv');
    await expect(loadFile(missing, { db: wh.db })).rejects.toThrow(
      `a file to load must exist, but got no file at ${missing}; nothing was published`,
    );
    await expect(loadFile(wh.dir, { db: wh.db })).rejects.toThrow(
      `a file to load must be a file, but got a folder at ${wh.dir}; nothing was published`,
    );
    expect(await fileHash(wh.db)).toBe(before);
  });
});

describe("the writer's DuckDB threads", () => {
  /** What `run` came to, and the `threads` each writer copy it opened was given, in order. */
  async function withWriterThreads(run: () => Promise<LoadReport>) {
    // The writer attaches its copy (DuckDbHandle.attach); an instance of its own gets the same.
    const attach = vi.spyOn(DuckDbHandle, 'attach');
    try {
      const outcome = await run().then(
        (report) => report.outcome,
        (error: unknown) => (error instanceof LoadRefusedError ? 'REFUSED' : error),
      );
      const threads = attach.mock.calls
        .filter(([path]) => path.includes('.writing-'))
        .map(([, options]) => options?.threads);
      return { outcome, threads };
    } finally {
      attach.mockRestore();
    }
  }

  it('are one for a file under 8 MiB, every core from 8 MiB, and what the load is given', async () => {
    expect(
      await withWriterThreads(() => loadFile(example('aggregates-2024.csv'), { db: wh.db })),
    ).toEqual({ outcome: 'PUBLISHED', threads: [1] });

    // 8 MiB in one cell: the writer opens, then the file is refused as it is read.
    const big = join(wh.dir, 'big.csv');
    await writeFile(big, `${AGG_HEADER}\n${'9'.repeat(ONE_THREAD_INPUT_BYTES)}\n`);
    expect(await withWriterThreads(() => loadFile(big, { db: wh.db }))).toEqual({
      outcome: 'REFUSED',
      threads: [DEFAULT_WRITER_THREADS],
    });

    const small = join(wh.dir, 'small.csv');
    await writeFile(small, `${AGG_HEADER}\n2024,12,HTX,-1,10\n`);
    expect(await withWriterThreads(() => loadFile(small, { db: wh.db, threads: 3 }))).toEqual({
      outcome: 'REFUSED',
      threads: [3],
    });
  });
});

describe('repeatability and revisions', () => {
  it('records the SHA-256 and size of the file as it is on disk, for a file read in several chunks', async () => {
    // 25,000 organisations, about 1.7 MB: more than one of the hash’s 1 MiB reads.
    const lines = ['year,org_id,org_name,org_type,sector,province_code,members,rating'];
    for (let i = 0; i < 25_000; i++) {
      lines.push(
        `2024,${4600000000 + i},Hợp tác xã số ${i},HTX,AGRICULTURE,${i % 2 ? '12' : '19'},${5 + (i % 90)},GOOD`,
      );
    }
    const path = join(wh.dir, 'register-2024.csv');
    await writeFile(path, `${lines.join('\n')}\n`);
    const bytes = await readFile(path);
    expect(bytes.length).toBeGreaterThan(1 << 20);

    const report = await loadFile(path, { db: wh.db });
    expect(report.outcome).toBe('PUBLISHED');
    const [logged] = await query<{ file_sha256: string; file_bytes: number }>(
      wh.db,
      'select file_sha256, file_bytes from load_log where load_id = $1',
      [report.loadId!],
    );
    expect(logged).toEqual({
      file_sha256: createHash('sha256').update(bytes).digest('hex'),
      file_bytes: bytes.length,
    });
  });

  it('refuses a file that changed after it was hashed, and writes nothing', async () => {
    const path = join(wh.dir, 'saved-again.csv');
    await writeFile(path, `${AGG_HEADER}\n2024,12,HTX,200,3000\n`);
    const before = await fileHash(wh.db);
    // The office saves the file again while it loads: after the hash, before the rows are read.
    const changing = loadFile(path, {
      db: wh.db,
      onProgress: (stage) => {
        if (stage === 'reading') appendFileSync(path, '2024,19,HTX,610,5200\n');
      },
    });
    const error = await changing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LoadRefusedError);
    expect((error as LoadRefusedError).findings.map(formatFinding)).toEqual([
      'a file must not change while it is loaded; load it again once it is saved, but got changed after it was hashed at saved-again.csv',
    ]);
    expect(await fileHash(wh.db)).toBe(before);
    // Saved, it loads.
    expect((await loadFile(path, { db: wh.db })).outcome).toBe('PUBLISHED');
  });

  it('changes nothing when the same file is loaded again, under any name', async () => {
    const first = await loadFile(example('aggregates-2024.csv'), { db: wh.db });
    const before = await fileHash(wh.db);
    const copy = join(wh.dir, 'renamed.csv');
    await copyFile(example('aggregates-2024.csv'), copy);
    const again = await loadFile(copy, { db: wh.db });
    expect(again).toMatchObject({
      outcome: 'ALREADY_LOADED',
      loadId: first.loadId,
      dataVersion: first.dataVersion,
    });
    expect(await fileHash(wh.db)).toBe(before);
  });

  it('keeps the earlier value as history when a corrected file revises it', async () => {
    // The default warehouse with examples/aggregates-2024.csv loaded (data version 3).
    await copyTemplate(wh.db, 'example');
    const original = await (
      await import('node:fs/promises')
    ).readFile(example('aggregates-2024.csv'), 'utf8');
    const corrected = join(wh.dir, 'aggregates-2024-corrected.csv');
    await writeFile(
      corrected,
      original.replace('"18.450"', '"18.502"').replace('19.760', '19.812'),
    );
    const report = await loadFile(corrected, { db: wh.db });
    expect(report).toMatchObject({
      outcome: 'PUBLISHED',
      dataVersion: 4,
      totals: { added: 0, changed: 2, removed: 0, unchanged: 5 }, // the sector row and its total
    });
    const versions = await query(
      wh.db,
      `select members, valid_from_version, valid_to_version, load_id from fct_org_annual
       where unit_id = $1 and org_type = 'HTX' and sector = 'AGRICULTURE' order by valid_from_version`,
      [TN],
    );
    expect(versions).toEqual([
      { members: 18450, valid_from_version: 3, valid_to_version: 4, load_id: 3 },
      { members: 18502, valid_from_version: 4, valid_to_version: null, load_id: 4 },
    ]);
    const log = await query(
      wh.db,
      'select load_id, family, file_name, outcome, data_version, values_changed from load_log order by load_id',
    );
    expect(log).toEqual([
      {
        load_id: 1,
        family: 'reference',
        file_name: 'warehouse/reference/published-figures-national.csv',
        outcome: 'PUBLISHED',
        data_version: 1,
        values_changed: 0,
      },
      {
        load_id: 2,
        family: 'catalog',
        file_name: 'catalog/',
        outcome: 'PUBLISHED',
        data_version: 2,
        values_changed: 0,
      },
      {
        load_id: 3,
        family: 'aggregates',
        file_name: 'aggregates-2024.csv',
        outcome: 'PUBLISHED',
        data_version: 3,
        values_changed: 0,
      },
      {
        load_id: 4,
        family: 'aggregates',
        file_name: 'aggregates-2024-corrected.csv',
        outcome: 'PUBLISHED',
        data_version: 4,
        values_changed: 2,
      },
    ]);
  });

  it('records a different file with equal values without publishing a new version', async () => {
    // The default warehouse with examples/aggregates-2024.csv loaded (data version 3).
    await copyTemplate(wh.db, 'example');
    const original = await (
      await import('node:fs/promises')
    ).readFile(example('aggregates-2024.csv'), 'utf8');
    const [header, ...rows] = original.trim().split('\n');
    const reordered = join(wh.dir, 'reordered.csv');
    await writeFile(reordered, [header, ...rows.reverse()].join('\n'));
    const report = await loadFile(reordered, { db: wh.db });
    expect(report).toMatchObject({
      outcome: 'NO_CHANGE',
      dataVersion: 3,
      totals: { unchanged: 7 },
    });
  });

  it('reports the change a dry run would make and writes nothing', async () => {
    const before = await fileHash(wh.db);
    const report = await loadFile(example('aggregates-2024.csv'), { db: wh.db, dryRun: true });
    expect(report).toMatchObject({ outcome: 'DRY_RUN', loadId: null, totals: { added: 7 } });
    expect(report.changes.map((c) => [c.name_vi, c.added])).toEqual([
      ['Tỉnh Lai Châu', 2],
      ['Tỉnh Thái Nguyên', 5],
    ]);
    expect(await fileHash(wh.db)).toBe(before);
  });
});

export { LoadRefusedError };
