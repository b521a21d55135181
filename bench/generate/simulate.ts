import {
  ORG_TYPES,
  SECTORS,
  type LegalStatus,
  type OrgType,
  type Sector,
} from '../../warehouse/domain/vocabulary.ts';
import { NATIONAL_SERIES, seriesValue, type SeriesCode } from './national-series.ts';
import { composeStem, fullName, TaxCodeIssuer } from './names.ts';
import { loadProvinces, usesCurrentUnits, type OldProvince } from './provinces.ts';
import { cumulativeOf, hashInts, hashString, normalQuantile, Rng } from './rng.ts';
import {
  at,
  EXIT_RATE,
  EXIT_STATUS_MIX,
  FLAG_RATE,
  FLAG_TYPE_FACTOR,
  type FlagName,
  MANAGERS,
  MEMBERS,
  NOT_ASSESSED,
  PROVINCE_JITTER_SIGMA,
  QTDND_DIGITAL,
  RATING_GOOD_FAIR,
  RATING_GOOD_OF_GOOD_FAIR,
  RATING_SCORE,
  RATING_WEAK,
  RESUME_RATE,
  SECTOR_MIX,
  SUSPEND_RATE,
  THT_CONVERSION_SHARE,
  THT_GOOD_FAIR_OFFSET,
  THT_PROVINCE_JITTER_SIGMA,
  URBAN_AGRICULTURE_FACTOR,
} from './shape.ts';

/**
 * The population simulation behind both file families: organisations are founded, persist from
 * year to year, are suspended and resume, dissolve, and THT convert to HTX keeping their code. Each
 * year's stock (registered organisations at 31 December) is held exactly to the national series
 * times `scale`; only the current year's population is kept in memory.
 */

/** First year the generator emits. */
export const FIRST_YEAR = 2015;
/** Last year the generator emits (the 2030 targets). */
export const LAST_YEAR = 2030;
/** Creation numbers fit 22 bits (4 million organisations), province codes the 10 above. */
const NUM_MASK = (1 << 22) - 1;
/** The simulation starts from the stock at the end of this year, which is never emitted. */
const BASE_YEAR = FIRST_YEAR - 1;

/** Latent traits, stored per organisation in one growable Float64Array (no per-field heap numbers). */
const TRAIT = {
  q: 0,
  z: 1,
  zEmployees: 2,
  zRevenue: 3,
  uAssessed: 4,
  uCapital: 5,
  uOther: 6,
  in_value_chain: 7,
  linked_enterprise: 8,
  high_tech: 9,
  digital: 10,
  new_model: 11,
} as const;
const TRAITS = 12;

class TraitTable {
  data = new Float64Array(TRAITS * 1024);

  /** Makes room for organisation `num` and returns the offset of its first trait. */
  slot(num: number): number {
    const offset = num * TRAITS;
    if (offset + TRAITS > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return offset;
  }
}

/**
 * One simulated organisation. Mutable: the simulation advances it in place from year to year.
 * Its latent traits live in the simulation's trait table.
 */
export class Org {
  /** Year the organisation leaves the register in, with how (set only in that year). */
  exitStatus: LegalStatus | null = null;
  status: 'OPERATING' | 'SUSPENDED' = 'OPERATING';
  /** Scratch stamp of the simulation step that last picked this organisation. */
  mark = 0;

  constructor(
    private readonly traits: TraitTable,
    /** Creation order, stable for a seed; feeds the per-organisation-year random streams. */
    readonly num: number,
    /** 10-digit registration (tax) code, kept for life, also when a THT becomes an HTX. */
    readonly id: string,
    public type: OrgType,
    readonly sector: Sector,
    readonly province: OldProvince,
    /** Year of founding, or of registration as an HTX for a converted THT. */
    public foundedYear: number,
    /** Name without its type word, kept across a conversion. */
    readonly stem: string,
    public name: string,
    readonly managers: number,
  ) {}

  private trait(k: number): number {
    return this.traits.data[this.num * TRAITS + k]!;
  }

  /** Latent quality (standard normal): ratings, flags and survival follow it. */
  get q(): number {
    return this.trait(TRAIT.q);
  }
  /** Latent size (standard normal, capped): members, workers and revenue follow it. */
  get z(): number {
    return this.trait(TRAIT.z);
  }
  get zEmployees(): number {
    return this.trait(TRAIT.zEmployees);
  }
  get zRevenue(): number {
    return this.trait(TRAIT.zRevenue);
  }
  get uAssessed(): number {
    return this.trait(TRAIT.uAssessed);
  }
  get uCapital(): number {
    return this.trait(TRAIT.uCapital);
  }
  get uOther(): number {
    return this.trait(TRAIT.uOther);
  }
  /** Persistent uniform compared with a flag's rising rate, so a flag stays set once set. */
  u(flag: FlagName): number {
    return this.trait(TRAIT[flag]);
  }
}

/** Cut points on the rating score (standard normal) for one type and year. */
export interface RatingCuts {
  readonly good: number;
  readonly fair: number;
  readonly average: number;
}

/** Everything the annual figures of one organisation depend on besides the organisation. */
export interface YearContext {
  readonly year: number;
  readonly seedHash: number;
  /** HTX/THT: multiplier on exp(σ·z); LHHTX: mean member cooperatives; QTDND: median members. */
  readonly memberScale: Readonly<Record<OrgType, number>>;
  readonly ratingCuts: Readonly<Record<OrgType, RatingCuts>>;
  /** Flag rates before the quality multiplier (high tech: for agriculture). */
  readonly flagRate: Readonly<Record<OrgType, Readonly<Record<FlagName, number>>>>;
}

/** The population of one year: what the register and the aggregates of that year are made from. */
export interface YearSnapshot extends YearContext {
  /**
   * Registered organisations at 31 December and those that left during the year (with
   * `exitStatus`), sorted by the year's province code, then by registration (creation) order. Valid until the simulation is
   * advanced to the next year.
   */
  readonly orgs: readonly Org[];
  /** Old provinces in the run (all 63 unless `provinces` limits it). */
  readonly provinces: readonly OldProvince[];
}

/** What a simulation depends on. */
export interface SimulationOptions {
  readonly seed: number;
  /** Multiplies every national count (0.01 for smoke runs). */
  readonly scale: number;
  /** Keep only the first N of the 34 current provinces (code order) and the old ones merged into them. */
  readonly provinces?: number;
  /** Simulate up to and including this year. */
  readonly lastYear: number;
  /** Years to yield a snapshot for (default all); the others are simulated but not tabulated. */
  readonly emit?: (year: number) => boolean;
}

const COUNT_SERIES: Readonly<Record<OrgType, SeriesCode>> = {
  THT: 'tht_count',
  HTX: 'htx_count',
  LHHTX: 'lhhtx_count',
  QTDND: 'qtdnd_count',
};

const FOUNDED_BEFORE: Readonly<Record<OrgType, readonly (readonly [number, number, number])[]>> = {
  // [share, first year, last year] of founding years of the stock that exists at the start.
  HTX: [
    [0.25, 1996, 2000],
    [0.75, 2001, BASE_YEAR],
  ],
  THT: [[1, 2003, BASE_YEAR]],
  LHHTX: [[1, 1998, BASE_YEAR]],
  QTDND: [
    [0.7, 1993, 2000],
    [0.3, 2001, BASE_YEAR],
  ],
};

const FLAGS: readonly FlagName[] = [
  'in_value_chain',
  'linked_enterprise',
  'high_tech',
  'digital',
  'new_model',
];

/**
 * Cut points on the rating score `a·q + b·ε` for one type and year, centred on the quality of the
 * organisations actually graded (survivors are better than average), so the shares follow the curves.
 */
function ratingCuts(year: number, type: OrgType, graded: readonly Org[]): RatingCuts {
  const offset = type === 'THT' ? THT_GOOD_FAIR_OFFSET : 0;
  const goodFair = Math.min(0.95, Math.max(0.05, at(RATING_GOOD_FAIR, year) + offset));
  const good = goodFair * at(RATING_GOOD_OF_GOOD_FAIR, year);
  const weak = Math.min(at(RATING_WEAK, year) - offset / 2, 1 - goodFair - 0.01);
  let mean = 0;
  let variance = 1;
  if (graded.length > 1) {
    mean = graded.reduce((s, o) => s + o.q, 0) / graded.length;
    variance = graded.reduce((s, o) => s + (o.q - mean) ** 2, 0) / (graded.length - 1);
  }
  const a = RATING_SCORE.quality;
  const b = RATING_SCORE.noise;
  const centre = a * mean;
  const sd = Math.sqrt(a * a * variance + b * b);
  return {
    good: centre + sd * normalQuantile(1 - good),
    fair: centre + sd * normalQuantile(1 - goodFair),
    average: centre + sd * normalQuantile(weak),
  };
}

function flagRates(year: number, type: OrgType): Record<FlagName, number> {
  const out = {} as Record<FlagName, number>;
  for (const flag of FLAGS) out[flag] = at(FLAG_RATE[flag], year) * FLAG_TYPE_FACTOR[type][flag];
  if (type === 'QTDND') out.digital = at(QTDND_DIGITAL, year);
  return out;
}

/** Runs the simulation, yielding one snapshot per emitted year from {@link FIRST_YEAR} to `lastYear`. */
export function* simulate(opts: SimulationOptions): Generator<YearSnapshot> {
  if (!(opts.scale > 0) || !Number.isFinite(opts.scale))
    throw new RangeError(`scale must be > 0, got ${opts.scale}`);
  if (opts.lastYear < FIRST_YEAR || opts.lastYear > LAST_YEAR) {
    throw new RangeError(`years must lie in ${FIRST_YEAR}–${LAST_YEAR}, got ${opts.lastYear}`);
  }
  const seedHash = hashInts(hashString('coopstat-bench'), opts.seed);
  const stream = (name: string): Rng => new Rng(hashInts(seedHash, hashString(name)));
  const rng = stream('simulation');
  const table = loadProvinces();

  // Province weights: population × cooperative factor × log-normal jitter (THT jitter more).
  const geo = stream('provinces');
  const base = table.old.map(
    (p) => p.populationK * p.coopFactor * Math.exp(PROVINCE_JITTER_SIGMA * geo.normal()),
  );
  const thtBase = base.map((w) => w * Math.exp(THT_PROVINCE_JITTER_SIGMA * geo.normal()));
  const wanted = opts.provinces ?? table.current.length;
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > table.current.length) {
    throw new RangeError(
      `provinces must be an integer in 1–${table.current.length}, got ${opts.provinces}`,
    );
  }
  const keptCodes = new Set(table.current.slice(0, wanted).map((u) => u.code));
  const kept = table.old.filter((p) => keptCodes.has(p.newCode));

  const weightsOf = (type: OrgType): readonly number[] => (type === 'THT' ? thtBase : base);
  const share = {} as Record<OrgType, number>;
  const provinceCum = {} as Record<OrgType, Float64Array>;
  for (const type of ORG_TYPES) {
    const w = weightsOf(type);
    const total = w.reduce((s, x) => s + x, 0);
    const keptWeights = kept.map((p) => w[p.index]!);
    share[type] = keptWeights.reduce((s, x) => s + x, 0) / total;
    provinceCum[type] = cumulativeOf(keptWeights);
  }
  // Sector tables per type, rural and urban.
  const sectorCum = {} as Record<OrgType, [Float64Array, Float64Array]>;
  for (const type of ORG_TYPES) {
    const rural = SECTORS.map((s) => SECTOR_MIX[type][s] ?? 0);
    const urban = SECTORS.map(
      (s, i) => rural[i]! * (s === 'AGRICULTURE' ? URBAN_AGRICULTURE_FACTOR : 1),
    );
    sectorCum[type] = [cumulativeOf(rural), cumulativeOf(urban)];
  }

  const target = (type: OrgType, year: number): number =>
    Math.round(seriesValue(COUNT_SERIES[type], year) * opts.scale * share[type]);

  const issuer = new TaxCodeIssuer(seedHash);
  const traits = new TraitTable();
  let nextNum = 0;
  const create = (type: OrgType, foundedYear: number): Org => {
    const province = kept[rng.pickCumulative(provinceCum[type])]!;
    const sector = SECTORS[rng.pickCumulative(sectorCum[type][province.urban ? 1 : 0])]!;
    const prefix = foundedYear >= 2025 ? province.newCode : province.oldCode;
    const stem = composeStem(rng, type, sector, province.oldCode, province.shortName);
    const id = issuer.issue(prefix);
    const num = nextNum++;
    const t = traits.slot(num);
    const d = traits.data;
    d[t + TRAIT.z] = Math.max(-MEMBERS.zCap, Math.min(MEMBERS.zCap, rng.normal()));
    for (const flag of FLAGS) d[t + TRAIT[flag]] = rng.float();
    d[t + TRAIT.q] = rng.normal();
    d[t + TRAIT.zEmployees] = 0.6 * d[t + TRAIT.z]! + 0.8 * rng.normal();
    d[t + TRAIT.zRevenue] = 0.8 * rng.normal();
    d[t + TRAIT.uAssessed] = rng.float();
    d[t + TRAIT.uCapital] = rng.float();
    d[t + TRAIT.uOther] = rng.float();
    const managers = MANAGERS[type].min + rng.int(MANAGERS[type].spread);
    return new Org(
      traits,
      num,
      id,
      type,
      sector,
      province,
      foundedYear,
      stem,
      fullName(type, stem),
      managers,
    );
  };

  // The stock at the end of the base year.
  const stock = {} as Record<OrgType, Org[]>;
  for (const type of ORG_TYPES) {
    const n = target(type, BASE_YEAR);
    const list: Org[] = [];
    for (let i = 0; i < n; i++) {
      let r = rng.float();
      let founded = BASE_YEAR;
      for (const [p, from, to] of FOUNDED_BEFORE[type]) {
        if (r < p) {
          founded = from + rng.int(to - from + 1);
          break;
        }
        r -= p;
      }
      const org = create(type, founded);
      if (rng.chance(0.06)) org.status = 'SUSPENDED';
      list.push(org);
    }
    stock[type] = list;
  }

  const pickExitStatus = (type: OrgType): LegalStatus => {
    let r = rng.float();
    const mix = Object.entries(EXIT_STATUS_MIX[type]) as [LegalStatus, number][];
    for (const [status, p] of mix) {
      if (r < p) return status;
      r -= p;
    }
    return mix[mix.length - 1]![0];
  };

  /**
   * Picks `count` distinct members of `list` by rejection with acceptance `accept(org)` in (0, 1],
   * stamping each with `stamp` (unique per year and purpose) so the caller can filter them out.
   */
  const choose = (
    list: readonly Org[],
    count: number,
    stamp: number,
    accept: (o: Org) => number,
  ): Org[] => {
    const chosen: Org[] = [];
    const n = Math.min(count, list.length);
    while (chosen.length < n) {
      const org = list[rng.int(list.length)]!;
      if (org.mark !== stamp && rng.float() < accept(org)) {
        org.mark = stamp;
        chosen.push(org);
      }
    }
    return chosen;
  };

  for (let year = FIRST_YEAR; year <= opts.lastYear; year++) {
    const exits: Org[] = [];
    // 1. Suspensions and resumptions.
    for (const type of ORG_TYPES) {
      for (const org of stock[type]) {
        if (org.status === 'SUSPENDED') {
          if (rng.chance(RESUME_RATE)) org.status = 'OPERATING';
        } else if (rng.chance(SUSPEND_RATE[type])) org.status = 'SUSPENDED';
      }
    }
    // 2. How many leave, convert and are founded, so the stock meets the target exactly.
    const exitCount = {} as Record<OrgType, number>;
    const newCount = {} as Record<OrgType, number>;
    for (const type of ORG_TYPES) {
      const n = stock[type].length;
      exitCount[type] = Math.min(n, Math.round(at(EXIT_RATE[type], year) * n));
      newCount[type] = target(type, year) - (n - exitCount[type]);
      if (newCount[type] < 0) {
        exitCount[type] -= newCount[type];
        newCount[type] = 0;
      }
    }
    const conversions = Math.min(
      Math.round(THT_CONVERSION_SHARE * newCount.HTX),
      stock.THT.length - exitCount.THT,
    );
    newCount.THT += conversions;
    // 3. Leavers: the suspended and the weak first.
    for (const type of ORG_TYPES) {
      const stamp = year * 2;
      const leaving = choose(
        stock[type],
        exitCount[type],
        stamp,
        (o) => ((o.status === 'SUSPENDED' ? 4 : 1) * (o.q < -1 ? 2 : o.q < 0 ? 1.4 : 1)) / 8,
      );
      if (leaving.length === 0) continue;
      for (const org of leaving) {
        org.exitStatus = pickExitStatus(type);
        exits.push(org);
      }
      stock[type] = stock[type].filter((o) => o.mark !== stamp);
    }
    // 4. THT that register as HTX, keeping their code; the better ones more often.
    if (conversions > 0) {
      const stamp = year * 2 + 1;
      const converting = choose(stock.THT, conversions, stamp, (o) =>
        o.status === 'OPERATING' ? (o.q > 0.5 ? 1 : 0.2) : 0.02,
      );
      stock.THT = stock.THT.filter((o) => o.mark !== stamp);
      for (const org of converting) {
        org.type = 'HTX';
        org.foundedYear = year;
        org.name = fullName('HTX', org.stem);
        org.status = 'OPERATING';
        stock.HTX.push(org);
      }
    }
    // 5. New organisations.
    for (const type of ORG_TYPES) {
      const fresh = type === 'HTX' ? newCount.HTX - conversions : newCount[type];
      for (let i = 0; i < fresh; i++) stock[type].push(create(type, year));
    }

    if (opts.emit && !opts.emit(year)) continue;

    // 6. The year's context: member scales calibrated to the national totals, rating cuts, flags.
    const rawMembers = (type: OrgType): number =>
      stock[type].reduce((s, o) => s + Math.exp(MEMBERS.sigma[type] * o.z), 0);
    const calibrate = (type: OrgType, series: SeriesCode): number => {
      const raw = rawMembers(type);
      return raw > 0 ? (seriesValue(series, year) * opts.scale * share[type]) / raw : 1;
    };
    const memberScale: Record<OrgType, number> = {
      HTX: calibrate('HTX', 'htx_members'),
      THT: calibrate('THT', 'tht_members'),
      LHHTX: lhhtxMeanMembers(year),
      QTDND: MEMBERS.qtdndMedian,
    };
    const cuts = {} as Record<OrgType, RatingCuts>;
    const rates = {} as Record<OrgType, Record<FlagName, number>>;
    for (const type of ORG_TYPES) {
      const graded = stock[type].filter(
        (o) => o.status === 'OPERATING' && o.foundedYear < year && !notAssessed(o),
      );
      cuts[type] = ratingCuts(year, type, graded);
      rates[type] = flagRates(year, type);
    }

    // 7. Order: province code of the year, then registration code.
    const unsorted: Org[] = [];
    for (const type of ORG_TYPES) for (const org of stock[type]) unsorted.push(org);
    for (const org of exits) unsorted.push(org);
    // Order by province code, then creation order: keys fit 32 bits, so a native sort does it.
    if (nextNum > NUM_MASK) throw new RangeError('too many organisations for the sort key');
    const current = usesCurrentUnits(year);
    const keys = new Uint32Array(unsorted.length);
    const byNum = new Map<number, Org>();
    unsorted.forEach((org, i) => {
      keys[i] =
        (current ? org.province.newCodeNum : org.province.oldCodeNum) * (NUM_MASK + 1) + org.num;
      byNum.set(org.num, org);
    });
    keys.sort();
    const orgs = Array.from(keys, (key) => byNum.get(key & NUM_MASK)!);

    yield {
      year,
      seedHash,
      memberScale,
      ratingCuts: cuts,
      flagRate: rates,
      orgs,
      provinces: kept,
    };
  }
}

/** Member cooperatives per union: the published ratio where both series exist (2022 on), held before. */
function lhhtxMeanMembers(year: number): number {
  const y = Math.max(year, NATIONAL_SERIES.lhhtx_member_htx[0]!.year);
  return seriesValue('lhhtx_member_htx', y) / seriesValue('lhhtx_count', y);
}

/** Not assessed this year although older than a year (a persistent trait of some organisations). */
export function notAssessed(org: Org): boolean {
  return org.uAssessed < NOT_ASSESSED[org.type];
}
