import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../../bench/generate/cli.ts';
import {
  generateAggregates,
  generateRegister,
  writeXlsx,
  type Row,
} from '../../bench/generate/generate.ts';
import { seriesValue } from '../../bench/generate/national-series.ts';
import { AGGREGATES_SOURCE } from '../../etl/sources/aggregates.source.ts';
import { REGISTER_SOURCE } from '../../etl/sources/register.source.ts';
import { loadProvinces } from '../../bench/generate/provinces.ts';

// A tiny run: 1% of the country, one year on the old 63 provinces and one on the new 34.
const YEARS = [2023, 2025] as const;
const SCALE = 0.01;
const OPTS = { seed: 42, years: YEARS, scale: SCALE };
const cli = (seed: number, family: string, out: string, years = '2023,2025'): Promise<unknown> =>
  runCli(
    [
      '--seed',
      String(seed),
      '--years',
      years,
      '--family',
      family,
      '--format',
      'csv',
      '--out',
      out,
      '--scale',
      String(SCALE),
    ],
    () => {},
  );

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

const registerNames = REGISTER_SOURCE.columns.map((c) => c.name);
const aggregateNames = AGGREGATES_SOURCE.columns.map((c) => c.name);
const provinces = loadProvinces();
const oldCodes = new Set(provinces.old.map((p) => p.oldCode));
const newCodes = new Set(provinces.current.map((u) => u.code));

let dir: string;
let register: Row[];
let aggregates: Row[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-gen-'));
  for (const family of ['register', 'aggregates']) {
    await cli(42, family, join(dir, 'a'));
    await cli(42, family, join(dir, 'b'));
    await cli(43, family, join(dir, 'c'));
  }
  await cli(42, 'register', join(dir, 'only-2025'), '2025');
  register = [...generateRegister(OPTS)];
  aggregates = [...generateAggregates(OPTS)];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bench data generator: determinism and headers', () => {
  it('gives byte-identical files for the same seed and options, different ones for another seed', async () => {
    for (const family of ['register', 'aggregates']) {
      for (const year of YEARS) {
        const file = `${family}-${year}.csv`;
        const a = await sha256(join(dir, 'a', file));
        expect(await sha256(join(dir, 'b', file)), file).toBe(a);
        expect(await sha256(join(dir, 'c', file)), file).not.toBe(a);
      }
    }
  });

  it('gives a year the same rows whichever other years are asked for', async () => {
    expect(await sha256(join(dir, 'only-2025', 'register-2025.csv'))).toBe(
      await sha256(join(dir, 'a', 'register-2025.csv')),
    );
  });

  it('writes the descriptor column names, in order, as the header', async () => {
    for (const [family, names] of [
      ['register', registerNames],
      ['aggregates', aggregateNames],
    ] as const) {
      const text = await readFile(join(dir, 'a', `${family}-2025.csv`), 'utf8');
      expect(text.slice(0, text.indexOf('\n')).split(',')).toEqual(names);
    }
    const keys = (rows: Row[]): string[] =>
      [...new Set(rows.flatMap((r) => Object.keys(r)))].sort();
    expect(keys(register)).toEqual([...registerNames].sort());
    expect(keys(aggregates)).toEqual([...aggregateNames].sort());
  });

  it('writes a deterministic .xlsx with the same header and rows', async () => {
    const rows = generateAggregates({ ...OPTS, years: [2025] });
    const one = join(dir, 'x1.xlsx');
    const two = join(dir, 'x2.xlsx');
    const count = await writeXlsx(rows, one, { sheet: 'aggregates 2025' });
    await writeXlsx(rows, two, { sheet: 'aggregates 2025' });
    expect(await sha256(two)).toBe(await sha256(one));
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(one);
    const sheet = book.getWorksheet('aggregates 2025')!;
    expect(sheet.rowCount).toBe(count + 1);
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(aggregateNames);
    expect(sheet.getRow(2).getCell(2).value).toMatch(/^\d{2}$/);
  });
});

describe('bench data generator: shape and validation rules', () => {
  const byYear = (rows: Row[], year: number): Row[] => rows.filter((r) => r.year === year);
  const inStock = (r: Row): boolean =>
    r.legal_status === 'OPERATING' || r.legal_status === 'SUSPENDED';

  it('uses the 63 old provinces before 2025 and the 34 new ones from 2025', () => {
    const codes = (rows: Row[]): Set<unknown> => new Set(rows.map((r) => r.province_code));
    expect(codes(byYear(aggregates, 2023))).toEqual(oldCodes);
    expect(codes(byYear(aggregates, 2025))).toEqual(newCodes);
    expect(oldCodes.size).toBe(63);
    expect(newCodes.size).toBe(34);
    for (const code of codes(byYear(register, 2023))) expect(oldCodes).toContain(code);
    for (const code of codes(byYear(register, 2025))) expect(newCodes).toContain(code);
    const names = new Map(provinces.current.map((u) => [u.code, u.name]));
    for (const r of byYear(register, 2025))
      expect(r.province_name).toBe(names.get(r.province_code as string));
  });

  it('holds the national stock to the published series times the scale', () => {
    for (const year of YEARS) {
      const stock = byYear(register, year).filter(inStock);
      const count = (type: string): number => stock.filter((r) => r.org_type === type).length;
      expect(count('HTX')).toBe(Math.round(seriesValue('htx_count', year) * SCALE));
      expect(count('THT')).toBe(Math.round(seriesValue('tht_count', year) * SCALE));
      expect(count('QTDND')).toBe(Math.round(seriesValue('qtdnd_count', year) * SCALE));
    }
  });

  it('keeps register rows valid', () => {
    for (const year of YEARS) {
      const rows = byYear(register, year);
      const ids = new Set(rows.map((r) => r.org_id));
      expect(ids.size).toBe(rows.length);
      for (const r of rows) {
        expect(r.org_id).toMatch(/^\d{10}$/);
        expect(r.org_name).toMatch(
          /^(Tổ hợp tác|Hợp tác xã|Liên hiệp Hợp tác xã|Quỹ tín dụng nhân dân) \S/u,
        );
        if (r.org_type === 'QTDND') expect(r.sector).toBe('CREDIT');
        if (!inStock(r)) {
          expect(['DISSOLVED', 'BANKRUPT', 'CEASED', 'CONVERTED']).toContain(r.legal_status);
          continue;
        }
        if (r.founded_year === year && r.rating !== null && r.org_type !== 'QTDND')
          expect(r.rating).toBe('NOT_RATED');
        if (r.org_type === 'QTDND') expect(r.rating).toBeNull();
        const split = [r.official_members, r.capital_associates, r.other_associates];
        if (year < 2024) expect(split).toEqual([null, null, null]);
        const members = r.members as number | null;
        if (members === null) continue;
        expect(members).toBeGreaterThanOrEqual(r.org_type === 'HTX' ? (year < 2024 ? 7 : 5) : 2);
        if (r.org_type === 'LHHTX') expect(members).toBeLessThanOrEqual(20);
        if (split.every((v) => v !== null)) {
          expect((split as number[]).reduce((s, v) => s + v, 0)).toBe(members);
        }
      }
    }
  });

  it('keeps codes across years, and a THT that becomes an HTX keeps its code', () => {
    const first = new Map(
      byYear(register, 2023)
        .filter(inStock)
        .map((r) => [r.org_id, r]),
    );
    const later = byYear(register, 2025).filter((r) => first.has(r.org_id));
    expect(later.length).toBeGreaterThan(first.size * 0.7);
    let converted = 0;
    for (const r of later) {
      const before = first.get(r.org_id)!;
      expect(r.sector).toBe(before.sector);
      const founded = [before.founded_year, r.founded_year];
      if (r.org_type !== before.org_type) {
        converted++;
        expect([before.org_type, r.org_type]).toEqual(['THT', 'HTX']);
        if (r.founded_year !== null) expect(r.founded_year).toBeGreaterThan(2023);
        expect(r.org_name).toBe(String(before.org_name).replace(/^Tổ hợp tác/u, 'Hợp tác xã'));
      } else if (!founded.includes(null)) expect(r.founded_year).toBe(before.founded_year);
    }
    expect(converted).toBeGreaterThan(0);
  });

  it('leaves a few cells empty (missing, not zero)', () => {
    const stock = byYear(register, 2025).filter(inStock);
    const share = stock.filter((r) => r.employees === null).length / stock.length;
    expect(share).toBeGreaterThan(0.01);
    expect(share).toBeLessThan(0.06);
  });

  it('keeps aggregate rows within the validation rules', () => {
    const n = (v: unknown): number | null => (v === null || v === undefined ? null : (v as number));
    const le = (a: unknown, b: unknown): void => {
      if (n(a) !== null && n(b) !== null) expect(n(a)).toBeLessThanOrEqual(n(b)!);
    };
    for (const r of aggregates) {
      for (const c of AGGREGATES_SOURCE.columns) {
        if (c.type === 'count' && r[c.name] !== null)
          expect(r[c.name] as number).toBeGreaterThanOrEqual(0);
      }
      expect(r.org_count).not.toBeNull();
      const rated = ['rated_good', 'rated_fair', 'rated_average', 'rated_weak', 'rated_none']
        .map((k) => n(r[k]) ?? 0)
        .reduce((s, v) => s + v, 0);
      expect(rated).toBeLessThanOrEqual(r.org_count as number);
      for (const k of [
        'active_count',
        'inactive_count',
        'new_count',
        'effective_count',
        'in_value_chain',
        'linked_enterprise',
        'high_tech',
        'digital',
        'new_model',
      ]) {
        le(r[k], r.org_count);
      }
      le(r.good_fair_in_value_chain, r.in_value_chain);
      if (n(r.rated_good) !== null && n(r.rated_fair) !== null) {
        le(r.good_fair_in_value_chain, n(r.rated_good)! + n(r.rated_fair)!);
      }
      le(r.effective_in_value_chain, r.in_value_chain);
      le(r.effective_in_value_chain, r.effective_count);
      if ((r.year as number) < 2024) {
        expect([r.official_members, r.capital_associates, r.other_associates]).toEqual([
          null,
          null,
          null,
        ]);
      }
      if (r.org_type === 'QTDND') expect(r.sector).toBe('CREDIT');
      expect(r.universe).toBe('REGISTERED');
    }
    // Some provinces give only the all-sector total.
    expect(
      aggregates.some(
        (r) => r.org_type === 'HTX' && r.sector === null && (r.org_count as number) > 0,
      ),
    ).toBe(true);
    expect(aggregates.some((r) => r.org_type === 'HTX' && r.sector === 'AGRICULTURE')).toBe(true);
  });

  it('agrees with the register: organisations per province × type and year', () => {
    const tally = new Map<string, number>();
    const add = (key: string, v: number): void => void tally.set(key, (tally.get(key) ?? 0) + v);
    for (const r of register) if (inStock(r)) add(`${r.year}|${r.province_code}|${r.org_type}`, 1);
    for (const r of aggregates)
      add(`${r.year}|${r.province_code}|${r.org_type}`, -(r.org_count as number));
    for (const [key, diff] of tally) expect(diff, key).toBe(0);
  });
});

describe('bench data generator: CLI', () => {
  it('refuses an unknown family and years outside 2015–2030', async () => {
    await expect(cli(42, 'people', join(dir, 'bad'))).rejects.toThrow(/--family/);
    await expect(cli(42, 'register', join(dir, 'bad'), '2014')).rejects.toThrow(/2015/);
  });
});
