import { describe, expect, it } from 'vitest';

import { Rng } from '../../../bench/generate/rng.ts';

import {
  readSheetRows,
  readSheetRowsSax,
  type SheetContext,
} from '../../../etl/readers/xlsx-sheet.reader.ts';

/**
 * The fast tokenizer must give, for any worksheet, exactly what saxes gives: the same rows, the
 * same warnings in the same order between them, the same refusal with the same message — also
 * when the XML is outside what the tokenizer knows (it then hands the part to saxes) and
 * whatever the chunking. Each case is read both ways at several chunk sizes and the transcripts
 * compared.
 */
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const sheet = (rows: string, decl = DECL) =>
  `${decl}<worksheet xmlns="${MAIN}"><sheetData>${rows}</sheetData></worksheet>`;

const CASES: Record<string, string> = {
  'plain cells': sheet(
    '<row r="1"><c r="A1" t="str"><v>year</v></c><c r="B1" t="str"><v>org_id</v></c></row>' +
      '<row r="2"><c r="A2"><v>2030</v></c><c r="B2" t="str"><v>0169788873</v></c><c r="C2"/><c r="D2"><v>193.30</v></c><c r="E2"><v>-0</v></c><c r="F2"><v>0012</v></c><c r="G2"><v>1E3</v></c></row>',
  ),
  'entities, escapes and Vietnamese': sheet(
    '<row r="1"><c r="A1" t="str"><v>A &amp; B &lt;c&gt; &#x1EA1;&#7841; _x000D_ &quot;q&quot;</v></c><c r="B1" t="str"><v>Tổ hợp tác  </v></c><c r="C1" t="str"><v>Ho\u0323p</v></c></row>',
  ),
  'attributes in another order, spaces, single quotes': sheet(
    '<row r=\'1\' spans="1:3"><c t="str" r="A1"><v>x</v></c><c  r="B1" ><v>1</v></c><c r=\'C1\' t=\'str\'><v>y</v></c><c r="D1" s="0" t="b"><v>1</v></c></row>',
  ),
  'no declaration, prefixed names': `<x:worksheet xmlns:x="${MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="str"><x:v>a</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
  'inline strings with phonetic runs, formulas and shared formulas': sheet(
    '<row r="1"><c r="A1" t="inlineStr"><is><r><t>Mã </t></r><r><t xml:space="preserve">tỉnh </t></r><rPh sb="0" eb="1"><t>マ</t></rPh></is></c></row>' +
      '<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2"><f t="shared" si="0" ref="B2:B3">A2*2</f><v>4</v></c></row>' +
      '<row r="3"><c r="B3"><f t="shared" si="0"/><v>8</v></c><c r="C3" t="str"><f>"a"</f><v></v></c></row>',
  ),
  'a formula without its result after rows': sheet(
    '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row><row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"><f>SUM(A1:A2)</f></c></row><row r="4"><c r="A4"><v>9</v></c></row>',
  ),
  'an error cell': sheet(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="e"><v>#REF!</v></c></row>',
  ),
  'a bad cell reference': sheet('<row r="1"><c r="A1"><v>1</v></c><c r="ZZZZ1"><v>2</v></c></row>'),
  'a NUL escape': sheet('<row r="1"><c r="A1" t="str"><v>a_x0000_b</v></c></row>'),
  'CDATA and comments': sheet(
    '<!-- made by hand --><row r="1"><c r="A1" t="str"><v><![CDATA[a<b]]></v></c></row>',
  ),
  'carriage returns': sheet('<row r="1">\r\n<c r="A1" t="str"><v>a\r\nb</v></c></row>'),
  'a tab and a new line in an attribute': sheet(
    '<row r="1"><c r="A1" t="s\ttr"><v>a</v></c><c r="B1"><v>1</v></c></row>',
  ),
  'a mismatched close tag': sheet(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></x></c></row>',
  ),
  'an unknown entity': sheet(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="str"><v>a&nbsp;b</v></c></row>',
  ),
  'a NUL character reference': sheet('<row r="1"><c r="A1" t="str"><v>a&#0;b</v></c></row>'),
  'a raw control character': sheet(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="str"><v>a\u0001b</v></c></row>',
  ),
  'characters of two, three and four bytes in values, inline strings and attributes': sheet(
    '<row r="1"><c r="A1" t="str"><v>Đắk Lắk ½ 🌾</v></c><c r="B1" t="inlineStr"><is><t>Hợp tác xã 🌾</t></is></c>' +
      '<c r="C1" t="str" x="ấp"><v>a</v></c><c r="D1" t="ş"><v>1</v></c></row>',
  ),
  'U+FFFE in a value': sheet(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="str"><v>a\uFFFEb</v></c></row>',
  ),
  'U+FFFF in an inline string': sheet(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Tỉnh \uFFFF</t></is></c></row>',
  ),
  'U+FFFE in an attribute': sheet('<row r="1"><c r="A1" t="str" x="\uFFFE"><v>a</v></c></row>'),
  'a duplicate attribute': sheet('<row r="1"><c r="A1" r="B1"><v>1</v></c></row>'),
  'a truncated part': sheet(
    '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v>',
  ).slice(0, -40),
  'text after the root': `${sheet('<row r="1"><c r="A1"><v>1</v></c></row>')}junk`,
  'a declaration not at the start': ` ${sheet('<row r="1"><c r="A1"><v>1</v></c></row>')}`,
  'a DOCTYPE': sheet('<row r="1"><c r="A1"><v>1</v></c></row>', `${DECL}<!DOCTYPE worksheet>`),
  'a date style': sheet(
    '<row r="1"><c r="A1" s="1"><v>45292</v></c><c r="B1" s="1"><v>45292.5</v></c><c r="C1" t="d"><v>2024-01-01T00:00:00Z</v></c></row>',
  ),
  'a lone ampersand in an attribute': sheet('<row r="1" x="a&b"><c r="A1"><v>1</v></c></row>'),
  'a greater-than sign in an attribute': sheet('<row r="1" x="a>b"><c r="A1"><v>1</v></c></row>'),
  'a CDATA end in a value and in text': sheet(
    '<row r="1"><c r="A1" t="str"><v>a]]>b</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>c]]>d</t></is></c></row>',
  ),
  'greater-than signs and brackets in text': sheet(
    '<row r="1"><c r="A1" t="str"><v>a>b ]] > ]>c</v></c><c r="B1" t="inlineStr"><is><t>]]&gt;</t></is></c></row>',
  ),
  'U+FFFF and U+FFFE in a value': sheet(
    '<row r="1"><c r="A1" t="str"><v>a\uffffb</v></c></row><row r="2"><c r="A2" t="str"><v>\ufffe</v></c></row>',
  ),
  'a tab and a new line in a value': sheet(
    '<row r="1"><c r="A1" t="str"><v>a\tb\nc</v></c><c r="B1" t="inlineStr"><is><t>d\te</t></is></c></row>',
  ),
  'control characters in attributes, after an entity': sheet(
    '<row r="1" x="a&amp;\u0002"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="s\u001ftr"><v>1</v></c></row>',
  ),
  'a byte order mark and Vietnamese split at any byte': `\ufeff${sheet('<row r="1"><c r="A1" t="str"><v>Hợp tác xã Đồng Tháp 𝟙</v></c></row>')}`,
  'a carriage return in a cell attribute': sheet('<row r="1"><c r="A1\r"><v>1</v></c></row>'),
  'cells as spreadsheet programs write them, and near misses': sheet(
    '<row r="1"><c r="A1" s="1" t="s"/><c r="B1" t="n"><v>7</v></c><c r="C1" s="2"><v>1.5</v></c>' +
      '<c r="D1" t="str"><v>a\tb</v></c><c r="E1" t="str"><v>Hợp tác xã</v></c><c r="F1" t="str"><v></v></c></row>' +
      '<row r="2"><c r="A2" t="s" s="1"><v>0</v></c><c r="B2" s="x-1"><v>2</v></c><c r="C2" t="str"><v>a>b</v></c>' +
      '<c r="D2"><v>1</v> </c><c r="E2" ><v>3</v></c><c r="F2" t="str"><v>a&amp;b</v></c><col r="G2"/><c r="H2"><v>4</v></c></row>',
  ),
};

const context = (warnings: unknown[]): SheetContext => ({
  file: 'case.xlsx',
  sheet: 'HTX',
  hidden: false,
  sharedStrings: [],
  dateStyles: new Set([1]),
  date1904: false,
  maxCellChars: 32767,
  onWarning: (warning) => warnings.push({ warning }),
});

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Rows and warnings in the order they reach the caller, then the refusal's message, if any. */
async function transcript(
  read: (chunks: () => AsyncIterable<Buffer>, context: SheetContext) => AsyncIterable<unknown>,
  bytes: Buffer,
  size: number,
): Promise<unknown[]> {
  const events: unknown[] = [];
  try {
    for await (const row of read(() => chunksOf(bytes, size), context(events)))
      events.push({ row });
  } catch (error) {
    events.push({ refused: error instanceof Error ? error.message : String(error) });
  }
  return events;
}

describe('the fast worksheet tokenizer', () => {
  for (const [name, xml] of Object.entries(CASES)) {
    it(`reads ${name} as saxes does, at any chunking`, async () => {
      const bytes = Buffer.from(xml);
      const reference = await transcript(
        (open, ctx) => readSheetRowsSax(open(), ctx),
        bytes,
        bytes.length,
      );
      for (const size of [1, 3, 17, 64, bytes.length]) {
        expect(await transcript(readSheetRows, bytes, size), `chunks of ${size}`).toEqual(
          await transcript((open, ctx) => readSheetRowsSax(open(), ctx), bytes, size),
        );
      }
      expect(reference.length).toBeGreaterThan(0);
    });
  }

  it('reads bytes that are not UTF-8 as saxes does (a stray byte, a character cut at the end), at any chunking', async () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="str"><v>Tỉnh ${i}</v></c></row>`,
    ).join('');
    const whole = Buffer.from(sheet(rows));
    const stray = Buffer.from(whole);
    stray[whole.indexOf('Tỉnh 30') + 1] = 0xff;
    const cut = Buffer.concat([whole, Buffer.from([0xe1, 0xbb])]);
    for (const bytes of [stray, cut]) {
      for (const size of [1, 3, 17, 64, bytes.length]) {
        expect(await transcript(readSheetRows, bytes, size), `chunks of ${size}`).toEqual(
          await transcript((open, ctx) => readSheetRowsSax(open(), ctx), bytes, size),
        );
      }
    }
  });

  it('reads random sheets of common cells and near misses as saxes does (30 seeds)', async () => {
    // Cells as programs write them, the same with attributes reordered or spaced, values with
    // characters the quick pattern leaves to the general path, and now and then something
    // outside the subset (the whole part then goes to saxes).
    const values = [
      '1',
      '-0',
      '193.30',
      '1E3',
      'Hợp tác xã',
      'a\tb',
      'a\nb',
      'a &amp; b',
      'a>b',
      '',
      ' 12 ',
      '#REF!',
    ];
    const cell = (random: () => number, ref: string): string => {
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const value = pick(values);
      const type = pick(['', ' t="s"', ' t="str"', ' t="n"', ' t="b"']);
      const style = pick(['', ' s="0"', ' s="1"', ' s="12"']);
      switch (pick([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7])) {
        case 0:
          return `<c r="${ref}"${style}${type}><v>${value}</v></c>`;
        case 1:
          return `<c r="${ref}"${style}${type}/>`;
        case 2:
          return `<c${type} r="${ref}"${style}><v>${value}</v></c>`;
        case 3:
          return `<c  r="${ref}"${style}${type} ><v>${value}</v></c>`;
        case 4:
          return `<c r="${ref}" t="inlineStr"><is><t>${value}</t></is></c>`;
        case 5:
          return `<c r="${ref}"><f>1+1</f><v>${value}</v></c>`;
        case 6:
          return `<c r="${ref}"${type}><v>${value}</v></c>`;
        default:
          return random() < 0.03
            ? `<c r="${ref}"><v>a\rb</v></c>`
            : `<c r="${ref}"><v>${value}</v></c>`;
      }
    };
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new Rng(seed);
      const random = () => rng.float();
      const rows = Array.from({ length: 12 }, (_, r) => {
        const cells = Array.from({ length: 6 }, (_, c) =>
          random() < 0.2 ? '' : cell(random, `${'ABCDEF'[c]}${r + 1}`),
        ).join('');
        return `<row r="${r + 1}">${cells}</row>`;
      }).join('');
      const bytes = Buffer.from(sheet(rows));
      for (const size of [7, 64, bytes.length]) {
        expect(
          await transcript(readSheetRows, bytes, size),
          `seed ${seed}, chunks of ${size}`,
        ).toEqual(await transcript((open, ctx) => readSheetRowsSax(open(), ctx), bytes, size));
      }
    }
  });

  it('hands out nothing twice when it falls back to saxes after many rows', async () => {
    const rows = Array.from(
      { length: 300 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><f>1+${i}</f><v>${i + 1}</v></c></row>`,
    ).join('');
    const bytes = Buffer.from(
      sheet(`${rows}<row r="301"><c r="A301"><!-- x --><v>1</v></c></row>`),
    );
    for (const size of [100, 4096]) {
      const fast = await transcript(readSheetRows, bytes, size);
      expect(fast).toEqual(
        await transcript((open, ctx) => readSheetRowsSax(open(), ctx), bytes, size),
      );
      expect(fast.filter((e) => 'row' in (e as object))).toHaveLength(301);
    }
  });
});
