import type { ColumnDescriptor } from '../sources/source-descriptor.ts';
import { columnGuides, requiredWord, SOURCES, TEMPLATE_FAMILIES } from './column-guide.ts';

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
    'whose first row is a header of the family is loaded; other sheets are skipped with a warning.',
    '',
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
