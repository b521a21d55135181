import { open } from 'node:fs/promises';

/**
 * Reads the file at `path` from its start to its end in chunks of up to `chunkBytes` (1 MiB by
 * default), each handed to `onChunk` in one buffer used again for the next: a chunk's bytes hold
 * only during its call, so whatever is kept of them must be copied. A read stream allocates a
 * fresh buffer per chunk instead, and the page faults of that memory cost more than hashing or
 * scanning the bytes (a 30 MB file in the page cache: ~33 ms through one buffer against
 * 88–171 ms through a stream).
 */
export async function readFileChunks(
  path: string,
  onChunk: (bytes: Buffer) => void,
  chunkBytes = 1 << 20,
): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      onChunk(buffer.subarray(0, bytesRead));
    }
  } finally {
    await file.close();
  }
}
