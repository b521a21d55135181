import type { ReviewChange, YearReview } from './review.queries.ts';

/** The words of the notes, in Vietnamese and in English. */
const WORDS = {
  vi: {
    title: (n: number, years: string) => `# Bản phát hành số ${n} — số liệu năm ${years}`,
    released: (at: string, by: string | null) =>
      `Phát hành lúc ${at} (UTC)${by ? ` bởi ${by}` : ''}.`,
    note: 'Ghi chú',
    year: (y: number) => `## Năm ${y}`,
    completeness: '### Mức độ đầy đủ',
    provinces: (r: number, e: number, p: string) => `Tỉnh, thành phố đã báo cáo: ${r}/${e} (${p}).`,
    missing: 'Chưa báo cáo',
    family: 'Nhóm tệp',
    rate: 'tỷ lệ',
    changes: (prev: number | null) =>
      prev === null
        ? '### Thay đổi (lần phát hành đầu tiên)'
        : `### Thay đổi so với bản số ${prev}`,
    counts: (a: number, c: number, r: number) =>
      `${a} giá trị mới, ${c} giá trị sửa, ${r} giá trị bị bỏ.`,
    largest: 'Thay đổi lớn nhất',
    header: '| tỉnh | loại hình | ngành | chỉ tiêu | nguồn | trước | sau | chênh lệch |',
    revisions: '### Điều chỉnh số liệu các năm trước',
    revisionLine: (y: number, a: number, c: number, r: number) =>
      `- Năm ${y}: ${a} mới, ${c} sửa, ${r} bỏ.`,
    warnings: (n: number) => `### Cảnh báo (${n})`,
    noWarnings: 'Không có cảnh báo.',
    none: 'không có',
    nation: 'cả nước',
    more: (n: number) => `… và ${n} thay đổi khác.`,
  },
  en: {
    title: (n: number, years: string) => `# Release ${n} — figures for ${years}`,
    released: (at: string, by: string | null) => `Released ${at} (UTC)${by ? ` by ${by}` : ''}.`,
    note: 'Note',
    year: (y: number) => `## ${y}`,
    completeness: '### Completeness',
    provinces: (r: number, e: number, p: string) => `Provinces reporting: ${r} of ${e} (${p}).`,
    missing: 'Not reported',
    family: 'Family',
    rate: 'rate',
    changes: (prev: number | null) =>
      prev === null ? '### Changes (first release)' : `### Changes against release ${prev}`,
    counts: (a: number, c: number, r: number) => `${a} values added, ${c} changed, ${r} removed.`,
    largest: 'Largest changes',
    header: '| province | type | sector | measure | source | before | after | change |',
    revisions: '### Revisions of earlier years',
    revisionLine: (y: number, a: number, c: number, r: number) =>
      `- ${y}: ${a} added, ${c} changed, ${r} removed.`,
    warnings: (n: number) => `### Warnings (${n})`,
    noWarnings: 'No warnings.',
    none: 'none',
    nation: 'nation',
    more: (n: number) => `… and ${n} more changes.`,
  },
} as const;

/** How many changes of a year the notes list. */
const LISTED = 10;
/** How many warnings of a year the notes list. */
const LISTED_WARNINGS = 20;

const percent = (p: number | null) => (p === null ? '—' : `${p.toLocaleString('en-US')}%`);
const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));
const signed = (v: number) => (v > 0 ? `+${num(v)}` : num(v));
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** What the notes are written from. */
export interface ReleaseNotesInput {
  readonly releaseNo: number;
  /** `YYYY-MM-DD HH:MM:SS`. */
  readonly releasedAt: string;
  readonly releasedBy: string | null;
  readonly note: string | null;
  readonly reviews: readonly YearReview[];
}

/** Release notes in Markdown, in Vietnamese (`vi`) or English (`en`), written from the reviews. */
export function renderReleaseNotes(input: ReleaseNotesInput, lang: 'vi' | 'en'): string {
  const w = WORDS[lang];
  const years = input.reviews.map((r) => r.year).join(', ') || w.none;
  const lines = [
    w.title(input.releaseNo, years),
    '',
    w.released(input.releasedAt, input.releasedBy),
  ];
  if (input.note) lines.push('', `${w.note}: ${input.note}`);
  for (const review of input.reviews) {
    const p = review.provinces;
    lines.push('', w.year(review.year), '', w.completeness, '');
    lines.push(w.provinces(p.reported, p.expected, percent(p.ratePercent)));
    if (p.missing.length > 0)
      lines.push(
        '',
        `${w.missing} (${p.missing.length}): ${p.missing.map((m) => `${m.nameVi} (${m.code})`).join(', ')}.`,
      );
    if (review.families.length > 0) {
      lines.push(
        '',
        `| ${w.family} | ${lang === 'vi' ? 'tỉnh' : 'provinces'} | ${w.rate} |`,
        '| --- | --- | --- |',
      );
      for (const f of review.families)
        lines.push(`| ${f.family} | ${f.reported}/${f.expected} | ${percent(f.ratePercent)} |`);
    }
    const c = review.changes;
    lines.push('', w.changes(review.previousRelease?.releaseNo ?? null), '');
    lines.push(w.counts(c.added, c.changed, c.removed));
    const total = c.added + c.changed + c.removed;
    if (total > 0) {
      lines.push(
        '',
        `${w.largest}:`,
        '',
        w.header,
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
      );
      for (const change of c.largest.slice(0, LISTED)) lines.push(changeRow(change, w.nation));
      if (total > LISTED) lines.push('', w.more(total - LISTED));
    }
    if (review.otherYears.length > 0) {
      lines.push('', w.revisions, '');
      for (const o of review.otherYears)
        lines.push(w.revisionLine(o.year, o.added, o.changed, o.removed));
    }
    lines.push('', w.warnings(review.warningCount), '');
    if (review.warnings.length === 0) lines.push(w.noWarnings);
    for (const warning of review.warnings.slice(0, LISTED_WARNINGS)) {
      const where = [
        warning.fileName,
        warning.row === null ? null : `row ${warning.row}`,
        warning.header,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `- ${cell(warning.rule)}${warning.value ? ` — '${cell(warning.value)}'` : ''} (${cell(where)})`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function changeRow(c: ReviewChange, nation: string): string {
  const area = c.provinceCode === null ? nation : `${c.provinceNameVi ?? ''} (${c.provinceCode})`;
  return `| ${cell(area)} | ${c.orgType ?? ''} | ${c.sector} | ${c.measure} | ${c.source} | ${num(c.before)} | ${num(c.after)} | ${signed(c.delta)} |`;
}
