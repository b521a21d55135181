/**
 * Reading typed fields out of a parsed YAML file while collecting findings, each with the line
 * of the offending node (found through the document's nodes, not the plain JS value).
 */
import { FIRST_YEAR, isYearInRange, LAST_YEAR } from '../../warehouse/domain/years.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';

import type { CatalogFinding } from './catalog-error.ts';
import type { CatalogLocation } from './catalog.types.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Keys and indices from the document root to a node. */
export type Path = readonly (string | number)[];
/** A YAML map as a plain object. */
export type Raw = Record<string, unknown>;

/** Joins a closed set for a message. */
export const list = (values: readonly string[]): string => values.join(', ');

/** Renders a received value for a message: strings quoted, absent as "nothing". */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 77)}…` : value}'`;
  if (value === null || typeof value !== 'object') return String(value);
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

/** `T` with `undefined` taken out of every field (null stays). */
export type AllRead<T> = { [K in keyof T]: Exclude<T[K], undefined> };

/**
 * The fields a reader read, when every one was read (a field left `undefined` was missing or
 * invalid, and is already reported), else undefined: a reader builds its result only from this.
 */
export function allRead<T extends Record<string, unknown>>(fields: T): AllRead<T> | undefined {
  return Object.values(fields).includes(undefined) ? undefined : (fields as AllRead<T>);
}

/** True for a YAML map (not a list, not a scalar). */
export const isRecord = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

/** One parsed YAML file with what is needed to point at a line. */
export class YamlFile {
  constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly counter: LineCounter,
  ) {}

  /** Line of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: Path): number {
    for (let n = path.length; n >= 0; n -= 1) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return this.counter.linePos(node.range[0]).line;
    }
    return 1;
  }

  location(path: Path): CatalogLocation {
    return { file: this.file, line: this.lineOf(path) };
  }
}

/** Collects findings and reads typed fields out of plain YAML values. */
export class Checker {
  constructor(
    private readonly yaml: YamlFile,
    private readonly context: string | null = null,
    readonly findings: CatalogFinding[] = [],
  ) {}

  /** A checker for one entry of the same file, naming it in every finding. */
  for(context: string): Checker {
    return new Checker(this.yaml, context, this.findings);
  }

  get file(): string {
    return this.yaml.file;
  }

  location(path: Path): CatalogLocation {
    return this.yaml.location(path);
  }

  report(rule: string, value: unknown, path: Path): undefined {
    this.findings.push({
      rule,
      value: show(value),
      file: this.yaml.file,
      line: this.yaml.lineOf(path),
      context: this.context,
    });
    return undefined;
  }

  /** Reports unknown keys and missing required ones. */
  keys(
    obj: Raw,
    path: Path,
    what: string,
    allowed: readonly string[],
    required: readonly string[],
  ) {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) {
        this.report(`\`${key}\` is not a field of ${what} (fields: ${list(allowed)})`, key, [
          ...path,
          key,
        ]);
      }
    }
    for (const key of required) {
      if (!(key in obj)) this.report(`\`${key}\` is required in ${what}`, undefined, path);
    }
  }

  /** A non-empty, trimmed, NFC string; undefined when absent and not required. */
  text(obj: Raw, key: string, path: Path, required = true): string | undefined {
    const value = obj[key];
    const at = [...path, key];
    if (value === undefined || value === null) {
      return required ? this.report(`\`${key}\` must be a non-empty text`, value, at) : undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      return this.report(`\`${key}\` must be a non-empty text`, value, at);
    }
    if (value !== value.trim()) {
      return this.report(`\`${key}\` must not start or end with spaces`, value, at);
    }
    if (value !== value.normalize('NFC')) {
      return this.report(`\`${key}\` must be Unicode NFC (composed diacritics)`, value, at);
    }
    return value;
  }

  oneOf<T extends string>(
    obj: Raw,
    key: string,
    path: Path,
    values: readonly T[],
    required = true,
  ): T | undefined {
    const value = obj[key];
    if ((value === undefined || value === null) && !required) return undefined;
    if (typeof value === 'string' && (values as readonly string[]).includes(value))
      return value as T;
    return this.report(`\`${key}\` must be one of ${list(values)}`, value, [...path, key]);
  }

  bool(obj: Raw, key: string, path: Path, fallback?: boolean): boolean | undefined {
    const value = obj[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'boolean') return value;
    return this.report(`\`${key}\` must be true or false`, value, [...path, key]);
  }

  number(obj: Raw, key: string, path: Path): number | undefined {
    const value = obj[key];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return this.report(`\`${key}\` must be a number`, value, [...path, key]);
  }

  year(obj: Raw, key: string, path: Path): number | undefined {
    const value = obj[key];
    if (typeof value === 'number' && isYearInRange(value)) return value;
    return this.report(`\`${key}\` must be a year between ${FIRST_YEAR} and ${LAST_YEAR}`, value, [
      ...path,
      key,
    ]);
  }

  date(obj: Raw, key: string, path: Path): string | undefined {
    const value = obj[key];
    if (typeof value === 'string' && isIsoDate(value)) return value;
    return this.report(`\`${key}\` must be a date written YYYY-MM-DD`, value, [...path, key]);
  }
}

/**
 * Parses `dir/file`; on a missing file or a YAML syntax error, records findings and returns null.
 */
export async function parseYamlFile(
  dir: string,
  file: string,
  findings: CatalogFinding[],
): Promise<{ yaml: YamlFile; value: unknown } | null> {
  let text: string;
  try {
    text = await readFile(join(dir, file), 'utf8');
  } catch {
    findings.push({
      rule: 'the catalog must contain this file',
      value: 'nothing',
      file,
      line: null,
      context: null,
    });
    return null;
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      findings.push({
        rule: `the file must be valid YAML (${error.code})`,
        value: show(error.message.split('\n')[0]),
        file,
        line: error.linePos?.[0].line ?? null,
        context: null,
      });
    }
    return null;
  }
  return { yaml: new YamlFile(file, doc, counter), value: doc.toJS() };
}
