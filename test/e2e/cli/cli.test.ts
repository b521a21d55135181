import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../helpers/cli.ts';
import { createTestWarehouse, fixture, type TestWarehouse } from '../../helpers/warehouse.ts';

let wh: TestWarehouse;
beforeAll(async () => {
  wh = await createTestWarehouse();
}, 120_000);
afterAll(() => wh.cleanup());

describe('usage errors', () => {
  it.concurrent.each([
    [['progress', '--bogus'], "coopstat progress: unknown option '--bogus'"],
    [['progress', '--plan'], "coopstat progress: option '--plan' needs a value"],
    [['progress', '--json', '--csv'], 'coopstat progress: choose one of --json and --csv'],
    [['progress', '--lang', 'fr'], "coopstat progress: --lang must be vi or en, but got 'fr'"],
    [['plans', 'extra'], "coopstat plans: unexpected argument 'extra'"],
    [['targets'], 'coopstat targets: needs --plan ID'],
    [['load'], 'coopstat load: needs at least one file'],
    // The API's bounds: a year outside them is a slip, not a question.
    [
      ['progress', '--as-of', '1800'],
      "coopstat progress: --as-of must be a year from 1990 to 2100, such as 2025, but got '1800'",
    ],
    [
      ['review', '--year', '2205'],
      "coopstat review: --year must be a year from 1990 to 2100, but got '2205'",
    ],
  ])('%j exits 2 with one line and the command usage, never a stack', async (args, reason) => {
    const run = await cli(...args, '--db', wh.db);
    expect(run.code).toBe(2);
    const [first, blank, usage] = run.stderr.split('\n');
    expect(first).toContain(reason);
    expect(blank).toBe('');
    expect(usage).toBe('Usage:');
    expect(run.stderr).toContain(`coopstat ${args[0]} `);
    expect(run.stderr).not.toMatch(/\n\s+at |TypeError|ERR_PARSE_ARGS/);
    expect(run.stdout).toBe('');
  });

  it('an unknown command exits 2 with the list of commands', async () => {
    const run = await cli('frobnicate');
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe("coopstat: unknown command 'frobnicate'");
    expect(run.stderr).toContain('progress  progress of plan targets');
  });
});

describe('help', () => {
  it('is per command, with examples and where the input format is described', async () => {
    const load = await cli('load', '--help');
    const progress = await cli('help', 'progress');
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/^coopstat load — /);
    expect(load.stdout).toContain(
      'Examples:\n  coopstat load examples/aggregates-2024.csv --dry-run',
    );
    expect(load.stdout).toContain('See README.md, "Input formats"');
    expect(progress.stdout).toMatch(/^coopstat progress — /);
    expect(progress.stdout).toContain('--lang vi|en');
    expect(progress.stdout).not.toBe(load.stdout);
    const global = await cli('--help');
    expect(global.stdout).toContain('Exit codes: 0 done, 1 a file was refused, 2 bad usage');
  });
});

describe('listings', () => {
  it('plans: id, area, issue date, document, target count, in every format', async () => {
    const table = await cli('plans', '--db', wh.db);
    expect(table.code).toBe(0);
    const header = table.stdout.split('\n')[0]!;
    expect(header).toMatch(/^plan +area +issued +document +targets +title$/);
    const line = table.stdout.split('\n').find((l) => l.startsWith('thai-nguyen-03-kh-ubnd-2023'));
    expect(line).toMatch(/Thai Nguyen Province +2023-01-10 +03\/KH-UBND +15 /);

    const json = JSON.parse((await cli('plans', '--db', wh.db, '--json')).stdout) as Record<
      string,
      unknown
    >[];
    expect(json.find((p) => p.plan_id === 'nq-20-nq-tw-2022')).toMatchObject({
      area: 'Viet Nam',
      issued_on: '2022-06-16',
      targets: 12,
    });
    const csv = (await cli('plans', '--db', wh.db, '--csv', '--lang', 'vi')).stdout.split('\r\n');
    expect(csv[0]).toBe('plan_id,area,unit_id,issued_on,document_number,targets,title,issuer');
    expect(csv.find((l) => l.startsWith('thai-nguyen-03-kh-ubnd-2023,'))).toContain(
      ',Tỉnh Thái Nguyên,',
    );
  });

  it('targets --plan: area, year, comparator and the plan’s words; per-year targets say so', async () => {
    const run = await cli(
      'targets',
      '--plan',
      'thai-nguyen-nq-15-nq-hdnd-2021',
      '--db',
      wh.db,
      '--wide',
    );
    expect(run.code).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith('htx-new-per-year'));
    expect(line).toMatch(
      /^htx-new-per-year +Thai Nguyen Province +htx_new_established +2025 +≥30 \/yr 2021–2025 +mỗi năm thành lập mới 100 tổ hợp tác và 30 hợp tác xã trở lên/,
    );
    const unknown = await cli('targets', '--plan', 'no-such-plan', '--db', wh.db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "--plan must name a plan with targets (`coopstat plans` lists them), but got 'no-such-plan'; plans: ",
    );
  });

  it('progress: area column, whole counts in the chosen locale, columns that fit', async () => {
    const en = await cli('progress', '--as-of', '2025', '--db', wh.db);
    const vi = await cli('progress', '--as-of', '2025', '--db', wh.db, '--lang', 'vi');
    expect(en.code).toBe(0);
    const row = (out: string, id: string) => out.split('\n').find((l) => l.startsWith(id))!;
    expect(row(en.stdout, 'nq-20-nq-tw-2022/htx-count-2030')).toMatch(
      /Viet Nam +htx_count +≈45,000 by 2030 +35,041 +2025 MINISTRY provisional /,
    );
    expect(row(vi.stdout, 'nq-20-nq-tw-2022/htx-count-2030')).toMatch(
      /Việt Nam +htx_count +≈45\.000 by 2030 +35\.041 +2025 MINISTRY provisional /,
    );
    // A province's target shows that province, per-year targets have no growth rate.
    const perYear = row(en.stdout, 'thai-nguyen-nq-15-nq-hdnd-2021/htx-new-');
    expect(perYear).toMatch(/Thai Nguyen Province +htx_new_established +≥30 \/yr 2021–2025 /);
    expect(perYear).not.toMatch(/\d%/);
    // Judged on every year 2021–2025: 30 in 2025 alone does not make it ACHIEVED.
    expect(row(en.stdout, 'thai-nguyen-nq-15-nq-hdnd-2021/htx-agri')).toMatch(
      /≥20 \/yr 2021–2025 +30 +2025 PROVINCIAL .* BOUNDARY_CHANGED /,
    );
    // Counts are whole numbers: no "4.0", no "38,000.0".
    expect(en.stdout).not.toMatch(/\d\.0\b(?!%)/);
    // Every row is as long as the header up to the status column: the columns line up.
    const lines = en.stdout.split('\n').slice(1).filter(Boolean);
    const statusAt = lines[0]!.indexOf('status');
    for (const l of lines.slice(1)) expect(l.slice(statusAt)).toMatch(/^[A-Z_]+/);
    expect(en.stdout).toContain('nq-20-nq-tw-2022/value-chain-of-good-fa…');
    const wide = await cli('progress', '--as-of', '2025', '--db', wh.db, '--wide');
    expect(wide.stdout).toContain('nq-20-nq-tw-2022/value-chain-of-good-fair-2030 ');
  });

  it('progress --json and --csv carry the area and the raw numbers', async () => {
    const json = JSON.parse(
      (
        await cli(
          'progress',
          '--plan',
          'nq-20-nq-tw-2022',
          '--as-of',
          '2025',
          '--db',
          wh.db,
          '--json',
        )
      ).stdout,
    ) as Record<string, unknown>[];
    expect(json.find((r) => r.target_id === 'htx-count-2030')).toMatchObject({
      area: 'Viet Nam',
      latest_value: 35041,
      latest_year: 2025,
      status: expect.any(String),
    });
    const csv = (
      await cli('progress', '--plan', 'nq-20-nq-tw-2022', '--as-of', '2025', '--db', wh.db, '--csv')
    ).stdout;
    expect(csv.split('\r\n')[0]).toMatch(/^plan_id,target_id,area,unit_id,indicator_code,/);
    expect(csv.split('\r\n')[0]).toMatch(/,status,status_basis,status_method,.*,warnings$/);
    expect(csv).toContain('nq-20-nq-tw-2022,htx-count-2030,Viet Nam,VN,htx_count,APPROX,45000,');
  });

  it('progress --json says what a status was judged by and what it warns of, as the API does', async () => {
    const run = await cli(
      'progress',
      '--plan',
      'thai-nguyen-nq-15-nq-hdnd-2021',
      '--as-of',
      '2025',
      '--db',
      wh.db,
      '--json',
    );
    const rows = JSON.parse(run.stdout) as Record<string, unknown>[];
    // A per-year target is judged on every year of its range, and names the years it lacks.
    expect(rows.find((r) => r.target_id === 'htx-agri-new-per-year')).toMatchObject({
      status_basis: 'EVERY_YEAR_IN_RANGE',
      warnings: expect.arrayContaining(['YEARS_MISSING_IN_RANGE']),
    });
    expect(rows.find((r) => r.target_id === 'htx-effective-2025')).toMatchObject({
      status: 'ACHIEVED',
      status_basis: 'TARGET_MET',
    });
  });

  it('loads and keys list print CSV too', async () => {
    const loads = await cli('loads', '--db', wh.db, '--csv');
    expect(loads.code).toBe(0);
    expect(loads.stdout.split('\r\n')[0]).toBe(
      'load_id,family,file_name,outcome,data_version,rows_read,values_added,values_changed,values_removed,warnings,years,finished_at,loaded_by,sha256',
    );
    const keys = await cli('keys', 'list', '--db', wh.db, '--json');
    expect(keys.code).toBe(0);
    expect(JSON.parse(keys.stdout)).toEqual([]);
  });
});

describe('load errors quote the user’s value', () => {
  it('a file that is not a CSV at all: its first line, not DuckDB’s advice', async () => {
    const run = await cli('load', 'README.md', '--db', wh.db);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "a CSV file must have the same number of fields on every row, separated by one delimiter, but got '# coopstat' at README.md, row 1",
    );
    expect(run.stderr).not.toMatch(/strict_mode|Disable the parser/);
  });

  it('unknown province names get "did you mean" the closest name valid that year', async () => {
    const run = await cli(
      'load',
      fixture('etl', 'misspelt-provinces.csv'),
      '--dry-run',
      '--db',
      wh.db,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "column `province_name` must name a province valid on 31 December 2024 (did you mean Thành phố Hồ Chí Minh?), but got 'Sài Gòn' at misspelt-provinces.csv, row 2",
    );
    expect(run.stderr).toContain(
      "(did you mean Tỉnh Thái Nguyên?), but got 'Thai Nguen' at misspelt-provinces.csv, row 3",
    );
    expect(run.stderr).toContain(
      "column `province_name` must name a province valid on 31 December 2024, but got 'Xyzabc' at misspelt-provinces.csv, row 4",
    );
  });

  it('an unknown code with a known name gets the code of that name', async () => {
    const run = await cli(
      'load',
      fixture('etl', 'unknown-province-code.csv'),
      '--dry-run',
      '--db',
      wh.db,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "column `province_code` must be the code of a province (did you mean 19, the code of Tỉnh Thái Nguyên?), but got '97' at unknown-province-code.csv, row 2",
    );
    expect(run.stderr).toContain(
      "column `province_code` must be the code of a province, but got '98' at unknown-province-code.csv, row 3",
    );
  });

  it('a file already loaded is reported with the family it was loaded as, whatever --family says', async () => {
    const first = await cli('load', 'examples/aggregates-2024.csv', '--db', wh.db);
    expect(first.code).toBe(0);
    const again = await cli(
      'load',
      'examples/aggregates-2024.csv',
      '--family',
      'register',
      '--db',
      wh.db,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^aggregates-2024\.csv \[aggregates, 7 rows, years 2024\]: already loaded as load #\d+/,
    );
  });
});
