import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { cli, ROOT } from '../../helpers/cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExport } from '../../../etl/cli/open-data.ts';
import { OPEN_DATASETS } from '../../../etl/export/open-datasets.ts';
import { SDMX_COLUMNS } from '../../../etl/export/open-formats.ts';
import { startCoopstatServer, type RunningCoopstat } from '../../../server/coopstat-server.ts';
import { DuckDbHandle } from '../../../warehouse/dialect/index.ts';
import { testConfig } from '../../helpers/server.ts';
import { rawGet } from '../../helpers/http.ts';
import { createTestWarehouse, type TestWarehouse } from '../../helpers/warehouse.ts';

/** Runs SQL in a private in-memory DuckDB (to read exported files back). */
async function duck<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const db = await DuckDbHandle.open(':memory:');
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

let wh: TestWarehouse;
let server: RunningCoopstat;
let out: string;
beforeAll(async () => {
  wh = await createTestWarehouse('example');
  server = await startCoopstatServer(testConfig(wh.db), { port: 0 });
  out = join(wh.dir, 'out');
}, 120_000);
afterAll(async () => {
  await server?.close();
  await wh?.cleanup();
});

describe('coopstat export --format parquet', () => {
  it('writes the facts, indicator values and progress with the documented columns and types', async () => {
    const run = await cli('export', '--format', 'parquet', '-o', out, '--db', wh.db);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`release 2 (data version ${server.reader.dataVersion})`);
    for (const dataset of OPEN_DATASETS) {
      const columns = await duck<{ column_name: string; column_type: string }>(
        `describe select * from read_parquet('${join(out, `${dataset.name}.parquet`)}')`,
      );
      expect(columns.map((c) => [c.column_name, c.column_type])).toEqual(
        dataset.columns.map((c) => [c.name, c.type]),
      );
    }
    const [facts] = await duck<{ n: number }>(
      `select count(*) as n from read_parquet('${join(out, 'facts.parquet')}') where area_code = '19' and year = 2024`,
    );
    expect(facts!.n).toBe(5);
  }, 60_000);

  it('round-trips: the indicator values read back equal the API’s observations over HTTP', async () => {
    const res = await rawGet(`${server.origin}/export/observations.csv`, {});
    expect(res.status).toBe(200);
    const csv = join(wh.dir, 'observations.csv');
    await writeFile(csv, res.body);
    const key = (table: string, source: string) =>
      `select indicator_code, area_code, year::integer as year, ${source} as source, round(value::double, 9) as value from ${table}`;
    const parquet = `read_parquet('${join(out, 'indicator_values.parquet')}')`;
    const api = `read_csv('${csv}', header = true, all_varchar = true)`;
    const [diff] = await duck<{ only_parquet: number; only_api: number; rows: number }>(
      `with p as (${key(parquet, 'source_code')} where value is not null),
            a as (${key(api, 'source')} where value <> '')
       select (select count(*) from (select * from p except all select * from a)) as only_parquet,
              (select count(*) from (select * from a except all select * from p)) as only_api,
              (select count(*) from p) as rows`,
    );
    expect(diff).toEqual({ only_parquet: 0, only_api: 0, rows: diff!.rows });
    expect(diff!.rows).toBeGreaterThan(100);
  }, 60_000);

  it('serves the same files over HTTP', async () => {
    const res = await rawGet(`${server.origin}/export/facts.parquet`, {});
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
    const file = join(wh.dir, 'facts-http.parquet');
    await writeFile(file, res.body);
    const [diff] = await duck<{ n: number }>(
      `select count(*) as n from (
         (select * from read_parquet('${file}') except all select * from read_parquet('${join(out, 'facts.parquet')}'))
         union all
         (select * from read_parquet('${join(out, 'facts.parquet')}') except all select * from read_parquet('${file}')))`,
    );
    expect(diff!.n).toBe(0);
    expect((await rawGet(`${server.origin}/export/nothing.parquet`, {})).status).toBe(404);
  }, 60_000);
});

describe('coopstat export --format sdmx-csv|csv|xlsx', () => {
  it('writes SDMX-CSV 2.0 with one observation per key, and its structure', async () => {
    // What `coopstat export` writes (runExport, in this process; the command is run above).
    const lines = await runExport({ format: 'sdmx-csv', dir: out, dbPath: wh.db });
    // What the command prints: the release read, then one line per file written.
    expect(lines[0]).toMatch(/^release \d+ \(data version \d+\)$/);
    const text = await readFile(join(out, 'coopstat.sdmx.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe(`\ufeff${SDMX_COLUMNS.join(',')}`);
    const file = `read_csv('${join(out, 'coopstat.sdmx.csv')}', header = true, all_varchar = true)`;
    const [check] = await duck<{ rows: number; keys: number; structures: number }>(
      `select count(*) as rows, count(distinct (INDICATOR, REF_AREA, TIME_PERIOD, ORG_TYPE, SECTOR)) as keys,
              count(distinct (STRUCTURE, STRUCTURE_ID, ACTION)) as structures from ${file}`,
    );
    expect(check!.rows).toBe(check!.keys);
    expect(check!.structures).toBe(1);
    const [htx] = await duck(
      `select OBS_VALUE, UNIT_MEASURE, UNIT_MULT, OBS_STATUS, SOURCE from ${file}
       where INDICATOR = 'org_count' and REF_AREA = '19' and TIME_PERIOD = '2024' and ORG_TYPE = 'HTX' and SECTOR = 'AGRICULTURE'`,
    );
    expect(htx).toEqual({
      OBS_VALUE: '610',
      UNIT_MEASURE: 'ORGANISATIONS',
      UNIT_MULT: '0',
      OBS_STATUS: 'A',
      SOURCE: 'PSO',
    });
    const structure = JSON.parse(await readFile(join(out, 'coopstat.dsd.json'), 'utf8'));
    expect(structure.dimensions.map((d: { id: string }) => d.id)).toEqual([
      'INDICATOR',
      'REF_AREA',
      'TIME_PERIOD',
      'ORG_TYPE',
      'SECTOR',
    ]);
    expect(structure.attributes.map((a: { id: string }) => a.id)).toEqual([
      'UNIT_MEASURE',
      'UNIT_MULT',
      'OBS_STATUS',
      'QUALIFIER',
      'SOURCE',
    ]);
  }, 60_000);

  it('writes CSV with the rows of the Parquet files', async () => {
    // Into a folder, never over a file.
    const file = join(wh.dir, 'not-a-folder.csv');
    await writeFile(file, 'kept');
    await expect(runExport({ format: 'csv', dir: file, dbPath: wh.db })).rejects.toThrow(
      `-o must be a folder to write into, but got a file at ${file}`,
    );
    expect(await readFile(file, 'utf8')).toBe('kept');
    const lines = await runExport({ format: 'csv', dir: out, dbPath: wh.db });
    // What the command prints: the release read, then one line per file written.
    expect(lines[0]).toMatch(/^release \d+ \(data version \d+\)$/);
    const types = OPEN_DATASETS[0]!.columns.map((c) => `'${c.name}': '${c.type}'`).join(', ');
    const [diff] = await duck<{ n: number }>(
      `select count(*) as n from (
         select * from read_csv('${join(out, 'facts.csv')}', header = true, columns = {${types}})
         except all
         select * from read_parquet('${join(out, 'facts.parquet')}'))`,
    );
    expect(diff!.n).toBe(0);
  }, 60_000);

  it('writes .xlsx tables, one sheet per topic under Vietnamese headers', async () => {
    const lines = await runExport({ format: 'xlsx', dir: out, dbPath: wh.db });
    // What the command prints: the release read, then one line per file written.
    expect(lines[0]).toMatch(/^release \d+ \(data version \d+\)$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'coopstat-tables.xlsx'));
    const names = book.worksheets.map((w) => w.name);
    expect(names).toContain('Số lượng và thành viên');
    const sheet = book.getWorksheet('Số lượng và thành viên')!;
    expect([sheet.getCell(3, 1).value, sheet.getCell(3, 2).value]).toEqual(['Mã', 'Địa phương']);
  }, 60_000);

  it('refuses an unknown format with exit 2', async () => {
    const run = await cli('export', '--format', 'json', '-o', out, '--db', wh.db);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      "coopstat export: --format must be one of parquet, sdmx-csv, csv, xlsx, but got 'json'",
    );
  });
});

describe('docs/open-formats.md', () => {
  it('is generated from the export definitions and committed current (npm run docs:open-formats)', async () => {
    const { renderOpenFormatsDoc } = await import('../../../etl/export/open-formats-doc.ts');
    expect(await readFile(join(ROOT, 'docs/open-formats.md'), 'utf8')).toBe(renderOpenFormatsDoc());
  });
});
