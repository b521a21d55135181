import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  plainLfBytes,
  plainUtf8CsvForm,
  PlainUtf8Scan,
} from '../../../etl/readers/plain-utf8.reader.ts';
import { decodeTextFile, type DecodedTextFile } from '../../../etl/readers/text-file.reader.ts';

const HEADER = 'year,province_name,org_name\n';
const CASES: [string, Buffer, boolean][] = [
  ['ASCII', Buffer.from(`${HEADER}2024,Lai Chau,HTX A\n`), true],
  [
    'Vietnamese, precomposed (NFC)',
    Buffer.from(`${HEADER}2024,Thái Nguyên,Hợp tác xã Chè Tân Cương\n`),
    true,
  ],
  ['no final newline', Buffer.from(`${HEADER}2024,Điện Biên,Ưu Đãi`), true],
  [
    'decomposed accents (NFD)',
    Buffer.from(`${HEADER}2024,Thái Nguyên,x\n`.normalize('NFD')),
    false,
  ],
  ['a UTF-8 byte-order mark', Buffer.from(`\uFEFF${HEADER}`), false],
  ['CRLF line ends', Buffer.from(`${HEADER}2024,Lai Chau,A\r\n`), false],
  ['a NUL byte', Buffer.from(`${HEADER}2024,\u0000,A\n`), false],
  [
    'invalid UTF-8',
    Buffer.concat([Buffer.from(HEADER), Buffer.from([0x32, 0xc3, 0x28, 0x0a])]),
    false,
  ],
  [
    'a truncated sequence at the end',
    Buffer.concat([Buffer.from(HEADER), Buffer.from([0xe1, 0xbb])]),
    false,
  ],
  ['UTF-16', Buffer.from(`\uFEFF${HEADER}`, 'utf16le'), false],
  ['blank', Buffer.from(' \n\t\n'), false],
  ['no-break spaces only', Buffer.from('\u00A0\u00A0\n'), false],
  ['a character outside the Latin blocks (CJK)', Buffer.from(`${HEADER}2024,Lai Chau,漢\n`), false],
  ['empty', Buffer.alloc(0), false],
];

/** The full decoder's reading of `bytes`, written to a file. */
async function decodedAsFile(bytes: Buffer): Promise<DecodedTextFile> {
  const dir = await mkdtemp(join(tmpdir(), 'coopstat-plain-'));
  try {
    await writeFile(join(dir, 'f.csv'), bytes);
    return await decodeTextFile(join(dir, 'f.csv'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Whether DuckDB can read the bytes as they are: plain, with nothing to take off. */
function isPlain(bytes: Buffer, maxLineBytes: number): boolean {
  const form = plainUtf8CsvForm(bytes, maxLineBytes);
  return form !== null && !form.bom && !form.crlf;
}

describe('a file read as it is', () => {
  it.each(CASES)('%s', async (_, bytes, expected) => {
    expect(isPlain(bytes, 1000)).toBe(expected);
    if (!expected) return;
    // Whenever the scan vouches for a file, the full decoder finds it plain too.
    expect((await decodedAsFile(bytes)).isPlainUtf8).toBe(true);
  });

  it('answers false for a line longer than the limit, counted in bytes', () => {
    expect(isPlain(Buffer.from('ợợợ\n'), 9)).toBe(true);
    expect(isPlain(Buffer.from('ợợợợ\n'), 9)).toBe(false);
    expect(isPlain(Buffer.from('a\nợợợợ'), 9)).toBe(false);
  });
});

/** Files plain but for what Excel's "CSV UTF-8" adds, and near misses. */
const FORMS: [string, Buffer, { bom: boolean; crlf: boolean } | null][] = [
  ['plain', Buffer.from(`${HEADER}2024,Lai Chau,A\n`), { bom: false, crlf: false }],
  [
    'a byte-order mark (Excel "CSV UTF-8")',
    Buffer.from(`\uFEFF${HEADER}2024,Thái Nguyên,Hợp tác xã\n`),
    { bom: true, crlf: false },
  ],
  ['CR LF line ends', Buffer.from(`year,a\r\n2024,Điện Biên\r\n`), { bom: false, crlf: true }],
  [
    'a byte-order mark and CR LF, no final line end',
    Buffer.from(`\uFEFFyear,a\r\n2024,Ưu Đãi`),
    { bom: true, crlf: true },
  ],
  ['CR LF and LF mixed', Buffer.from(`year,a\r\n2024,b\n2025,c\r\n`), { bom: false, crlf: true }],
  ['a CR on its own (old Mac line ends)', Buffer.from(`year,a\r2024,b\r`), null],
  ['a CR before CR LF', Buffer.from(`year,a\r\r\n2024,b\n`), null],
  ['a byte-order mark only', Buffer.from('\uFEFF'), null],
  ['a byte-order mark and blank lines', Buffer.from('\uFEFF \r\n\r\n'), null],
  [
    'a byte-order mark and NFD text',
    Buffer.from(`\uFEFF${HEADER}2024,Thái,x\r\n`.normalize('NFD')),
    null,
  ],
  ['a byte-order mark mid-file', Buffer.from(`${HEADER}\uFEFF2024,a,b\n`), null],
];

describe('plainUtf8CsvForm', () => {
  it.each(FORMS)('%s', async (_, bytes, expected) => {
    expect(plainUtf8CsvForm(bytes, 1000)).toEqual(expected);
    if (!expected) return;
    // What DuckDB is given is what the full decoder would have written for it.
    const decoded = await decodedAsFile(bytes);
    expect(plainLfBytes(bytes, expected).toString('utf8')).toBe(decoded.text);
    expect(decoded.encoding).toBe(expected.bom ? 'utf-8-bom' : 'utf-8');
  });

  it('measures a line without its CR', () => {
    expect(plainUtf8CsvForm(Buffer.from('ợợợ\r\nab\r\n'), 9)).toEqual({ bom: false, crlf: true });
    expect(plainUtf8CsvForm(Buffer.from('ợợợa\r\n'), 9)).toBeNull();
  });
});

describe('PlainUtf8Scan, fed a file in chunks', () => {
  /** Every case and form above, and lines near the limit, with and without CR. */
  const inputs: [Buffer, number][] = [
    ...CASES.map(([, bytes]) => [bytes, 1000] as [Buffer, number]),
    ...FORMS.map(([, bytes]) => [bytes, 1000] as [Buffer, number]),
    ...['ợợợ\r\nab\r\n', 'ợợợa\r\n', 'ợợợ\n', 'ợợợợ\n', 'a\nợợợợ', 'ab\r\nợợ\r'].map(
      (text) => [Buffer.from(text), 9] as [Buffer, number],
    ),
  ];

  it('answers as the whole file would, wherever the chunks are cut', () => {
    let compared = 0;
    for (const [bytes, max] of inputs) {
      const whole = plainUtf8CsvForm(bytes, max);
      // Cut in two at every byte (a character, a CR LF or the byte-order mark split), and in
      // chunks of one, two and three bytes.
      const splits = [
        ...Array.from({ length: bytes.length + 1 }, (_, at) => [
          bytes.subarray(0, at),
          bytes.subarray(at),
        ]),
        ...[1, 2, 3].map((size) =>
          Array.from({ length: Math.ceil(bytes.length / size) }, (_, k) =>
            bytes.subarray(k * size, (k + 1) * size),
          ),
        ),
      ];
      for (const chunks of splits) {
        const scan = new PlainUtf8Scan(max);
        for (const chunk of chunks) scan.update(chunk);
        expect(scan.result(), `${JSON.stringify(bytes.toString())} in ${chunks.length}`).toEqual(
          whole,
        );
        // The chunks as a reader with one buffer gives them: each in the memory of the one
        // before, so a chunk's bytes are gone once the next is read.
        const reused = new PlainUtf8Scan(max);
        const buffer = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
        for (const chunk of chunks) reused.update(buffer.subarray(0, chunk.copy(buffer)));
        expect(
          reused.result(),
          `${JSON.stringify(bytes.toString())} in ${chunks.length}, one buffer`,
        ).toEqual(whole);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });
});
