import { readFileSync } from 'node:fs';

/**
 * Provinces for the generator: the 63 units valid until 30 June 2025 and the 34 after, from
 * `warehouse/reference/admin-units-2025.csv`, with a size weight per old province.
 */

/** A province valid until 2025-06-30, with the unit it became. */
export interface OldProvince {
  /** Position in {@link ProvinceTable.old} (code order). */
  readonly index: number;
  readonly oldCode: string;
  readonly oldName: string;
  readonly newCode: string;
  readonly newName: string;
  readonly oldCodeNum: number;
  readonly newCodeNum: number;
  /** Name without "Tỉnh" / "Thành phố", for organisation names. */
  readonly shortName: string;
  /** Approximate population in thousands (2019 census, rounded); a size weight only. */
  readonly populationK: number;
  /** Relative propensity to host cooperatives: below 1 for the large urban economies. */
  readonly coopFactor: number;
  /** True for the urban economies where agriculture is a smaller share of cooperatives. */
  readonly urban: boolean;
}

/** All provinces, old and new. */
export interface ProvinceTable {
  readonly old: readonly OldProvince[];
  /** The 34 units from 2025-07-01, code order. */
  readonly current: readonly { readonly code: string; readonly name: string }[];
}

/** Approximate 2019-census populations (thousands) by old code; weights, not statistics. */
const POPULATION_K: Readonly<Record<string, number>> = {
  '01': 8053,
  '02': 854,
  '04': 530,
  '06': 314,
  '08': 785,
  '10': 731,
  '11': 599,
  '12': 460,
  '14': 1248,
  '15': 822,
  '17': 854,
  '19': 1287,
  '20': 782,
  '22': 1320,
  '24': 1804,
  '25': 1464,
  '26': 1152,
  '27': 1369,
  '30': 1893,
  '31': 2029,
  '33': 1252,
  '34': 1861,
  '35': 853,
  '36': 1781,
  '37': 983,
  '38': 3641,
  '40': 3327,
  '42': 1289,
  '44': 896,
  '45': 633,
  '46': 1129,
  '48': 1135,
  '49': 1496,
  '51': 1232,
  '52': 1487,
  '54': 873,
  '56': 1232,
  '58': 591,
  '60': 1231,
  '62': 541,
  '64': 1514,
  '66': 1870,
  '67': 622,
  '68': 1297,
  '70': 995,
  '72': 1170,
  '74': 2456,
  '75': 3097,
  '77': 1149,
  '79': 8993,
  '80': 1689,
  '82': 1765,
  '83': 1289,
  '84': 1009,
  '86': 1023,
  '87': 1600,
  '89': 1908,
  '91': 1724,
  '92': 1236,
  '93': 734,
  '94': 1200,
  '95': 908,
  '96': 1194,
};

/** Cooperatives per head relative to the country: the large urban economies have fewer. */
const COOP_FACTOR: Readonly<Record<string, number>> = {
  '01': 0.75,
  '79': 0.25,
  '74': 0.4,
  '48': 0.4,
  '77': 0.6,
  '75': 0.7,
  '31': 0.7,
  '92': 0.8,
  '38': 1.2,
  '40': 1.2,
};

const URBAN = new Set(['79', '48', '74', '31', '77']);

const ADMIN_UNITS_URL = new URL('../../warehouse/reference/admin-units-2025.csv', import.meta.url);

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

let cached: ProvinceTable | undefined;

/** Reads the admin-unit reference once and returns the old and current provinces. */
export function loadProvinces(): ProvinceTable {
  if (cached) return cached;
  const lines = readFileSync(ADMIN_UNITS_URL, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  const header = parseCsvLine(lines[0]!);
  const col = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`admin-units-2025.csv has no column ${name}`);
    return i;
  };
  const [oc, on, nc, nn] = [col('old_code'), col('old_name'), col('new_code'), col('new_name')];
  const rows = lines
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map(parseCsvLine)
    .sort((x, y) => x[oc]!.localeCompare(y[oc]!));
  const old = rows.map((r, index): OldProvince => {
    const oldCode = r[oc]!.padStart(2, '0');
    const populationK = POPULATION_K[oldCode];
    if (populationK === undefined) throw new Error(`no population weight for province ${oldCode}`);
    const newCode = r[nc]!.padStart(2, '0');
    return {
      index,
      oldCode,
      oldName: r[on]!,
      newCode,
      oldCodeNum: Number(oldCode),
      newCodeNum: Number(newCode),
      newName: r[nn]!,
      shortName: r[on]!.replace(/^(Tỉnh|Thành phố)\s+/u, ''),
      populationK,
      coopFactor: COOP_FACTOR[oldCode] ?? 1,
      urban: URBAN.has(oldCode),
    };
  });
  const current = new Map<string, string>();
  for (const p of old) current.set(p.newCode, p.newName);
  cached = {
    old,
    current: [...current.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, name]) => ({ code, name })),
  };
  return cached;
}

/** True when figures for `year` (as of 31 December) use the 34 units of 2025-07-01. */
export function usesCurrentUnits(year: number): boolean {
  return year >= 2025;
}

/** The code and name a file for `year` gives an organisation located in old province `p`. */
export function provinceFor(p: OldProvince, year: number): { code: string; name: string } {
  return usesCurrentUnits(year)
    ? { code: p.newCode, name: p.newName }
    : { code: p.oldCode, name: p.oldName };
}
