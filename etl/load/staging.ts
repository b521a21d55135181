import {
  mkdir,
  mkdtemp,
  open,
  readFile,
  rm,
  stat,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DuckDbHandle, SqlValue } from '../../warehouse/dialect/index.ts';
import { writerScratchDir } from '../../warehouse/store/warehouse-store.ts';
import { ReaderError } from '../readers/reader.error.ts';
import { edgeBlankSql, trimCellSql } from './cell-blank.ts';
import { plainLfBytes, plainUtf8CsvForm, type PlainForm } from '../readers/plain-utf8.reader.ts';
import {
  decodeTextFile,
  firstLongCell,
  MAX_CELL_CHARS,
  readCsvHeadLines,
} from '../readers/text-file.reader.ts';
import { listSheets, readXlsx, readXlsxHeaders, type XlsxRow } from '../readers/xlsx.reader.ts';
import { REGISTER_SOURCE } from '../sources/register.source.ts';
import type { SourceDescriptor } from '../sources/source-descriptor.ts';
import {
  decimalEvidenceSql,
  profileReads,
  RAW_PROFILE_TABLE,
  rawProfileSql,
} from '../validate/typing.ts';
import {
  asWritten,
  decideDecimalConvention,
  decimalConvention,
  forgetUnitKeyLookup,
  RESOLVED_TABLE,
  typedColumnsSql,
  UNIT_COLUMNS,
  unitKeyLookupSql,
} from '../validate/validate.ts';
import type { Finding } from '../staged/finding.ts';
import { RAW_TABLE, TOTAL_TABLE, type StagedFile } from '../staged/staged-file.ts';
import { columnLetter } from '../readers/xlsx.reader.ts';
import {
  isHeaderMapping,
  mapHeaders,
  missingRequired,
  suggestColumn,
  unitMismatchRule,
  type HeaderMapping,
} from '../sources/header-mapping.ts';
import {
  findHeaderLine,
  HEADER_SEARCH_ROWS,
  isColumnNumberRow,
  isColumnNumberRowSql,
  isTotalRow,
  isTotalRowSql,
  isTotalText,
  readKnownProvinces,
  refuseMergedHeaderRow,
  totalRowRule,
  totalTableSql,
  type TotalRowRule,
  typedNumbersToConvention,
  TYPED_NUMBER_MARK,
} from './sheet-layout.ts';

/**
 * A CSV file's records, every one including the header (rowid order): the mapped columns typed,
 * with the text as written where it differs, each row's unit, and the flags that tell data rows
 * from the others. `stg_resolved` is a view of its data rows.
 */
const CSV_TABLE = 'stg_csv';

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** The longest CSV line DuckDB's `read_csv` is told to accept; longer ones are refused first. */
const MAX_CSV_LINE_BYTES = 2_000_000;
/** Files up to this size are scanned in memory for the fast path; larger ones decoded in full. */
export const FAST_SCAN_MAX_BYTES = 256 * 1024 * 1024;

async function sniffFormat(path: string, head: Buffer): Promise<'csv' | 'xlsx' | 'xls'> {
  if (head.subarray(0, 4).equals(OLE_MAGIC)) return 'xls';
  if (head.subarray(0, 4).equals(ZIP_MAGIC) || /\.xlsx$/i.test(path)) return 'xlsx';
  return 'csv';
}

/**
 * Drops the temporary table or view `name`, whichever it is: as a table, and as a view when DuckDB
 * refuses the table for being a view (asking the catalog first took ~3 ms a call, five a load).
 * Staging runs outside a transaction, so the refused statement aborts nothing.
 */
async function dropStaging(db: DuckDbHandle, name: string): Promise<void> {
  try {
    await db.run(`drop table if exists temp.${name}`);
  } catch (error) {
    if (!/is of type View/.test(error instanceof Error ? error.message : '')) throw error;
    await db.run(`drop view temp.${name}`);
  }
}

async function createRawTable(db: DuckDbHandle, source: SourceDescriptor): Promise<void> {
  await dropStaging(db, RAW_PROFILE_TABLE);
  await dropStaging(db, RAW_TABLE);
  const columns = source.columns.map((c) => `${c.name} varchar`).join(', ');
  await db.run(`create temp table ${RAW_TABLE} (src_sheet varchar, src_row integer, ${columns})`);
}

function headerFindings(
  source: SourceDescriptor,
  mapping: HeaderMapping,
  file: string,
  sheet: string | null,
  row = 1,
): Finding[] {
  const findings: Finding[] = [];
  for (const mismatch of mapping.unitMismatches) {
    findings.push({
      severity: 'ERROR',
      rule: unitMismatchRule(mismatch),
      value: mismatch.origin.header,
      file,
      sheet,
      row,
      letter: mismatch.origin.letter,
    });
  }
  for (const column of missingRequired(source, mapping)) {
    findings.push({
      severity: 'ERROR',
      rule: `required column \`${column}\` must be present in the header row`,
      file,
      sheet,
      row,
    });
  }
  for (const dup of mapping.duplicates) {
    findings.push({
      severity: 'ERROR',
      rule: `column \`${dup.column}\` must appear once, but headers ${dup.origins.map((o) => `'${o.header}' (${o.letter})`).join(' and ')} both name it`,
      file,
      sheet,
      row,
    });
  }
  for (const origin of mapping.unknown) {
    const suggestion = suggestColumn(source, mapping, origin.header);
    if (suggestion) {
      // A misspelt header would load its column as missing and erase what is published.
      findings.push({
        severity: 'ERROR',
        rule: `a header must be one the ${source.family} format accepts; did you mean \`${suggestion.column}\` (${suggestion.spellings.slice(0, 3).join(', ')} …)?`,
        value: origin.header,
        file,
        sheet,
        row,
        letter: origin.letter,
      });
      continue;
    }
    findings.push({
      severity: 'WARNING',
      rule: `a column must be part of the ${source.family} format to be loaded, so it was ignored`,
      value: origin.header,
      file,
      sheet,
      row,
      letter: origin.letter,
    });
  }
  return findings;
}

/**
 * Reads a CSV (UTF-8 with or without BOM, or UTF-16) or `.xlsx` file into {@link RAW_TABLE},
 * mapping its headers onto the family's canonical columns. CSV is read by DuckDB itself; `.xlsx`
 * is streamed and appended. `plain` is what a scan of the file's bytes found (`PlainUtf8Scan`,
 * which the load runs as it hashes the file); without it a CSV file is scanned here.
 */
export async function stageFile(
  db: DuckDbHandle,
  source: SourceDescriptor,
  path: string,
  head: Buffer,
  plain?: PlainForm | null,
): Promise<StagedFile> {
  const file = basename(path);
  await createRawTable(db, source);
  await db.run(totalTableSql(source));
  const format = await sniffFormat(path, head);
  if (format === 'xls') {
    throw Object.assign(new Error('old .xls'), {
      finding: {
        severity: 'ERROR',
        rule: 'a spreadsheet must be in the .xlsx format (Excel 2007 or later) or CSV; save it again as .xlsx',
        value: 'an Excel 97-2003 .xls file',
        file,
      } satisfies Finding,
    });
  }
  return format === 'csv'
    ? stageCsv(db, source, path, file, plain)
    : stageXlsx(db, source, path, file);
}

async function stageCsv(
  db: DuckDbHandle,
  source: SourceDescriptor,
  path: string,
  file: string,
  plain: PlainForm | null | undefined,
): Promise<StagedFile> {
  let readPath = path;
  let tempDir: string | undefined;
  let encoding: string | null = 'utf-8';
  // Most files can be read by DuckDB as they are, which a scan of the bytes tells, or once a
  // byte-order mark and the CRs of CR LF line ends are taken off (Excel's "CSV UTF-8"): DuckDB
  // then reads a copy made from the bytes. The others (and any file the scan cannot vouch for)
  // are decoded in full, with every refusal worded. A line no longer than the cell limit cannot
  // hold an over-long cell, so longer lines take the full path, where cells are measured.
  // The load scans the file as it hashes it (`plain`; only a file of at most
  // FAST_SCAN_MAX_BYTES, and one that changes after is refused); a caller that did not is
  // scanned here.
  let bytes: Buffer | null = null;
  let form: PlainForm | null = null;
  if (plain !== undefined) form = plain;
  else if ((await stat(path)).size <= FAST_SCAN_MAX_BYTES) {
    bytes = await readFile(path);
    form = plainUtf8CsvForm(bytes, MAX_CELL_CHARS);
  }
  if (form && (form.bom || form.crlf)) {
    if (form.bom) encoding = 'utf-8-bom';
    bytes ??= await readFile(path);
    tempDir = await mkdtemp(join(await scratchFolder(db), 'coopstat-csv-'));
    readPath = join(tempDir, 'utf8.csv');
    await writeFile(readPath, plainLfBytes(bytes, form));
  } else if (!form) {
    const decoded = await decodeTextFile(path);
    encoding = decoded.encoding;
    const longCell = firstLongCell(decoded.text);
    if (longCell) {
      throw new ReaderError({
        rule: `a cell must hold at most ${MAX_CELL_CHARS} characters`,
        value: `${longCell.chars} characters`,
        file,
        row: longCell.row,
        column: columnLetter(longCell.field),
        ...(longCell.header ? { header: longCell.header } : {}),
      });
    }
    const long = firstLongLine(decoded.text, MAX_CSV_LINE_BYTES);
    if (long) {
      throw new ReaderError({
        rule: `a CSV row must be at most ${MAX_CSV_LINE_BYTES} bytes long`,
        value: `${long.bytes} bytes`,
        file,
        row: long.row,
      });
    }
    if (!decoded.isPlainUtf8) {
      // UTF-16, a BOM, CRLF or decomposed text: DuckDB reads a normalised UTF-8 copy instead.
      tempDir = await mkdtemp(join(await scratchFolder(db), 'coopstat-csv-'));
      readPath = join(tempDir, 'utf8.csv');
      await writeFile(readPath, decoded.text);
    }
  }
  // Title lines above the header ("BIỂU SỐ 01: …", "Đơn vị tính: …") are skipped.
  const headLines = await readCsvHeadLines(path, HEADER_SEARCH_ROWS);
  const skip = findHeaderLine(source, headLines);
  try {
    // DuckDB's parallel reader refuses a quoted cell on several lines when rows are padded
    // (`null_padding`); such a file is read again by the serial reader, which takes it.
    let read = csvReadSql(skip, true);
    const serialIfRefused = async <T>(step: () => Promise<T>): Promise<T> => {
      try {
        return await step();
      } catch (error) {
        if (!isParallelMultilineRefusal(error) || read === csvReadSql(skip, false)) throw error;
        read = csvReadSql(skip, false);
        return step();
      }
    };
    // The header row first (DuckDB sniffs the same sample, so the same fields), then one pass
    // over the file into a narrow table of the mapped columns, trimmed. With insertion order
    // preserved (DuckDB's default), a row's rowid is its record number: src_row = rowid + 1.
    const [headerRow] = await serialIfRefused(() =>
      db.all<Record<string, string | null>>(`select * from ${read} limit 1`, [readPath]),
    );
    const fields = Object.keys(headerRow ?? {});
    const headers = fields.map((f) => headerRow?.[f] ?? null);
    const mapping = mapHeaders(source, headers);
    const findings = headerFindings(source, mapping, file, null, skip + 1);
    const width = headers.reduce<number>(
      (w, h, i) => (h !== null && h.trim() !== '' ? i + 1 : w),
      0,
    );
    const extra = width === 0 ? [] : fields.slice(width);
    // Each cell trimmed once, in an inner select that the columns and the flags below read by
    // name: written out at each use, the trims made the typed read's SQL several times longer,
    // and DuckDB planned it for longer than a small file takes to read.
    // The exact trim runs only in a record that has a cell to trim: one test of the whole record
    // tells (see edgeBlankSql).
    const quoted = fields.map((f) => `"${f}"`);
    const trimmed = `(select ${quoted.map((f, i) => `(case when edge then ${trimCellSql(f)} else ${f} end) as cell_${i}`).join(', ') || '1'}
       from (select ${[...quoted, `${edgeBlankSql(quoted)} as edge`].join(', ')} from ${read}))`;
    const mapped = source.columns.map((c) => {
      const origin = mapping.columns.get(c.name);
      return `${origin ? `nullif(cell_${origin.index}, '')` : 'null::varchar'} as ${c.name}`;
    });
    // Some cell not blank: the trimmed cells joined (concat skips nulls) are not empty.
    const nonBlank =
      fields.length === 0
        ? 'false'
        : `concat(${fields.map((_, i) => `cell_${i}`).join(', ')}) <> ''`;
    // Whether a row is a total row, or the row numbering the columns under the header, is
    // decided once, in the one pass over the file, from the record's own cells: the rows are then
    // told apart by flags, not by testing their cells again at every read (nor by lines of the
    // file, which a quoted cell on several lines makes differ from its records).
    const cell = (i: number) => (i < fields.length ? `cell_${i}` : null);
    const rule = totalRowRule(source, mapping, await readKnownProvinces(db));
    const isTotal = isTotalRowSql(cell, rule);
    const yearAt = mapping.columns.get('year')?.index ?? 0;
    const isNumbering = isColumnNumberRowSql(
      [yearAt, ...[...fields.keys()].filter((i) => i !== yearAt)].map((i) => cell(i)!),
    );
    const records =
      () => `(select ${[...mapped, `(${nonBlank}) as non_blank`, `(${isTotal}) as is_total`, `(${isNumbering}) as is_numbering`, ...extra.map((_, k) => `nullif(cell_${width + k}, '') as extra_${k}`)].join(', ')}
       from ${trimmed})`;
    // A first, light pass (nothing kept but a few dozen keys): each distinct raw (year, code,
    // name), and the decimal evidence the casts need. It reads every record: the header row,
    // blank rows and a row numbering the columns hold no number written with a separator, so
    // they give no evidence (their keys resolve to nothing and are never looked up); total rows
    // may, and are taken out below, once the typed pass has told them. `n` is not read for a CSV.
    // Only the columns it reads are parsed, each trimmed on its own (the record's edge test
    // would need every cell): over a national register year this pass took 0.4 s with all 25.
    const profiled = source.columns.filter(profileReads).map((c) => {
      const origin = mapping.columns.get(c.name);
      return `${origin ? `nullif(${trimCellSql(quoted[origin.index]!)}, '')` : 'null::varchar'} as ${c.name}`;
    });
    await dropStaging(db, RAW_PROFILE_TABLE);
    await serialIfRefused(() =>
      db.run(
        `create temp table ${RAW_PROFILE_TABLE} as
         ${rawProfileSql(source, `(select ${profiled.join(', ')} from ${read}) r`)}`,
        [readPath],
      ),
    );
    let decimals = await decideDecimalConvention(db, source, 'profile');
    // Then one pass over the file into one table: every record typed, with its unit, and the
    // flags that tell data rows from the others. No join in it, so insertion order is kept
    // (DuckDB's default) and a record's rowid is its record number: src_row = rowid + 1 + skip.
    const flags = ['non_blank', 'is_total', 'is_numbering', ...extra.map((_, k) => `extra_${k}`)];
    const typeRecords = async (convention: 'vn' | 'en') => {
      const typed = typedColumnsSql(source, convention, 'r');
      const units = await unitKeyLookupSql(db, source, convention, 'r');
      await dropStaging(db, RESOLVED_TABLE);
      await db.run(`drop table if exists ${CSV_TABLE}`);
      try {
        const sql = `create temp table ${CSV_TABLE} as
           select ${flags.join(', ')}, ${typed.kept}, ${units.columns}
           from (select ${flags.map((f) => `r.${f}`).join(', ')}, ${typed.cast}, ${units.unit} from ${records()} r)`;
        await runInFileOrder(db, sql, readPath);
      } finally {
        await forgetUnitKeyLookup(db);
      }
    };
    await typeRecords(decimals.convention);
    // The evidence of total rows is no evidence: taken out of the file's, and the records typed
    // again in the rare file where that changes the convention.
    const totalEvidence = decimalEvidenceSql(
      source,
      `(select ${source.columns.map((c) => `${asWritten(c.name)} as ${c.name}`).join(', ')}
        from ${CSV_TABLE} where is_total)`,
    );
    const [inTotals] = totalEvidence ? await db.all<{ vn: number; en: number }>(totalEvidence) : [];
    if (inTotals && (inTotals.vn > 0 || inTotals.en > 0)) {
      const [all] = await db.all<{ vn: number; en: number }>(
        `select coalesce(sum(vn), 0) as vn, coalesce(sum(en), 0) as en from ${RAW_PROFILE_TABLE}`,
      );
      const corrected = decimalConvention(all!.vn - inTotals.vn, all!.en - inTotals.en);
      if (corrected.convention !== decimals.convention) await typeRecords(corrected.convention);
      decimals = corrected;
    }
    findings.push(...(await extraFieldFindings(db, extra.length, width, file, skip)));
    const columns = source.columns.map((c) => `raw_${c.name}, ${c.name}`).join(', ');
    // Data rows: not the header, not a row numbering the columns under it, not a total row.
    const dataRows = `rowid > 0 and non_blank and not (rowid = 1 and is_numbering)`;
    await db.run(
      `create temp view ${RESOLVED_TABLE} as
       select null::varchar as src_sheet, (rowid + ${1 + skip})::integer as src_row, ${columns}, ${UNIT_COLUMNS}
       from ${CSV_TABLE} where ${dataRows} and not is_total`,
    );
    // The raw rows as written, for the checks that read text (a file mixing decimal conventions).
    await dropStaging(db, RAW_TABLE);
    await db.run(
      `create temp view ${RAW_TABLE} as
       select src_sheet, src_row, ${source.columns.map((c) => `${asWritten(c.name)} as ${c.name}`).join(', ')}
       from ${RESOLVED_TABLE}`,
    );
    await db.run(
      `insert into ${TOTAL_TABLE}
       select null::varchar, (rowid + ${1 + skip})::integer, ${source.columns.map((c) => asWritten(c.name)).join(', ')}
       from ${CSV_TABLE} where ${dataRows} and is_total`,
    );
    const [count] = await db.all<{ n: number }>(`select count(*) as n from ${RESOLVED_TABLE}`);
    return {
      format: 'csv',
      encoding,
      mappings: new Map([['', mapping]]),
      rowsRead: count?.n ?? 0,
      findings,
      decimals,
      typed: true,
    };
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

/** The `read_csv` of a CSV file's records below its `skip` title records, all as text. */
function csvReadSql(skip: number, parallel: boolean): string {
  return `read_csv($1, header = false, all_varchar = true, null_padding = true, auto_detect = true,
                     quote = '"', escape = '"', max_line_size = ${MAX_CSV_LINE_BYTES}${skip > 0 ? `, skip = ${skip}` : ''}${parallel ? '' : ', parallel = false'})`;
}

/** DuckDB's parallel reader refusing a quoted line break in a file read with `null_padding`. */
function isParallelMultilineRefusal(error: unknown): boolean {
  return (
    error instanceof Error &&
    /parallel scanner does not support null_padding in conjunction with quoted new lines/.test(
      error.message,
    )
  );
}

/**
 * Runs `sql` (a table made from a file) and throws unless DuckDB ran it keeping the file's order:
 * rows numbered by their rowid are then the file's records. A join anywhere in the plan (DuckDB
 * plans a long `in` list as one) or an insert that does not keep batches in order would number
 * them wrongly, and every refusal would name the wrong row; the load then stops with nothing
 * published. A statement not yet judged runs under `explain analyze`, which runs it and returns
 * the plan it ran: judging it by a plain `explain` planned it a second time (80–130 ms of a
 * load in a new process, as long as the small file's read itself).
 */
async function runInFileOrder(db: DuckDbHandle, sql: string, path: string): Promise<void> {
  const [setting] = await db.all<{ threads: number }>(
    `select current_setting('threads')::integer as threads`,
  );
  const threads = setting?.threads ?? 0;
  const key = `${threads}\u0000${sql}`;
  if (ORDERED_PLANS.has(key)) {
    await db.run(sql, [path]);
    return;
  }
  const plan = (await db.all<{ explain_value: string }>(`explain analyze ${sql}`, [path]))
    .map((r) => r.explain_value)
    .join('\n');
  // One thread runs the plan in order (DuckDB then plans a plain CREATE_TABLE_AS); several keep
  // the file's order only through the batched insert.
  const ordered =
    plan.includes('BATCH_CREATE_TABLE_AS') || (threads === 1 && plan.includes('CREATE_TABLE_AS'));
  if (!ordered || /_JOIN|CROSS_PRODUCT/.test(plan))
    throw new Error(
      'internal error: the typed read of a CSV file did not keep its order, so its rows could not be numbered; nothing was published',
    );
  if (ORDERED_PLANS.size >= ORDERED_PLANS_KEPT) ORDERED_PLANS.clear();
  ORDERED_PLANS.add(key);
}

/**
 * The typed reads already found to keep the file's order, by thread count and SQL text (the file
 * is a parameter, so files of one layout share a text): they run plainly, without the profiling
 * and the plan `explain analyze` adds. A server taking uploads, or a run of loads, sees few
 * layouts. Only verdicts that let a load go on are kept.
 */
const ORDERED_PLANS = new Set<string>();
const ORDERED_PLANS_KEPT = 64;

/** How many typed reads {@link runInFileOrder} has judged by the plan they ran (for tests). */
export const orderedPlansKnown = (): number => ORDERED_PLANS.size;

/**
 * Where a load keeps its temporary files: the scratch folder beside the writer's copy of the
 * warehouse (removed with it, or swept by the next writer after a crash); the system temp folder
 * only for a database without a file.
 */
async function scratchFolder(db: DuckDbHandle): Promise<string> {
  if (db.path === ':memory:') return tmpdir();
  const dir = writerScratchDir(db.path);
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * A row with values beyond the header's last column is refused: with `null_padding` DuckDB would
 * otherwise widen the table and the extra values would be dropped unseen (an unquoted `1,200`
 * in a comma-separated file shifts every later cell of its row).
 */
async function extraFieldFindings(
  db: DuckDbHandle,
  extraCount: number,
  width: number,
  file: string,
  skip = 0,
): Promise<Finding[]> {
  if (extraCount === 0) return [];
  const extra = Array.from({ length: extraCount }, (_, k) => `extra_${k}`);
  const rows = await db.all<{ src_row: number; value: string; field: number }>(
    `select (rowid + ${1 + skip})::integer as src_row, coalesce(${extra.join(', ')}) as value,
            case ${extra.map((f, k) => `when ${f} is not null then ${width + k}`).join(' ')} end as field
     from ${CSV_TABLE} where rowid > 0 and coalesce(${extra.join(', ')}) is not null
     order by src_row limit 500`,
  );
  return rows.map((r) => ({
    severity: 'ERROR',
    rule: `a row must have no more fields than the header row (${width})`,
    value: r.value,
    file,
    row: r.src_row,
    letter: columnLetter(r.field),
  }));
}

/** 1-based number and UTF-8 size of the first line longer than `limit` bytes, if any. */
function firstLongLine(text: string, limit: number): { row: number; bytes: number } | undefined {
  let row = 1;
  for (let start = 0; start < text.length; row++) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    // A UTF-16 code unit is at most 3 UTF-8 bytes: only lines that long need measuring.
    if ((end - start) * 3 > limit) {
      const bytes = Buffer.byteLength(text.slice(start, end));
      if (bytes > limit) return { row, bytes };
    }
    start = end + 1;
  }
  return undefined;
}

async function stageXlsx(
  db: DuckDbHandle,
  source: SourceDescriptor,
  path: string,
  file: string,
): Promise<StagedFile> {
  const findings: Finding[] = [];
  const mappings = new Map<string, HeaderMapping>();
  const sheetsSeen: string[] = [];
  const skipped = new Set<string>();
  const merges = new Map<string, readonly string[]>();
  const totals: SqlValue[][] = [];
  const typedColumns = new Set<string>();
  const provinces = await readKnownProvinces(db);
  let rowsRead = 0;

  // The row naming the most columns among the rows of sheets without a header: told when no
  // sheet can be loaded at all, as the header the office meant (e.g. one lacking `year`).
  let nearest: { row: XlsxRow; mapping: HeaderMapping } | undefined;

  /** Gives up on a sheet with no header row among its first rows: skipped, with its reason. */
  const skipSheet = (candidates: readonly XlsxRow[]) => {
    const first = candidates[0]!;
    skipped.add(first.sheet);
    for (const row of candidates.slice(1)) {
      const mapping = mapHeaders(source, row.cells);
      if (mapping.columns.size >= 2 && mapping.columns.size > (nearest?.mapping.columns.size ?? 0))
        nearest = { row, mapping };
    }
    // A sheet whose first row names some columns was meant as data: its header's faults are told.
    const mapping = mapHeaders(source, first.cells);
    if (mapping.columns.size > 0)
      findings.push(...headerFindings(source, mapping, file, first.sheet, first.row));
    else
      findings.push({
        severity: 'WARNING',
        rule: `a sheet must start with a header row of the ${source.family} format to be loaded, so it was skipped`,
        value: first.cells
          .filter((c) => c)
          .slice(0, 3)
          .join(' | '),
        file,
        sheet: first.sheet,
        row: first.row,
      });
  };

  const columnNames = source.columns.map((c) => c.name);
  /** Whether marker texts start a total row, by text (province names and codes repeat). */
  const totalTexts = new Map<string, boolean>();
  /** Whether a cell's text starts a total row, sparing the folding of texts that start with a digit or were seen. */
  const startsTotal = (text: string | null | undefined): boolean => {
    if (text === null || text === undefined) return false;
    const first = text.charCodeAt(0);
    // A total word starts with a letter: a text starting with a digit folds to a digit first.
    if (first >= 0x30 && first <= 0x39) return false;
    let total = totalTexts.get(text);
    if (total === undefined) {
      total = isTotalText(text);
      if (totalTexts.size < 100_000) totalTexts.set(text, total);
    }
    return total;
  };

  async function* rows(): AsyncGenerator<SqlValue[]> {
    let currentSheet: string | null = null;
    let mapping: HeaderMapping | undefined;
    let totalRule: TotalRowRule | undefined;
    /** Per canonical column, the index of the sheet's column that holds it (-1: none). */
    let origins: number[] = [];
    let headerRow = 0;
    // Rows above the header seen so far: title rows, or a sheet that has no header at all.
    let candidates: XlsxRow[] = [];
    /** The header row of each sheet with one, in sheet order, for the merged-cells check. */
    const headerRows = new Map<string, number>();
    // The reader tells merged cells after a sheet's rows (it inflates each sheet once): a
    // merged header row is refused then, or before any refusal of a later cell is passed on.
    const refuseMergedHeaders = () => {
      for (const [sheet, at] of headerRows)
        refuseMergedHeaderRow(merges.get(sheet) ?? [], at, file, sheet);
    };
    try {
      for await (const row of readXlsx(path, {
        onePass: true,
        onWarning: (w) =>
          findings.push({
            severity: 'WARNING',
            rule: w.rule,
            value: w.value,
            file,
            sheet: w.sheet,
            row: w.row,
            letter: w.column,
          }),
        onMergedCells: (sheet, ranges) => merges.set(sheet, ranges),
      })) {
        if (row.sheet !== currentSheet) {
          if (!mapping && candidates.length > 0 && !skipped.has(candidates[0]!.sheet))
            skipSheet(candidates);
          currentSheet = row.sheet;
          sheetsSeen.push(row.sheet);
          mapping = undefined;
          candidates = [];
        }
        if (skipped.has(row.sheet)) continue;
        if (row.cells.every((c) => c === null || c.trim() === '')) continue;
        if (!mapping) {
          const found = mapHeaders(source, row.cells);
          if (!isHeaderMapping(source, found)) {
            candidates.push(row);
            if (candidates.length >= HEADER_SEARCH_ROWS) skipSheet(candidates);
            continue;
          }
          headerRows.set(row.sheet, row.row);
          mapping = found;
          totalRule = totalRowRule(source, mapping, provinces);
          origins = columnNames.map((name) => mapping?.columns.get(name)?.index ?? -1);
          headerRow = row.row;
          mappings.set(row.sheet, mapping);
          findings.push(...headerFindings(source, mapping, file, row.sheet, row.row));
          continue;
        }
        if (headerRow > 0 && isColumnNumberRow(row.cells)) {
          headerRow = 0;
          continue;
        }
        headerRow = 0;
        const values: SqlValue[] = [row.sheet, row.row];
        const { cells, fractional } = row;
        for (let k = 0; k < columnNames.length; k++) {
          const index = origins[k]!;
          const cell = index < 0 ? null : cells[index];
          const text = cell === null || cell === undefined ? '' : cell.trim();
          if (text === '') values.push(null);
          else if (fractional !== undefined && fractional.includes(index)) {
            // A typed number: marked, and written in the file's text convention once it is known.
            typedColumns.add(columnNames[k]!);
            values.push(TYPED_NUMBER_MARK + text);
          } else values.push(text);
        }
        if (isTotalRow(cells, totalRule!, startsTotal)) {
          totals.push(values);
          continue;
        }
        rowsRead++;
        yield values;
      }
    } catch (error) {
      refuseMergedHeaders();
      throw error;
    }
    refuseMergedHeaders();
    if (!mapping && candidates.length > 0 && !skipped.has(candidates[0]!.sheet))
      skipSheet(candidates);
  }

  await appendThroughCsv(db, RAW_TABLE, source.columns.length + 2, rows());
  if (totals.length > 0)
    await db.append(
      TOTAL_TABLE,
      (async function* () {
        yield* totals;
      })(),
    );
  // Typed numbers are no evidence of the convention: it is decided from the text cells before
  // they are written in it (and from the profile validation reads when there are none).
  const decimals = await decideDecimalConvention(
    db,
    source,
    typedColumns.size > 0 ? 'raw' : 'profile',
  );
  if (typedColumns.size > 0)
    await typedNumbersToConvention(
      db,
      source,
      decimals.convention,
      [...typedColumns],
      [RAW_TABLE, TOTAL_TABLE],
    );
  // Sheets without a single non-empty row never reach rows(): list them from the workbook.
  for (const { name: sheet } of await listSheets(path)) {
    if (!mappings.has(sheet) && !skipped.has(sheet)) {
      findings.push({
        severity: 'WARNING',
        rule: 'a sheet must have a header row and data to be loaded, so the empty sheet was skipped',
        file,
        sheet,
      });
    }
  }
  if (mappings.size === 0) {
    if (nearest)
      findings.push(
        ...headerFindings(source, nearest.mapping, file, nearest.row.sheet, nearest.row.row),
      );
    findings.push({
      severity: 'ERROR',
      rule: `a workbook must have a sheet whose first row is ${source.family === 'aggregates' ? 'an' : 'a'} ${source.family} header (${source.columns
        .filter((c) => c.required)
        .map((c) => c.name)
        .join(', ')}, province_code or province_name)`,
      value:
        sheetsSeen.length === 0
          ? 'a workbook with no rows'
          : `sheets ${sheetsSeen.map((s) => `'${s}'`).join(', ')}`,
      file,
    });
  }
  return { format: 'xlsx', encoding: null, mappings, rowsRead, findings, decimals };
}

/**
 * Characters of CSV text gathered before they are written to the rows' temporary file: few
 * enough that the joined text stays out of V8's large-object space (strings of 128 KiB or more;
 * text with Vietnamese letters takes two bytes a character), whose fresh pages made 256 KiB
 * batches cost ~0.3 s more over a national register year.
 */
const CSV_WRITE_BYTES = 32 * 1024;

/** Text that must be quoted in the rows' CSV: a delimiter, a quote or a line break in it. */
const NEEDS_QUOTES = /[",\n\r]/;

/** Whether a value must be quoted to come back as itself: empty, special or spaced at an edge. */
function needsQuotes(value: string): boolean {
  if (value === '') return true;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return (
    first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09 || NEEDS_QUOTES.test(value)
  );
}

/**
 * One row as a CSV line: null as an empty field, the empty string as `""`, text quoted only
 * when it must be ({@link needsQuotes}).
 */
function csvLine(row: readonly SqlValue[]): string {
  let plain = true;
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (typeof value === 'string' && needsQuotes(value)) {
      plain = false;
      break;
    }
  }
  // Array#join writes null as an empty field and a number as its text.
  if (plain) return row.join(',');
  return row
    .map((value) =>
      typeof value === 'string' && needsQuotes(value) ? `"${value.replaceAll('"', '""')}"` : value,
    )
    .join(',');
}

/**
 * Appends a workbook's rows (sheet, row number, then text or null) to `table` through a
 * temporary CSV file that DuckDB reads in one statement: the JavaScript work per value is one
 * string, not one call into the engine. Every value but the row number is quoted, so a cell
 * keeps its commas, quotes and line breaks; an unquoted empty field is null, a quoted one the
 * empty string. Rows keep their order (the insert preserves it).
 */
async function appendThroughCsv(
  db: DuckDbHandle,
  table: string,
  width: number,
  rows: AsyncIterable<readonly SqlValue[]>,
): Promise<void> {
  const dir = await mkdtemp(join(await scratchFolder(db), 'coopstat-xlsx-'));
  const csvPath = join(dir, 'rows.csv');
  try {
    const handle = await open(csvPath, 'w');
    let longest = 0;
    let count = 0;
    try {
      let lines: string[] = [];
      let batchChars = 0;
      for await (const row of rows) {
        const line = csvLine(row);
        if (line.length > longest) longest = line.length;
        lines.push(line);
        batchChars += line.length + 1;
        count++;
        if (batchChars >= CSV_WRITE_BYTES) {
          lines.push('');
          await handle.write(Buffer.from(lines.join('\n')));
          lines = [];
          batchChars = 0;
        }
      }
      if (lines.length > 0) {
        lines.push('');
        await handle.write(Buffer.from(lines.join('\n')));
      }
    } finally {
      await handle.close();
    }
    if (count === 0) return;
    // A UTF-16 code unit is at most 3 UTF-8 bytes.
    const maxLine = Math.max(2_000_000, longest * 3 + 16);
    const columns = Array.from({ length: width }, (_, i) =>
      i === 1 ? `'c${i}': 'INTEGER'` : `'c${i}': 'VARCHAR'`,
    ).join(', ');
    await db.run(
      `insert into ${table} select * from read_csv($1, header = false, auto_detect = false,
         delim = ',', quote = '"', escape = '"', new_line = '\\n', allow_quoted_nulls = false,
         max_line_size = ${maxLine}, buffer_size = ${Math.max(16 * maxLine, 32 * 1024 * 1024)},
         columns = {${columns}})`,
      [csvPath],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Tells the family of a file from its header row: a register names each organisation by its
 * registration code (`org_id`, `Mã số HTX`, `MST`…); aggregates do not.
 */
export async function peekFamily(path: string, head: Buffer): Promise<'aggregates' | 'register'> {
  const format = await sniffFormat(path, head);
  if (format === 'csv') {
    // The header row is enough, below any title lines: the first 64 KiB are decoded leniently
    // (the whole file is decoded, and its encoding checked, when it is staged).
    const lines = await readCsvHeadLines(path, HEADER_SEARCH_ROWS);
    const header = lines[findHeaderLine(REGISTER_SOURCE, lines)] ?? [];
    return mapHeaders(REGISTER_SOURCE, header).columns.has('org_id') ? 'register' : 'aggregates';
  }
  if (format === 'xlsx') {
    // The first non-empty row of each sheet is its header; any sheet naming org_id makes a register.
    for (const row of await readXlsxHeaders(path, HEADER_SEARCH_ROWS)) {
      if (mapHeaders(REGISTER_SOURCE, row.cells).columns.has('org_id')) return 'register';
    }
  }
  return 'aggregates';
}
