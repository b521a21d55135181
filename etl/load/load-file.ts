import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  applySlices,
  diffSlices,
  type SliceChange,
} from '../../warehouse/publish/slice-publisher.ts';
import { publishReportRows } from '../../warehouse/publish/report-rows.ts';
import { publishIndicatorDerived } from '../../warehouse/publish/target-progress.ts';
import {
  FACT_TABLE_SPEC,
  REGISTER_TABLE_SPEC,
  recordLoad,
  nextIds,
  findLoadByHash,
  findSupersedingLoad,
} from '../../warehouse/publish/load-log.ts';
import { DuckDbHandle } from '../../warehouse/dialect/index.ts';
import {
  withWriter,
  writerThreadsFor,
  type WriteOutcome,
} from '../../warehouse/store/warehouse-store.ts';
import { ReaderError } from '../readers/reader.error.ts';
import { readFileChunks } from '../readers/file-chunks.reader.ts';
import { PlainUtf8Scan, type PlainForm } from '../readers/plain-utf8.reader.ts';
import { MAX_CELL_CHARS } from '../readers/text-file.reader.ts';
import { SOURCE_OF_FAMILY as SOURCES } from '../sources/families.ts';
import { INPUT_FAMILIES, type InputFamily } from '../../warehouse/domain/vocabulary.ts';
import type { ValueStatus } from '../../warehouse/domain/value-status.ts';
import {
  FACT_STAGING,
  REGISTER_STAGING,
  stageAggregateFacts,
  stageRegisterFacts,
} from '../validate/facts.ts';
import { QueryParams } from '../../warehouse/queries/query-params.ts';
import { collectFindings, RESOLVED_TABLE, typeAndResolve } from '../validate/validate.ts';
import { checkTotalRows } from '../validate/total-rows.ts';
import { findErasures } from './erasure-guard.ts';
import type { Finding } from '../staged/finding.ts';
import { LoadRefusedError } from './findings.ts';
import { FAST_SCAN_MAX_BYTES, peekFamily, stageFile } from './staging.ts';

/** Input families the loader accepts. */
export const FAMILIES = INPUT_FAMILIES;
export type Family = InputFamily;

/** How to load one file. */
export interface LoadOptions {
  /** The warehouse file. */
  readonly db: string;
  /** Input family; detected from the header row when absent. */
  readonly family?: Family;
  /** Validate and report the change without writing anything. */
  readonly dryRun?: boolean;
  /**
   * Publish even where the file erases published data: values it turns into missing ones, rows
   * of a slice it leaves out, slices published from another family of file; and load again a
   * file already loaded whose values were replaced since. Without it such a load is refused.
   */
  readonly replace?: boolean;
  /** Source code for rows that do not name one (default `PSO`). */
  readonly source?: string;
  /** Status for rows that do not give one (default `REPORTED`). */
  readonly status?: ValueStatus;
  /** Who loads, recorded in the load log. */
  readonly loadedBy?: string;
  /**
   * Province codes the load may touch (absent = every province). A row counts under the code of
   * the province it resolves to in its own year (the unit valid on 31 December). When any row
   * falls outside, the load throws {@link ProvincesNotAllowedError} before anything is published
   * (dry runs too).
   */
  readonly allowedProvinceCodes?: readonly string[];
  /** The latest year accepted (default: the current year). */
  readonly maxYear?: number;
  /** Called with each stage's name, for progress on a terminal. */
  readonly onProgress?: (stage: string) => void;
  /**
   * DuckDB's `threads` for the load's writer (default: by the size of the file, {@link
   * writerThreadsFor}).
   */
  readonly threads?: number;
}

/** What a load did (or, in a dry run, would do). */
export interface LoadReport {
  readonly file: string;
  readonly family: Family;
  readonly sha256: string;
  /**
   * `ALREADY_LOADED`: this file (same SHA-256) was loaded and its values are what is published;
   * `SUPERSEDED`: it was loaded, but a later load replaced its values (see `supersededBy`);
   * loading it again needs `replace`.
   */
  readonly outcome: 'PUBLISHED' | 'NO_CHANGE' | 'ALREADY_LOADED' | 'SUPERSEDED' | 'DRY_RUN';
  readonly loadId: number | null;
  readonly dataVersion: number;
  readonly rowsRead: number;
  readonly years: number[];
  readonly changes: (SliceChange & { name_vi: string })[];
  readonly totals: { added: number; changed: number; removed: number; unchanged: number };
  readonly warnings: Finding[];
  readonly warningCount: number;
  /**
   * What the load erases (published) or would erase (dry run): values turned missing, rows
   * removed, slices of another family replaced. In a dry run without `replace` these are errors:
   * the load itself would be refused.
   */
  readonly erasures: Finding[];
  readonly erasureCount: number;
  /** For `SUPERSEDED`: the load whose values are published now instead. */
  readonly supersededBy?: { loadId: number; file: string; dataVersion: number };
}

async function hashFile(path: string): Promise<{
  sha256: string;
  bytes: number;
  head: Buffer;
  plain: PlainForm | null | undefined;
  state: string;
}> {
  // Taken before the hash: a file that changes from here on is refused (`refuseChangedFile`).
  const { state, size } = await fileState(path);
  const hash = createHash('sha256');
  // The chunks hashed are also scanned for a CSV file that DuckDB can read as it is, so the
  // staging need not read the whole file into memory once more to learn it (~0.2 s for a
  // national register year, most of it page faults of a 20 MB buffer). A file too large for
  // that path is not scanned.
  const scan = size <= FAST_SCAN_MAX_BYTES ? new PlainUtf8Scan(MAX_CELL_CHARS) : null;
  // The first bytes tell the format (zeros past the end of a shorter file).
  const head = Buffer.alloc(8);
  let headBytes = 0;
  // Nothing keeps a chunk (the scan copies the bytes it carries over to the next).
  await readFileChunks(path, (bytes) => {
    if (headBytes < head.length) headBytes += bytes.copy(head, headBytes);
    hash.update(bytes);
    scan?.update(bytes);
  });
  return { sha256: hash.digest('hex'), bytes: size, head, plain: scan?.result(), state };
}

/** What tells one state of a file from another (inode, size and modification time), and its size. */
async function fileState(path: string): Promise<{ state: string; size: number }> {
  const info = await stat(path, { bigint: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR')
      throw new Error(
        `a file to load must exist, but got no file at ${path}; nothing was published`,
      );
    throw error;
  });
  if (!info.isFile()) {
    throw new Error(
      `a file to load must be a file, but got ${info.isDirectory() ? 'a folder' : 'something that is not a file'} at ${path}; nothing was published`,
    );
  }
  const { ino, size, mtimeNs } = info;
  return { state: `${ino}:${size}:${mtimeNs}`, size: Number(size) };
}

/**
 * Refuses a file that changed after it was hashed (a spreadsheet saved again, a copy still being
 * written): the hash and the scan recorded for it would not be those of the rows read.
 */
async function refuseChangedFile(path: string, file: string, hashed: string): Promise<void> {
  if ((await fileState(path)).state === hashed) return;
  throw new ReaderError({
    rule: 'a file must not change while it is loaded; load it again once it is saved',
    value: 'changed after it was hashed',
    file,
  });
}

/**
 * Loads one file into the warehouse: stage, validate in SQL, then publish a new data version in
 * which the slices the file covers are replaced (the old values kept as history). A file loads
 * whole or not at all: a refusal throws {@link LoadRefusedError} and writes nothing. A file
 * already loaded (same SHA-256) changes nothing.
 */
export async function loadFile(path: string, options: LoadOptions): Promise<LoadReport> {
  const file = basename(path);
  const progress = options.onProgress ?? (() => {});
  // The writer lock comes first: a second load is refused before it reads its file, and a lock
  // left by a killed writer is swept whatever this load turns out to be.
  let sha256 = '';
  let bytes = 0;
  let head: Buffer = Buffer.alloc(0);
  let plain: PlainForm | null | undefined;
  let hashedState = '';
  let family: Family;
  // While the writer copies the warehouse. A file already loaded is found on the copy (see
  // `previousLoad` below): a read-only open of the published file to find it first cost every
  // load ~35 ms (a DuckDB instance) to spare only a repeated one its writer.
  const beforeCopy = async (): Promise<void> => {
    progress('hashing');
    ({ sha256, bytes, head, plain, state: hashedState } = await hashFile(path));
    try {
      family = options.family ?? (await peekFamily(path, head));
    } catch (error) {
      throw await refusal(file, error, path);
    }
  };

  const startedAt = new Date();
  const write = async (db: DuckDbHandle): Promise<WriteOutcome<LoadReport>> => {
    const source = SOURCES[family];
    const previous = options.replace ? undefined : await previousLoad(db, file, sha256);
    if (previous && !options.allowedProvinceCodes) return { publish: false, result: previous };
    const [units] = await db.all<{ n: number }>('select count(*) as n from dim_admin_unit');
    if (!units || units.n === 0) {
      throw new Error(
        `a warehouse must hold the admin units before files are loaded, but ${options.db} has none; nothing was published; run \`coopstat init --db ${options.db}\` first`,
      );
    }
    progress('reading');
    let staged;
    try {
      staged = await stageFile(db, source, path, head, plain);
      await refuseChangedFile(path, file, hashedState);
    } catch (error) {
      throw await refusal(file, error, path);
    }
    progress('validating');
    const context = { file, staged, maxYear: options.maxYear ?? new Date().getUTCFullYear() };
    await typeAndResolve(db, source, context);
    await checkTotalRows(db, source, staged.decimals.convention);
    const defaults = { source: options.source ?? 'PSO', status: options.status ?? 'REPORTED' };
    if (family === 'aggregates') await stageAggregateFacts(db, defaults);
    else await stageRegisterFacts(db, defaults);
    const result = await collectFindings(db, context);
    const findings = [...staged.findings, ...result.findings];
    const errorCount =
      result.errorCount + staged.findings.filter((f) => f.severity === 'ERROR').length;
    if (errorCount > 0) throw new LoadRefusedError(file, findings, errorCount);
    if (staged.rowsRead === 0) {
      throw new LoadRefusedError(file, [
        {
          severity: 'ERROR',
          rule: 'a file must have at least one data row below its header',
          value: 'no data rows',
          file,
        },
      ]);
    }
    if (options.allowedProvinceCodes) {
      await refuseOtherProvinces(db, file, options.allowedProvinceCodes);
      if (previous) return { publish: false, result: previous };
    }
    const warnings = findings.filter((f) => f.severity === 'WARNING');
    const warningCount =
      result.warningCount + staged.findings.filter((f) => f.severity === 'WARNING').length;

    progress('comparing');
    const changes = await diffSlices(db, FACT_TABLE_SPEC, FACT_STAGING);
    if (family === 'register') await diffSlices(db, REGISTER_TABLE_SPEC, REGISTER_STAGING);
    const totals = sumChanges(changes);
    const erasures = await findErasures(db, {
      file,
      family,
      staged,
      severity: options.replace ? 'WARNING' : 'ERROR',
    });
    if (erasures.count > 0 && !options.replace && !options.dryRun) {
      throw new LoadRefusedError(file, [...erasures.findings, ...warnings], erasures.count);
    }
    const registerChanged =
      family === 'register' &&
      ((
        await db.all<{ n: number }>(
          `select count(*) as n from ${REGISTER_STAGING}_diff where change <> 'UNCHANGED'`,
        )
      )[0]?.n ?? 0) > 0;
    const anyChange = totals.added + totals.changed + totals.removed > 0 || registerChanged;
    const years = (
      await db.all<{ year: number }>(`select distinct year from ${FACT_STAGING} order by year`)
    ).map((r) => r.year);
    const named = await nameChanges(db, changes);
    const ids = await nextIds(db);
    const base = {
      file,
      family,
      sha256,
      rowsRead: staged.rowsRead,
      years,
      changes: named,
      totals,
      warnings: warnings.slice(0, 200),
      warningCount,
      erasures: erasures.findings,
      erasureCount: erasures.count,
    };
    if (options.dryRun) {
      return {
        publish: false,
        result: {
          ...base,
          outcome: 'DRY_RUN',
          loadId: null,
          dataVersion: ids.currentVersion,
        } as LoadReport,
      };
    }
    progress('publishing');
    const version = anyChange ? ids.nextVersion : ids.currentVersion;
    await db.transaction(async (tx) => {
      if (anyChange) {
        await applySlices(tx, FACT_TABLE_SPEC, FACT_STAGING, ids.nextLoadId, version);
        if (family === 'register')
          await applySlices(tx, REGISTER_TABLE_SPEC, REGISTER_STAGING, ids.nextLoadId, version);
        await publishReportRows(tx, version);
        await publishIndicatorDerived(tx, version);
      }
      await recordLoad(tx, {
        load_id: ids.nextLoadId,
        family,
        file_name: file,
        file_sha256: sha256,
        file_bytes: bytes,
        source_code: defaults.source,
        years,
        unit_ids: changes.map((c) => c.unit_id),
        rows_read: staged.rowsRead,
        rows_accepted: staged.rowsRead,
        rows_rejected: 0,
        warnings: warningCount,
        values_added: totals.added,
        values_changed: totals.changed,
        values_removed: totals.removed,
        values_unchanged: totals.unchanged,
        started_at: startedAt.toISOString(),
        finished_at: new Date().toISOString(),
        outcome: anyChange ? 'PUBLISHED' : 'NO_CHANGE',
        data_version: version,
        loaded_by: options.loadedBy ?? null,
        report_json: JSON.stringify({ warnings: base.warnings.slice(0, 50), changes: named }),
        publishes: anyChange,
      });
    });
    return {
      publish: true,
      result: {
        ...base,
        outcome: anyChange ? 'PUBLISHED' : 'NO_CHANGE',
        loadId: ids.nextLoadId,
        dataVersion: version,
      } as LoadReport,
    };
  };
  return withWriter(options.db, write, {
    beforeCopy,
    threads: options.threads ?? (() => writerThreadsFor(bytes)),
  });
}

/** A province a load was not allowed to touch, with the first row that touches it. */
export interface ProvinceOutsideAllowed {
  readonly code: string;
  readonly nameVi: string;
  readonly rows: number;
  readonly firstSheet: string | null;
  readonly firstRow: number | null;
}

/**
 * Thrown when a file touches provinces outside `allowedProvinceCodes`; nothing was written.
 * The message states the rule, the provinces received and the first row of each.
 */
export class ProvincesNotAllowedError extends Error {
  constructor(
    readonly file: string,
    readonly allowed: readonly string[],
    readonly provinces: readonly ProvinceOutsideAllowed[],
  ) {
    super(
      `a load restricted to province${allowed.length === 1 ? '' : 's'} ${allowed.join(', ')} may only contain rows of ${allowed.length === 1 ? 'that province' : 'those provinces'}, but got ` +
        provinces
          .map(
            (p) =>
              `${p.code} ${p.nameVi} (${p.rows} row${p.rows === 1 ? '' : 's'}, first at ${[file, p.firstSheet ? `sheet ${p.firstSheet}` : null, p.firstRow === null ? null : `row ${p.firstRow}`].filter(Boolean).join(', ')})`,
          )
          .join('; ') +
        '; nothing was published',
    );
    this.name = 'ProvincesNotAllowedError';
  }
}

async function refuseOtherProvinces(
  db: DuckDbHandle,
  file: string,
  allowed: readonly string[],
): Promise<void> {
  const params = new QueryParams();
  const outsideSql =
    allowed.length === 0 ? 'true' : `u.code is null or not ${params.in('u.code', allowed)}`;
  const outside = await db.all<{
    code: string | null;
    name_vi: string | null;
    rows: number;
    first_sheet: string | null;
    first_row: number | null;
  }>(
    `select u.code, u.name_vi, count(*) as rows,
       arg_min(r.src_sheet, r.src_row) as first_sheet, min(r.src_row) as first_row
     from ${RESOLVED_TABLE} r left join dim_admin_unit u on u.unit_id = r.unit_id
     where ${outsideSql}
     group by u.code, u.name_vi
     order by u.code nulls first`,
    params.values,
  );
  if (outside.length === 0) return;
  throw new ProvincesNotAllowedError(
    file,
    allowed,
    outside.map((p) => ({
      code: p.code ?? '?',
      nameVi: p.name_vi ?? 'an unresolved province',
      rows: p.rows,
      firstSheet: p.first_sheet,
      firstRow: p.first_row,
    })),
  );
}

/** The first line of a file as text (at most 4 KB read), for a refusal that quotes it. */
async function firstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]!;
  } finally {
    await handle.close();
  }
}

async function refusal(file: string, error: unknown, path: string): Promise<Error> {
  if (error instanceof LoadRefusedError) return error;
  // A reader's refusal thrown while DuckDB's appender pulls the rows arrives wrapped by append().
  if (error instanceof Error && error.cause instanceof ReaderError)
    return refusal(file, error.cause, path);
  if (error instanceof ReaderError) {
    return new LoadRefusedError(file, [
      {
        severity: 'ERROR',
        rule: error.rule,
        ...(error.value === undefined ? {} : { received: error.value }),
        file,
        sheet: error.sheet ?? null,
        row: error.row ?? null,
        letter: error.column ?? null,
        header: error.header ?? null,
      },
    ]);
  }
  const finding = (error as { finding?: Finding }).finding;
  if (finding) return new LoadRefusedError(file, [finding]);
  if (
    error instanceof Error &&
    !error.message.startsWith('internal error') &&
    /Invalid Input Error|CSV|sniff/i.test(error.message)
  ) {
    // A ragged row past the rows DuckDB sniffed: name its line and field count, not DuckDB's text.
    const line = /CSV Error on Line: (\d+)/.exec(error.message);
    const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(error.message);
    return new LoadRefusedError(file, [
      {
        severity: 'ERROR',
        rule: 'a CSV file must have the same number of fields on every row, separated by one delimiter',
        ...(columns
          ? { received: `${columns[2]} fields where the rows before it have ${columns[1]}` }
          : // No delimiter splits the rows alike (not a CSV at all, often): quote the user's
            // first line, never DuckDB's advice.
            { value: (await firstLine(path).catch(() => '')).slice(0, 60) }),
        file,
        row: line ? Number(line[1]) : columns ? null : 1,
      },
    ]);
  }
  return error as Error;
}

/**
 * What to answer for a file already loaded (same SHA-256): `ALREADY_LOADED` when its values are
 * what is published, `SUPERSEDED` when a later load replaced them; undefined for a new file.
 */
async function previousLoad(
  db: DuckDbHandle,
  file: string,
  sha256: string,
): Promise<LoadReport | undefined> {
  const previous = await findLoadByHash(db, sha256);
  if (!previous) return undefined;
  const later = await findSupersedingLoad(db, previous.load_id);
  return {
    ...alreadyLoaded(file, sha256, previous),
    ...(later
      ? {
          outcome: 'SUPERSEDED',
          supersededBy: {
            loadId: later.load_id,
            file: later.file_name,
            dataVersion: later.data_version,
          },
        }
      : {}),
  };
}

function alreadyLoaded(
  file: string,
  sha256: string,
  previous: {
    load_id: number;
    family: string;
    data_version: number;
    rows_read: number;
    years: number[];
  },
): LoadReport {
  return {
    file,
    family: previous.family as Family,
    sha256,
    outcome: 'ALREADY_LOADED',
    erasures: [],
    erasureCount: 0,
    loadId: previous.load_id,
    dataVersion: previous.data_version,
    rowsRead: previous.rows_read,
    years: previous.years,
    changes: [],
    totals: { added: 0, changed: 0, removed: 0, unchanged: 0 },
    warnings: [],
    warningCount: 0,
  };
}

function sumChanges(changes: readonly SliceChange[]) {
  return changes.reduce(
    (t, c) => ({
      added: t.added + c.added,
      changed: t.changed + c.changed,
      removed: t.removed + c.removed,
      unchanged: t.unchanged + c.unchanged,
    }),
    { added: 0, changed: 0, removed: 0, unchanged: 0 },
  );
}

async function nameChanges(db: DuckDbHandle, changes: readonly SliceChange[]) {
  const names = new Map(
    (
      await db.all<{ unit_id: string; name_vi: string }>(
        'select unit_id, name_vi from dim_admin_unit',
      )
    ).map((u) => [u.unit_id, u.name_vi]),
  );
  return changes.map((c) => ({ ...c, name_vi: names.get(c.unit_id) ?? c.unit_id }));
}
