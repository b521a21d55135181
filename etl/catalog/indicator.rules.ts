/**
 * Rules of the indicator registry (`indicators.yaml`): fields, closed vocabularies, and a formula
 * that fits the indicator's kind (a SHARE of counts, an AVERAGE weighted by a count, …).
 */
import { MEASURE_COLUMNS } from '../sources/aggregates.source.ts';
import {
  ORG_TYPES,
  type OrgType,
  type Sector,
  SECTORS,
  type Universe,
  UNIVERSES,
} from '../../warehouse/domain/vocabulary.ts';
import {
  type Indicator,
  INDICATOR_KINDS,
  type IndicatorKind,
  type MeasureOperand,
  type Operand,
  type Topic,
  TOPICS,
} from './catalog.types.ts';
import { allRead, type Checker, isRecord, list, type Path, show } from './yaml-checker.ts';

const SNAKE_CODE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const PERCENT_UNIT = 'percent';
const MEASURE_TYPES = new Map(MEASURE_COLUMNS.map((c) => [c.name, c.type]));

const OPERAND_KEYS = ['measures', 'org_types', 'sectors'] as const;

function readOperand(
  c: Checker,
  raw: unknown,
  path: Path,
  key: string,
): Operand | null | undefined {
  if (raw === null) return null;
  if (!isRecord(raw)) {
    return c.report(
      `\`${key}\` must be null, { population: true } or { measures, org_types, sectors }`,
      raw,
      path,
    );
  }
  if ('population' in raw) {
    if (raw.population === true && Object.keys(raw).length === 1) return { population: true };
    return c.report(`a population \`${key}\` must be exactly { population: true }`, raw, path);
  }
  c.keys(raw, path, `\`${key}\``, OPERAND_KEYS, OPERAND_KEYS);
  let ok = true;
  const measures = raw.measures;
  if (!Array.isArray(measures) || measures.length === 0) {
    ok = false;
    c.report(`\`measures\` must be a non-empty list of fact measures`, measures, [
      ...path,
      'measures',
    ]);
  } else {
    measures.forEach((m, i) => {
      if (typeof m !== 'string' || !MEASURE_TYPES.has(m)) {
        ok = false;
        c.report(
          `each measure must be a column of fct_org_annual (${list([...MEASURE_TYPES.keys()])})`,
          m,
          [...path, 'measures', i],
        );
      } else if (measures.indexOf(m) !== i) {
        ok = false;
        c.report('a measure must not be listed twice', m, [...path, 'measures', i]);
      }
    });
  }
  const orgTypes = raw.org_types;
  const orgTypesOk = checkDistinctMembers(c, orgTypes, [...path, 'org_types'], ORG_TYPES, {
    list: `\`org_types\` must be a non-empty list of ${list(ORG_TYPES)}`,
    entry: `each org type must be one of ${list(ORG_TYPES)}, once`,
  });
  const sectors = raw.sectors;
  const sectorsOk =
    sectors === 'ALL' ||
    checkDistinctMembers(c, sectors, [...path, 'sectors'], SECTORS, {
      list: `\`sectors\` must be ALL or a non-empty list of ${list(SECTORS)}`,
      entry: `each sector must be one of ${list(SECTORS)}, once`,
    });
  if (!orgTypesOk || !sectorsOk) ok = false;
  if (!ok) return undefined;
  return {
    measures: measures as string[],
    orgTypes: orgTypes as OrgType[],
    sectors: sectors === 'ALL' ? 'ALL' : (sectors as Sector[]),
  };
}

/**
 * A list drawn from a closed set: non-empty, each entry a member, none twice. Every bad entry is
 * reported; false when any rule fails.
 */
function checkDistinctMembers(
  c: Checker,
  value: unknown,
  path: Path,
  allowed: readonly string[],
  rules: { readonly list: string; readonly entry: string },
): boolean {
  if (!Array.isArray(value) || value.length === 0) {
    c.report(rules.list, value, path);
    return false;
  }
  let ok = true;
  value.forEach((entry, i) => {
    if (!(allowed as readonly unknown[]).includes(entry) || value.indexOf(entry) !== i) {
      ok = false;
      c.report(rules.entry, entry, [...path, i]);
    }
  });
  return ok;
}

/** True for a measure operand (not the population). */
export const isMeasureOperand = (o: Operand | null): o is MeasureOperand =>
  o !== null && 'measures' in o;

const measuresOfType = (o: MeasureOperand, type: 'count' | 'decimal'): boolean =>
  o.measures.every((m) => MEASURE_TYPES.get(m) === type);

/** Same members, any order. */
export const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** Every member of `a` is in `b`. */
export const subset = (a: readonly string[], b: readonly string[]): boolean =>
  a.every((x) => b.includes(x));

/** The sectors `inner` selects are among those `outer` selects (ALL holds every sector). */
export const sectorsWithin = (inner: MeasureOperand['sectors'], outer: MeasureOperand['sectors']) =>
  outer === 'ALL' || (inner !== 'ALL' && subset(inner, outer));

/** Two operands select the same measures, org types and sectors. */
export const sameOperand = (a: Operand | null, b: Operand | null): boolean => {
  if (a === null || b === null) return a === b;
  if (!isMeasureOperand(a) || !isMeasureOperand(b))
    return !isMeasureOperand(a) && !isMeasureOperand(b);
  return (
    sameSet(a.measures, b.measures) &&
    sameSet(a.orgTypes, b.orgTypes) &&
    (a.sectors === 'ALL' || b.sectors === 'ALL'
      ? a.sectors === b.sectors
      : sameSet(a.sectors, b.sectors))
  );
};

const INDICATOR_KEYS = [
  'code',
  'aliases',
  'label_vi',
  'label_en',
  'topic',
  'unit',
  'kind',
  'numerator',
  'denominator',
  'universe',
  'higher_is_better',
  'natural_limit',
  'published_only',
  'description',
] as const;
/** The keys an indicator may leave out; every other key of {@link INDICATOR_KEYS} is required. */
const INDICATOR_OPTIONAL: readonly string[] = ['aliases', 'universe', 'published_only'];
const INDICATOR_REQUIRED = INDICATOR_KEYS.filter((key) => !INDICATOR_OPTIONAL.includes(key));

/** Checks the formula of a parsed indicator against its kind; reports at `path`. */
function checkFormula(
  c: Checker,
  path: Path,
  kind: IndicatorKind,
  numerator: Operand | null,
  denominator: Operand | null,
  publishedOnly: boolean,
): void {
  if (publishedOnly) {
    if (numerator !== null) {
      c.report('a published_only indicator must have `numerator: null`', numerator, [
        ...path,
        'numerator',
      ]);
    }
    if (denominator !== null) {
      c.report('a published_only indicator must have `denominator: null`', denominator, [
        ...path,
        'denominator',
      ]);
    }
    return;
  }
  if (numerator === null) {
    c.report('an indicator with no numerator must say `published_only: true`', null, [
      ...path,
      'numerator',
    ]);
    return;
  }
  const at = (key: string) => [...path, key];
  switch (kind) {
    case 'COUNT':
      if (denominator !== null) {
        c.report('a COUNT indicator must have `denominator: null`', denominator, at('denominator'));
      }
      if (isMeasureOperand(numerator) && !measuresOfType(numerator, 'count')) {
        c.report(
          'a COUNT must sum count measures (averages cannot be summed)',
          numerator.measures,
          at('numerator'),
        );
      }
      return;
    case 'SHARE':
    case 'RATIO':
      if (!isMeasureOperand(numerator) || !isMeasureOperand(denominator)) {
        c.report(
          `a ${kind} needs measures in both numerator and denominator`,
          denominator,
          at('denominator'),
        );
        return;
      }
      if (!measuresOfType(numerator, 'count') || !measuresOfType(denominator, 'count')) {
        c.report(
          `a ${kind} must be built from count measures`,
          [...numerator.measures, ...denominator.measures],
          at('numerator'),
        );
      }
      if (kind === 'SHARE' && !subset(numerator.orgTypes, denominator.orgTypes)) {
        c.report(
          'a SHARE numerator must count org types its denominator counts',
          numerator.orgTypes,
          at('numerator'),
        );
      }
      if (kind === 'SHARE' && !sectorsWithin(numerator.sectors, denominator.sectors)) {
        c.report(
          'a SHARE numerator must count sectors its denominator counts',
          numerator.sectors,
          at('numerator'),
        );
      }
      return;
    case 'PER_POPULATION':
      if (!isMeasureOperand(numerator) || !measuresOfType(numerator, 'count')) {
        c.report('a PER_POPULATION numerator must sum count measures', numerator, at('numerator'));
      }
      if (denominator === null || isMeasureOperand(denominator)) {
        c.report(
          'a PER_POPULATION denominator must be { population: true }',
          denominator,
          at('denominator'),
        );
      }
      return;
    case 'AVERAGE':
      if (
        !isMeasureOperand(numerator) ||
        numerator.measures.length !== 1 ||
        !measuresOfType(numerator, 'decimal')
      ) {
        c.report(
          'an AVERAGE numerator must be one reported average (a money measure)',
          numerator,
          at('numerator'),
        );
        return;
      }
      if (
        !isMeasureOperand(denominator) ||
        !measuresOfType(denominator, 'count') ||
        !sameSet(numerator.orgTypes, denominator.orgTypes) ||
        !sectorsWithin(numerator.sectors, denominator.sectors) ||
        !sectorsWithin(denominator.sectors, numerator.sectors)
      ) {
        c.report(
          'an AVERAGE denominator must be the count weighting it, over the same org types and sectors',
          denominator,
          at('denominator'),
        );
      }
  }
}

function readIndicator(c: Checker, raw: unknown, path: Path): Indicator | undefined {
  if (!isRecord(raw)) return c.report('each indicator must be a map of fields', raw, path);
  const code = c.text(raw, 'code', path);
  const ic = c.for(`indicator ${show(code ?? raw.code)}`);
  ic.keys(raw, path, 'an indicator', INDICATOR_KEYS, INDICATOR_REQUIRED);
  if (code !== undefined && !SNAKE_CODE.test(code)) {
    ic.report('`code` must be snake_case (a-z, 0-9, _)', code, [...path, 'code']);
  }
  const aliases: string[] = [];
  if (raw.aliases !== undefined) {
    if (!Array.isArray(raw.aliases))
      ic.report('`aliases` must be a list of codes', raw.aliases, [...path, 'aliases']);
    else {
      raw.aliases.forEach((a, i) => {
        if (typeof a === 'string' && SNAKE_CODE.test(a)) aliases.push(a);
        else ic.report('each alias must be a snake_case code', a, [...path, 'aliases', i]);
      });
    }
  }
  const labelVi = ic.text(raw, 'label_vi', path);
  const labelEn = ic.text(raw, 'label_en', path);
  const topic = ic.oneOf<Topic>(raw, 'topic', path, TOPICS);
  const unit = ic.text(raw, 'unit', path);
  const kind = ic.oneOf<IndicatorKind>(raw, 'kind', path, INDICATOR_KINDS);
  const numerator = readOperand(ic, raw.numerator, [...path, 'numerator'], 'numerator');
  const denominator = readOperand(ic, raw.denominator, [...path, 'denominator'], 'denominator');
  const universe = ic.oneOf<Universe>(raw, 'universe', path, UNIVERSES, false) ?? null;
  const higherIsBetter = ic.bool(raw, 'higher_is_better', path);
  const publishedOnly = ic.bool(raw, 'published_only', path, false);
  const description = ic.text(raw, 'description', path);
  let naturalLimit: number | null | undefined = null;
  if (raw.natural_limit !== null) naturalLimit = ic.number(raw, 'natural_limit', path);

  if (kind !== undefined && naturalLimit !== undefined) {
    const isPercent = kind === 'SHARE' || kind === 'PER_POPULATION';
    if (isPercent && naturalLimit !== 100) {
      ic.report(`\`natural_limit\` must be 100 for a ${kind} indicator`, naturalLimit, [
        ...path,
        'natural_limit',
      ]);
    }
    if (!isPercent && naturalLimit !== null) {
      ic.report(`\`natural_limit\` must be null for a ${kind} indicator`, naturalLimit, [
        ...path,
        'natural_limit',
      ]);
    }
    if (isPercent && unit !== undefined && unit !== PERCENT_UNIT) {
      ic.report(`\`unit\` must be '${PERCENT_UNIT}' for a ${kind} indicator`, unit, [
        ...path,
        'unit',
      ]);
    }
  }
  if (
    kind !== undefined &&
    numerator !== undefined &&
    denominator !== undefined &&
    publishedOnly !== undefined
  ) {
    checkFormula(ic, path, kind, numerator, denominator, publishedOnly);
  }
  const read = allRead({
    code,
    labelVi,
    labelEn,
    topic,
    unit,
    kind,
    numerator,
    denominator,
    higherIsBetter,
    naturalLimit,
    publishedOnly,
    description,
  });
  if (read === undefined) return undefined;
  return {
    ...read,
    aliases,
    universe,
    location: ic.location(path),
  };
}

/** Reads the registry list; codes and aliases must be unique across it. */
export function readIndicators(c: Checker, value: unknown): Indicator[] {
  if (!Array.isArray(value) || value.length === 0) {
    c.report('indicators.yaml must be a non-empty list of indicators', value, []);
    return [];
  }
  const indicators: Indicator[] = [];
  const seen = new Map<string, string>();
  value.forEach((raw, i) => {
    const indicator = readIndicator(c, raw, [i]);
    if (!indicator) return;
    for (const [code, path] of [
      [indicator.code, [i, 'code']],
      ...indicator.aliases.map((a, k) => [a, [i, 'aliases', k]] as const),
    ] as const) {
      const first = seen.get(code);
      if (first !== undefined) {
        c.for(`indicator '${indicator.code}'`).report(
          `codes and aliases must be unique (first used by ${first})`,
          code,
          path,
        );
      } else seen.set(code, `indicator '${indicator.code}'`);
    }
    indicators.push(indicator);
  });
  return indicators;
}
