import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a zip built by {@link buildZip}. */
export interface ZipPart {
  readonly name: string;
  readonly data: Buffer;
  /** Store instead of deflate. */
  readonly store?: boolean;
  /** Declare this uncompressed size in both headers instead of the real one (a lying entry). */
  readonly declaredSize?: number;
  /** Make the local header disagree with the central directory about the compressed size. */
  readonly localCompressedSize?: number;
}

/** A minimal zip writer (deflate, no data descriptors), so tests can forge what a zip bomb forges. */
export function buildZip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const body = part.store ? part.data : deflateRawSync(part.data);
    const size = part.declaredSize ?? part.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(part.store ? 0 : 8, 8);
    local.writeUInt32LE(crc32(part.data), 14);
    local.writeUInt32LE(part.localCompressedSize ?? body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(part.store ? 0 : 8, 10);
    central.writeUInt32LE(crc32(part.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(parts.length, 8);
  eocd.writeUInt16LE(parts.length, 10);
  eocd.writeUInt32LE(directory.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, eocd]);
}

/** Where one entry of a zip lives: its central-directory record and its compressed bytes. */
export interface EntryPlace {
  /** Offset of the entry's central-directory record. */
  readonly central: number;
  /** Offset of the first byte of its compressed data. */
  readonly dataStart: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
}

/** Finds an entry of a (non-ZIP64) zip by name, reading the central directory as a reader does. */
export function locateEntry(zip: Buffer, name: string): EntryPlace {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (entryName === name) {
      const local = zip.readUInt32LE(at + 42);
      return {
        central: at,
        dataStart: local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28),
        compressedSize: zip.readUInt32LE(at + 20),
        uncompressedSize: zip.readUInt32LE(at + 24),
      };
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`no entry ${name} in the zip`);
}

export const WORKBOOK_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="HTX" sheetId="1" r:id="rId1"/></sheets></workbook>`;
export const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

/** A one-sheet .xlsx package written by hand around `sheetXml` (for XML exceljs never writes). */
export function handmadeXlsx(sheetXml: string | Buffer, sheet: Partial<ZipPart> = {}): Buffer {
  return buildZip([
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK_XML) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(WORKBOOK_RELS) },
    {
      name: 'xl/worksheets/sheet1.xml',
      data: typeof sheetXml === 'string' ? Buffer.from(sheetXml) : sheetXml,
      ...sheet,
    },
  ]);
}

/** Bytes of the two small parts {@link handmadeXlsx} adds besides the sheet. */
export const HANDMADE_OVERHEAD_BYTES = WORKBOOK_XML.length + WORKBOOK_RELS.length;
