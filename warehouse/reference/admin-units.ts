import { readFile } from 'node:fs/promises';
import { englishUnitName, foldUnitName } from '../text/fold.ts';

/** The day the 63-province configuration began (Hà Tây joined Hà Nội on 1 August 2008). */
export const OLD_PROVINCES_FROM = '2008-08-01';
/** The last day of the 63 provinces and of the district level. */
export const OLD_PROVINCES_TO = '2025-06-30';
/** The first day of the 34 provinces (Resolution 202/2025/QH15). */
export const NEW_PROVINCES_FROM = '2025-07-01';
/** The nation's unit id and code. */
export const NATION_UNIT_ID = 'VN';

/** One version of an administrative unit: a code plus a validity period. */
export interface AdminUnitSeed {
  unit_id: string;
  code: string;
  level: 'NATION' | 'PROVINCE';
  name_vi: string;
  name_en: string;
  valid_from: string;
  valid_to: string | null;
  parent_unit_id: string | null;
  change_kind: string;
}
export interface UnitAliasSeed {
  unit_id: string;
  name_vi: string;
  folded_name: string;
  valid_from: string;
  valid_to: string | null;
  alias_kind: 'OFFICIAL' | 'FORMER';
}
export interface CrosswalkSeed {
  from_unit_id: string;
  to_unit_id: string;
  effective_on: string;
  relation: string;
  source_url: string;
}

/** Unit id of a code and the first day of its validity: `91:2025-07-01`. */
export const unitId = (code: string, validFrom: string) => `${code}:${validFrom}`;

/**
 * Former official names the mapping file does not carry (it gives only the latest old name), each
 * with the day it stopped being used.
 */
const FORMER_NAMES: readonly { code: string; name_vi: string; valid_to: string }[] = [
  { code: '46', name_vi: 'Tỉnh Thừa Thiên Huế', valid_to: '2024-12-31' },
];
/** The day a renamed unit took its current name. */
const RENAMED_ON: Readonly<Record<string, string>> = { '46': '2025-01-01' };

function parseCsv(text: string): Record<string, string>[] {
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').normalize('NFC')]));
  });
}

/** One version of a province: its id is its code and first day, its parent the nation. */
function provinceVersion(
  code: string,
  nameVi: string,
  validFrom: string,
  validTo: string | null,
  changeKind: string,
): AdminUnitSeed {
  return {
    unit_id: unitId(code, validFrom),
    code,
    level: 'PROVINCE',
    name_vi: nameVi,
    name_en: englishUnitName(nameVi),
    valid_from: validFrom,
    valid_to: validTo,
    parent_unit_id: NATION_UNIT_ID,
    change_kind: changeKind,
  };
}

/**
 * Builds the unit versions, aliases and crosswalk from the 2025 mapping file: the 63 provinces
 * valid until 2025-06-30, the 34 valid from 2025-07-01, the 11 unchanged provinces as one
 * continuous unit each.
 */
export async function buildAdminUnits(csvPath: string): Promise<{
  units: AdminUnitSeed[];
  aliases: UnitAliasSeed[];
  crosswalk: CrosswalkSeed[];
}> {
  const rows = parseCsv(await readFile(csvPath, 'utf8'));
  const units: AdminUnitSeed[] = [
    {
      unit_id: NATION_UNIT_ID,
      code: NATION_UNIT_ID,
      level: 'NATION',
      name_vi: 'Việt Nam',
      name_en: 'Viet Nam',
      valid_from: '1976-07-02',
      valid_to: null,
      parent_unit_id: null,
      change_kind: 'NATION',
    },
  ];
  const aliases: UnitAliasSeed[] = [
    {
      unit_id: NATION_UNIT_ID,
      name_vi: 'Việt Nam',
      folded_name: foldUnitName('Việt Nam'),
      valid_from: '1976-07-02',
      valid_to: null,
      alias_kind: 'OFFICIAL',
    },
  ];
  const crosswalk: CrosswalkSeed[] = [];
  const newUnits = new Map<string, AdminUnitSeed>();

  const addOfficialAlias = (unit: AdminUnitSeed) => {
    const renamedOn = RENAMED_ON[unit.code];
    aliases.push({
      unit_id: unit.unit_id,
      name_vi: unit.name_vi,
      folded_name: foldUnitName(unit.name_vi),
      valid_from: renamedOn && renamedOn > unit.valid_from ? renamedOn : unit.valid_from,
      valid_to: unit.valid_to,
      alias_kind: 'OFFICIAL',
    });
    for (const former of FORMER_NAMES.filter((f) => f.code === unit.code)) {
      aliases.push({
        unit_id: unit.unit_id,
        name_vi: former.name_vi,
        folded_name: foldUnitName(former.name_vi),
        valid_from: unit.valid_from,
        valid_to: former.valid_to,
        alias_kind: 'FORMER',
      });
    }
  };

  for (const row of rows) {
    const unchanged = row.status === 'unchanged';
    const oldUnit = provinceVersion(
      row.old_code!,
      row.old_name!,
      OLD_PROVINCES_FROM,
      unchanged ? null : OLD_PROVINCES_TO,
      unchanged ? 'UNCHANGED' : row.status!.toUpperCase(),
    );
    units.push(oldUnit);
    addOfficialAlias(oldUnit);
    if (unchanged) continue;
    let newUnit = newUnits.get(row.new_code!);
    if (!newUnit) {
      newUnit = provinceVersion(
        row.new_code!,
        row.new_name!,
        NEW_PROVINCES_FROM,
        null,
        'CREATED_BY_MERGER',
      );
      newUnits.set(row.new_code!, newUnit);
      units.push(newUnit);
      addOfficialAlias(newUnit);
    }
    crosswalk.push({
      from_unit_id: oldUnit.unit_id,
      to_unit_id: newUnit.unit_id,
      effective_on: NEW_PROVINCES_FROM,
      relation: row.status!.toUpperCase(),
      source_url: row.source_url!,
    });
  }
  return { units, aliases, crosswalk };
}
