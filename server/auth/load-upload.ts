import { mkdtemp, open, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FAMILIES,
  formatFinding,
  loadFile,
  LoadRefusedError,
  ProvincesNotAllowedError,
  type Family,
  type LoadReport,
} from '../../etl/index.ts';
import { VALUE_STATUSES, type ValueStatus } from '../../warehouse/domain/value-status.ts';
import { WarehouseBusyError, WarehouseWriteError } from '../../warehouse/store/warehouse-store.ts';
import { errorAnswer, type ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Principal } from './authenticate.ts';

/**
 * `POST /load`: one file in the request body, loaded in-process as the single writer. The body
 * is the raw file (no multipart): `content-type: text/csv` (or `text/plain`,
 * `text/tab-separated-values`) for CSV, the `.xlsx` media type for Excel. The query string
 * carries `name` (the file name recorded in the load log), `family`, `dryRun`, `replace`,
 * `source` and `status`, like the `coopstat load` options (`replace=true`, or the header
 * `x-coopstat-replace: true`, is `--replace`). The caller has already checked that the key may
 * load; this module checks the request, writes the body to a private temporary file within the
 * size limit, loads it (with the key's provinces as the allowed provinces and its name as
 * `loaded_by`) and says what happened.
 */

/** What the HTTP layer sends back. */
export interface UploadAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** The error code, when the answer is a refusal (for the request log). */
  readonly code?: ErrorCode;
  /** Close the connection after answering (the body was not read to its end). */
  readonly close?: boolean;
}

/** Handles one authorised upload. */
export type LoadUploadHandler = (
  req: IncomingMessage,
  search: string,
  principal: Principal,
) => Promise<UploadAnswer>;

/** What {@link createLoadUploadHandler} needs. */
export interface LoadUploadOptions {
  /** The published warehouse the server serves. */
  readonly dbPath: string;
  /** The largest body accepted, in bytes (413 above). */
  readonly maxUploadBytes: number;
  /** Called after a load published, before answering, so the next request sees the new data. */
  readonly afterPublish?: () => Promise<void>;
  readonly logger?: Logger;
  /** The latest year accepted (default: the current year; tests pin it). */
  readonly maxYear?: number;
}

/** The `.xlsx` media type. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'text/tab-separated-values'];

/** A refusal in the server's one error shape. */
function refusal(
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  extra: Partial<UploadAnswer> = {},
): UploadAnswer {
  return { ...errorAnswer(status, code, message, extensions), ...extra };
}

/** Builds the `POST /load` handler. */
export function createLoadUploadHandler(options: LoadUploadOptions): LoadUploadHandler {
  return async (req, search, principal) => {
    const params = new URLSearchParams(search);
    const parsed = parseUploadParams(
      params,
      req.headers['content-type'],
      req.headers['x-coopstat-replace'],
    );
    if ('answer' in parsed) return { ...parsed.answer, close: true };

    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxUploadBytes) {
      return tooLarge(options.maxUploadBytes);
    }

    const dir = await mkdtemp(join(tmpdir(), 'coopstat-upload-'));
    try {
      const path = join(dir, parsed.name);
      const received = await receiveBody(req, path, options.maxUploadBytes);
      if (received === 'too large') return tooLarge(options.maxUploadBytes);
      if (received === 'aborted') {
        return refusal(
          400,
          'BAD_REQUEST',
          'an upload must arrive whole, but the client closed the connection before the end of the body',
        );
      }
      if (received === 0) {
        return refusal(
          400,
          'BAD_REQUEST',
          'a load request must carry the file as its body, but got an empty body',
        );
      }

      let report: LoadReport;
      try {
        report = await loadFile(path, {
          db: options.dbPath,
          loadedBy: principal.name,
          ...(principal.provinces ? { allowedProvinceCodes: principal.provinces } : {}),
          ...(parsed.family ? { family: parsed.family } : {}),
          ...(parsed.source ? { source: parsed.source } : {}),
          ...(parsed.status ? { status: parsed.status } : {}),
          ...(options.maxYear ? { maxYear: options.maxYear } : {}),
          dryRun: parsed.dryRun,
          replace: parsed.replace,
        });
      } catch (error) {
        const answer = refusalOf(error);
        if (!answer) throw error;
        options.logger?.info('upload refused', {
          key: principal.prefix,
          keyName: principal.name,
          file: parsed.name,
          code: answer.code ?? null,
        });
        return answer;
      }
      if (report.outcome === 'PUBLISHED' || report.outcome === 'NO_CHANGE') {
        await options.afterPublish?.();
      }
      options.logger?.info('upload loaded', {
        key: principal.prefix,
        keyName: principal.name,
        file: parsed.name,
        outcome: report.outcome,
        loadId: report.loadId,
        dataVersion: report.dataVersion,
      });
      return { status: 200, body: report };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}

function tooLarge(limit: number): UploadAnswer {
  return refusal(
    413,
    'DOCUMENT_TOO_LARGE',
    `an uploaded file must be at most ${limit} bytes, but got more`,
    { limit },
    { close: true },
  );
}

/** Maps a load's refusal to its answer; undefined for a fault (the caller's 500). */
function refusalOf(error: unknown): UploadAnswer | undefined {
  if (error instanceof LoadRefusedError) {
    const errors = error.findings.filter((f) => f.severity === 'ERROR');
    const warnings = error.findings.filter((f) => f.severity === 'WARNING');
    const code: ErrorCode = 'LOAD_REFUSED';
    return {
      status: 422,
      code,
      body: {
        file: error.file,
        outcome: 'REFUSED',
        errorCount: error.totalErrors,
        errors: errors.map((finding) => ({
          message: formatFinding(finding),
          extensions: { code, finding },
        })),
        warnings: warnings.map((finding) => ({ message: formatFinding(finding), finding })),
      },
    };
  }
  if (error instanceof ProvincesNotAllowedError) {
    return refusal(403, 'FORBIDDEN', error.message, {
      allowedProvinces: error.allowed,
      provinces: error.provinces.map((p) => ({
        code: p.code,
        nameVi: p.nameVi,
        rows: p.rows,
        firstRow: p.firstRow,
        firstSheet: p.firstSheet,
      })),
    });
  }
  if (error instanceof WarehouseBusyError) {
    return refusal(
      409,
      'WAREHOUSE_BUSY',
      'only one load may write the warehouse at a time, but another process is writing it; nothing was published; try again when it has finished',
      {},
      { headers: { 'retry-after': '5' } },
    );
  }
  if (error instanceof WarehouseWriteError) {
    // The reason only: the server's paths stay in its log.
    return refusal(
      500,
      'INTERNAL_SERVER_ERROR',
      `the warehouse could not be written because ${error.reason}; nothing was published and the warehouse is as it was`,
    );
  }
  return undefined;
}

/** The checked query string and content type of an upload. */
interface UploadParams {
  readonly name: string;
  readonly family: Family | undefined;
  readonly dryRun: boolean;
  readonly replace: boolean;
  readonly source: string | undefined;
  readonly status: ValueStatus | undefined;
}

/** Checks `name`, `family`, `dryRun`, `source`, `status` and the content type. */
function parseUploadParams(
  params: URLSearchParams,
  contentType: string | undefined,
  replaceHeader: string | string[] | undefined,
): UploadParams | { answer: UploadAnswer } {
  const bad = (message: string) => ({ answer: refusal(400, 'BAD_USER_INPUT', message) });
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const isXlsx = essence === XLSX_TYPE;
  if (!isXlsx && !CSV_TYPES.includes(essence)) {
    return {
      answer: refusal(
        415,
        'BAD_REQUEST',
        `a load request must send the file as text/csv or ${XLSX_TYPE}, but got '${contentType ?? ''}' in the content-type header`,
      ),
    };
  }
  const rawName = params.get('name') ?? (isXlsx ? 'upload.xlsx' : 'upload.csv');
  const name = rawName.trim();
  if (
    name.length === 0 ||
    Buffer.byteLength(name, 'utf8') > 200 ||
    /[/\\\p{Cc}]/u.test(name) ||
    name.startsWith('.')
  ) {
    return bad(
      `parameter \`name\` must be a plain file name (no folders, at most 200 bytes), but got '${rawName}'`,
    );
  }
  const extension = /\.([A-Za-z]+)$/.exec(name)?.[1]?.toLowerCase();
  if (isXlsx ? extension !== 'xlsx' : !['csv', 'txt', 'tsv'].includes(extension ?? '')) {
    return bad(
      `parameter \`name\` must end in ${isXlsx ? '.xlsx for an .xlsx body' : '.csv, .txt or .tsv for a CSV body'}, but got '${rawName}'`,
    );
  }
  const family = params.get('family') ?? undefined;
  if (family !== undefined && !(FAMILIES as readonly string[]).includes(family)) {
    return bad(`parameter \`family\` must be one of ${FAMILIES.join(', ')}, but got '${family}'`);
  }
  const dryRunText = (params.get('dryRun') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(dryRunText)) {
    return bad(`parameter \`dryRun\` must be true or false, but got '${params.get('dryRun')}'`);
  }
  const replaceText = (
    params.get('replace') ?? (typeof replaceHeader === 'string' ? replaceHeader : 'false')
  ).toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(replaceText)) {
    return bad(
      `parameter \`replace\` (or header x-coopstat-replace) must be true or false, but got '${params.get('replace') ?? replaceHeader}'`,
    );
  }
  const source = params.get('source')?.trim().toUpperCase() || undefined;
  if (source !== undefined && !/^[A-Z0-9_-]{1,32}$/.test(source)) {
    return bad(
      `parameter \`source\` must be a series code of letters, digits, _ or - (at most 32), but got '${params.get('source')}'`,
    );
  }
  const status = params.get('status')?.trim().toUpperCase() || undefined;
  if (status !== undefined && !(VALUE_STATUSES as readonly string[]).includes(status)) {
    return bad(
      `parameter \`status\` must be one of ${VALUE_STATUSES.join(', ')}, but got '${params.get('status')}'`,
    );
  }
  return {
    name,
    family: family as Family | undefined,
    dryRun: dryRunText === 'true' || dryRunText === '1',
    replace: replaceText === 'true' || replaceText === '1',
    source,
    status: status as ValueStatus | undefined,
  };
}

/**
 * Writes the request body to `path` (a new file, owner-only), stopping at `limit` bytes: then
 * 'too large', and the rest of the body is discarded unread; 'aborted' when the client went away
 * before the end. Otherwise the number of bytes written.
 */
function receiveBody(
  req: IncomingMessage,
  path: string,
  limit: number,
): Promise<number | 'too large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let settled = false;
    let writing: Promise<unknown> = open(path, 'wx', 0o600);
    const file = writing as Promise<Awaited<ReturnType<typeof open>>>;
    const finish = (outcome: number | 'too large' | 'aborted' | Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      // Whatever is still coming is read and dropped; the answer closes the connection.
      if (outcome === 'too large') req.resume();
      void writing
        .then(
          () => undefined,
          (error: unknown) => error,
        )
        .then(async (writeError) => {
          // Close only once every write queued before has finished.
          await file.then((handle) => handle.close()).catch(() => undefined);
          if (outcome instanceof Error) reject(outcome);
          else if (writeError instanceof Error) reject(writeError);
          else resolve(outcome);
        });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish('too large');
      req.pause();
      writing = writing
        .then(() => file)
        .then((handle) => handle.write(chunk))
        .then(
          () => {
            if (!settled) req.resume();
          },
          (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
        );
    };
    req.on('data', onData);
    req.once('end', () => finish(size));
    // A client that goes away mid-body makes the request emit 'error' (aborted), then 'close'.
    req.on('error', (error) => finish(req.complete ? error : 'aborted'));
    req.once('close', () => {
      if (!req.complete) finish('aborted');
    });
  });
}
