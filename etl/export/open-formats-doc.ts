import { OPEN_DATASETS } from './open-datasets.ts';
import { exportFileNames, SDMX_COLUMNS, sdmxStructure, XLSX_TABLES_FILE } from './open-formats.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * `docs/open-formats.md`: the files `coopstat export` and `GET /export/<file>` write, each
 * dataset's grain, columns, types and units, and the SDMX structure — generated from the same
 * definitions the exports use (`npm run docs:open-formats`).
 */
export function renderOpenFormatsDoc(): string {
  const sdmx = sdmxStructure();
  const out: string[] = [
    '# Open formats',
    '',
    '<!-- Generated from etl/export/*.ts by `npm run docs:open-formats`; do not edit. -->',
    '',
    '`coopstat export --format F -o DIR [--db PATH]` writes the files below from the **published**',
    'data version of the warehouse (there is no release step yet; a `--release N` option will come',
    'with it). The server serves the same files at `GET /export/<file>` from the snapshot it serves',
    '(a key with any role where keys are required), beside `GET /export/observations.csv`.',
    '',
    '| format | files |',
    '| --- | --- |',
    ...(['parquet', 'csv', 'sdmx-csv', 'xlsx'] as const).map(
      (f) =>
        `| \`${f}\` | ${exportFileNames(f)
          .map((n) => `\`${n}\``)
          .join(', ')} |`,
    ),
    '',
    'Parquet is written by DuckDB (`COPY … TO … (FORMAT parquet, COMPRESSION zstd)`), so DuckDB,',
    'Spark, Trino, pandas/pyarrow and R read it. CSV is UTF-8 with a BOM and CRLF line ends (Excel',
    'reads the Vietnamese names), with the same columns. A missing figure is null (an empty CSV',
    'cell), never 0.',
    '',
  ];
  for (const d of OPEN_DATASETS) {
    out.push(
      `## \`${d.name}\` — ${d.title}`,
      '',
      `Grain: ${d.grain}.`,
      '',
      '| column | type | unit | meaning |',
      '| --- | --- | --- | --- |',
      ...d.columns.map(
        (c) => `| \`${c.name}\` | ${c.type} | ${cell(c.unit ?? '')} | ${cell(c.description)} |`,
      ),
      '',
    );
  }
  out.push(
    '## SDMX-CSV',
    '',
    `\`${exportFileNames('sdmx-csv')[0]}\` follows SDMX-CSV 2.0: the columns ${SDMX_COLUMNS.map((c) => `\`${c}\``).join(', ')};`,
    `\`STRUCTURE\` is \`dataflow\`, \`STRUCTURE_ID\` \`${sdmx.dataflow}\`, \`ACTION\` \`I\` (information).`,
    `Its data-structure description is \`${exportFileNames('sdmx-csv')[1]}\`:`,
    '',
    '| component | role | meaning |',
    '| --- | --- | --- |',
    ...sdmx.dimensions.map(
      (d) => `| \`${d.id}\` | dimension ${d.position} | ${cell(d.description)} |`,
    ),
    `| \`${sdmx.measure.id}\` | measure | ${cell(sdmx.measure.description)} |`,
    ...sdmx.attributes.map(
      (a) =>
        `| \`${a.id}\` | attribute | ${cell(
          'description' in a && a.description
            ? a.description
            : Object.entries(('codes' in a && a.codes) || {})
                .map(([k, v]) => `${k} = ${v}`)
                .join(', '),
        )} |`,
    ),
    '',
    '## `.xlsx` tables',
    '',
    `\`${XLSX_TABLES_FILE}\` lays the indicator values out like the statistics office's published`,
    'tables: one sheet per topic with Vietnamese headers, one row per administrative unit (by code),',
    "a block of year columns under each indicator's Vietnamese label and unit, each cell from the",
    'preferred source (PSO, then PROVINCIAL, MINISTRY, VCA, OTHER).',
    '',
  );
  return out.join('\n');
}
