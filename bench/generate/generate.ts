import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type ExcelJS from 'exceljs';
import { AGGREGATES_SOURCE } from '../../etl/sources/aggregates.source.ts';
import { REGISTER_SOURCE } from '../../etl/sources/register.source.ts';
import type { SourceDescriptor } from '../../etl/sources/source-descriptor.ts';
import { ORG_TYPES, SECTORS } from '../../warehouse/domain/vocabulary.ts';
import { orgYear, type OrgYear } from './org-year.ts';
import { provinceFor } from './provinces.ts';
import { hashInts, Rng } from './rng.ts';
import {
  ALL_SECTOR_PROVINCE_SHARE,
  MEMBER_SPLIT_FROM_YEAR,
  MISSING_CELL_RATE,
  WORKER_INCOME_2023,
  WORKER_INCOME_GROWTH,
} from './shape.ts';
import { FIRST_YEAR, LAST_YEAR, simulate, type Org, type YearSnapshot } from './simulate.ts';
import { pinZipTimestamps } from './zip-timestamps.ts';

/**
 * Deterministic synthetic input files at national scale (DESIGN §7): an organisation register
 * (one row per organisation × year) and province aggregates (one row per province × year × type ×
 * sector) made from the same simulated organisations. Rows stream from generators; only the
 * current year's population is in memory. Headers are the canonical column names of the source
 * descriptors, in their order.
 */

/** One cell: empty (missing, never zero) is `null`. */
export type Cell = string | number | null;

/** One row, keyed by canonical column name; absent keys are empty cells. */
export type Row = Readonly<Record<string, Cell>>;

/** A re-iterable stream of rows with the header to write them under. */
export interface RowSource extends Iterable<Row> {
  readonly columns: readonly string[];
}

/** Which input family to generate. */
export type Family = SourceDescriptor['family'];

/** Output file format. */
export type Format = 'csv' | 'xlsx';

/** What the generated data depends on. Identical options give byte-identical files. */
export interface GenerateOptions {
  readonly seed: number;
  /** Years to emit, each in 2015–2030. The simulation always starts in 2015, so a year's rows do not depend on which other years are asked for. */
  readonly years: readonly number[];
  /** Multiplies every national count (default 1). */
  readonly scale?: number;
  /** Keep only the first N of the 34 current provinces, by code, and the old ones merged into them (default all). */
  readonly provinces?: number;
}

/** Canonical header of the register, from its descriptor. */
export const REGISTER_COLUMNS: readonly string[] = REGISTER_SOURCE.columns.map((c) => c.name);
/** Canonical header of the aggregates, from its descriptor. */
export const AGGREGATE_COLUMNS: readonly string[] = AGGREGATES_SOURCE.columns.map((c) => c.name);

function checkedYears(years: readonly number[]): number[] {
  if (years.length === 0) throw new RangeError('at least one year is needed');
  for (const y of years) {
    if (!Number.isInteger(y) || y < FIRST_YEAR || y > LAST_YEAR) {
      throw new RangeError(`years must be integers in ${FIRST_YEAR}–${LAST_YEAR}, got ${y}`);
    }
  }
  return [...new Set(years)].sort((a, b) => a - b);
}

function* snapshots(opts: GenerateOptions): Generator<YearSnapshot> {
  const years = checkedYears(opts.years);
  const wanted = new Set(years);
  for (const snap of simulate({
    seed: opts.seed,
    scale: opts.scale ?? 1,
    provinces: opts.provinces,
    lastYear: years[years.length - 1]!,
    emit: (year) => wanted.has(year),
  })) {
    yield snap;
  }
}

const source = (columns: readonly string[], rows: () => Iterator<Row>): RowSource => ({
  columns,
  [Symbol.iterator]: rows,
});

const flag = (b: boolean): number => (b ? 1 : 0);

/** Register columns never left blank: identity, type, sector, place and status. */
const REGISTER_ALWAYS_GIVEN: ReadonlySet<string> = new Set([
  'year',
  'org_id',
  'org_name',
  'org_type',
  'sector',
  'province_code',
  'province_name',
  'legal_status',
]);
/** Register cells that may be blank: every other column of the register, in its order. */
const REGISTER_OPTIONAL: readonly string[] = REGISTER_SOURCE.columns
  .map((c) => c.name)
  .filter((name) => !REGISTER_ALWAYS_GIVEN.has(name));

const MASK_SALT = 0x6d61736b;

function* registerRows(snap: YearSnapshot): Generator<Row> {
  const { year } = snap;
  for (const org of snap.orgs) {
    const place = provinceFor(org.province, year);
    const row: Record<string, Cell> = {
      year,
      org_id: org.id,
      org_name: org.name,
      org_type: org.type,
      sector: org.sector,
      province_code: place.code,
      province_name: place.name,
      founded_year: org.foundedYear,
      legal_status: org.exitStatus ?? org.status,
    };
    if (org.exitStatus === null) {
      const f = orgYear(org, snap);
      row.members = f.members;
      row.official_members = f.officialMembers;
      row.capital_associates = f.capitalAssociates;
      row.other_associates = f.otherAssociates;
      row.employees = f.employees;
      row.rating = f.rating;
      row.effective = flag(f.effective);
      row.in_value_chain = flag(f.inValueChain);
      row.linked_enterprise = flag(f.linkedEnterprise);
      row.high_tech = flag(f.highTech);
      row.digital = flag(f.digital);
      row.new_model = flag(f.newModel);
      row.managers_trained = f.managersTrained;
      row.managers_total = f.managersTotal;
      row.revenue_vnd_million = f.revenue;
      row.profit_vnd_million = f.profit;
      const mask = new Rng(hashInts(snap.seedHash, org.num, year, MASK_SALT));
      for (const name of REGISTER_OPTIONAL) if (mask.float() < MISSING_CELL_RATE) row[name] = null;
    }
    yield row;
  }
}

const SUMMED = [
  'members',
  'official_members',
  'capital_associates',
  'other_associates',
  'employees',
  'employees_members',
  'rated_good',
  'rated_fair',
  'rated_average',
  'rated_weak',
  'rated_none',
  'effective_count',
  'in_value_chain',
  'good_fair_in_value_chain',
  'effective_in_value_chain',
  'linked_enterprise',
  'high_tech',
  'digital',
  'new_model',
  'managers_trained',
  'managers_total',
] as const;
const M = Object.fromEntries(SUMMED.map((name, i) => [name, i])) as Record<
  (typeof SUMMED)[number],
  number
>;

/** Sums of one province × type × sector group. */
class Tally {
  orgCount = 0;
  active = 0;
  fresh = 0;
  dissolved = 0;
  inactive = 0;
  /** Per-measure sum, and how many organisations gave a value (0: the cell is missing). */
  readonly sum = new Float64Array(SUMMED.length);
  readonly seen = new Uint32Array(SUMMED.length);
  revenueSum = 0;
  revenueMembersSum = 0;
  profitSum = 0;
  revenueN = 0;

  private add(i: number, value: number | null): void {
    if (value === null) return;
    this.sum[i] += value;
    this.seen[i]++;
  }

  addOrg(org: Org, f: OrgYear | null, year: number): void {
    if (org.exitStatus !== null) {
      if (org.exitStatus !== 'CONVERTED') this.dissolved++;
      return;
    }
    f = f!;
    this.orgCount++;
    if (org.status === 'OPERATING') this.active++;
    else this.inactive++;
    if (org.foundedYear === year) this.fresh++;
    this.add(M.members, f.members);
    this.add(M.official_members, f.officialMembers);
    this.add(M.capital_associates, f.capitalAssociates);
    this.add(M.other_associates, f.otherAssociates);
    this.add(M.employees, f.employees);
    this.add(M.employees_members, f.employeesMembers);
    const r = f.rating;
    if (r !== null) {
      this.add(M.rated_good, flag(r === 'GOOD'));
      this.add(M.rated_fair, flag(r === 'FAIR'));
      this.add(M.rated_average, flag(r === 'AVERAGE'));
      this.add(M.rated_weak, flag(r === 'WEAK'));
      this.add(M.rated_none, flag(r === 'NOT_RATED'));
      this.add(M.good_fair_in_value_chain, flag((r === 'GOOD' || r === 'FAIR') && f.inValueChain));
    }
    this.add(M.effective_count, flag(f.effective));
    this.add(M.in_value_chain, flag(f.inValueChain));
    this.add(M.effective_in_value_chain, flag(f.effective && f.inValueChain));
    this.add(M.linked_enterprise, flag(f.linkedEnterprise));
    this.add(M.high_tech, flag(f.highTech));
    this.add(M.digital, flag(f.digital));
    this.add(M.new_model, flag(f.newModel));
    this.add(M.managers_trained, f.managersTrained);
    this.add(M.managers_total, f.managersTotal);
    if (org.status === 'OPERATING') {
      this.revenueSum += f.revenue;
      this.revenueMembersSum += f.revenue * f.revenueFromMembers;
      this.profitSum += f.profit;
      this.revenueN++;
    }
  }
}

const SPLIT = new Set(['official_members', 'capital_associates', 'other_associates']);
const RATED = new Set([
  'rated_good',
  'rated_fair',
  'rated_average',
  'rated_weak',
  'rated_none',
  'good_fair_in_value_chain',
]);

/** Publication status of a synthetic year: final up to 2024, preliminary 2025, estimates after. */
function statusOf(year: number): string {
  return year <= 2024 ? 'REPORTED' : year === 2025 ? 'PROVISIONAL' : 'ESTIMATED';
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

const AGGREGATE_MEASURES: readonly string[] = AGGREGATES_SOURCE.columns
  .filter((c) => c.type === 'count' || c.type === 'decimal')
  .map((c) => c.name);

function* aggregateRows(snap: YearSnapshot): Generator<Row> {
  const { year } = snap;
  const current = year >= 2025;
  // The provinces of the year, and which of them give only the all-sector total.
  const units = new Map<string, string>();
  for (const p of snap.provinces) {
    const place = provinceFor(p, year);
    units.set(place.code, place.name);
  }
  const allOnly = new Map<string, boolean>();
  for (const code of units.keys()) {
    const draw = new Rng(hashInts(snap.seedHash, 0xa11, Number(code), current ? 1 : 0)).float();
    allOnly.set(code, draw < ALL_SECTOR_PROVINCE_SHARE);
  }

  // Groups keyed by an integer: province code × type × sector ('' = all sectors first).
  const sectorOrder = ['', ...SECTORS];
  const sectorIndex = new Map(sectorOrder.map((sec, i) => [sec, i]));
  const typeIndex = new Map(ORG_TYPES.map((t, i) => [t, i]));
  const groupKey = (code: number, type: number, sector: number): number =>
    (code * ORG_TYPES.length + type) * sectorOrder.length + sector;
  const allOnlyByCode: boolean[] = [];
  for (const [code, only] of allOnly) allOnlyByCode[Number(code)] = only;
  const credit = sectorIndex.get('CREDIT')!;
  const tallies = new Map<number, Tally>();
  for (const org of snap.orgs) {
    const code = current ? org.province.newCodeNum : org.province.oldCodeNum;
    const sector =
      org.type === 'QTDND' ? credit : allOnlyByCode[code] ? 0 : sectorIndex.get(org.sector)!;
    const key = groupKey(code, typeIndex.get(org.type)!, sector);
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = new Tally()));
    tally.addOrg(org, org.exitStatus === null ? orgYear(org, snap) : null, year);
  }

  const codes = [...units.keys()].sort();
  for (const code of codes) {
    const name = units.get(code)!;
    const income = WORKER_INCOME_2023 * WORKER_INCOME_GROWTH ** (year - 2023);
    const incomeFactor = 0.8 + 0.45 * new Rng(hashInts(snap.seedHash, 0x1c0, Number(code))).float();
    for (const [ti, type] of ORG_TYPES.entries()) {
      const groups: [string, Tally][] = [];
      for (const [si, sector] of sectorOrder.entries()) {
        const tally = tallies.get(groupKey(Number(code), ti, si));
        if (tally) groups.push([sector, tally]);
      }
      if (groups.length === 0) groups.push([type === 'QTDND' ? 'CREDIT' : '', new Tally()]);
      for (const [sector, t] of groups) {
        const row: Record<string, Cell> = {
          year,
          province_code: code,
          province_name: name,
          org_type: type,
          sector: sector === '' ? null : sector,
          org_count: t.orgCount,
          active_count: t.active,
          new_count: t.fresh,
          dissolved_count: t.dissolved,
          inactive_count: t.inactive,
        };
        for (const [i, m] of SUMMED.entries()) {
          const seen = t.seen[i]!;
          let value: number | null = seen > 0 ? t.sum[i]! : 0;
          if (SPLIT.has(m) && year < MEMBER_SPLIT_FROM_YEAR) value = null;
          else if (RATED.has(m) && type === 'QTDND') value = null;
          else if (m === 'other_associates' && seen === 0 && t.orgCount > 0) value = null;
          row[m] = value;
        }
        const n = t.revenueN;
        row.revenue_avg_vnd_million = n > 0 ? round1(t.revenueSum / n) : null;
        row.revenue_members_avg_vnd_million =
          n > 0 && type !== 'THT' ? round1(t.revenueMembersSum / n) : null;
        row.profit_avg_vnd_million = n > 0 ? round1(t.profitSum / n) : null;
        row.worker_income_avg_vnd_million =
          n > 0 && type !== 'THT' ? round1(income * incomeFactor) : null;
        row.universe = 'REGISTERED';
        row.status = statusOf(year);
        row.qualifier = null; // counted from the register: exact
        row.source = null;
        // Blank a few measures (never the count itself): missing, not zero.
        const mask = new Rng(
          hashInts(snap.seedHash, year, Number(code), ti, sectorOrder.indexOf(sector), MASK_SALT),
        );
        for (const m of AGGREGATE_MEASURES)
          if (m !== 'org_count' && mask.float() < MISSING_CELL_RATE) row[m] = null;
        yield row;
      }
    }
  }
}

/** The rows of one year of `family`, from a snapshot (consume before the simulation advances). */
function yearRows(family: Family, snap: YearSnapshot): RowSource {
  return family === 'register'
    ? source(REGISTER_COLUMNS, () => registerRows(snap))
    : source(AGGREGATE_COLUMNS, () => aggregateRows(snap));
}

/**
 * One {@link RowSource} per requested year, in year order. A year's rows must be consumed before
 * the next year is requested: the simulation advances its population in place.
 */
export function* generateYears(
  family: Family,
  opts: GenerateOptions,
): Generator<{ readonly year: number; readonly rows: RowSource }> {
  for (const snap of snapshots(opts)) yield { year: snap.year, rows: yearRows(family, snap) };
}

/** The organisation register for all requested years, year by year; re-iterating re-runs the simulation. */
export function generateRegister(opts: GenerateOptions): RowSource {
  return source(REGISTER_COLUMNS, function* () {
    for (const { rows } of generateYears('register', opts)) yield* rows;
  });
}

/** The province aggregates for all requested years, made from the same organisations as the register. */
export function generateAggregates(opts: GenerateOptions): RowSource {
  return source(AGGREGATE_COLUMNS, function* () {
    for (const { rows } of generateYears('aggregates', opts)) yield* rows;
  });
}

const NEEDS_QUOTES = /[",\r\n]/;

const csvCell = (v: Cell | undefined): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  return NEEDS_QUOTES.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

/** Lines per write: big enough to amortise the syscall, small enough to stay in the young generation. */
const CSV_LINES_PER_WRITE = 4096;

/** Writes rows as UTF-8 CSV (no BOM, `\n` line ends, RFC 4180 quoting) and returns the row count. */
export async function writeCsv(rows: RowSource, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, 'w');
  const columns = rows.columns;
  const width = columns.length;
  const cells: string[] = new Array(width);
  let lines: string[] = [columns.map(csvCell).join(',')];
  let count = 0;
  try {
    for (const row of rows) {
      for (let i = 0; i < width; i++) cells[i] = csvCell(row[columns[i]!]);
      lines.push(cells.join(','));
      count++;
      if (lines.length >= CSV_LINES_PER_WRITE) {
        await handle.write(lines.join('\n') + '\n');
        lines = [];
      }
    }
    if (lines.length > 0) await handle.write(lines.join('\n') + '\n');
  } finally {
    await handle.close();
  }
  return count;
}

/** Fixed document dates, so the same rows give the same bytes. */
const XLSX_DATE = new Date(Date.UTC(2000, 0, 1));

/**
 * exceljs's streaming writer alone: the package's entry also loads its readers, its CSV support and
 * their dependencies (some 450 more modules), which the generator never uses.
 */
const WorkbookWriter = createRequire(import.meta.url)(
  'exceljs/lib/stream/xlsx/workbook-writer.js',
) as typeof ExcelJS.stream.xlsx.WorkbookWriter;

/**
 * Writes rows as one worksheet of an .xlsx with exceljs's streaming writer (text through the
 * shared-string table, as Excel writes it; no styles; empty cells are absent) and returns the row
 * count. Document and zip-entry dates are fixed, so the same rows give the same bytes.
 */
export async function writeXlsx(
  rows: RowSource,
  path: string,
  opts: { sheet: string },
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const workbook = new WorkbookWriter({
    filename: path,
    useStyles: false,
    useSharedStrings: true,
  });
  workbook.creator = 'coopstat bench generator';
  workbook.created = XLSX_DATE;
  workbook.modified = XLSX_DATE;
  const sheet = workbook.addWorksheet(opts.sheet);
  const columns = rows.columns;
  sheet.addRow([...columns]).commit();
  let count = 0;
  for (const row of rows) {
    const values: unknown[] = new Array(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const v = row[columns[i]!];
      if (v !== null && v !== undefined) values[i] = v;
    }
    sheet.addRow(values).commit();
    count++;
  }
  sheet.commit();
  await workbook.commit();
  await pinZipTimestamps(path);
  return count;
}

/** One written file. */
export interface WrittenFile {
  readonly year: number;
  readonly path: string;
  readonly rows: number;
  /** Wall time to generate and write the file, ms (the first file also pays for simulating the years before it). */
  readonly ms: number;
}

/** Generates `family` and writes one file per year, `<family>-<year>.<format>`, into `outDir`. */
export async function writeYearFiles(
  opts: GenerateOptions & {
    readonly family: Family;
    readonly format: Format;
    readonly outDir: string;
  },
): Promise<WrittenFile[]> {
  const written: WrittenFile[] = [];
  let started = performance.now();
  for (const { year, rows } of generateYears(opts.family, opts)) {
    const path = join(opts.outDir, `${opts.family}-${year}.${opts.format}`);
    const count =
      opts.format === 'csv'
        ? await writeCsv(rows, path)
        : await writeXlsx(rows, path, { sheet: `${opts.family} ${year}` });
    const now = performance.now();
    written.push({ year, path, rows: count, ms: now - started });
    started = now;
  }
  return written;
}
