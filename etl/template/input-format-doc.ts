import type { ColumnDescriptor } from '../sources/source-descriptor.ts';
import { columnGuides, requiredWord, SOURCES, TEMPLATE_FAMILIES } from './column-guide.ts';
import { ORDINAL_HEADERS } from '../sources/header-mapping.ts';
import { HEADER_SEARCH_ROWS, TOTAL_ROW_WORDS } from '../load/sheet-layout.ts';
import { OTHER_UNITS, UNIT_KINDS, UNITS } from '../sources/units.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

/** Accepted spellings of each value of a closed vocabulary, as one table cell. */
function valueSpellings(column: ColumnDescriptor): string {
  return Object.entries(column.values ?? {})
    .map(([value, spellings]) => `${code(value)}: ${spellings.join(', ')}`)
    .join('<br>');
}

/**
 * `docs/input-format.md`: every column of each input family in Vietnamese and English — its
 * template header, every accepted header spelling, type, unit, rule and accepted values —
 * generated from the loader's descriptors, like the templates (`npm run docs:input-format`).
 */
export function renderInputFormatDoc(): string {
  const out: string[] = [
    '# Định dạng tệp đầu vào / Input format',
    '',
    '<!-- Generated from etl/sources/*.source.ts by `npm run docs:input-format`; do not edit. -->',
    '',
    'Tiêu đề cột được nhận không phân biệt hoa thường, có dấu hay không dấu, dấu câu; thứ tự cột',
    'không quan trọng. Ô để trống là **không có số liệu**, không bao giờ là 0. Mẫu nhập: `coopstat',
    'template aggregates|register [--lang vi|en] [--year Y]` hoặc `GET /templates/<family>.xlsx`.',
    '',
    'Headers match whatever their case, diacritics or punctuation; column order does not matter. An',
    'empty cell is **missing**, never 0. A workbook to fill in: `coopstat template',
    'aggregates|register [--lang vi|en] [--year Y]` or `GET /templates/<family>.xlsx`. Every sheet',
    `with a header row of the family among its first ${HEADER_SEARCH_ROWS} rows is loaded; other sheets are skipped with a warning.`,
    '',
    ...layoutSection(),
  ];
  for (const family of TEMPLATE_FAMILIES) {
    const source = SOURCES[family];
    const vi = columnGuides(family, 'vi');
    const en = columnGuides(family, 'en');
    out.push(
      `## ${source.title} (\`${family}\`)`,
      '',
      `Grain: ${source.grain}. Key: ${source.key.map(code).join(', ')}.`,
      '',
    );
    out.push(
      '| cột (mẫu tiếng Việt) | column | bắt buộc / required | đơn vị / unit | quy tắc | rule | accepted header spellings |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    vi.forEach((g, i) => {
      const e = en[i]!;
      out.push(
        `| ${cell(g.header)} | ${code(g.column.name)} | ${[requiredWord(g.column, 'vi'), requiredWord(g.column, 'en')].filter(Boolean).join(' / ')} | ${g.unit ? `${g.unit} / ${e.unit}` : ''} | ${cell(g.rule)} | ${cell(e.rule)} — ${cell(g.column.description)} | ${g.spellings.map((s) => cell(s)).join(', ')} |`,
      );
    });
    const closed = source.columns.filter((c) => c.type === 'enum');
    if (closed.length > 0) {
      out.push(
        '',
        '### Giá trị được nhận / Accepted values',
        '',
        '| column | values |',
        '| --- | --- |',
      );
      for (const c of closed) out.push(`| ${code(c.name)} | ${cell(valueSpellings(c))} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

/** How a sheet may be laid out: title rows, STT, column numbers, total rows, units in headers. */
function layoutSection(): string[] {
  const list = (items: readonly string[]) => items.map((i) => code(i)).join(', ');
  return [
    '## Bố cục trang tính / Sheet layout',
    '',
    `- **Dòng tên biểu / Title rows.** Dòng tiêu đề cột là dòng đầu tiên (trong ${HEADER_SEARCH_ROWS} dòng đầu) có đủ các cột bắt buộc; các dòng phía trên (tên biểu, dòng trống, "Đơn vị tính: …") được bỏ qua, kể cả khi gộp ô. The header row is the first row (among the first ${HEADER_SEARCH_ROWS}) naming the required columns; rows above it (title, blank, "Đơn vị tính: …") are skipped, merged or not. The same holds for title lines above a CSV header.`,
    '- **Ô gộp / Merged cells.** Ô gộp chạm vào dòng tiêu đề cột bị từ chối: tiêu đề phải là một dòng ô đơn; tiêu đề hai tầng không được đọc. Merged cells touching the header row are refused: the header must be one row of single cells; a header on two rows is not read.',
    `- **Cột số thứ tự / Row-number column** (nhận và bỏ qua / accepted and ignored): ${list(ORDINAL_HEADERS)}. Một dòng đánh số cột ngay dưới tiêu đề (\`A\`, \`B\`, \`1\`, \`2\`, …) cũng được bỏ qua. A row numbering the columns right under the header is skipped too.`,
    `- **Dòng tổng / Total rows.** Dòng có ô STT, tên/mã tỉnh, mã tổ chức hay cột A (không phải tên tổ chức: một tổ chức có thể tên là “Cộng đồng …”) bắt đầu bằng ${list(TOTAL_ROW_WORDS)} (không phân biệt hoa thường, dấu) là dòng tổng: mỗi cột số đếm (và cột tiền không phải bình quân) phải bằng tổng các dòng nó cộng — các dòng phía trên tới dòng tổng trước (hoặc tới tiêu đề); nếu không có dòng nào ở giữa thì mọi dòng phía trên; dòng tổng đặt ngay dưới tiêu đề thì cộng các dòng phía dưới tới dòng tổng kế tiếp. Sai lệch bị từ chối, nêu cả hai số và vị trí. Dòng tổng không bao giờ được nạp như số liệu. Cột A chỉ đánh dấu dòng tổng khi dòng không nêu đơn vị nào: dòng có mã tổ chức, hoặc mã hay tên tỉnh có trong kho, là dòng số liệu dù cột A ghi gì (“Cộng Hòa” ở cột xã). Dòng tổng không có gì để đối chiếu được báo bằng một cảnh báo. A row whose STT, province name or code, organisation code, or column A (not the organisation name: an organisation may be called “Cộng đồng …”) starts with one of these words is a total row: each count (and each money column that is not an average) must equal the sum of the rows it totals — the rows above it up to the previous total row (or the header); when there are none, every row above; a total right under the header totals the rows below it up to the next total. A mismatch is refused with both numbers and the place; a total row is never loaded as data. Column A marks a total only in a row that names no unit: a row with an organisation code, or a province code or name the warehouse knows, is a data row whatever column A says (“Cộng Hòa” in a commune column). A total row with nothing to check against is told in a warning. Averages are not checked.`,
    "- **Số kiểu Excel / Typed numbers.** Ô kiểu số của Excel luôn được đọc là số, bất kể quy ước viết của các ô văn bản khác (980.25 kiểu số bên cạnh văn bản '980,25' là một quy ước). A cell typed as a number is a number whatever the text convention of other cells.",
    '',
    '### Đơn vị trong tiêu đề / Units in headers',
    '',
    "Tiêu đề có thể kèm đơn vị trong ngoặc, ví dụ `Doanh thu bình quân (triệu đồng)`, `Số thành viên (người)`. Đơn vị phải là đơn vị của cột; đơn vị khác cỡ (`(nghìn người)` cho số người, `(tỷ đồng)` cho triệu đồng) bị từ chối kèm cách đổi — hệ thống không tự nhân chia số liệu. A header may carry its unit in brackets; it must be the column's own unit. Another scale is refused with the conversion to make: the loader never rescales figures. A bracket holding no unit (`Số HTX (đang hoạt động)`) is part of the header's name.",
    '',
    '| đơn vị của cột / column unit | cách viết được nhận / accepted spellings |',
    '| --- | --- |',
    ...UNIT_KINDS.map(
      (k) => `| ${UNITS[k].vi} / ${UNITS[k].en} | ${cell(list(UNITS[k].spellings))} |`,
    ),
    '',
    `Bị từ chối (đơn vị khác cỡ hoặc loại) / refused (another scale or kind): ${cell(OTHER_UNITS.map((o) => `${list(o.spellings)} (${o.means})`).join('; '))}.`,
    '',
  ];
}
