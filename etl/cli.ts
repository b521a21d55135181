import 'reflect-metadata';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ApiKeyError,
  createApiKey,
  listApiKeys,
  revokeApiKeyById,
} from '../warehouse/keys/key-store.ts';
import type { ApiKeyListing } from '../warehouse/queries/api-key.queries.ts';
import { computeTargetProgress, findTargets } from '../warehouse/queries/progress.queries.ts';
import { qualifierSign } from '../warehouse/domain/qualifier.ts';

const ATTAINMENT_SIGNS = { EXACT: '', ABOUT: '≈', AT_LEAST: '≥', AT_MOST: '≤' } as const;
import { openReader } from '../warehouse/store/warehouse-store.ts';
import { formatFinding, LoadRefusedError } from './load/findings.ts';
import { FAMILIES, loadFile, type Family, type LoadReport } from './load/load-file.ts';
import { initWarehouse } from './reference/init-warehouse.ts';
import { VALUE_STATUSES, type ValueStatus } from './sources/vocabulary.ts';

const USAGE = `coopstat — the collective-economy statistics warehouse

Usage:
  coopstat init  [--db PATH]                      build or refresh the default warehouse from the reference data
  coopstat load  FILE... [--db PATH] [--dry-run] [--family aggregates|register]
                 [--source CODE] [--status REPORTED|ESTIMATED|PROVISIONAL] [--by NAME] [--json]
  coopstat loads [--db PATH] [--json]             the load log
  coopstat progress [--plan ID] [--as-of YEAR] [--db PATH] [--json]
                                                  progress of plan targets (default: every plan, as of the current year)
  coopstat keys create --name NAME --role reader|loader|admin [--provinces 19,12] [--db PATH] [--json]
                                                  create an API key and print it (once: only its hash is kept)
  coopstat keys list   [--db PATH] [--json]       the API keys (never their secrets)
  coopstat keys revoke ID [--db PATH]             revoke a key (ID as \`keys list\` shows it, with or without csk_)
  coopstat help

--db defaults to $COOPSTAT_DB, else ./data/coopstat.duckdb.
Exit codes: 0 done, 1 a file was refused, 2 bad usage or failure.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    family: { type: 'string' },
    source: { type: 'string' },
    status: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    plan: { type: 'string' },
    'as-of': { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    provinces: { type: 'string' },
  },
});

const dbPath = resolve(values.db ?? process.env.COOPSTAT_DB ?? 'data/coopstat.duckdb');
const [command, ...args] = positionals;
const out = (text: string) => process.stdout.write(`${text}\n`);
const fail = (text: string, code = 2): never => {
  process.stderr.write(`coopstat: ${text}\n`);
  process.exit(code);
};

function printReport(report: LoadReport): void {
  const t = report.totals;
  const what =
    report.outcome === 'ALREADY_LOADED'
      ? `already loaded as load #${report.loadId} (data version ${report.dataVersion}); nothing changed`
      : report.outcome === 'DRY_RUN'
        ? `dry run: would add ${t.added}, change ${t.changed}, remove ${t.removed} rows (${t.unchanged} unchanged); nothing written`
        : report.outcome === 'NO_CHANGE'
          ? `accepted as load #${report.loadId}; every value equals the published one, data version stays ${report.dataVersion}`
          : `published as load #${report.loadId}, data version ${report.dataVersion}: added ${t.added}, changed ${t.changed}, removed ${t.removed} rows (${t.unchanged} unchanged)`;
  out(
    `${report.file} [${report.family}, ${report.rowsRead} rows, years ${report.years.join(', ') || '-'}]: ${what}`,
  );
  for (const c of report.changes) {
    if (c.added + c.changed + c.removed === 0) continue;
    out(`  ${c.name_vi.padEnd(28)} +${c.added} ~${c.changed} -${c.removed}`);
  }
  if (report.warningCount > 0) {
    out(`  ${report.warningCount} warning${report.warningCount === 1 ? '' : 's'}:`);
    for (const w of report.warnings.slice(0, 20)) out(`  - ${formatFinding(w)}`);
    if (report.warningCount > 20) out(`  … and ${report.warningCount - 20} more`);
  }
}

async function runLoad(files: string[]): Promise<number> {
  if (files.length === 0) fail('load needs at least one file\n\n' + USAGE);
  if (values.family && !(FAMILIES as readonly string[]).includes(values.family)) {
    fail(`--family must be one of ${FAMILIES.join(', ')}, but got '${values.family}'`);
  }
  if (values.status && !(VALUE_STATUSES as readonly string[]).includes(values.status)) {
    fail(`--status must be one of ${VALUE_STATUSES.join(', ')}, but got '${values.status}'`);
  }
  let refused = 0;
  const reports: unknown[] = [];
  for (const file of files) {
    try {
      const report = await loadFile(resolve(file), {
        db: dbPath,
        dryRun: values['dry-run'],
        ...(values.family ? { family: values.family as Family } : {}),
        ...(values.source ? { source: values.source.toUpperCase() } : {}),
        ...(values.status ? { status: values.status as ValueStatus } : {}),
        ...((values.by ?? process.env.USER) ? { loadedBy: values.by ?? process.env.USER } : {}),
        onProgress:
          process.stderr.isTTY && !values.json
            ? (stage) => process.stderr.write(`\r${file}: ${stage}…\x1b[K`)
            : undefined,
      });
      if (process.stderr.isTTY && !values.json) process.stderr.write('\r\x1b[K');
      if (values.json) reports.push(report);
      else printReport(report);
    } catch (error) {
      if (process.stderr.isTTY && !values.json) process.stderr.write('\r\x1b[K');
      if (!(error instanceof LoadRefusedError)) throw error;
      refused++;
      if (values.json)
        reports.push({
          file: error.file,
          outcome: 'REFUSED',
          errors: error.totalErrors,
          findings: error.findings,
        });
      else process.stderr.write(`${error.message}\n`);
    }
  }
  if (values.json) out(JSON.stringify(reports, null, 2));
  return refused > 0 ? 1 : 0;
}

async function runLoads(): Promise<number> {
  const db = await openReader(dbPath);
  try {
    const rows = await db.all<Record<string, unknown>>(
      `select load_id, family, file_name, outcome, data_version, rows_read, values_added, values_changed, values_removed,
              warnings, years, strftime(finished_at, '%Y-%m-%d %H:%M:%S') as finished_at, loaded_by, left(file_sha256, 12) as sha256
       from load_log order by load_id`,
    );
    if (values.json) {
      out(JSON.stringify(rows, null, 2));
      return 0;
    }
    out(
      'load  family      version  outcome    rows     +added  ~changed  -removed  finished (UTC)       file',
    );
    for (const r of rows) {
      out(
        `${String(r.load_id).padStart(4)}  ${String(r.family).padEnd(10)}  ${String(r.data_version).padStart(7)}  ${String(r.outcome).padEnd(9)}  ${String(r.rows_read).padStart(6)}  ${String(r.values_added).padStart(8)}  ${String(r.values_changed).padStart(8)}  ${String(r.values_removed).padStart(8)}  ${r.finished_at}  ${r.file_name}`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

const COMPARATOR_SIGNS: Record<string, string> = {
  GT: '>',
  GTE: '≥',
  APPROX: '≈',
  EQ: '=',
  LTE: '≤',
  LT: '<',
  RANGE: '',
};
const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (n: number | null | undefined) =>
  n === null || n === undefined ? '–' : `${(n * 100).toFixed(2)}%`;

async function runProgress(): Promise<number> {
  const asOfYear = values['as-of'] ? Number(values['as-of']) : new Date().getUTCFullYear();
  if (!Number.isInteger(asOfYear)) fail(`--as-of must be a year, but got '${values['as-of']}'`);
  const db = await openReader(dbPath);
  try {
    const targets = await findTargets(db, values.plan ? { planIds: [values.plan] } : {});
    if (targets.length === 0)
      fail(`no targets found${values.plan ? ` for plan '${values.plan}'` : ''}`);
    const results = await computeTargetProgress(db, targets, { asOfYear });
    if (values.json) {
      out(JSON.stringify(results, null, 2));
      return 0;
    }
    out(
      `Progress as of ${asOfYear} (one source per series; ≈ targets met within ±5%; > ≤ ≈ values as their source hedges them; final = target year over)`,
    );
    out(
      `${'plan / target'.padEnd(45)} ${'indicator'.padEnd(31)} ${'target'.padEnd(19)} ${'latest'.padEnd(38)} attain.    CAGR  need/yr  CAGR→tgt   linear→tgt  status`,
    );
    for (const r of results) {
      const t = r.target;
      const p = r.progress;
      const goal =
        t.comparator === 'RANGE'
          ? `${fmt(t.value, 1)}–${fmt(t.value_high, 1)}`
          : `${COMPARATOR_SIGNS[t.comparator]}${fmt(t.value, t.value < 100 ? 1 : 0)}`;
      const latest = p.latest
        ? `${qualifierSign(p.latest.qualifier)}${fmt(p.latest.value, p.latest.value < 100 ? 1 : 0)} (${p.latest.year} ${r.source}${p.latest.status && p.latest.status !== 'REPORTED' ? ' ' + p.latest.status.toLowerCase() : ''})`
        : '–';
      const attained = p.attainment
        ? `${ATTAINMENT_SIGNS[p.attainment.bound]}${fmt(p.attainment.percent, 1)}%`
        : '–';
      const verdict = `${p.status}${p.isFinal ? ' (final)' : p.statusMethod ? ` (${p.statusMethod})` : ''}`;
      out(
        `${`${t.plan_id}/${t.target_id}`.padEnd(45)} ${t.indicator_code.padEnd(31)} ${`${goal} by ${t.target_year}`.padEnd(19)} ${latest.padEnd(38)} ${attained.padStart(7)} ${pct(p.cagrActual).padStart(7)} ${pct(p.cagrRequiredFromNow).padStart(8)} ${fmt(p.projectedCagr).padStart(9)} ${fmt(p.projectedLinear).padStart(12)}  ${verdict}${r.boundary.changed && p.status === 'BOUNDARY_CHANGED' ? ` (now part of ${r.boundary.successorUnitIds.join(', ')})` : ''}`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

function currentUser(): string | undefined {
  try {
    return process.env.USER || userInfo().username;
  } catch {
    return process.env.USER || undefined;
  }
}

function describeKey(k: ApiKeyListing): string {
  const scope =
    k.role === 'loader'
      ? k.provinces
        ? `provinces ${k.provinces.join(', ')}`
        : 'all provinces'
      : '';
  return `${k.prefix} "${k.name}" (${k.role}${scope ? `, ${scope}` : ''})`;
}

async function runKeys(sub: string | undefined, rest: string[]): Promise<number> {
  try {
    switch (sub) {
      case 'create': {
        if (!values.name) fail('keys create needs --name NAME\n\n' + USAGE);
        if (!values.role) fail('keys create needs --role reader|loader|admin\n\n' + USAGE);
        const created = await createApiKey(dbPath, {
          name: values.name!,
          role: values.role!,
          ...(values.provinces !== undefined ? { provinces: values.provinces.split(',') } : {}),
          ...(currentUser() ? { createdBy: currentUser() } : {}),
        });
        if (values.json) {
          out(JSON.stringify({ key: created.key, ...created.listing }, null, 2));
        } else {
          // The key alone on stdout (KEY=$(coopstat keys create …) works); the notes on stderr.
          process.stderr.write(
            `created key ${describeKey(created.listing)} in ${dbPath}\n` +
              'this is the only time the key is shown: coopstat keeps only its SHA-256\n',
          );
          out(created.key);
        }
        return 0;
      }
      case 'list': {
        const keys = await listApiKeys(dbPath);
        if (values.json) {
          out(JSON.stringify(keys, null, 2));
          return 0;
        }
        out(
          'id                 role    provinces   created (UTC)        created by   revoked (UTC)        name',
        );
        for (const k of keys) {
          out(
            `${k.prefix.padEnd(17)}  ${k.role.padEnd(6)}  ${(k.provinces?.join(',') ?? 'all').padEnd(10)}  ${k.created_at.slice(0, 19).replace('T', ' ')}  ${(k.created_by ?? '–').padEnd(11)}  ${(k.revoked_at?.slice(0, 19).replace('T', ' ') ?? '–').padEnd(19)}  ${k.name}`,
          );
        }
        return 0;
      }
      case 'revoke': {
        if (rest.length !== 1) fail('keys revoke needs exactly one key ID\n\n' + USAGE);
        const revoked = await revokeApiKeyById(dbPath, rest[0]!);
        out(
          revoked.changed
            ? `revoked key ${describeKey(revoked.listing)}`
            : `key ${describeKey(revoked.listing)} was already revoked at ${revoked.listing.revoked_at}; nothing changed`,
        );
        return 0;
      }
      default:
        return fail(`keys needs create, list or revoke, but got '${sub ?? ''}'\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof ApiKeyError) return fail(error.message);
    throw error;
  }
}

async function main(): Promise<number> {
  switch (command) {
    case 'init': {
      const report = await initWarehouse(dbPath);
      if (values.json) out(JSON.stringify(report, null, 2));
      else
        out(
          `${dbPath}: ${report.outcome === 'PUBLISHED' ? 'built' : 'already up to date'} — data version ${report.dataVersion}; ` +
            `${report.units} unit versions (${report.currentProvinces} current provinces), ${report.populationRows} population figures, ` +
            `${report.publishedValues} published figures (national and provincial), ${report.facts} national fact rows, ${report.targets} plan targets`,
        );
      return 0;
    }
    case 'load':
      return runLoad(args);
    case 'loads':
      return runLoads();
    case 'progress':
      return runProgress();
    case 'keys':
      return runKeys(args[0], args.slice(1));
    case undefined:
    case 'help':
      out(USAGE);
      return 0;
    default:
      return fail(`unknown command '${command}'\n\n${USAGE}`);
  }
}

if (values.help) {
  out(USAGE);
} else {
  main().then(
    (code) => process.exit(code),
    (error: Error) => fail(error.message),
  );
}
