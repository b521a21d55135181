import { readFile } from 'node:fs/promises';

/** First day the 63-province codes are used here (Hà Tây joined Hà Nội on 2008-08-01). */
export const OLD_CODES_FROM = '2008-08-01';
/** Last day of the 63 provinces; the 34 new units start the next day. */
export const OLD_CODES_UNTIL = '2025-06-30';
/** First day of the 34 provinces. */
export const NEW_CODES_FROM = '2025-07-01';

/** Code of the nation, valid on every date. */
export const NATION_CODE = 'VN';
const NATION_NAME = 'Việt Nam';

/** The reference admin-unit mapping, in the shape needed to answer "which unit is code X on day D". */
export interface AdminUnitValidity {
  /** Old code → old name (valid OLD_CODES_FROM..OLD_CODES_UNTIL). */
  readonly oldNames: ReadonlyMap<string, string>;
  /** New code → new name (valid from NEW_CODES_FROM). */
  readonly newNames: ReadonlyMap<string, string>;
  /** Codes whose unit did not change in 2025: valid on every date. */
  readonly unchanged: ReadonlySet<string>;
}

/** Splits one CSV line (RFC 4180 quoting, no embedded newlines). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * Reads `warehouse/reference/admin-units-2025.csv` (columns old_code, old_name, new_code,
 * new_name, source_url, status).
 */
export async function readAdminUnitValidity(path: string | URL): Promise<AdminUnitValidity> {
  const text = await readFile(path, 'utf8');
  const [header, ...rows] = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = splitCsvLine(header!);
  const at = (name: string): number => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`admin-unit reference must have a column '${name}' (${path})`);
    return index;
  };
  const [oldCode, oldName, newCode, newName, status] = [
    at('old_code'),
    at('old_name'),
    at('new_code'),
    at('new_name'),
    at('status'),
  ];
  const oldNames = new Map<string, string>();
  const newNames = new Map<string, string>();
  const unchanged = new Set<string>();
  for (const row of rows) {
    const cells = splitCsvLine(row).map((c) => c.normalize('NFC').trim());
    oldNames.set(cells[oldCode]!, cells[oldName]!);
    newNames.set(cells[newCode]!, cells[newName]!);
    if (cells[status] === 'unchanged') unchanged.add(cells[oldCode]!);
  }
  return { oldNames, newNames, unchanged };
}

/**
 * Name of the unit with `code` on `date` (YYYY-MM-DD), or null when no unit had that code then.
 * Old codes hold from 2008-08-01 to 2025-06-30, new ones from 2025-07-01; unchanged units and the
 * nation hold on every date. So '91' is Kiên Giang in 2018 and An Giang in 2026.
 */
export function unitNameOn(units: AdminUnitValidity, code: string, date: string): string | null {
  if (code === NATION_CODE) return NATION_NAME;
  if (units.unchanged.has(code)) return units.newNames.get(code) ?? units.oldNames.get(code)!;
  if (date >= NEW_CODES_FROM) return units.newNames.get(code) ?? null;
  if (date >= OLD_CODES_FROM) return units.oldNames.get(code) ?? null;
  return null;
}
