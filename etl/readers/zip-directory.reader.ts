/**
 * Reads a zip archive's central directory and inflates its entries with Node's zlib, so an
 * .xlsx upload is checked before exceljs touches it: not a zip, truncated, ZIP64, a zip bomb
 * (by declared size or ratio, and by actual inflated size), corrupt deflate data, a bad CRC.
 * exceljs's streaming reader (unzipper) hangs or crashes on some of these instead of failing.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { PassThrough, type Transform } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';

import { ReaderError } from './reader.error.ts';

/** One file inside a zip archive, as its central directory declares it. */
export interface ZipEntry {
  /** Path inside the archive, e.g. `xl/worksheets/sheet1.xml`. */
  readonly name: string;
  /** 0 = stored, 8 = deflated (the only two accepted). */
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

/** Limits that keep a hostile archive from exhausting memory or disk. */
export interface ZipLimits {
  /** Largest total of declared uncompressed sizes. */
  readonly maxUncompressedBytes: number;
  /** Largest uncompressed/compressed ratio of one entry of at least {@link RATIO_MIN_BYTES}. */
  readonly maxCompressionRatio: number;
}

/** Entries smaller than this are exempt from the ratio check (tiny XML parts compress well). */
const RATIO_MIN_BYTES = 1024 * 1024;

/**
 * Size of the inflated chunks handed out (zlib's default is 16 KiB): each chunk costs a turn of
 * the async iteration, a decode and a tokenizer call downstream, so larger chunks cost less, up
 * to a point: a chunk becomes a string of as many characters, and V8 puts a string of 128 KiB or
 * more in its large-object space, where each one costs fresh pages (reading a national register
 * year's 165 MB worksheet, 256 KiB chunks cost ~0.7 s of decoding where 64 KiB chunks cost
 * ~0.02 s, and the tokenizer's joins of a carried token with the next chunk as much again).
 */
const INFLATE_CHUNK_BYTES = 64 * 1024;

/** The rule a file that is not a readable zip archive breaks. */
const ZIP_RULE = 'an .xlsx file must be a valid zip archive';
const ZIP64_RULE = 'an .xlsx file must be a zip archive without ZIP64 extensions';
const METHOD_RULE = 'an .xlsx entry must be stored or deflated';
const ENCRYPTED_RULE = 'an .xlsx entry must not be encrypted';
const INTACT_RULE = "an .xlsx file's entries must decompress intact";
const DECLARED_RULE = 'an .xlsx entry must expand to its declared size';

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

/**
 * Reads and checks the central directory of the archive at `path`. `file` is the name messages
 * cite. Refuses, with a {@link ReaderError}, anything but a plain (non-ZIP64) zip whose entries
 * are stored or deflated, declare at most `maxUncompressedBytes` in total and each expand at most
 * `maxCompressionRatio` times.
 */
export async function readZipDirectory(
  path: string,
  file: string,
  limits: ZipLimits,
): Promise<ZipEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0)
      throw new ReaderError({ rule: ZIP_RULE, value: 'an empty file (0 bytes)', file });
    const head = await readAt(handle, 0, Math.min(size, 512));
    const magic = head.length >= 4 ? head.readUInt32LE(0) : 0;
    if (magic !== LOCAL_SIGNATURE && magic !== EOCD_SIGNATURE) {
      throw new ReaderError({ rule: ZIP_RULE, value: describeNonZip(head), file });
    }
    const tailLength = Math.min(size, EOCD_SIZE + 0xffff);
    const tail = await readAt(handle, size - tailLength, tailLength);
    const eocd = findEocd(tail);
    if (eocd < 0) {
      throw new ReaderError({
        rule: ZIP_RULE,
        value: 'a file that ends before its central directory',
        file,
      });
    }
    const eocdOffset = size - tailLength + eocd;
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    const zip64Locator = eocd >= 20 && tail.readUInt32LE(eocd - 20) === ZIP64_LOCATOR_SIGNATURE;
    if (
      zip64Locator ||
      count === 0xffff ||
      directorySize === 0xffffffff ||
      directoryOffset === 0xffffffff
    ) {
      throw new ReaderError({ rule: ZIP64_RULE, value: 'a ZIP64 archive', file });
    }
    if (directoryOffset + directorySize > eocdOffset) {
      throw new ReaderError({
        rule: ZIP_RULE,
        value: 'a central directory that lies outside the file',
        file,
      });
    }
    const directory = await readAt(handle, directoryOffset, directorySize);
    return parseDirectory(directory, count, file, limits, directoryOffset);
  } finally {
    await handle.close();
  }
}

function parseDirectory(
  directory: Buffer,
  count: number,
  file: string,
  limits: ZipLimits,
  directoryOffset: number,
): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ReaderError({ rule: ZIP_RULE, value: 'a damaged central directory', file });
    }
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    const crc = directory.readUInt32LE(at + 16);
    const compressedSize = directory.readUInt32LE(at + 20);
    const uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const localHeaderOffset = directory.readUInt32LE(at + 42);
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (
      compressedSize === 0xffffffff ||
      uncompressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      throw new ReaderError({ rule: ZIP64_RULE, value: `a ZIP64 entry ${name}`, file });
    }
    if (localHeaderOffset >= directoryOffset) {
      throw new ReaderError({ rule: ZIP_RULE, value: 'a damaged central directory', file });
    }
    if (flags & 1) {
      throw new ReaderError({ rule: ENCRYPTED_RULE, value: `an encrypted entry ${name}`, file });
    }
    if (method !== 0 && method !== 8) {
      throw new ReaderError({
        rule: METHOD_RULE,
        value: `compression method ${method} in ${name}`,
        file,
      });
    }
    entries.push({ name, method, compressedSize, uncompressedSize, crc32: crc, localHeaderOffset });
  }
  const total = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
  if (total > limits.maxUncompressedBytes) {
    throw new ReaderError({
      rule: `an .xlsx file must expand to at most ${limits.maxUncompressedBytes} bytes`,
      value: `entries declaring ${total} bytes`,
      file,
    });
  }
  for (const { name, compressedSize, uncompressedSize } of entries) {
    if (
      uncompressedSize >= RATIO_MIN_BYTES &&
      uncompressedSize > compressedSize * limits.maxCompressionRatio
    ) {
      const ratio =
        compressedSize === 0
          ? 'without limit'
          : `${Math.round(uncompressedSize / compressedSize)} times`;
      throw new ReaderError({
        rule: `an .xlsx entry must expand at most ${limits.maxCompressionRatio} times`,
        value: `${name} expanding ${ratio} (${uncompressedSize} bytes from ${compressedSize})`,
        file,
      });
    }
  }
  return entries;
}

/**
 * Inflates one entry, handing each chunk to `onChunk`, and checks it as it goes: it may never
 * grow past its declared size (a lying zip bomb stops there), and must end at exactly that size
 * with the declared CRC-32. Corrupt deflate data becomes a {@link ReaderError}, never a crash.
 */
export async function inflateZipEntry(
  path: string,
  file: string,
  entry: ZipEntry,
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  try {
    for await (const chunk of inflateZipEntryChunks(path, file, entry)) onChunk(chunk);
  } catch (error) {
    if (error instanceof ReaderError) throw error;
    throw new ReaderError(
      { rule: INTACT_RULE, value: `corrupt data in ${entry.name}`, file },
      { cause: error },
    );
  }
}

/**
 * The inflated bytes of one entry as they come, with the same checks as {@link inflateZipEntry}
 * (declared size, CRC, corrupt data: a {@link ReaderError} at the point it is found). Stopping
 * early (a `break`, a `return`) closes the file.
 */
export async function* inflateZipEntryChunks(
  path: string,
  file: string,
  entry: ZipEntry,
): AsyncGenerator<Buffer> {
  const dataStart = await findEntryData(path, file, entry);
  let produced = 0;
  let crc = 0;
  const corrupt = (cause?: unknown): ReaderError =>
    new ReaderError(
      { rule: INTACT_RULE, value: `corrupt data in ${entry.name}`, file },
      cause === undefined ? undefined : { cause },
    );
  if (entry.compressedSize === 0) {
    if (entry.uncompressedSize !== 0) throw corrupt();
    return;
  }
  const raw = createReadStream(path, {
    start: dataStart,
    end: dataStart + entry.compressedSize - 1,
    highWaterMark: 256 * 1024,
  });
  const inflated: Transform =
    entry.method === 8 ? createInflateRaw({ chunkSize: INFLATE_CHUNK_BYTES }) : new PassThrough();
  raw.on('error', (error) => inflated.destroy(error));
  raw.pipe(inflated);
  try {
    const chunks = (inflated as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw corrupt(error);
      }
      if (next.done) break;
      const chunk = next.value;
      produced += chunk.length;
      if (produced > entry.uncompressedSize) {
        throw new ReaderError({
          rule: DECLARED_RULE,
          value: `${entry.name} expanding beyond its declared ${entry.uncompressedSize} bytes`,
          file,
        });
      }
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } finally {
    raw.destroy();
    inflated.destroy();
  }
  if (produced !== entry.uncompressedSize || crc !== entry.crc32) throw corrupt();
}

export async function readZipEntry(path: string, file: string, entry: ZipEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await inflateZipEntry(path, file, entry, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

async function findEntryData(path: string, file: string, entry: ZipEntry): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
      throw new ReaderError({
        rule: INTACT_RULE,
        value: `a damaged header of ${entry.name}`,
        file,
      });
    }
    const dataStart =
      entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const { size } = await handle.stat();
    if (dataStart + entry.compressedSize > size) {
      throw new ReaderError({ rule: ZIP_RULE, value: `${entry.name} cut short`, file });
    }
    return dataStart;
  } finally {
    await handle.close();
  }
}

/** The offset of the End Of Central Directory record in `tail`, preferring an exact fit. */
function findEocd(tail: Buffer): number {
  let loose = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) !== EOCD_SIGNATURE) continue;
    const end = i + EOCD_SIZE + tail.readUInt16LE(i + 20);
    if (end === tail.length) return i;
    if (end < tail.length && loose < 0) loose = i;
  }
  return loose;
}

function describeNonZip(head: Buffer): string {
  if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) {
    return 'an OLE2 compound file (a legacy .xls, or a workbook protected by a password)';
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    if (/^\s*<(!doctype html|html|head|body|table|meta)\b/i.test(text))
      return 'an HTML page, not a zip archive (a web page saved as .xlsx?)';
    if (!/[\u0000-\u0008\u000e-\u001f]/.test(text))
      return 'text, not a zip archive (a CSV named .xlsx?)';
  } catch {
    // not text: fall through to the bytes
  }
  const bytes = [...head.subarray(0, 4)].map((b) => b.toString(16).toUpperCase().padStart(2, '0'));
  return `a file that is not a zip archive (it starts with ${bytes.join(' ')})`;
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
