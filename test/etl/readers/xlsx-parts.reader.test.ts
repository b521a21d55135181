import { describe, expect, it } from 'vitest';

import { Rng } from '../../../bench/generate/rng.ts';

import {
  parsePlainSharedStrings,
  parseSharedStrings,
  parseSharedStringsSax,
} from '../../../etl/readers/xlsx-parts.reader.ts';

/**
 * The shared-string table read without a parser must give, for any table, exactly what saxes
 * gives: the same strings, or the same refusal with the same message — also when the XML is
 * outside what the plain reading knows (saxes then reads the table) and whatever the chunking.
 */
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const table = (entries: string, open = `<sst xmlns="${MAIN}" count="9" uniqueCount="9">`) =>
  `${DECL}${open}${entries}</sst>`;
const si = (text: string) => `<si><t>${text}</t></si>`;

/** The table's bytes in chunks of `size`, then, when given, a failure of the stream. */
function* chunked(bytes: Buffer, size: number, failure?: Error): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  if (failure) throw failure;
}

type Outcome = { strings: string[] } | { error: string };
async function outcome(read: () => Promise<string[]>): Promise<Outcome> {
  try {
    return { strings: await read() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** Both readings of `bytes` at several chunkings (and a small plain limit), compared. */
async function expectAsSaxes(bytes: Buffer, what: string, failure?: Error): Promise<Outcome> {
  const bySax = await outcome(() => parseSharedStringsSax(chunked(bytes, bytes.length, failure)));
  for (const size of [1, 5, 64, bytes.length]) {
    expect(
      await outcome(() => parseSharedStrings(chunked(bytes, size, failure))),
      `${what}, chunks of ${size}`,
    ).toEqual(bySax);
    expect(
      await outcome(() => parseSharedStringsSax(chunked(bytes, size, failure))),
      `${what}, saxes in chunks of ${size}`,
    ).toEqual(bySax);
  }
  // Past the limit of the plain reading, the bytes held and the rest are streamed to saxes.
  expect(
    await outcome(() => parseSharedStrings(chunked(bytes, 16, failure), 40)),
    `${what}, streamed`,
  ).toEqual(bySax);
  return bySax;
}

const PLAIN: Record<string, { xml: string; strings: string[] }> = {
  'as Excel writes it': {
    xml: table(si('year') + si('Hợp tác xã Tân Cương') + si('0169788873')),
    strings: ['year', 'Hợp tác xã Tân Cương', '0169788873'],
  },
  'spaces kept, empty runs, tabs and line feeds': {
    xml: table(
      '<si><t xml:space="preserve"> Tổ hợp tác  </t></si><si><t/></si>' + si('') + si('a\tb\nc'),
      `<sst xmlns="${MAIN}">`,
    ),
    strings: [' Tổ hợp tác  ', '', '', 'a\tb\nc'],
  },
  'decomposed text, escapes, a byte-order mark and no declaration': {
    xml: `\ufeff<sst xmlns="${MAIN}" uniqueCount="3">${si('Ho\u0323p')}${si('a_x000D_b')}${si('e_x0301_')}</sst>\n`,
    strings: ['H\u1ecdp', 'a\rb', '\u00e9'],
  },
};

const NEAR_MISSES: Record<string, string> = {
  'a reference': table(si('A &amp; B') + si('&#x1EA1;')),
  'an unknown entity': table(si('a&nbsp;b')),
  'a carriage return': table(si('a\r\nb') + si('c\rd')),
  'a greater-than sign': table(si('a>b')),
  'rich text and phonetic runs': table(
    '<si><r><t>Mã </t></r><r><rPr><b/></rPr><t xml:space="preserve">tỉnh</t></r><rPh sb="0" eb="1"><t>マ</t></rPh></si>',
  ),
  'spaces between entries': table(`${si('a')}\n  ${si('b')}`),
  'a comment': table(`<!-- x -->${si('a')}`),
  CDATA: table('<si><t><![CDATA[a<b]]></t></si>'),
  'another namespace': table(si('a'), `<x:sst xmlns:x="${MAIN}">`).replace('</sst>', '</x:sst>'),
  'more attributes': table(si('a'), `<sst xmlns="${MAIN}" xmlns:mc="urn:x" count="1">`),
  'an empty table': `${DECL}<sst xmlns="${MAIN}" count="0" uniqueCount="0"/>`,
  'a control character': table(si('a\u0001b')),
  'U+FFFE': table(si('a\ufffeb')),
  'U+FFFF': table(si('a\uffffb')),
  'a missing end': `${DECL}<sst xmlns="${MAIN}">${si('a')}`,
  'a mismatched end': table('<si><t>a</x></si>'),
  'text after the end': `${table(si('a'))}x`,
  'a second root': `${table(si('a'))}<sst/>`,
  'a bad declaration': `<?xml version="1.1"?><sst xmlns="${MAIN}">${si('a')}</sst>`,
};

describe('the shared-string table', () => {
  for (const [what, { xml, strings }] of Object.entries(PLAIN)) {
    it(`is read without a parser ${what}, as saxes reads it`, async () => {
      const bytes = Buffer.from(xml);
      expect(parsePlainSharedStrings(bytes)).toEqual(strings);
      expect(await expectAsSaxes(bytes, what)).toEqual({ strings });
    });
  }

  it('is left to saxes, with the same outcome, outside what the plain reading knows', async () => {
    for (const [what, xml] of Object.entries(NEAR_MISSES)) {
      expect(parsePlainSharedStrings(Buffer.from(xml)), what).toBeUndefined();
      await expectAsSaxes(Buffer.from(xml), what);
    }
  });

  it('refuses bytes that are not UTF-8, and a stream that fails, where saxes does', async () => {
    const good = Buffer.from(table(si('Hợp tác xã') + si('b')));
    const cut = Buffer.concat([
      good.subarray(0, good.indexOf('ợ') + 1),
      good.subarray(good.indexOf('ợ') + 3),
    ]);
    expect(parsePlainSharedStrings(cut)).toBeUndefined();
    expect(await expectAsSaxes(cut, 'a stray byte')).toMatchObject({ error: expect.any(String) });
    const failure = new Error('invalid stored block lengths');
    expect(await expectAsSaxes(good, 'a failing stream', failure)).toEqual({
      error: 'Error: invalid stored block lengths',
    });
    // XML that saxes refuses before the stream fails: its refusal comes first.
    const bad = Buffer.from(`${DECL}<sst xmlns="${MAIN}">${si('a')}<si><t>b</x>`);
    expect(await expectAsSaxes(bad, 'bad XML, then a failing stream', failure)).not.toEqual({
      error: 'Error: invalid stored block lengths',
    });
  });

  it('closes the stream it reads when saxes refuses the table before its end', async () => {
    const bad = Buffer.from(
      `${DECL}<sst xmlns="${MAIN}">${si('a')}<si><t>b</x>${si('c'.repeat(200))}</sst>`,
    );
    for (const plainMaxBytes of [40, bad.length * 2]) {
      let closed = false;
      async function* stream() {
        try {
          yield* chunked(bad, 16);
        } finally {
          closed = true;
        }
      }
      await expect(parseSharedStrings(stream(), plainMaxBytes)).rejects.toThrow();
      expect(closed, `plain reading up to ${plainMaxBytes} bytes`).toBe(true);
    }
  });

  it('reads random tables of plain entries and near misses as saxes does (30 seeds)', async () => {
    const texts = [
      'year',
      'Hợp tác xã',
      'Ho\u0323p',
      'a\tb',
      'a\nb',
      '',
      ' 12 ',
      '_x000D_',
      'a_x0301_',
    ];
    const misses = ['a &amp; b', 'a>b', 'a\rb', '<r><t>x</t></r>', ' <!-- c --> '];
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new Rng(seed);
      const random = () => rng.float();
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
      const entries = Array.from({ length: 20 }, () => {
        const roll = random();
        if (roll < 0.02) return `<si>${pick(misses)}</si>`;
        if (roll < 0.04) return si(pick(misses));
        if (roll < 0.2) return `<si><t xml:space="preserve">${pick(texts)}</t></si>`;
        if (roll < 0.25) return '<si><t/></si>';
        return si(pick(texts) + pick(texts));
      }).join('');
      await expectAsSaxes(Buffer.from(table(entries)), `seed ${seed}`);
    }
  });
});
