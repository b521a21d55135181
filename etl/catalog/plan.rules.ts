/**
 * Rules of a plan file (`plans/<plan-id>.yaml`) and its targets: fields, an area valid on the
 * plan's date, comparator and value consistent with the indicator, a quote found word for word in
 * its source, and "trong đó" targets nested in a parent they fit.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';

import { type AdminUnitValidity, unitNameOn } from './admin-unit-validity.ts';
import {
  type AreaRef,
  type Comparator,
  COMPARATORS,
  DATE_PRECISIONS,
  type DatePrecision,
  type Indicator,
  PER_UNITS,
  type PerUnit,
  type Plan,
  type Quote,
  QUOTE_LANGUAGES,
  type QuoteLanguage,
  type SourceRef,
  type Target,
  type TargetWording,
  WORDING_KINDS,
  type WordingKind,
} from './catalog.types.ts';
import {
  isMeasureOperand,
  sameOperand,
  sameSet,
  sectorsWithin,
  subset,
} from './indicator.rules.ts';
import { findQuoteLines, type SearchableText, toSearchableText } from './source-text.ts';
import { allRead, type Checker, isRecord, list, type Path, show } from './yaml-checker.ts';

/** Folder of the plan files inside the catalog directory. */
export const PLANS_DIR = 'plans';
const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** One map of a plan file being read: the checker that reports on it, its fields, its place. */
interface Fields {
  readonly c: Checker;
  readonly raw: Record<string, unknown>;
  readonly path: Path;
}

/** Everything the plan checks need from the rest of the catalog. */
export interface Registry {
  readonly dir: string;
  readonly units: AdminUnitValidity;
  readonly indicators: ReadonlyMap<string, Indicator>;
  /** Alias → registered code. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly sourceTexts: Map<string, Promise<SearchableText | null>>;
}

function readArea(
  c: Checker,
  raw: unknown,
  path: Path,
  units: AdminUnitValidity,
  defaultValidOn: string | undefined,
): AreaRef | undefined {
  if (!isRecord(raw)) return c.report('`area` must be a map { code, valid_on }', raw, path);
  c.keys(raw, path, '`area`', ['code', 'valid_on'], ['code']);
  if (typeof raw.code !== 'string') {
    return c.report("area `code` must be a quoted text such as '06' or 'VN'", raw.code, [
      ...path,
      'code',
    ]);
  }
  const validOn = raw.valid_on === undefined ? defaultValidOn : c.date(raw, 'valid_on', path);
  if (validOn === undefined) return undefined;
  const name = unitNameOn(units, raw.code, validOn);
  if (name === null) {
    return c.report(
      `area \`code\` must name an admin unit valid on ${validOn} (63-province codes 2008-08-01..2025-06-30, 34-province codes from 2025-07-01, or VN)`,
      raw.code,
      [...path, 'code'],
    );
  }
  return { code: raw.code, validOn, name };
}

async function sourceText(registry: Registry, file: string): Promise<SearchableText | null> {
  let cached = registry.sourceTexts.get(file);
  if (!cached) {
    cached = readFile(join(registry.dir, file), 'utf8').then(
      (raw) => toSearchableText(raw, file.toLowerCase().endsWith('.csv')),
      () => null,
    );
    registry.sourceTexts.set(file, cached);
  }
  return cached;
}

async function readSource(
  c: Checker,
  raw: unknown,
  path: Path,
  registry: Registry,
): Promise<SourceRef | undefined> {
  if (!isRecord(raw)) return c.report('`source` must be a map with a `url` or a `file`', raw, path);
  c.keys(raw, path, '`source`', ['url', 'file', 'line', 'note'], []);
  const url = c.text(raw, 'url', path, false);
  const file = c.text(raw, 'file', path, false);
  const note = c.text(raw, 'note', path, false) ?? null;
  let ok = true;
  if (url === undefined && file === undefined) {
    ok = false;
    c.report('`source` must give a `url` or a `file`', raw, path);
  }
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
    ok = false;
    c.report('`url` must be an http(s) address', url, [...path, 'url']);
  }
  if (file !== undefined) {
    if (isAbsolute(file) || normalize(file).startsWith('..')) {
      ok = false;
      c.report('`file` must be a path inside the catalog directory', file, [...path, 'file']);
    } else if ((await sourceText(registry, file)) === null) {
      ok = false;
      c.report('`file` must exist in the catalog directory', file, [...path, 'file']);
    }
  }
  let line: number | null = null;
  if (raw.line !== undefined) {
    if (file === undefined) {
      ok = false;
      c.report('`line` needs a `file`', raw.line, [...path, 'line']);
    } else if (typeof raw.line !== 'number' || !Number.isInteger(raw.line) || raw.line < 1) {
      ok = false;
      c.report('`line` must be a whole number ≥ 1', raw.line, [...path, 'line']);
    } else line = raw.line;
  }
  if (!ok) return undefined;
  return { url: url ?? null, file: file ?? null, line, note };
}

const QUOTE_KEYS = QUOTE_LANGUAGES.map((lang) => `quote_${lang}`);

/** Letters only Vietnamese uses among Latin scripts (ă â đ ê ô ơ ư and the tone-marked vowels). */
const VIETNAMESE_LETTER =
  /[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/iu;

/** A cheap guard against a quote filed under the wrong language key. */
const QUOTE_SCRIPT_CHECKS: Readonly<Record<QuoteLanguage, RegExp>> = {
  vi: VIETNAMESE_LETTER,
  en: /^[^ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]*$/u,
  ko: /\p{Script=Hangul}/u,
};
const QUOTE_SCRIPT_RULES: Readonly<Record<QuoteLanguage, string>> = {
  vi: '`quote_vi` must be Vietnamese text (with its diacritics)',
  en: '`quote_en` must be English text (no Vietnamese letters: use quote_vi)',
  ko: '`quote_ko` must be Korean text',
};

const TARGET_KEYS = [
  'id',
  'indicator',
  'area',
  'target_year',
  'target_date',
  'from_year',
  'comparator',
  'value',
  'value_high',
  'unit',
  'per',
  'of_target',
  'denominator_note',
  'baseline',
  ...QUOTE_KEYS,
  'source',
  'wording_note',
  'inferred',
  'inferred_reason',
  'note',
];
const TARGET_REQUIRED = ['id', 'indicator', 'comparator', 'value', 'unit', 'source'];

/** Reads the quote (exactly one language) and the source, and finds the quote on its line. */
async function readQuoteAndSource(
  { c, raw, path }: Fields,
  registry: Registry,
  what: string,
): Promise<{ quote: Quote | undefined; source: SourceRef | undefined }> {
  const given = QUOTE_LANGUAGES.filter((lang) => raw[`quote_${lang}`] !== undefined);
  let quote: Quote | undefined;
  if (given.length !== 1) {
    c.report(
      `${what} must quote its source in exactly one of ${list(QUOTE_KEYS)} (quote_vi unless the source has no Vietnamese text)`,
      given.length === 0 ? undefined : given.map((l) => `quote_${l}`),
      path,
    );
  } else {
    const lang = given[0]!;
    const text = c.text(raw, `quote_${lang}`, path);
    if (text !== undefined && !QUOTE_SCRIPT_CHECKS[lang].test(text)) {
      c.report(QUOTE_SCRIPT_RULES[lang], text, [...path, `quote_${lang}`]);
    } else if (text !== undefined) quote = { lang, text };
  }
  const source =
    raw.source === undefined
      ? undefined
      : await readSource(c, raw.source, [...path, 'source'], registry);
  if (quote && source?.file) {
    const searchable = await sourceText(registry, source.file);
    const lines = searchable ? findQuoteLines(searchable, quote.text) : [];
    const quoteKey = [...path, `quote_${quote.lang}`];
    if (lines.length === 0) {
      c.report(`the quote must appear word for word in ${source.file}`, quote.text, quoteKey);
    } else if (source.line !== null && !lines.includes(source.line)) {
      c.report(
        `the quote must start on line ${source.line} of ${source.file} (it starts on line ${lines.join(', ')})`,
        quote.text,
        [...path, 'source', 'line'],
      );
    }
  }

  return { quote, source };
}

/**
 * Opens one item of a plan's lists (a target or a wording): a map of the allowed fields whose
 * `id` is kebab-case; problems are reported in the item's own name.
 */
function openItem(
  pc: Checker,
  raw: unknown,
  path: Path,
  what: 'target' | 'wording',
  keys: readonly string[],
  required: readonly string[],
): { fields: Fields; id: string | undefined } | undefined {
  if (!isRecord(raw)) return pc.report(`each ${what} must be a map of fields`, raw, path);
  const c = pc.for(`${what} ${show(raw.id)}`);
  c.keys(raw, path, `a ${what}`, keys, required);
  const id = c.text(raw, 'id', path);
  if (id !== undefined && !KEBAB_ID.test(id))
    c.report(`${what} \`id\` must be kebab-case`, id, [...path, 'id']);
  return { fields: { c, raw, path }, id };
}

async function readTarget(
  pc: Checker,
  entry: unknown,
  path: Path,
  planId: string,
  planArea: AreaRef | undefined,
  registry: Registry,
): Promise<Target | undefined> {
  const item = openItem(pc, entry, path, 'target', TARGET_KEYS, TARGET_REQUIRED);
  if (item === undefined) return undefined;
  const { fields, id } = item;
  const { c, raw } = fields;
  const indicator = readTargetIndicator(fields, registry);
  // The area defaults to the plan's.
  const area =
    raw.area === undefined
      ? planArea
      : readArea(c, raw.area, [...path, 'area'], registry.units, planArea?.validOn);
  const { targetYear, targetDate, fromYear } = readTargetWhen(fields);
  const { comparator, value, valueHigh } = readComparison(fields, indicator);
  const { per, unit } = readTargetUnit(fields, indicator);
  const { ofTarget, denominatorNote } = readNesting(fields);
  const baseline = readBaseline(fields, targetYear);
  const { quote, source } = await readQuoteAndSource(fields, registry, 'a target');
  const wordingNote = c.text(raw, 'wording_note', path, false) ?? null;
  const note = c.text(raw, 'note', path, false) ?? null;
  const { inferred, inferredReason } = readInferred(fields);
  const read = allRead({ id, indicator, area, targetYear, comparator, value, unit, quote, source });
  if (read === undefined || (comparator === 'RANGE' && valueHigh === null)) return undefined;
  return {
    ...read,
    planId,
    indicator: read.indicator.code,
    targetDate,
    fromYear,
    valueHigh,
    per,
    ofTarget,
    denominatorNote,
    baseline,
    wordingNote,
    inferred,
    inferredReason,
    note,
    location: c.location(path),
  };
}

/** The target's indicator: a registered code (an alias is refused, naming its code). */
function readTargetIndicator({ c, raw, path }: Fields, registry: Registry): Indicator | undefined {
  const code = c.text(raw, 'indicator', path);
  if (code === undefined) return undefined;
  const indicator = registry.indicators.get(code);
  if (!indicator) {
    const canonical = registry.aliases.get(code);
    c.report(
      canonical
        ? `\`indicator\` must be a registered code, not an alias (use '${canonical}')`
        : '`indicator` must be a code registered in indicators.yaml',
      code,
      [...path, 'indicator'],
    );
  }
  return indicator;
}

/** When the target is due (a year, or a date and its year) and the year it counts from. */
function readTargetWhen({ c, raw, path }: Fields): {
  targetYear: number | undefined;
  targetDate: string | null;
  fromYear: number | null;
} {
  let targetYear: number | undefined;
  let targetDate: string | null = null;
  if (raw.target_date !== undefined) {
    const date = c.date(raw, 'target_date', path);
    if (date !== undefined) {
      targetDate = date;
      targetYear = Number(date.slice(0, 4));
    }
  }
  if (raw.target_year !== undefined) {
    const year = c.year(raw, 'target_year', path);
    if (year !== undefined && targetYear !== undefined && year !== targetYear) {
      c.report(`\`target_year\` must be the year of \`target_date\` (${targetYear})`, year, [
        ...path,
        'target_year',
      ]);
    }
    targetYear ??= year;
  } else if (raw.target_date === undefined) {
    c.report('a target must have a `target_year` or a `target_date`', undefined, path);
  }
  let fromYear: number | null = null;
  if (raw.from_year !== undefined) {
    const year = c.year(raw, 'from_year', path);
    if (year !== undefined && targetYear !== undefined && year >= targetYear) {
      c.report(`\`from_year\` must be before the target year ${targetYear}`, year, [
        ...path,
        'from_year',
      ]);
    } else if (year !== undefined) fromYear = year;
  }
  return { targetYear, targetDate, fromYear };
}

/** The comparator and value (and the top of a RANGE), within the indicator's natural limit. */
function readComparison(
  { c, raw, path }: Fields,
  indicator: Indicator | undefined,
): { comparator: Comparator | undefined; value: number | undefined; valueHigh: number | null } {
  const comparator = c.oneOf<Comparator>(raw, 'comparator', path, COMPARATORS);
  const value = c.number(raw, 'value', path);
  let valueHigh: number | null = null;
  if (comparator === 'RANGE') {
    const high = raw.value_high;
    if (
      typeof high !== 'number' ||
      !Number.isFinite(high) ||
      (value !== undefined && high <= value)
    ) {
      c.report(`a RANGE target needs a \`value_high\` above \`value\` (${value})`, high, [
        ...path,
        'value_high',
      ]);
    } else valueHigh = high;
  } else if (raw.value_high !== undefined && comparator !== undefined) {
    c.report(`\`value_high\` is only for RANGE, not ${comparator}`, raw.value_high, [
      ...path,
      'value_high',
    ]);
  }
  if (value !== undefined && value < 0)
    c.report('`value` must not be negative', value, [...path, 'value']);
  if (indicator?.naturalLimit != null && value !== undefined) {
    const limit = indicator.naturalLimit;
    const top = valueHigh ?? value;
    if (top > limit) {
      c.report(`a target of '${indicator.code}' must not exceed its natural limit ${limit}`, top, [
        ...path,
        valueHigh === null ? 'value' : 'value_high',
      ]);
    } else if (comparator === 'GT' && value >= limit) {
      c.report(
        `a GT target of '${indicator.code}' must be below its natural limit ${limit}`,
        value,
        [...path, 'value'],
      );
    }
  }
  if (comparator === 'LT' && value === 0)
    c.report('an LT target must be above 0', value, [...path, 'value']);
  return { comparator, value, valueHigh };
}

/** The unit, the indicator's own, per sub-unit (`per`) when the target is set per district. */
function readTargetUnit(
  { c, raw, path }: Fields,
  indicator: Indicator | undefined,
): { per: PerUnit | null; unit: string | undefined } {
  const per = c.oneOf<PerUnit>(raw, 'per', path, PER_UNITS, false) ?? null;
  const unit = c.text(raw, 'unit', path);
  if (unit !== undefined && indicator) {
    const expected = per === null ? indicator.unit : `${indicator.unit} per ${per}`;
    if (unit !== expected) {
      c.report(`\`unit\` must be the unit of '${indicator.code}': '${expected}'`, unit, [
        ...path,
        'unit',
      ]);
    }
  }
  return { per, unit };
}

/** A "trong đó" (of which) target: its parent, and its denominator in words. */
function readNesting({ c, raw, path }: Fields): {
  ofTarget: string | null;
  denominatorNote: string | null;
} {
  const ofTarget = c.text(raw, 'of_target', path, false) ?? null;
  const denominatorNote = c.text(raw, 'denominator_note', path, false) ?? null;
  if (ofTarget !== null && denominatorNote === null) {
    c.report(
      'a target with `of_target` must explain its denominator in `denominator_note`',
      undefined,
      path,
    );
  }
  return { ofTarget, denominatorNote };
}

/** The baseline the plan states, before the target year. */
function readBaseline(
  { c, raw, path }: Fields,
  targetYear: number | undefined,
): Target['baseline'] {
  if (raw.baseline === undefined) return null;
  if (!isRecord(raw.baseline)) {
    c.report('`baseline` must be a map { year, value }', raw.baseline, [...path, 'baseline']);
    return null;
  }
  const bp = [...path, 'baseline'];
  c.keys(raw.baseline, bp, '`baseline`', ['year', 'value'], ['year', 'value']);
  const year = c.year(raw.baseline, 'year', bp);
  const value = c.number(raw.baseline, 'value', bp);
  if (year !== undefined && targetYear !== undefined && year >= targetYear) {
    c.report(`a baseline year must be before the target year ${targetYear}`, year, [...bp, 'year']);
    return null;
  }
  return year !== undefined && value !== undefined ? { year, value } : null;
}

/** Whether the year or reading is inferred rather than in the words, and from what. */
function readInferred({ c, raw, path }: Fields): {
  inferred: boolean;
  inferredReason: string | null;
} {
  let inferred = false;
  if (raw.inferred !== undefined && typeof raw.inferred !== 'boolean') {
    c.report('`inferred` must be true or false', raw.inferred, [...path, 'inferred']);
  } else inferred = raw.inferred === true;
  const inferredReason = c.text(raw, 'inferred_reason', path, false) ?? null;
  if (inferred && inferredReason === null) {
    c.report(
      'an `inferred: true` target must say what it was inferred from in `inferred_reason`',
      undefined,
      path,
    );
  } else if (!inferred && inferredReason !== null) {
    c.report('`inferred_reason` is only for an `inferred: true` target', inferredReason, [
      ...path,
      'inferred_reason',
    ]);
  }
  return { inferred, inferredReason };
}

const WORDING_KEYS = ['id', 'of', 'kind', ...QUOTE_KEYS, 'source', 'note'];
const WORDING_REQUIRED = ['id', 'of', 'kind', 'source'];
const TARGET_REF = /^(?:([a-z0-9]+(?:-[a-z0-9]+)*)\/)?([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/**
 * Reads one alternative wording: `of` names the target it words (`target-id` in the same plan, or
 * `plan-id/target-id`); whether that target exists is checked once every plan is read.
 */
async function readWording(
  pc: Checker,
  entry: unknown,
  path: Path,
  planId: string,
  registry: Registry,
): Promise<TargetWording | undefined> {
  const item = openItem(pc, entry, path, 'wording', WORDING_KEYS, WORDING_REQUIRED);
  if (item === undefined) return undefined;
  const { fields, id } = item;
  const { c, raw } = fields;
  const of = c.text(raw, 'of', path);
  const ref = of === undefined ? null : TARGET_REF.exec(of);
  if (of !== undefined && ref === null) {
    c.report('`of` must be a target id or plan-id/target-id', of, [...path, 'of']);
  }
  const kind = c.oneOf<WordingKind>(raw, 'kind', path, WORDING_KINDS);
  const { quote, source } = await readQuoteAndSource(fields, registry, 'a wording');
  const note = c.text(raw, 'note', path, false) ?? null;
  if (id === undefined || !ref || kind === undefined || !quote || !source) return undefined;
  return {
    id,
    planId,
    ofPlanId: ref[1] ?? planId,
    ofTargetId: ref[2]!,
    kind,
    quote,
    source,
    note,
    location: c.location(path),
  };
}

/** Checks "trong đó" links once every target of a plan is read. */
function checkNesting(
  c: Checker,
  targets: readonly Target[],
  declaredIds: ReadonlySet<unknown>,
  registry: Registry,
): void {
  const byId = new Map(targets.map((t) => [t.id, t]));
  for (const child of targets) {
    if (child.ofTarget === null) continue;
    const report = (rule: string, value: unknown) =>
      c.findings.push({
        rule,
        value: show(value),
        ...child.location,
        context: `target '${child.id}'`,
      });
    const parent = byId.get(child.ofTarget);
    // A parent that is declared but failed its own rules is already reported.
    if (!parent && declaredIds.has(child.ofTarget)) continue;
    if (!parent || parent === child) {
      report('`of_target` must be the id of another target of the same plan', child.ofTarget);
      continue;
    }
    if (parent.targetYear !== child.targetYear || parent.fromYear !== child.fromYear) {
      report(`a nested target must have the years of its parent '${parent.id}'`, child.targetYear);
    }
    const pi = registry.indicators.get(parent.indicator)!;
    const ci = registry.indicators.get(child.indicator)!;
    if (!isMeasureOperand(pi.numerator)) continue;
    if (ci.kind === 'SHARE') {
      if (!sameOperand(ci.denominator, pi.numerator)) {
        report(
          `a nested share's denominator must be what its parent '${parent.id}' (${pi.code}) counts`,
          ci.code,
        );
      }
    } else if (ci.kind === 'COUNT' && isMeasureOperand(ci.numerator)) {
      const n = ci.numerator;
      if (
        !sameSet(n.measures, pi.numerator.measures) ||
        !subset(n.orgTypes, pi.numerator.orgTypes) ||
        !sectorsWithin(n.sectors, pi.numerator.sectors)
      ) {
        report(
          `a nested count must count a part of what its parent '${parent.id}' (${pi.code}) counts`,
          ci.code,
        );
      }
    }
  }
}

/** The fields of a plan file, in the order messages list them: `true` for a required one. */
const PLAN_FIELDS: Readonly<Record<string, boolean>> = {
  id: true,
  document_number: true,
  title_vi: true,
  title_en: true,
  issuer_vi: true,
  issuer_en: true,
  issued_on: true,
  issued_on_precision: false,
  area: true,
  implements: false,
  source: true,
  note: false,
  targets: true,
  wordings: false,
};
const PLAN_KEYS = Object.keys(PLAN_FIELDS);
const PLAN_REQUIRED = PLAN_KEYS.filter((key) => PLAN_FIELDS[key]);

/**
 * Reads the entries of a plan's `targets` or `wordings` in order, keeping those that pass their
 * rules; an id already taken (in `ids`, which this adds to) is reported and the entry left out.
 */
async function readEachOnce<T extends { readonly id: string }>(
  pc: Checker,
  entries: readonly unknown[],
  key: 'targets' | 'wordings',
  ids: Set<string>,
  read: (raw: unknown, path: Path) => Promise<T | undefined>,
): Promise<T[]> {
  const what = key === 'targets' ? 'target' : 'wording';
  const rule =
    key === 'targets'
      ? 'target ids must be unique within the plan'
      : 'wording ids must be unique within the plan, targets included';
  const kept: T[] = [];
  for (const [i, raw] of entries.entries()) {
    const entry = await read(raw, [key, i]);
    if (!entry) continue;
    if (ids.has(entry.id)) {
      pc.for(`${what} '${entry.id}'`).report(rule, entry.id, [key, i, 'id']);
      continue;
    }
    ids.add(entry.id);
    kept.push(entry);
  }
  return kept;
}

/** Reads one plan file with its targets; the file must be named after the plan id. */
export async function readPlan(
  c: Checker,
  value: unknown,
  registry: Registry,
): Promise<Plan | undefined> {
  if (!isRecord(value)) return c.report('a plan file must be a map of plan fields', value, []);
  const pc = c.for(`plan ${show(value.id)}`);
  pc.keys(value, [], 'a plan', PLAN_KEYS, PLAN_REQUIRED);
  const id = pc.text(value, 'id', []);
  if (id !== undefined && !KEBAB_ID.test(id)) pc.report('plan `id` must be kebab-case', id, ['id']);
  if (id !== undefined && c.file !== `${PLANS_DIR}/${id}.yaml`) {
    pc.report(`a plan file must be named after its id (${PLANS_DIR}/${id}.yaml)`, c.file, ['id']);
  }
  const documentNumber =
    value.document_number === null ? null : pc.text(value, 'document_number', []);
  const titleVi = pc.text(value, 'title_vi', []);
  const titleEn = pc.text(value, 'title_en', []);
  const issuerVi = pc.text(value, 'issuer_vi', []);
  const issuerEn = pc.text(value, 'issuer_en', []);
  const issuedOn = pc.date(value, 'issued_on', []);
  const issuedOnPrecision =
    pc.oneOf<DatePrecision>(value, 'issued_on_precision', [], DATE_PRECISIONS, false) ?? 'DAY';
  const area = readArea(pc, value.area, ['area'], registry.units, issuedOn);
  const implementsIds: string[] = [];
  if (value.implements !== undefined) {
    if (!Array.isArray(value.implements))
      pc.report('`implements` must be a list of plan ids', value.implements, ['implements']);
    else {
      value.implements.forEach((p, i) => {
        if (typeof p === 'string' && KEBAB_ID.test(p)) implementsIds.push(p);
        else pc.report('each `implements` entry must be a plan id', p, ['implements', i]);
      });
    }
  }
  const source =
    value.source === undefined
      ? undefined
      : await readSource(pc, value.source, ['source'], registry);
  const note = pc.text(value, 'note', [], false) ?? null;

  const targets: Target[] = [];
  if (!Array.isArray(value.targets) || value.targets.length === 0) {
    pc.report('`targets` must be a non-empty list', value.targets, ['targets']);
  } else if (id !== undefined) {
    targets.push(
      ...(await readEachOnce(pc, value.targets, 'targets', new Set(), (raw, path) =>
        readTarget(pc, raw, path, id, area, registry),
      )),
    );
    const declaredIds = new Set(
      value.targets.map((t: unknown) => (isRecord(t) ? t.id : undefined)),
    );
    checkNesting(pc, targets, declaredIds, registry);
  }
  const wordings: TargetWording[] = [];
  if (value.wordings !== undefined && !Array.isArray(value.wordings)) {
    pc.report('`wordings` must be a list', value.wordings, ['wordings']);
  } else if (id !== undefined && Array.isArray(value.wordings)) {
    const ids = new Set(targets.map((t) => t.id));
    wordings.push(
      ...(await readEachOnce(pc, value.wordings, 'wordings', ids, (raw, path) =>
        readWording(pc, raw, path, id, registry),
      )),
    );
  }
  const read = allRead({
    id,
    documentNumber,
    titleVi,
    titleEn,
    issuerVi,
    issuerEn,
    issuedOn,
    area,
    source,
  });
  if (read === undefined) return undefined;
  return {
    ...read,
    issuedOnPrecision,
    implements: implementsIds,
    note,
    targets,
    wordings,
    location: pc.location([]),
  };
}
