import { open } from 'node:fs/promises';

/**
 * Pins every entry's modification time in a zip file (an .xlsx) to 2000-01-01 00:00, in place, so
 * the same content gives the same bytes. exceljs stamps entries with the current local time and
 * offers no option for it; only the DOS time/date fields change, never sizes or CRCs.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** DOS date of 2000-01-01: ((2000 − 1980) << 9) | (1 << 5) | 1. */
const DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/** Rewrites the DOS time and date of every local and central-directory header of the zip at `path`. */
export async function pinZipTimestamps(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path}: not a zip file (no end of central directory)`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new Error(`${path}: ZIP64 archives are not supported`);
    }
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const stamp = Buffer.alloc(4);
    stamp.writeUInt16LE(DOS_TIME, 0);
    stamp.writeUInt16LE(DOS_DATE, 2);
    const local = Buffer.alloc(4);
    let at = 0;
    for (let n = 0; n < entries; n++) {
      if (cd.readUInt32LE(at) !== CENTRAL)
        throw new Error(`${path}: bad central directory entry ${n}`);
      stamp.copy(cd, at + 12);
      const localOffset = cd.readUInt32LE(at + 42);
      await handle.read(local, 0, 4, localOffset);
      if (local.readUInt32LE(0) !== LOCAL)
        throw new Error(`${path}: bad local header for entry ${n}`);
      await handle.write(stamp, 0, 4, localOffset + 10);
      at += 46 + cd.readUInt16LE(at + 28) + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32);
    }
    await handle.write(cd, 0, cdSize, cdOffset);
  } finally {
    await handle.close();
  }
}
