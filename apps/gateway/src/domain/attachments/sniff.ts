/**
 * Tells what a file is from its bytes, for the upload allowlist (MISSION.md V4: PDF, DOC(X),
 * PPT(X), XLS(X), TXT, RTF, JPG, PNG, GIF, BMP, WEBP, TIFF, HEIF). The client's content type is
 * never asked: images and PDF by their signatures; DOC, XLS and PPT by the OLE compound file
 * signature and the stream their directory names; DOCX, XLSX and PPTX by a ZIP whose central
 * directory lists `[Content_Types].xml` and the parts of one of the three; RTF by `{\rtf`; text
 * by being valid UTF-8 without control characters other than tab, CR and LF.
 */

/** One allowed kind of file: the MIME type it is stored and served as, and the extensions its name may have. */
export interface FileKind {
  /** Short name, e.g. `png`, `docx`. */
  id: string;
  /** The MIME type stored and served. */
  type: string;
  /** What it is, for people: "a PDF document". */
  label: string;
  /** Extensions (lower case, no dot) a file of this kind may be named with; the first is the usual one. */
  extensions: readonly string[];
}

const kind = (id: string, type: string, label: string, ...extensions: string[]): FileKind => ({ id, type, label, extensions });

/** Every allowed kind, by id. */
export const FILE_KINDS = {
  pdf: kind('pdf', 'application/pdf', 'a PDF document', 'pdf'),
  doc: kind('doc', 'application/msword', 'a Word document (DOC)', 'doc'),
  xls: kind('xls', 'application/vnd.ms-excel', 'an Excel workbook (XLS)', 'xls'),
  ppt: kind('ppt', 'application/vnd.ms-powerpoint', 'a PowerPoint presentation (PPT)', 'ppt'),
  docx: kind('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a Word document (DOCX)', 'docx'),
  xlsx: kind('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'an Excel workbook (XLSX)', 'xlsx'),
  pptx: kind('pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'a PowerPoint presentation (PPTX)', 'pptx'),
  txt: kind('txt', 'text/plain', 'plain text', 'txt', 'text'),
  rtf: kind('rtf', 'application/rtf', 'an RTF document', 'rtf'),
  jpeg: kind('jpeg', 'image/jpeg', 'a JPEG image', 'jpg', 'jpeg', 'jpe', 'jfif'),
  png: kind('png', 'image/png', 'a PNG image', 'png'),
  gif: kind('gif', 'image/gif', 'a GIF image', 'gif'),
  bmp: kind('bmp', 'image/bmp', 'a BMP image', 'bmp', 'dib'),
  webp: kind('webp', 'image/webp', 'a WEBP image', 'webp'),
  tiff: kind('tiff', 'image/tiff', 'a TIFF image', 'tif', 'tiff'),
  heic: kind('heic', 'image/heic', 'a HEIF image', 'heic', 'heif', 'hif'),
  heicSequence: kind('heicSequence', 'image/heic-sequence', 'a HEIF image sequence', 'heic', 'heics', 'heif', 'hif'),
  heif: kind('heif', 'image/heif', 'a HEIF image', 'heif', 'heic', 'hif'),
  heifSequence: kind('heifSequence', 'image/heif-sequence', 'a HEIF image sequence', 'heif', 'heifs', 'heic', 'hif'),
} as const satisfies Record<string, FileKind>;

/** Every extension some allowed kind may carry. */
export const ALLOWED_EXTENSIONS: ReadonlySet<string> = new Set(Object.values(FILE_KINDS).flatMap((k) => k.extensions));

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};
const startsWith = (bytes: Uint8Array, signature: readonly number[]) =>
  bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

const u16 = (bytes: Uint8Array, at: number) => (at + 2 <= bytes.length ? bytes[at]! | (bytes[at + 1]! << 8) : -1);
const u32 = (bytes: Uint8Array, at: number) =>
  at + 4 <= bytes.length ? (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0 : -1;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const TIFF_LE = [0x49, 0x49, 0x2a, 0x00];
const TIFF_BE = [0x4d, 0x4d, 0x00, 0x2a];
/** BMP DIB header sizes (BITMAPCOREHEADER … BITMAPV5HEADER): "BM" alone is too weak a signature. */
const BMP_DIB_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/** HEIF major brands (ISO/IEC 23008-12) and the kind each stands for. */
const HEIF_BRANDS = new Map<string, FileKind>([
  ['heic', FILE_KINDS.heic],
  ['heix', FILE_KINDS.heic],
  ['heim', FILE_KINDS.heic],
  ['heis', FILE_KINDS.heic],
  ['hevc', FILE_KINDS.heicSequence],
  ['mif1', FILE_KINDS.heif],
  ['msf1', FILE_KINDS.heifSequence],
]);

/** What the bytes are, or undefined when they are none of the allowed kinds. */
export function sniff(bytes: Uint8Array): FileKind | undefined {
  if (bytes.length === 0) return undefined;
  if (ascii(bytes, 0, '%PDF-')) return FILE_KINDS.pdf;
  if (startsWith(bytes, PNG)) return FILE_KINDS.png;
  if (startsWith(bytes, JPEG)) return FILE_KINDS.jpeg;
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return FILE_KINDS.gif;
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return FILE_KINDS.webp;
  if (startsWith(bytes, TIFF_LE) || startsWith(bytes, TIFF_BE)) return FILE_KINDS.tiff;
  if (ascii(bytes, 4, 'ftyp') && bytes.length >= 12) {
    const heif = HEIF_BRANDS.get(String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!));
    if (heif) return heif;
  }
  if (ascii(bytes, 0, 'BM') && BMP_DIB_SIZES.has(u32(bytes, 14))) return FILE_KINDS.bmp;
  if (startsWith(bytes, OLE)) return oleKind(bytes);
  if (startsWith(bytes, ZIP)) return officeZipKind(bytes);
  if (ascii(bytes, 0, '{\\rtf')) return FILE_KINDS.rtf;
  return isPlainText(bytes) ? FILE_KINDS.txt : undefined;
}

/**
 * Plain text: valid UTF-8 (a byte order mark allowed) with no control characters but tab, CR
 * and LF, neither the C0 ones, DEL, nor the C1 ones (U+0080–U+009F).
 */
export function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return false;
  }
  return true;
}

const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
/** The stream each legacy Office format keeps its document in ("Book" is Excel 5/95). */
const OLE_STREAMS: [string, FileKind][] = [
  ['WordDocument', FILE_KINDS.doc],
  ['Workbook', FILE_KINDS.xls],
  ['Book', FILE_KINDS.xls],
  ['PowerPoint Document', FILE_KINDS.ppt],
];

/**
 * DOC, XLS or PPT: an OLE compound file ([MS-CFB]) whose directory names the document stream of
 * one of them. Other compound files (installers, Outlook messages, …) are not allowed.
 */
function oleKind(bytes: Uint8Array): FileKind | undefined {
  const shift = u16(bytes, 0x1e);
  if (shift !== 9 && shift !== 12) return undefined;
  const size = 1 << shift;
  const perSector = size / 4;
  const offset = (sector: number) => (sector + 1) * size;
  // The FAT's sectors: 109 listed in the header, the rest in the DIFAT chain.
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = u32(bytes, 0x4c + i * 4);
    if (s !== FREESECT && s >= 0) fatSectors.push(s);
  }
  let difat = u32(bytes, 0x44);
  for (let hops = 0; difat !== ENDOFCHAIN && difat !== FREESECT && difat >= 0 && hops < 1024; hops++) {
    for (let i = 0; i < perSector - 1; i++) {
      const s = u32(bytes, offset(difat) + i * 4);
      if (s !== FREESECT && s >= 0) fatSectors.push(s);
    }
    difat = u32(bytes, offset(difat) + (perSector - 1) * 4);
  }
  const next = (sector: number) => {
    const fat = fatSectors[Math.floor(sector / perSector)];
    return fat === undefined ? -1 : u32(bytes, offset(fat) + (sector % perSector) * 4);
  };
  const names = new Set<string>();
  let sector = u32(bytes, 0x30);
  for (let hops = 0; sector !== ENDOFCHAIN && sector >= 0 && hops < 4096; hops++) {
    const start = offset(sector);
    if (start + size > bytes.length) return undefined;
    for (let entry = start; entry < start + size; entry += 128) {
      const length = u16(bytes, entry + 0x40);
      const type = bytes[entry + 0x42];
      if (type !== 2 || length < 2 || length > 64) continue;
      let name = '';
      for (let i = 0; i < length - 2; i += 2) name += String.fromCharCode(u16(bytes, entry + i));
      names.add(name);
    }
    sector = next(sector);
  }
  return OLE_STREAMS.find(([stream]) => names.has(stream))?.[1];
}

/** The main part of each Office Open XML format, then any part under its folder. */
const OOXML: [string, string, FileKind][] = [
  ['word/document.xml', 'word/', FILE_KINDS.docx],
  ['xl/workbook.xml', 'xl/', FILE_KINDS.xlsx],
  ['ppt/presentation.xml', 'ppt/', FILE_KINDS.pptx],
];

/**
 * DOCX, XLSX or PPTX: a ZIP whose central directory lists `[Content_Types].xml` and the parts of
 * one of them (ECMA-376 Part 2). Other ZIPs (archives, ODF, JAR, APK) are not allowed.
 */
function officeZipKind(bytes: Uint8Array): FileKind | undefined {
  const names = zipEntryNames(bytes);
  if (!names?.includes('[Content_Types].xml')) return undefined;
  for (const [main, , found] of OOXML) if (names.includes(main)) return found;
  for (const [, folder, found] of OOXML) if (names.some((n) => n.startsWith(folder))) return found;
  return undefined;
}

/** The file names in a ZIP's central directory (APPNOTE.TXT 4.3.12, 4.3.16), or undefined when it has none that parses. */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  // The end of central directory record is 22 bytes plus a comment of up to 65535 bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(bytes, at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = u16(bytes, end + 10);
  const directorySize = u32(bytes, end + 12);
  let at = u32(bytes, end + 16);
  if (at < 0 || directorySize < 0 || at + directorySize > end) return undefined;
  const names: string[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count && i < 65535; i++) {
    if (u32(bytes, at) !== 0x02014b50) return undefined;
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const commentLength = u16(bytes, at + 32);
    if (at + 46 + nameLength > end) return undefined;
    names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
