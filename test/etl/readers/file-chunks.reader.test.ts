import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileChunks } from '../../../etl/readers/file-chunks.reader.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coopstat-chunks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `bytes` to a file and reads it back by {@link readFileChunks}, copying each chunk. */
async function chunksOf(bytes: Buffer, chunkBytes: number) {
  const path = join(dir, `f-${bytes.length}-${chunkBytes}.bin`);
  await writeFile(path, bytes);
  const chunks: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  await readFileChunks(
    path,
    (chunk) => {
      chunks.push(Buffer.from(chunk));
      buffers.add(chunk.buffer);
    },
    chunkBytes,
  );
  return { chunks, buffers };
}

describe('readFileChunks', () => {
  it('hands over the whole file, in order, in chunks of the size asked and a shorter last one', async () => {
    const bytes = Buffer.from(Array.from({ length: 2_500 }, (_, i) => (i * 7) % 256));
    const { chunks } = await chunksOf(bytes, 1_000);
    expect(chunks.map((c) => c.length)).toEqual([1_000, 1_000, 500]);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
  });

  it('hands over every chunk in the same memory, so a caller must copy what it keeps', async () => {
    const { chunks, buffers } = await chunksOf(Buffer.alloc(3_000, 'ợ'), 1_000);
    expect(chunks).toHaveLength(3);
    expect(buffers.size).toBe(1);
  });

  it('calls nothing for an empty file, and closes the file when the caller throws', async () => {
    const { chunks } = await chunksOf(Buffer.alloc(0), 1_000);
    expect(chunks).toEqual([]);
    const path = join(dir, 'throws.bin');
    await writeFile(path, 'abc');
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFiles();
    await expect(
      readFileChunks(path, () => {
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await openFiles()).toBe(before);
  });
});
