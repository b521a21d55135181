import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../warehouse/domain/years.ts';
import { publishRelease, ReleaseRefusedError } from '../../warehouse/release/publish-release.ts';
import { findReleases } from '../../warehouse/release/release.queries.ts';
import { reviewYear, type YearReview } from '../../warehouse/release/review.queries.ts';
import { openReader } from '../../warehouse/store/warehouse-store.ts';

/** A mistake in a release command's arguments, said in one line (exit 2). */
export class ReleaseUsageError extends Error {}

/** What a release command prints and its exit code. */
export interface ReleaseCommandOutcome {
  readonly code: number;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
}

/** A year from an option's text: four digits, within the years coopstat speaks of. */
function parseYear(text: string | undefined, option = '--year'): number {
  if (text === undefined) throw new ReleaseUsageError(`needs ${option} YEAR`);
  if (!/^[0-9]{4}$/.test(text) || !isYearInRange(Number(text)))
    throw new ReleaseUsageError(
      `${option} must be a year from ${FIRST_YEAR} to ${LAST_YEAR}, but got '${text.slice(0, 40)}'`,
    );
  return Number(text);
}

const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));
const pct = (v: number | null) => (v === null ? '—' : `${v}%`);

/** The review as text lines, as `coopstat review` prints it. */
function renderReview(review: YearReview): string[] {
  const p = review.provinces;
  const previous = review.previousRelease;
  const lines = [
    `Review of ${review.year}: draft data version ${review.draftVersion} against ${previous ? `release ${previous.releaseNo} (data version ${previous.dataVersion})` : 'no release yet'}`,
    `Drafts pending for: ${review.pendingYears.join(', ') || 'no year (nothing to release)'}`,
    '',
    `Completeness: ${p.reported} of ${p.expected} provinces valid in ${review.year} reported (${pct(p.ratePercent)})`,
  ];
  for (const f of review.families)
    lines.push(`  ${f.family.padEnd(12)} ${f.reported}/${f.expected} (${pct(f.ratePercent)})`);
  if (p.missing.length > 0) {
    const shown = p.missing.slice(0, 70).map((m) => `${m.nameVi} (${m.code})`);
    lines.push(`  not reported (${p.missing.length}): ${shown.join(', ')}`);
  }
  const measured = review.measures.filter((m) => m.reported > 0);
  if (measured.length > 0) {
    lines.push('  provinces with each measure:');
    for (const m of measured)
      lines.push(`    ${m.measure.padEnd(20)} ${m.reported}/${p.expected} (${pct(m.ratePercent)})`);
  }
  const c = review.changes;
  lines.push(
    '',
    `Changes of ${review.year} against ${previous ? `release ${previous.releaseNo}` : 'nothing released'}: ${c.added} added, ${c.changed} changed, ${c.removed} removed`,
  );
  for (const change of c.largest.slice(0, 20)) {
    const area =
      change.provinceCode === null ? '?' : `${change.provinceNameVi} (${change.provinceCode})`;
    lines.push(
      `  ${change.kind.padEnd(8)} ${area} ${change.orgType ?? '-'} ${change.sector} ${change.measure} [${change.source}]: ${num(change.before)} → ${num(change.after)} (${change.delta > 0 ? '+' : ''}${num(change.delta)})`,
    );
  }
  if (c.added + c.changed + c.removed > 20)
    lines.push(`  … and ${c.added + c.changed + c.removed - 20} more (--json lists 50)`);
  lines.push('', 'Revisions of earlier years (already released figures the draft changes):');
  if (review.otherYears.length === 0) lines.push('  none');
  for (const o of review.otherYears)
    lines.push(`  ${o.year}: ${o.added} added, ${o.changed} changed, ${o.removed} removed`);
  lines.push('', `Warnings of the draft's loads: ${review.warningCount}`);
  for (const w of review.warnings.slice(0, 30)) {
    lines.push(
      `  - load #${w.loadId} ${w.fileName}${w.row === null ? '' : ` row ${w.row}`}${w.header ? ` (${w.header})` : ''}: ${w.rule}${w.value ? ` — '${w.value}'` : ''}`,
    );
  }
  return lines;
}

/** `coopstat review --year Y`. */
export async function runReview(options: {
  dbPath: string;
  year: string | undefined;
  json: boolean;
}): Promise<ReleaseCommandOutcome> {
  const year = parseYear(options.year);
  const db = await openReader(options.dbPath);
  try {
    const review = await reviewYear(db, year);
    return {
      code: 0,
      stdout: options.json ? [JSON.stringify(review, null, 2)] : renderReview(review),
      stderr: [],
    };
  } finally {
    db.close();
  }
}

/** `coopstat release --year Y… | --all`. Exit 1 when refused (nothing published). */
export async function runRelease(options: {
  dbPath: string;
  years: readonly string[] | undefined;
  all: boolean;
  note: string | undefined;
  by: string;
  json: boolean;
}): Promise<ReleaseCommandOutcome> {
  const years = (options.years ?? []).map((y) => parseYear(y));
  if (options.all && years.length > 0)
    throw new ReleaseUsageError('give either --year or --all, not both');
  if (!options.all && years.length === 0)
    throw new ReleaseUsageError('needs --year YEAR (repeatable) or --all');
  try {
    const { release, reviews } = await publishRelease(options.dbPath, {
      years,
      all: options.all,
      note: options.note ?? null,
      releasedBy: options.by,
    });
    if (options.json)
      return { code: 0, stdout: [JSON.stringify({ release, reviews }, null, 2)], stderr: [] };
    const lines = [
      `released as release ${release.release_no} (data version ${release.data_version}), years ${release.years.join(', ') || '-'}, by ${release.released_by ?? '-'}`,
    ];
    for (const r of reviews) {
      lines.push(
        `  ${r.year}: ${r.provinces.reported}/${r.provinces.expected} provinces (${pct(r.provinces.ratePercent)}); ${r.changes.added} added, ${r.changes.changed} changed, ${r.changes.removed} removed; ${r.warningCount} warnings`,
      );
    }
    lines.push(`notes: coopstat releases --notes ${release.release_no} [--lang en]`);
    return { code: 0, stdout: lines, stderr: [] };
  } catch (error) {
    if (!(error instanceof ReleaseRefusedError)) throw error;
    return {
      code: 1,
      stdout: options.json
        ? [
            JSON.stringify(
              { refused: true, message: error.message, pendingYears: error.pendingYears },
              null,
              2,
            ),
          ]
        : [],
      stderr: [`coopstat release: refused: ${error.message}`],
    };
  }
}

/** `coopstat releases [--notes N]`. */
export async function runReleases(options: {
  dbPath: string;
  notes: string | undefined;
  lang: string | undefined;
  json: boolean;
}): Promise<ReleaseCommandOutcome> {
  const lang = options.lang ?? 'vi';
  if (lang !== 'vi' && lang !== 'en')
    throw new ReleaseUsageError(`--lang must be vi or en, but got '${lang.slice(0, 40)}'`);
  const db = await openReader(options.dbPath);
  try {
    const releases = await findReleases(db);
    if (options.notes !== undefined) {
      const n = Number(options.notes);
      const release = releases.find((r) => r.release_no === n);
      if (!release)
        throw new ReleaseUsageError(
          `--notes must be a release number (${releases.map((r) => r.release_no).join(', ') || 'none'}), but got '${options.notes.slice(0, 40)}'`,
        );
      const notes = lang === 'vi' ? release.notes_md_vi : release.notes_md_en;
      return {
        code: 0,
        stdout: [
          options.json
            ? JSON.stringify(release, null, 2)
            : (notes ??
              `Release ${release.release_no} has no notes (${release.note ?? (release.automatic ? 'released with its load' : 'made by init')}).`),
        ],
        stderr: [],
      };
    }
    if (options.json) return { code: 0, stdout: [JSON.stringify(releases, null, 2)], stderr: [] };
    const lines = ['release  version  released_at          by                  years      note'];
    for (const r of releases) {
      lines.push(
        `${String(r.release_no).padEnd(8)} ${String(r.data_version).padEnd(8)} ${r.released_at}  ${(r.released_by ?? '-').slice(0, 18).padEnd(18)}  ${yearsText(r.years).padEnd(10)} ${r.note ?? ''}`,
      );
    }
    return { code: 0, stdout: lines, stderr: [] };
  } finally {
    db.close();
  }
}

/** Years as runs: `2015–2018, 2020–2025`. */
function yearsText(years: readonly number[]): string {
  const runs: string[] = [];
  let start = years[0];
  for (let i = 1; i <= years.length; i++) {
    if (years[i] !== years[i - 1]! + 1) {
      runs.push(start === years[i - 1] ? `${start}` : `${start}–${years[i - 1]}`);
      start = years[i];
    }
  }
  return runs.join(', ') || '-';
}
