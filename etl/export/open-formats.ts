import type ExcelJS from 'exceljs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import { DEFAULT_SOURCE_PREFERENCE } from '../../warehouse/queries/progress.queries.ts';
import { FACT_MEASURES } from '../../warehouse/tables/org-annual.table.ts';
import { renderCsv } from './csv.ts';
import { OPEN_DATASETS, validIn, type ExportOptions, type OpenDataset } from './open-datasets.ts';

/** The open formats data leaves the warehouse in. */
export const EXPORT_FORMATS = ['parquet', 'sdmx-csv', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The SDMX dataflow the SDMX-CSV file belongs to (agency, id, version). */
const SDMX_DATAFLOW = 'COOPSTAT:DF_COLLECTIVE_ECONOMY(1.0)';
/** File names of the SDMX-CSV data and of its data-structure description. */
const SDMX_FILES = { data: 'coopstat.sdmx.csv', structure: 'coopstat.dsd.json' } as const;
/** File name of the `.xlsx` tables. */
export const XLSX_TABLES_FILE = 'coopstat-tables.xlsx';

/** The files one format writes, in order. */
export function exportFileNames(format: ExportFormat): string[] {
  switch (format) {
    case 'parquet':
      return OPEN_DATASETS.map((d) => `${d.name}.parquet`);
    case 'csv':
      return OPEN_DATASETS.map((d) => `${d.name}.csv`);
    case 'sdmx-csv':
      return [SDMX_FILES.data, SDMX_FILES.structure];
    case 'xlsx':
      return [XLSX_TABLES_FILE];
  }
}

/** Every file name the exports serve, with its content type. */
export function exportContentType(file: string): string | undefined {
  const all = EXPORT_FORMATS.flatMap(exportFileNames);
  if (!all.includes(file)) return undefined;
  if (file.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (file.endsWith('.json')) return 'application/json; charset=utf-8';
  if (file.endsWith('.xlsx'))
    return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return 'text/csv; charset=utf-8';
}

const BOM = '\ufeff';
const jsonValue = (_key: string, value: unknown) =>
  typeof value === 'bigint' ? Number(value) : value;

/**
 * Writes rows to Parquet through DuckDB's own writer (`COPY … TO … (FORMAT parquet)`), with the
 * dataset's declared column types, so every engine reads the same types whatever the rows held.
 */
async function parquetOf(dataset: OpenDataset, rows: readonly Record<string, unknown>[]) {
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-export-'));
  const db = await DuckDbHandle.open(':memory:');
  try {
    const json = join(dir, 'rows.ndjson');
    await writeFile(json, rows.map((r) => JSON.stringify(r, jsonValue)).join('\n'));
    const columns = dataset.columns.map((c) => `'${c.name}': '${c.type}'`).join(', ');
    const out = join(dir, `${dataset.name}.parquet`);
    const select =
      rows.length === 0
        ? `select ${dataset.columns.map((c) => `null::${c.type} as ${c.name}`).join(', ')} limit 0`
        : `select ${dataset.columns.map((c) => c.name).join(', ')}
           from read_json('${json.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${columns}})`;
    await db.run(
      `copy (${select}) to '${out.replace(/'/g, "''")}' (format parquet, compression zstd)`,
    );
    return await readFile(out);
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const csvOf = (dataset: OpenDataset, rows: readonly Record<string, unknown>[]) =>
  Buffer.from(
    `${BOM}${renderCsv(
      rows,
      dataset.columns.map((c) => c.name),
    )}\r\n`,
    'utf8',
  );

/** SDMX unit and unit multiplier of a unit text: "VND million" is VND × 10^6. */
function sdmxUnit(text: string | null): [string, number] {
  if (text === null) return ['', 0];
  if (/VND million|triệu đồng/i.test(text)) return ['VND', 6];
  if (/VND billion|tỷ đồng/i.test(text)) return ['VND', 9];
  if (text === '%' || /percent/i.test(text)) return ['PT', 0];
  return [
    text
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_|_$/g, ''),
    0,
  ];
}

const OBS_STATUS: Readonly<Record<string, string>> = {
  REPORTED: 'A',
  ESTIMATED: 'E',
  PROVISIONAL: 'P',
};

/** The columns of the SDMX-CSV file, in order (SDMX-CSV 2.0). */
export const SDMX_COLUMNS = [
  'STRUCTURE',
  'STRUCTURE_ID',
  'ACTION',
  'INDICATOR',
  'REF_AREA',
  'TIME_PERIOD',
  'ORG_TYPE',
  'SECTOR',
  'OBS_VALUE',
  'UNIT_MEASURE',
  'UNIT_MULT',
  'OBS_STATUS',
  'QUALIFIER',
  'SOURCE',
] as const;

const rank = (source: string) => {
  const i = (DEFAULT_SOURCE_PREFERENCE as readonly string[]).indexOf(source);
  return i === -1 ? DEFAULT_SOURCE_PREFERENCE.length : i;
};

/**
 * The SDMX-CSV observations: each fact measure (per organisation type and sector) and each
 * indicator value (all organisation types and sectors, `_T`). A key holds one observation: where
 * several sources publish it, the preferred source's (PSO, then PROVINCIAL, MINISTRY, VCA, OTHER).
 */
async function sdmxRows(db: DuckDbHandle, options: ExportOptions) {
  const [facts, values] = await Promise.all([
    OPEN_DATASETS[0]!.rows(db, options),
    OPEN_DATASETS[1]!.rows(db, options),
  ]);
  const chosen = new Map<string, { source: string; row: Record<string, string | number> }>();
  const put = (row: Record<string, string | number>) => {
    const key = [row.INDICATOR, row.REF_AREA, row.TIME_PERIOD, row.ORG_TYPE, row.SECTOR].join('|');
    const held = chosen.get(key);
    if (!held || rank(String(row.SOURCE)) < rank(held.source))
      chosen.set(key, { source: String(row.SOURCE), row });
  };
  const base = { STRUCTURE: 'dataflow', STRUCTURE_ID: SDMX_DATAFLOW, ACTION: 'I' };
  for (const f of facts) {
    for (const m of FACT_MEASURES) {
      const v = f[m.name];
      if (v === null || v === undefined) continue;
      const [unit, mult] = sdmxUnit(m.unit);
      put({
        ...base,
        INDICATOR: f.universe === 'REGISTERED' ? m.name : `${m.name}.${f.universe}`,
        REF_AREA: String(f.area_code),
        TIME_PERIOD: Number(f.year),
        ORG_TYPE: String(f.org_type),
        SECTOR: f.sector === 'ALL' ? '_T' : String(f.sector),
        OBS_VALUE: Number(v),
        UNIT_MEASURE: unit || m.unit.toUpperCase(),
        UNIT_MULT: mult,
        OBS_STATUS: OBS_STATUS[String(f.status)] ?? 'A',
        QUALIFIER: '',
        SOURCE: String(f.source_code),
      });
    }
  }
  for (const v of values) {
    if (v.value === null) continue;
    const [unit, mult] = sdmxUnit(v.unit as string | null);
    const qualifier = String(v.qualifier ?? 'EXACT');
    put({
      ...base,
      INDICATOR: String(v.indicator_code),
      REF_AREA: String(v.area_code),
      TIME_PERIOD: Number(v.year),
      ORG_TYPE: '_T',
      SECTOR: '_T',
      OBS_VALUE: Number(v.value),
      UNIT_MEASURE: unit,
      UNIT_MULT: mult,
      OBS_STATUS: OBS_STATUS[String(v.status)] ?? 'A',
      QUALIFIER: qualifier === 'EXACT' ? '' : qualifier,
      SOURCE: String(v.source_code),
    });
  }
  return [...chosen.values()].map((c) => c.row);
}

/** The data-structure description of the SDMX-CSV file: dimensions, attributes, measure. */
export function sdmxStructure() {
  return {
    dataflow: SDMX_DATAFLOW,
    format: 'SDMX-CSV 2.0 (one header row; STRUCTURE, STRUCTURE_ID, ACTION, then the components)',
    dimensions: [
      {
        id: 'INDICATOR',
        position: 1,
        description:
          'A fact measure (fct_org_annual column; `.OPERATING_WITH_RESULTS` when that universe) or an indicator code of the catalog',
      },
      {
        id: 'REF_AREA',
        position: 2,
        description:
          'Statistics-office code of the administrative unit as reported (VN = the whole country)',
      },
      { id: 'TIME_PERIOD', position: 3, description: 'Reporting year (as of 31 December)' },
      {
        id: 'ORG_TYPE',
        position: 4,
        description: 'THT, HTX, LHHTX, QTDND; _T = all types an indicator covers',
      },
      { id: 'SECTOR', position: 5, description: 'Sector code; _T = all sectors together' },
    ],
    measure: { id: 'OBS_VALUE', description: 'The value, in UNIT_MEASURE × 10^UNIT_MULT' },
    attributes: [
      {
        id: 'UNIT_MEASURE',
        attachment: 'observation',
        description: 'Unit (VND, PT = percent, ORGANISATIONS, MEMBERS, PERSONS, …)',
      },
      {
        id: 'UNIT_MULT',
        attachment: 'observation',
        description: 'Power of ten the value is expressed in (6 = millions)',
      },
      {
        id: 'OBS_STATUS',
        attachment: 'observation',
        codes: { A: 'reported', E: 'estimated', P: 'provisional' },
      },
      {
        id: 'QUALIFIER',
        attachment: 'observation',
        description:
          'How the source hedged a published figure (ABOUT, MORE_THAN, NEARLY, AT_LEAST); empty = exact',
      },
      {
        id: 'SOURCE',
        attachment: 'observation',
        description:
          'Who published the figures (PSO, PROVINCIAL, MINISTRY, VCA, OTHER); one source per key, the preferred one in that order',
      },
    ],
  };
}

const TOPIC_VI: Readonly<Record<string, string>> = {
  MEMBERSHIP: 'Số lượng và thành viên',
  VALUE_CHAIN: 'Liên kết chuỗi giá trị',
  HIGH_TECH: 'Công nghệ cao',
  QUALITY: 'Chất lượng hoạt động',
  CAPACITY: 'Năng lực',
  CONTEXT: 'Bối cảnh',
};

/**
 * The indicator values as the office's published tables: one sheet per topic, a row per unit
 * (the whole country first), a block of year columns per indicator under its Vietnamese label and
 * unit; each cell from the preferred source.
 */
async function xlsxTables(db: DuckDbHandle, options: ExportOptions, dataVersion: number) {
  const values = await OPEN_DATASETS[1]!.rows(db, options);
  const indicators = await db.all<{
    indicator_code: string;
    label_vi: string;
    topic: string;
    unit: string;
  }>(
    'select indicator_code, label_vi, topic, unit from dim_indicator order by topic, indicator_code',
  );
  const cell = new Map<string, { value: number; source: string }>();
  for (const v of values) {
    if (v.value === null) continue;
    const key = `${v.indicator_code}|${v.area_code}|${v.year}`;
    const held = cell.get(key);
    if (!held || rank(String(v.source_code)) < rank(held.source))
      cell.set(key, { value: Number(v.value), source: String(v.source_code) });
  }
  // exceljs (about 0.3 s to import) is loaded by the first workbook written, not at start.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'coopstat';
  for (const topic of [...new Set(indicators.map((i) => i.topic))]) {
    const inTopic = indicators.filter((i) => i.topic === topic);
    const rows = values.filter(
      (v) => inTopic.some((i) => i.indicator_code === v.indicator_code) && v.value !== null,
    );
    if (rows.length === 0) continue;
    const sheet = workbook.addWorksheet((TOPIC_VI[topic] ?? topic).slice(0, 31));
    sheet.getCell(1, 1).value =
      `${TOPIC_VI[topic] ?? topic} — số liệu đã công bố (phiên bản dữ liệu ${dataVersion})`;
    sheet.getCell(1, 1).font = { bold: true, size: 13 };
    sheet.getCell(3, 1).value = 'Mã';
    sheet.getCell(3, 2).value = 'Địa phương';
    const areas = [
      ...new Map(rows.map((r) => [String(r.area_code), String(r.area_name_vi)])).entries(),
    ].sort(([a], [b]) => a.localeCompare(b));
    let column = 3;
    const layout: { code: string; year: number; column: number }[] = [];
    for (const indicator of inTopic) {
      const years = [
        ...new Set(
          rows
            .filter((r) => r.indicator_code === indicator.indicator_code)
            .map((r) => Number(r.year)),
        ),
      ].sort();
      if (years.length === 0) continue;
      sheet.getCell(3, column).value = `${indicator.label_vi} (${indicator.unit})`;
      if (years.length > 1) sheet.mergeCells(3, column, 3, column + years.length - 1);
      for (const year of years) {
        sheet.getCell(4, column).value = year;
        layout.push({ code: indicator.indicator_code, year, column: column++ });
      }
    }
    for (const r of [3, 4]) sheet.getRow(r).font = { bold: true };
    areas.forEach(([code, name], i) => {
      sheet.getCell(5 + i, 1).value = code;
      sheet.getCell(5 + i, 2).value = name;
      for (const l of layout) {
        const v = cell.get(`${l.code}|${code}|${l.year}`);
        if (v) sheet.getCell(5 + i, l.column).value = v.value;
      }
    });
    sheet.getColumn(2).width = 24;
    sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 4 }];
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Builds one export file (a name from {@link exportFileNames}) from the published data version
 * the handle reads; `undefined` for a name no format writes.
 */
export async function buildExportFile(
  db: DuckDbHandle,
  file: string,
  options: ExportOptions,
): Promise<Buffer | undefined> {
  const dataset = OPEN_DATASETS.find(
    (d) => file === `${d.name}.parquet` || file === `${d.name}.csv`,
  );
  if (dataset) {
    const rows = await dataset.rows(db, options);
    return file.endsWith('.parquet') ? parquetOf(dataset, rows) : csvOf(dataset, rows);
  }
  if (file === SDMX_FILES.data) {
    const rows = await sdmxRows(db, options);
    return Buffer.from(`${BOM}${renderCsv(rows, SDMX_COLUMNS)}\r\n`, 'utf8');
  }
  if (file === SDMX_FILES.structure)
    return Buffer.from(`${JSON.stringify(sdmxStructure(), null, 2)}\n`, 'utf8');
  if (file === XLSX_TABLES_FILE) {
    const [{ v }] = await db.all<{ v: number }>('select max(data_version) as v from publication');
    return xlsxTables(db, options, options.asOfVersion ?? Number(v));
  }
  return undefined;
}
