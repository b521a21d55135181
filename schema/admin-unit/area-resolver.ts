import type { AreaInput } from '../common/area.input.ts';
import { AdminLevel, Boundaries } from '../common/enums.ts';
import { badInput, notFound } from '../common/errors.ts';
import type { ApiContext } from '../context.ts';
import { toAdminUnit } from './admin-unit.mapper.ts';
import type { AdminUnit } from './admin-unit.type.ts';

/** 31 December of a reporting year: figures are stocks at the end of the year. */
export const referenceDate = (year: number) => `${year}-12-31`;

const CODE = /^(VN|[0-9]{1,2})$/;

/**
 * Resolves an area argument to the unit version valid on its date: `VN`, or a province code
 * (`6` and `06` alike). An unknown code, or one not valid on that date, is `NOT_FOUND` naming
 * what the code meant when it was valid.
 */
export async function resolveArea(
  ctx: ApiContext,
  area: AreaInput,
  fallbackDate: string,
): Promise<AdminUnit> {
  const code = area.code.trim().toUpperCase();
  if (!CODE.test(code))
    throw badInput(
      `area code must be 'VN' or a one- or two-digit province code, but got '${area.code}'`,
      'area',
    );
  const normalised = code === 'VN' ? code : code.padStart(2, '0');
  const date = area.validOn ?? fallbackDate;
  const [unit] = await ctx.loaders.unitsWhere({ codes: [normalised], validOn: date });
  if (unit) return toAdminUnit(unit);
  const other = await ctx.loaders.unitsWhere({ codes: [normalised] });
  if (other.length === 0) throw notFound(`no administrative unit has code ${normalised}`);
  const described = other
    .map((u) => `${u.name_vi} (${u.valid_from} to ${u.valid_to ?? 'now'})`)
    .join('; ');
  throw notFound(`code ${normalised} names no unit on ${date}; it was ${described}`);
}

/**
 * The units a report covers: the one area given, or every unit of a level valid on the
 * reporting date (on `CURRENT` boundaries: the units valid today). Defaults to the nation.
 */
export async function resolveAreas(
  ctx: ApiContext,
  args: { area?: AreaInput | null; level?: AdminLevel | null; boundaries: Boundaries },
  year: number,
): Promise<AdminUnit[]> {
  if (args.area && args.level) throw badInput('give either `area` or `level`, not both', 'level');
  const date = args.boundaries === Boundaries.CURRENT ? ctx.today : referenceDate(year);
  if (args.level) {
    return (await ctx.loaders.unitsWhere({ level: args.level, validOn: date })).map(toAdminUnit);
  }
  const unit = await resolveArea(ctx, args.area ?? { code: 'VN' }, date);
  if (args.boundaries === Boundaries.CURRENT && unit.validTo !== null) {
    throw badInput(
      `on CURRENT boundaries the area must be a unit valid today, but ${unit.nameVi} ended on ${unit.validTo}; use AS_REPORTED or its successor`,
      'area',
    );
  }
  return [unit];
}

export { AdminLevel };
