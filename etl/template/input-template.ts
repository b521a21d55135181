import type ExcelJS from 'exceljs';
import { columnLetter } from '../readers/xlsx-sheet.reader.ts';
import type { ColumnDescriptor } from '../sources/source-descriptor.ts';
import {
  columnGuides,
  requiredWord,
  type ColumnGuide,
  type TemplateFamily,
  type TemplateLang,
} from './column-guide.ts';

/** A province offered in the template's drop-down list. */
export interface TemplateProvince {
  readonly code: string;
  readonly name_vi: string;
}

/** What {@link buildInputTemplate} writes. */
export interface InputTemplateOptions {
  readonly family: TemplateFamily;
  readonly lang: TemplateLang;
  /** The reporting year: prefilled in the example and naming which provinces are listed. */
  readonly year: number;
  /** The provinces valid on 31 December of `year` (from the warehouse's admin units). */
  readonly provinces: readonly TemplateProvince[];
  /** Rows of the data sheet that carry drop-down lists (default 1000). */
  readonly rows?: number;
}

/** Names of the template's sheets, per language. */
export const TEMPLATE_SHEETS = {
  vi: { data: 'Số liệu', notes: 'Hướng dẫn', lists: 'Danh mục' },
  en: { data: 'Data', notes: 'Notes', lists: 'Lists' },
} as const;

/**
 * The example row's figures, per column name: one cooperative sector of one province, in the
 * units of the columns (for aggregates, Thái Nguyên's agricultural cooperatives as
 * `examples/aggregates-2024.csv` gives them). Columns not listed stay empty in the example, as a
 * missing figure must.
 */
export const TEMPLATE_EXAMPLE_VALUES: Readonly<
  Record<TemplateFamily, Readonly<Record<string, string | number>>>
> = {
  aggregates: {
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    org_count: 610,
    active_count: 560,
    new_count: 48,
    dissolved_count: 12,
    members: 18450,
    employees: 4120,
    rated_good: 96,
    rated_fair: 210,
    rated_average: 150,
    rated_weak: 40,
    rated_none: 64,
    in_value_chain: 120,
    linked_enterprise: 85,
    high_tech: 52,
    digital: 70,
    new_model: 5,
    revenue_avg_vnd_million: 3250.5,
  },
  register: {
    org_id: '4600123401',
    org_name: 'Hợp tác xã Chè Tân Cương',
    org_type: 'HTX',
    sector: 'AGRICULTURE',
    founded_year: 2009,
    legal_status: 'OPERATING',
    members: 62,
    official_members: 55,
    capital_associates: 5,
    other_associates: 2,
    employees: 25,
    rating: 'GOOD',
    effective: 'TRUE',
    in_value_chain: 'TRUE',
    digital: 'FALSE',
    managers_trained: 3,
    managers_total: 4,
    revenue_vnd_million: 12500.5,
    profit_vnd_million: 830.2,
  },
};

/** The example value of one column, spelled as the template's lists offer it. */
function exampleValue(
  guide: ColumnGuide,
  family: TemplateFamily,
  year: number,
  province: TemplateProvince | undefined,
): string | number | null {
  const c = guide.column;
  if (c.name === 'year') return year;
  if (c.name === 'province_code') return province?.code ?? null;
  if (c.name === 'province_name') return province?.name_vi ?? null;
  const value = TEMPLATE_EXAMPLE_VALUES[family][c.name];
  if (value === undefined) return null;
  if ((c.type === 'enum' || c.type === 'flag') && guide.listValues) {
    const codes = c.type === 'flag' ? ['TRUE', 'FALSE'] : Object.keys(c.values ?? {});
    return guide.listValues[codes.indexOf(String(value))] ?? String(value);
  }
  return value;
}

const TEXT = {
  vi: {
    title: (family: string) =>
      `Hướng dẫn điền biểu ${family === 'aggregates' ? 'tổng hợp theo tỉnh' : 'danh sách tổ chức'}`,
    intro: (data: string, year: number) => [
      `Điền số liệu vào trang "${data}", mỗi dòng một ${'{grain}'}, bắt đầu từ dòng 2; không sửa dòng tiêu đề (dòng 1).`,
      `Danh sách chọn của tỉnh là các tỉnh có hiệu lực ngày 31/12/${year}.`,
      'Ô để trống là không có số liệu (không ghi 0 thay cho số liệu thiếu). Không gộp ô trong dòng tiêu đề cột.',
      'Được phép: dòng tên biểu phía trên dòng tiêu đề, cột STT, đơn vị trong ngoặc ở tiêu đề (đúng đơn vị của cột, không đổi sang nghìn hay tỷ), dòng "Tổng cộng"/"Cộng" (được đối chiếu với tổng các dòng phía trên và không được nạp như số liệu).',
      'Có thể thêm hoặc bỏ các cột không bắt buộc; thứ tự cột không quan trọng.',
      'Nạp tệp: coopstat load TÊN_TỆP.xlsx (hoặc POST /load với khóa của cán bộ nạp số liệu).',
    ],
    heads: [
      'Cột (tiêu đề)',
      'Tên chuẩn',
      'Đơn vị',
      'Bắt buộc',
      'Quy tắc',
      'Ý nghĩa (tiếng Anh)',
      'Cách viết tiêu đề được chấp nhận',
    ],
    example: 'Dòng ví dụ (chép sang trang số liệu nếu muốn dùng):',
    grain: { aggregates: 'tỉnh × năm × loại hình × lĩnh vực', register: 'tổ chức × năm' },
    listsTitle: 'Danh mục cho danh sách chọn (không sửa)',
    unitNote: 'Đơn vị',
  },
  en: {
    title: (family: string) =>
      `How to fill in the ${family === 'aggregates' ? 'province aggregates' : 'organisation register'} template`,
    intro: (data: string, year: number) => [
      `Enter the figures on sheet "${data}", one row per ${'{grain}'}, from row 2 on; do not change the header row (row 1).`,
      `The province list holds the provinces valid on 31 December ${year}.`,
      'An empty cell means no figure (never write 0 for a missing figure). Do not merge cells in the header row.',
      'Accepted: title rows above the header row, an STT column, the unit in brackets in a header (the column\'s own unit, not thousands or billions), a "Tổng cộng"/"Cộng" total row (checked against the sum of the rows above it, and not loaded as data).',
      'Optional columns may be added or removed; the order of columns does not matter.',
      'Load the file: coopstat load FILE.xlsx (or POST /load with a loader key).',
    ],
    heads: [
      'Column (header)',
      'Canonical name',
      'Unit',
      'Required',
      'Rule',
      'Meaning',
      'Accepted header spellings',
    ],
    example: 'Example row (copy it to the data sheet if you want to use it):',
    grain: {
      aggregates: 'province × year × organisation type × sector',
      register: 'organisation × year',
    },
    listsTitle: 'Lists for the drop-downs (do not edit)',
    unitNote: 'Unit',
  },
} as const;

/**
 * Writes the input workbook of a family: a data sheet whose header row is accepted spellings of
 * the loader's columns (units in each header's note), drop-down lists for every closed vocabulary
 * and for the provinces valid in the year, a notes sheet explaining each column and rule, and an
 * example row. The notes and list sheets do not start with a header row, so the loader skips them.
 */
export async function buildInputTemplate(options: InputTemplateOptions): Promise<Buffer> {
  const { family, lang, year } = options;
  const guides = columnGuides(family, lang);
  const names = TEMPLATE_SHEETS[lang];
  // exceljs (about 0.3 s to import) is loaded by the first workbook written, not at start.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'coopstat';
  workbook.created = new Date(Date.UTC(year, 11, 31));

  const data = workbook.addWorksheet(names.data, { views: [{ state: 'frozen', ySplit: 1 }] });
  const notes = workbook.addWorksheet(names.notes);
  const lists = workbook.addWorksheet(names.lists, { state: 'hidden' });
  const listRanges = writeLists(lists, guides, options);
  writeDataSheet(data, guides, listRanges, options);
  writeNotes(notes, guides, options);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The lists sheet: one column per closed vocabulary (and the provinces' names and codes), under
 * a title row that is no header of the loader. Returns each list's range by column name.
 */
function writeLists(
  lists: ExcelJS.Worksheet,
  guides: readonly ColumnGuide[],
  { lang, provinces }: InputTemplateOptions,
): Map<string, string> {
  const sheetName = TEMPLATE_SHEETS[lang].lists;
  lists.getCell(1, 1).value = TEXT[lang].listsTitle;
  const listRange = new Map<string, string>();
  const listColumns: [string, readonly string[]][] = [
    ['province_name', provinces.map((p) => p.name_vi)],
    ['province_code', provinces.map((p) => p.code)],
    ...guides.flatMap((g): [string, readonly string[]][] =>
      g.listValues ? [[g.column.name, g.listValues]] : [],
    ),
  ];
  listColumns.forEach(([name, values], i) => {
    const letter = columnLetter(i);
    lists.getCell(2, i + 1).value = name;
    values.forEach((v, j) => {
      lists.getCell(3 + j, i + 1).value = v;
    });
    listRange.set(name, `'${sheetName}'!$${letter}$3:$${letter}$${Math.max(3, 2 + values.length)}`);
  });
  return listRange;
}

/** The data sheet: the header row, a note with unit and rule on each header, validation per column. */
function writeDataSheet(
  data: ExcelJS.Worksheet,
  guides: readonly ColumnGuide[],
  listRange: ReadonlyMap<string, string>,
  options: InputTemplateOptions,
): void {
  const text = TEXT[options.lang];
  const rows = options.rows ?? 1000;
  // exceljs 4.4 has range validations (one rule for a whole column) but does not declare them.
  const validations = (
    data as unknown as {
      dataValidations: { add(range: string, rule: ExcelJS.DataValidation): void };
    }
  ).dataValidations;
  guides.forEach((g, i) => {
    const cell = data.getCell(1, i + 1);
    cell.value = g.header;
    cell.font = { bold: true };
    cell.note = [g.unit ? `${text.unitNote}: ${g.unit}` : null, g.rule].filter(Boolean).join('\n');
    data.getColumn(i + 1).width = Math.max(10, Math.min(30, g.header.length + 4));
    const letter = columnLetter(i);
    const range = `${letter}2:${letter}${rows + 1}`;
    const list = listRange.get(g.column.name);
    const c: ColumnDescriptor = g.column;
    if (list) {
      validations.add(range, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [list],
        showErrorMessage: c.name !== 'province_name',
        promptTitle: g.header,
        prompt: g.rule.slice(0, 250),
        showInputMessage: true,
      });
    } else if (c.type === 'count' || c.type === 'year') {
      validations.add(range, {
        type: 'whole',
        allowBlank: true,
        operator: 'greaterThanOrEqual',
        formulae: [c.min ?? 0],
        showErrorMessage: true,
        errorTitle: g.header,
        error: g.rule.slice(0, 250),
      });
    }
    if (c.type === 'code') data.getColumn(i + 1).numFmt = '@';
  });
}

/** The notes sheet: title, rules, one line per column, then the example row. */
function writeNotes(
  notes: ExcelJS.Worksheet,
  guides: readonly ColumnGuide[],
  { family, lang, year, provinces }: InputTemplateOptions,
): void {
  const text = TEXT[lang];
  notes.getCell(1, 1).value = text.title(family);
  notes.getCell(1, 1).font = { bold: true, size: 14 };
  let r = 3;
  for (const line of text.intro(TEMPLATE_SHEETS[lang].data, year)) {
    notes.getCell(r++, 1).value = line.replace('{grain}', text.grain[family]);
  }
  r++;
  text.heads.forEach((h, i) => {
    notes.getCell(r, i + 1).value = h;
    notes.getCell(r, i + 1).font = { bold: true };
  });
  for (const g of guides) {
    r++;
    [
      g.header,
      g.column.name,
      g.unit ?? '',
      requiredWord(g.column, lang),
      g.rule,
      g.column.description,
      g.spellings.join('; '),
    ].forEach((v, i) => {
      notes.getCell(r, i + 1).value = v;
    });
  }
  r += 2;
  notes.getCell(r++, 1).value = text.example;
  const province = provinces.find((p) => p.code === '19') ?? provinces[0];
  guides.forEach((g, i) => {
    notes.getCell(r, i + 1).value = g.header;
    notes.getCell(r, i + 1).font = { bold: true };
    const value = exampleValue(g, family, year, province);
    if (value !== null) notes.getCell(r + 1, i + 1).value = value;
  });
  notes.getColumn(1).width = 28;
  notes.getColumn(5).width = 60;
  notes.getColumn(6).width = 50;
}
