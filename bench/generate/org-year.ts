import type { Rating } from '../../warehouse/domain/vocabulary.ts';
import { hashInts, normalCdf, Rng } from './rng.ts';
import {
  at,
  EMPLOYEES,
  HIGH_TECH_NON_AGRICULTURE_FACTOR,
  LAW_2023_FROM_YEAR,
  MANAGERS_TRAINED,
  MEMBER_SPLIT_FROM_YEAR,
  MEMBERS,
  RATING_SCORE,
  REVENUE,
  REVENUE_GROWTH,
} from './shape.ts';
import { notAssessed, type Org, type YearContext } from './simulate.ts';

/**
 * The figures of one organisation in one year, as true values (before any cell is blanked). They
 * come from the organisation's latent traits and a random stream keyed by (seed, organisation,
 * year), so the register and the aggregates compute the same figures independently.
 */
export interface OrgYear {
  readonly members: number;
  /** Null before the 2023 law's split (2024). */
  readonly officialMembers: number | null;
  readonly capitalAssociates: number | null;
  /** Null also when the organisation does not register non-contributing associates (optional). */
  readonly otherAssociates: number | null;
  readonly employees: number;
  readonly employeesMembers: number;
  /** Null for people's credit funds (outside both rating circulars). */
  readonly rating: Rating | null;
  readonly effective: boolean;
  readonly inValueChain: boolean;
  readonly linkedEnterprise: boolean;
  readonly highTech: boolean;
  readonly digital: boolean;
  readonly newModel: boolean;
  readonly managersTrained: number;
  readonly managersTotal: number;
  readonly revenue: number;
  /** Share of revenue from members (for the aggregates' average). */
  readonly revenueFromMembers: number;
  readonly profit: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The figures of a registered (not leaving) organisation in the context's year. */
export function orgYear(org: Org, ctx: YearContext): OrgYear {
  const { year } = ctx;
  const rng = new Rng(hashInts(ctx.seedHash, org.num, year));
  const type = org.type;
  const suspended = org.status === 'SUSPENDED';
  const min = (year >= LAW_2023_FROM_YEAR ? MEMBERS.minFrom2024 : MEMBERS.minBefore2024)[type];
  const sigma = MEMBERS.sigma[type];

  // Members.
  let members: number;
  if (type === 'LHHTX') {
    const mean = ctx.memberScale.LHHTX;
    const raw = min + (mean - min) * Math.exp(sigma * org.z - (sigma * sigma) / 2);
    members = Math.min(
      MEMBERS.lhhtxMax,
      Math.max(min, Math.round(raw * (0.9 + 0.2 * rng.float()))),
    );
  } else {
    const raw = ctx.memberScale[type] * Math.exp(sigma * org.z) * (0.95 + 0.1 * rng.float());
    members = Math.max(min, Math.round(raw));
  }
  let officialMembers: number | null = null;
  let capitalAssociates: number | null = null;
  let otherAssociates: number | null = null;
  const u1 = rng.float();
  const u2 = rng.float();
  if (year >= MEMBER_SPLIT_FROM_YEAR) {
    if (type === 'LHHTX') {
      officialMembers = members;
      capitalAssociates = 0;
      otherAssociates = 0;
    } else {
      const room = Math.max(0, members - min);
      capitalAssociates =
        org.uCapital < MEMBERS.hasCapitalAssociates
          ? Math.min(room, Math.round(members * MEMBERS.capitalAssociateShare * (0.5 + 2 * u1)))
          : 0;
      otherAssociates =
        org.uOther < MEMBERS.otherAssociatesUnregistered
          ? null
          : Math.min(room - capitalAssociates, Math.round(members * 0.08 * u2));
      officialMembers = members - capitalAssociates - (otherAssociates ?? 0);
    }
  }

  // Workers.
  const emp = EMPLOYEES[type];
  const employees = Math.max(
    0,
    Math.round(
      emp.median *
        Math.exp(emp.sigma * org.zEmployees) *
        (0.9 + 0.2 * rng.float()) *
        (suspended ? 0.3 : 1),
    ),
  );
  const employeesMembers = Math.round(employees * (0.4 + 0.5 * rng.float()));

  // Rating: a score of quality and this year's noise against the year's cut points.
  const score = RATING_SCORE.quality * org.q + RATING_SCORE.noise * rng.normal();
  let rating: Rating | null;
  if (type === 'QTDND') rating = null;
  else if (org.foundedYear >= year || suspended || notAssessed(org)) rating = 'NOT_RATED';
  else {
    const cuts = ctx.ratingCuts[type];
    rating =
      score > cuts.good
        ? 'GOOD'
        : score > cuts.fair
          ? 'FAIR'
          : score > cuts.average
            ? 'AVERAGE'
            : 'WEAK';
  }
  const uEffective = rng.float();
  const effective =
    type === 'QTDND'
      ? uEffective < 0.95
      : rating === 'GOOD' || rating === 'FAIR'
        ? true
        : rating === 'AVERAGE'
          ? uEffective < 0.25
          : rating === 'NOT_RATED'
            ? !suspended && org.q > 0.3
            : false;

  // Flags: persistent uniforms under a rate that rises over the years, more likely with quality.
  const lift = (0.4 + 1.2 * normalCdf(org.q)) * (suspended ? 0.3 : 1);
  const rate = ctx.flagRate[type];
  const agri = org.sector === 'AGRICULTURE';
  const inValueChain = org.u('in_value_chain') < rate.in_value_chain * lift;
  const linkedEnterprise =
    org.u('linked_enterprise') < rate.linked_enterprise * lift * (agri ? 1.1 : 0.8);
  const highTech =
    org.u('high_tech') < rate.high_tech * lift * (agri ? 1 : HIGH_TECH_NON_AGRICULTURE_FACTOR);
  const digital = org.u('digital') < rate.digital * lift;
  const newModel = org.u('new_model') < rate.new_model * lift;

  // Managers.
  const p = at(MANAGERS_TRAINED, year);
  let managersTrained = 0;
  for (let i = 0; i < org.managers; i++) if (rng.float() < p) managersTrained++;

  // Money (VND million).
  const rev = REVENUE[type];
  const revenue = round1(
    rev.median *
      Math.exp(rev.sigma * (0.5 * org.z + 0.3 * org.q + org.zRevenue)) *
      REVENUE_GROWTH ** (year - 2015) *
      (0.85 + 0.3 * rng.float()) *
      (suspended ? 0.1 : 1),
  );
  const profit = round1(revenue * (rev.margin + rev.marginSd * rng.normal()));
  const revenueFromMembers = 0.25 + 0.35 * rng.float();

  return {
    members,
    officialMembers,
    capitalAssociates,
    otherAssociates,
    employees,
    employeesMembers,
    rating,
    effective,
    inValueChain,
    linkedEnterprise,
    highTech,
    digital,
    newModel,
    managersTrained,
    managersTotal: org.managers,
    revenue,
    revenueFromMembers,
    profit,
  };
}
