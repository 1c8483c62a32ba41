// Real, minimal files of every allowed kind, and spoofs, built byte by byte for the tests.
import { deflateSync } from 'node:zlib';

const enc = new TextEncoder();
/** UTF-8 bytes of a string. */
export const text = (s: string): Uint8Array => enc.encode(s);
/** The parts' bytes one after the other. */
export const concat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const all = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const le16 = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** CRC-32 (ISO 3309), as PNG and ZIP use it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A decodable PNG of `width`×`height` pixels of one colour. */
export function png(width = 1, height = 1, rgb: [number, number, number] = [220, 40, 60]): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => concat(be32(data.length), text(type), data, be32(crc32(concat(text(type), data))));
  const row = [0, ...Array.from({ length: width }, () => rgb).flat()];
  const raw = Uint8Array.from(Array.from({ length: height }, () => row).flat());
  return concat(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk('IHDR', concat(be32(width), be32(height), [8, 2, 0, 0, 0])),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array()),
  );
}

/** The classic 1×1 transparent GIF. */
export const gif = (): Uint8Array =>
  Uint8Array.from([
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 0, 0, 0, 0x21, 0xf9, 4, 1, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0,
    0, 2, 2, 0x44, 1, 0, 0x3b,
  ]);

/** A 1×1 24-bit BMP (BITMAPINFOHEADER). */
export function bmp(): Uint8Array {
  const pixels = [0, 0, 255, 0]; // one BGR pixel, padded to 4 bytes
  const size = 14 + 40 + pixels.length;
  return concat(text('BM'), le32(size), le32(0), le32(54), le32(40), le32(1), le32(1), le16(1), le16(24), le32(0), le32(pixels.length), le32(2835), le32(2835), le32(0), le32(0), pixels);
}

/** The start of a JFIF JPEG: SOI, APP0 "JFIF", then EOI. */
export const jpeg = (): Uint8Array =>
  concat([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], text('JFIF\0'), [1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xd9]);

/** A WEBP header: RIFF, WEBP, and an empty VP8L chunk. */
export const webp = (): Uint8Array => concat(text('RIFF'), le32(12), text('WEBP'), text('VP8L'), le32(0));

/** A little-endian TIFF with an empty first IFD. */
export const tiff = (): Uint8Array => concat([0x49, 0x49, 0x2a, 0x00], le32(8), le16(0), le32(0));

/** An ISO BMFF `ftyp` box with the given major brand (HEIF: heic, heix, hevc, heim, heis, mif1, msf1). */
export const ftyp = (major: string, ...compatible: string[]): Uint8Array =>
  concat(be32(16 + compatible.length * 4), text('ftyp'), text(major), be32(0), ...compatible.map(text));

/** A minimal PDF. */
export const pdf = (): Uint8Array =>
  text('%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');

/** An RTF document. */
export const rtf = (): Uint8Array => text('{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Hello from RTF.\\par }');

/** A ZIP (stored, no compression) holding the given files. */
export function zip(files: Record<string, string>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBytes = text(name);
    const data = text(content);
    const crc = crc32(data);
    const common = [...le16(20), ...le16(0), ...le16(0), ...le16(0), ...le16(0), ...le32(crc), ...le32(data.length), ...le32(data.length), ...le16(nameBytes.length), ...le16(0)];
    const local = concat(le32(0x04034b50), common, nameBytes, data);
    centrals.push(concat(le32(0x02014b50), le16(20), common, le16(0), le16(0), le16(0), le32(0), le32(offset), nameBytes));
    locals.push(local);
    offset += local.length;
  }
  const directory = concat(...centrals);
  const count = Object.keys(files).length;
  return concat(...locals, directory, le32(0x06054b50), le16(0), le16(0), le16(count), le16(count), le32(directory.length), le32(offset), le16(0));
}

const CONTENT_TYPES = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
/** A DOCX, XLSX or PPTX package: content types, relationships and the main part. */
export const ooxml = (kind: 'docx' | 'xlsx' | 'pptx'): Uint8Array =>
  zip({
    '[Content_Types].xml': CONTENT_TYPES,
    '_rels/.rels': '<Relationships/>',
    ...(kind === 'docx' && { 'word/document.xml': '<w:document/>' }),
    ...(kind === 'xlsx' && { 'xl/workbook.xml': '<workbook/>' }),
    ...(kind === 'pptx' && { 'ppt/presentation.xml': '<p:presentation/>' }),
  });

/**
 * An OLE compound file ([MS-CFB] version 3, 512-byte sectors): header, one FAT sector, one
 * directory sector with the root and the named streams.
 */
export function ole(...streams: string[]): Uint8Array {
  const FREE = 0xffffffff;
  const END = 0xfffffffe;
  const FATSECT = 0xfffffffd;
  const header = new Uint8Array(512);
  const put = (at: number, bytes: number[]) => header.set(bytes, at);
  put(0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  put(0x18, le16(0x3e));
  put(0x1a, le16(3));
  put(0x1c, le16(0xfffe));
  put(0x1e, le16(9));
  put(0x20, le16(6));
  put(0x2c, le32(1)); // one FAT sector
  put(0x30, le32(1)); // the directory starts at sector 1
  put(0x38, le32(4096));
  put(0x3c, le32(END));
  put(0x44, le32(END));
  put(0x4c, le32(0)); // the FAT is sector 0
  for (let i = 1; i < 109; i++) put(0x4c + i * 4, le32(FREE));
  const fat = new Uint8Array(512).fill(0xff);
  fat.set([...le32(FATSECT), ...le32(END)], 0);
  const directory = new Uint8Array(512);
  ['Root Entry', ...streams].slice(0, 4).forEach((name, i) => {
    const entry = i * 128;
    const utf16 = [...name].flatMap((c) => le16(c.charCodeAt(0)));
    directory.set(utf16, entry);
    directory.set(le16(utf16.length + 2), entry + 0x40);
    directory[entry + 0x42] = i === 0 ? 5 : 2;
  });
  return concat(header, fat, directory);
}

/** A Windows executable's first bytes: "MZ", then binary. */
export const exe = (): Uint8Array => concat(text('MZ'), [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0], text('This program cannot be run in DOS mode.'));

/** An HTML page with a script. */
export const html = (): Uint8Array => text('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');

/** An SVG image with a script handler. */
export const svg = (): Uint8Array => text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>');
