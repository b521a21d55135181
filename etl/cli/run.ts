import 'reflect-metadata';
import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../warehouse/domain/years.ts';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import {
  ApiKeyError,
  createApiKey,
  listApiKeys,
  revokeApiKeyById,
} from '../../warehouse/keys/key-store.ts';
import type { ApiKeyListing } from '../../warehouse/queries/api-key.queries.ts';
import { computeTargetProgress, findTargets } from '../../warehouse/queries/progress.queries.ts';
import { findDataVersions } from '../../warehouse/queries/revision.queries.ts';
import { readReleaseMode } from '../../warehouse/release/release.queries.ts';
import { openReader } from '../../warehouse/store/warehouse-store.ts';
import { formatFinding, LoadRefusedError } from '../load/findings.ts';
import { FAMILIES, loadFile, type Family, type LoadReport } from '../load/load-file.ts';
import { initWarehouse } from '../reference/init-warehouse.ts';
import { VALUE_STATUSES, type ValueStatus } from '../../warehouse/domain/value-status.ts';
import { commandHelp, commandUsage, globalHelp, isCommand, type Invocation } from './commands.ts';
import {
  loadsListing,
  plansListing,
  progressListing,
  renderListing,
  targetsListing,
  type ListingFormat,
  type LoadLogLine,
} from './listings.ts';
import { renderCsv } from '../export/csv.ts';
import type { Lang } from './output.ts';
import { DEMO_DB, OpenDataUsageError, runDemo, runExport } from './open-data.ts';
import { runTemplate, TemplateUsageError } from './template.ts';
import {
  ReleaseUsageError,
  runRelease,
  runReleases,
  runReview,
  type ReleaseCommandOutcome,
} from './release.ts';

let invocation!: Invocation;
let command!: Invocation['command'];
let values!: {
  db?: string;
  'dry-run'?: boolean;
  replace?: boolean;
  family?: string;
  source?: string;
  status?: string;
  by?: string;
  json?: boolean;
  csv?: boolean;
  plan?: string;
  'as-of'?: string;
  'as-of-version'?: string;
  name?: string;
  role?: string;
  provinces?: string;
  lang?: Lang;
  wide?: boolean;
  year?: string;
  output?: string;
  format?: string;
  releases?: string;
  release?: string;
  all?: boolean;
  note?: string;
  notes?: string;
};
let args!: readonly string[];
let format!: ListingFormat;
let dbPath!: string;
const out = (text: string) => process.stdout.write(`${text}\n`);
const fail = (text: string, code = 2): never => {
  process.stderr.write(`coopstat: ${text}\n`);
  process.exit(code);
};
/** Bad usage found after parsing: one line and the command's usage, exit 2. */
const usage = (text: string): never => {
  process.stderr.write(`coopstat ${command}: ${text}\n\n${commandUsage(command)}\n`);
  process.exit(2);
};

function printReport(report: LoadReport): void {
  const t = report.totals;
  const what =
    report.outcome === 'ALREADY_LOADED'
      ? `already loaded as load #${report.loadId} (data version ${report.dataVersion}); nothing changed`
      : report.outcome === 'SUPERSEDED'
        ? `loaded before as load #${report.loadId} (data version ${report.dataVersion}), but what is published now differs from it: load #${report.supersededBy?.loadId} (${report.supersededBy?.file}) replaced its values in data version ${report.supersededBy?.dataVersion}; nothing was published; to publish this file again, load it with --replace`
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
  if (report.erasureCount > 0) {
    const refused =
      report.outcome === 'DRY_RUN' && report.erasures.some((e) => e.severity === 'ERROR');
    out(
      `  ${report.outcome === 'DRY_RUN' ? 'would erase' : 'erased'} ${report.erasureCount} published value${report.erasureCount === 1 ? '' : 's'} or row${report.erasureCount === 1 ? '' : 's'}${refused ? ' (without --replace the load will be refused)' : ''}:`,
    );
    for (const e of report.erasures.slice(0, 20)) out(`  - ${formatFinding(e)}`);
    if (report.erasureCount > 20) out(`  … and ${report.erasureCount - 20} more`);
  }
  if (report.warningCount > 0) {
    out(`  ${report.warningCount} warning${report.warningCount === 1 ? '' : 's'}:`);
    for (const w of report.warnings.slice(0, 20)) out(`  - ${formatFinding(w)}`);
    if (report.warningCount > 20) out(`  … and ${report.warningCount - 20} more`);
  }
}

/** In a warehouse that requires review, says that the loads wait for a release. */
async function printReleaseHint(years: readonly number[]): Promise<void> {
  const db = await openReader(dbPath);
  try {
    if ((await readReleaseMode(db)) !== 'reviewed') return;
  } finally {
    db.close();
  }
  const flags = years.map((y) => `--year ${y}`).join(' ');
  out(
    `in the draft, not yet public: review each year (\`coopstat review --year ${years[0]}\`), then \`coopstat release ${flags}\``,
  );
}

async function runLoad(files: string[]): Promise<number> {
  if (files.length === 0) usage('needs at least one file');
  if (values.family && !(FAMILIES as readonly string[]).includes(values.family)) {
    usage(`--family must be one of ${FAMILIES.join(', ')}, but got '${values.family}'`);
  }
  if (values.status && !(VALUE_STATUSES as readonly string[]).includes(values.status)) {
    usage(`--status must be one of ${VALUE_STATUSES.join(', ')}, but got '${values.status}'`);
  }
  let refused = 0;
  const reports: unknown[] = [];
  const drafted = new Set<number>();
  for (const file of files) {
    try {
      const report = await loadFile(resolve(file), {
        db: dbPath,
        dryRun: values['dry-run'] ?? false,
        replace: values.replace ?? false,
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
      if (report.outcome === 'PUBLISHED') for (const y of report.years) drafted.add(y);
      // Loaded before, but a later load replaced its values: nothing was published, and what is
      // published is not this file's; a script must not take that for done.
      if (report.outcome === 'SUPERSEDED') refused++;
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
  else if (drafted.size > 0) await printReleaseHint([...drafted].sort((a, b) => a - b));
  return refused > 0 ? 1 : 0;
}

async function runLoads(): Promise<number> {
  const db = await openReader(dbPath);
  try {
    const rows = await db.all<LoadLogLine>(
      `select load_id, family, file_name, outcome, data_version, rows_read, values_added, values_changed, values_removed,
              warnings, years, strftime(finished_at, '%Y-%m-%d %H:%M:%S') as finished_at, loaded_by, left(file_sha256, 12) as sha256
       from load_log order by load_id`,
    );
    out(renderListing(loadsListing(rows, format), format));
    return 0;
  } finally {
    db.close();
  }
}

async function runPlans(): Promise<number> {
  const db = await openReader(dbPath);
  try {
    out(renderListing(await plansListing(db, format), format));
    return 0;
  } finally {
    db.close();
  }
}

/** Refuses an unknown plan id with the ids there are. */
async function planTargets(db: Awaited<ReturnType<typeof openReader>>, planId: string | undefined) {
  const targets = await findTargets(db, planId ? { planIds: [planId] } : {});
  if (targets.length === 0 && planId !== undefined) {
    const known = (await findTargets(db, {}, { wordings: false })).map((t) => t.plan_id);
    fail(
      `--plan must name a plan with targets (\`coopstat plans\` lists them), but got '${clip(planId)}'; plans: ${[...new Set(known)].join(', ')}`,
    );
  }
  return targets;
}

async function runTargets(): Promise<number> {
  if (!values.plan) usage('needs --plan ID (`coopstat plans` lists the ids)');
  const db = await openReader(dbPath);
  try {
    const targets = await planTargets(db, values.plan);
    out(renderListing(await targetsListing(db, targets, format), format));
    return 0;
  } finally {
    db.close();
  }
}

async function runProgress(): Promise<number> {
  const asOf = values['as-of'];
  const asOfYear = asOf === undefined ? new Date().getUTCFullYear() : Number(asOf);
  if (asOf !== undefined && (!/^\d{4}$/.test(asOf) || !isYearInRange(asOfYear))) {
    usage(
      `--as-of must be a year from ${FIRST_YEAR} to ${LAST_YEAR}, such as 2025, but got '${clip(asOf)}'`,
    );
  }
  const versionText = values['as-of-version'];
  if (versionText !== undefined && !/^\d{1,9}$/.test(versionText)) {
    usage(`--as-of-version must be a data version such as 2, but got '${clip(versionText)}'`);
  }
  const db = await openReader(dbPath);
  try {
    const asOfVersion = versionText === undefined ? undefined : Number(versionText);
    if (asOfVersion !== undefined) {
      const versions = (await findDataVersions(db)).map((v) => v.data_version);
      if (!versions.includes(asOfVersion))
        fail(
          `--as-of-version must be a published data version (${versions.join(', ')}), but got ${asOfVersion}`,
        );
    }
    const targets = await planTargets(db, values.plan);
    if (targets.length === 0) fail('no targets found: the catalog has none');
    const results = await computeTargetProgress(db, targets, {
      asOfYear,
      ...(asOfVersion === undefined ? {} : { asOfVersion }),
    });
    if (format.as === 'table') {
      out(
        `Progress as of ${asOfYear}${asOfVersion === undefined ? '' : `, figures as published in data version ${asOfVersion}`} (one source per series; ≈ targets met within ±5%; > ≤ ≈ values as their source hedges them; final = target year over)`,
      );
    }
    out(renderListing(await progressListing(db, results, format), format));
    return 0;
  } finally {
    db.close();
  }
}

/** A user's value in a message: whole when short, else its start and its length. */
const clip = (value: string) =>
  value.length <= 60 ? value : `${value.slice(0, 40)}…' (${value.length} characters)`;

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
        if (!values.name) usage('keys create needs --name NAME');
        if (!values.role) usage('keys create needs --role reader|loader|admin');
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
        if (values.csv) {
          out(renderCsv(keys as unknown as Record<string, unknown>[]));
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
        if (rest.length !== 1) usage('keys revoke needs exactly one key ID');
        const revoked = await revokeApiKeyById(dbPath, rest[0]!);
        out(
          revoked.changed
            ? `revoked key ${describeKey(revoked.listing)}`
            : `key ${describeKey(revoked.listing)} was already revoked at ${revoked.listing.revoked_at}; nothing changed`,
        );
        return 0;
      }
      default:
        return usage(`needs create, list or revoke, but got '${clip(sub ?? '')}'`);
    }
  } catch (error) {
    if (error instanceof ApiKeyError) return fail(error.message);
    throw error;
  }
}

/** `template`, `export` and `demo` (etl/cli/template.ts, etl/cli/open-data.ts). */
async function runOpenData(): Promise<number> {
  try {
    if (command === 'template') {
      if (args.length > 1) usage(`takes one family, but got '${clip(args.slice(1).join(' '))}'`);
      const file = await runTemplate({
        family: args[0],
        lang: values.lang ?? 'vi',
        year: values.year,
        output: values.output,
        dbPath,
      });
      out(`wrote ${file}`);
    } else if (command === 'export') {
      for (const line of await runExport({
        format: values.format,
        dir: values.output,
        dbPath,
        release: values.release,
      }))
        out(line);
    } else {
      for (const line of await runDemo(values.db ?? DEMO_DB)) out(line);
    }
    return 0;
  } catch (error) {
    if (error instanceof TemplateUsageError || error instanceof OpenDataUsageError)
      return usage(error.message);
    throw error;
  }
}

/** `review`, `release` and `releases` (etl/cli/release.ts). */
async function runReleaseCommand(): Promise<number> {
  let outcome: ReleaseCommandOutcome;
  try {
    outcome =
      command === 'review'
        ? await runReview({ dbPath, year: values.year, json: values.json ?? false })
        : command === 'release'
          ? await runRelease({
              dbPath,
              years: values.year as unknown as string[] | undefined,
              all: values.all ?? false,
              note: values.note,
              by: values.by ?? userInfo().username,
              json: values.json ?? false,
            })
          : await runReleases({
              dbPath,
              notes: values.notes,
              lang: values.lang,
              json: values.json ?? false,
            });
  } catch (error) {
    if (error instanceof ReleaseUsageError) return usage(error.message);
    throw error;
  }
  for (const line of outcome.stdout) out(line);
  for (const line of outcome.stderr) process.stderr.write(`${line}\n`);
  return outcome.code;
}

async function main(): Promise<number> {
  if (invocation.help) {
    out(commandHelp(command));
    return 0;
  }
  if (
    command !== 'load' &&
    command !== 'keys' &&
    command !== 'help' &&
    command !== 'template' &&
    args.length > 0
  ) {
    usage(`takes no arguments, but got '${clip(args[0]!)}'`);
  }
  switch (command) {
    case 'init': {
      const mode = values.releases;
      if (mode !== undefined && mode !== 'reviewed' && mode !== 'automatic')
        usage(`--releases must be reviewed or automatic, but got '${clip(mode)}'`);
      // A new warehouse waits for reviewed releases unless told otherwise.
      const fresh = !existsSync(dbPath);
      const releases = (mode ?? (fresh ? 'reviewed' : undefined)) as
        'reviewed' | 'automatic' | undefined;
      const report = await initWarehouse(dbPath, releases ? { releases } : {});
      if (values.json) out(JSON.stringify(report, null, 2));
      else
        out(
          `${dbPath}: ${report.outcome === 'PUBLISHED' ? 'built' : 'already up to date'} — data version ${report.dataVersion}; ` +
            `${report.units} unit versions (${report.currentProvinces} current provinces), ${report.populationRows} population figures, ` +
            `${report.publishedValues} published figures (national and provincial), ${report.facts} national fact rows, ${report.targets} plan targets` +
            `${report.releaseNo ? `; release ${report.releaseNo}` : ''}; loads ${report.releaseMode === 'automatic' ? 'are released with themselves' : 'wait for `coopstat release`'}`,
        );
      return 0;
    }
    case 'load':
      return runLoad([...args]);
    case 'loads':
      return runLoads();
    case 'review':
    case 'release':
    case 'releases':
      return runReleaseCommand();
    case 'plans':
      return runPlans();
    case 'targets':
      return runTargets();
    case 'progress':
      return runProgress();
    case 'keys':
      return runKeys(args[0], args.slice(1));
    case 'template':
    case 'export':
    case 'demo':
      return runOpenData();
    case 'help': {
      const topic = args[0];
      if (topic === undefined) out(globalHelp());
      else if (isCommand(topic)) out(commandHelp(topic));
      else usage(`unknown command '${clip(topic)}'`);
      return 0;
    }
  }
}

/**
 * Runs a parsed command line. The entry (`etl/cli.ts`) parses it and answers help and usage errors
 * itself, so `coopstat --help` never loads DuckDB, exceljs or the warehouse code imported here.
 */
export async function runCli(parsed: Invocation): Promise<number> {
  invocation = parsed;
  command = parsed.command;
  values = parsed.values as typeof values;
  args = parsed.positionals;
  format = {
    lang: values.lang ?? 'en',
    wide: values.wide ?? false,
    as: values.json ? 'json' : values.csv ? 'csv' : 'table',
  };
  dbPath = resolve(values.db ?? process.env.COOPSTAT_DB ?? 'data/coopstat.duckdb');
  try {
    return await main();
  } catch (error) {
    return fail((error as Error).message);
  }
}
