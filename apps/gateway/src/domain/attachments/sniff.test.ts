import { ATTACHMENT_EXTENSIONS } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import * as files from '../../../test/support/files.ts';
import { ALLOWED_EXTENSIONS, isPlainText, sniff, zipEntryNames } from './sniff.ts';

const typeOf = (bytes: Uint8Array) => sniff(bytes)?.type;

describe('sniff', () => {
  it.each([
    ['a PNG', files.png(), 'image/png'],
    ['a GIF', files.gif(), 'image/gif'],
    ['a BMP', files.bmp(), 'image/bmp'],
    ['a JPEG', files.jpeg(), 'image/jpeg'],
    ['a WEBP', files.webp(), 'image/webp'],
    ['a TIFF (little-endian)', files.tiff(), 'image/tiff'],
    ['a TIFF (big-endian)', Uint8Array.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]), 'image/tiff'],
    ['a HEIC (heic brand)', files.ftyp('heic', 'mif1', 'heic'), 'image/heic'],
    ['a HEIC (heix brand)', files.ftyp('heix', 'mif1'), 'image/heic'],
    ['a HEIC (heim brand)', files.ftyp('heim'), 'image/heic'],
    ['a HEIC (heis brand)', files.ftyp('heis'), 'image/heic'],
    ['a HEIC sequence (hevc brand)', files.ftyp('hevc', 'msf1'), 'image/heic-sequence'],
    ['a HEIF (mif1 brand)', files.ftyp('mif1', 'heic'), 'image/heif'],
    ['a HEIF sequence (msf1 brand)', files.ftyp('msf1'), 'image/heif-sequence'],
    ['a PDF', files.pdf(), 'application/pdf'],
    ['a DOC', files.ole('WordDocument', '\u0001CompObj'), 'application/msword'],
    ['an XLS', files.ole('Workbook'), 'application/vnd.ms-excel'],
    ['an Excel 95 XLS', files.ole('Book'), 'application/vnd.ms-excel'],
    ['a PPT', files.ole('Current User', 'PowerPoint Document'), 'application/vnd.ms-powerpoint'],
    ['a DOCX', files.ooxml('docx'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an XLSX', files.ooxml('xlsx'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['a PPTX', files.ooxml('pptx'), 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    ['an RTF', files.rtf(), 'application/rtf'],
    ['UTF-8 text with tabs, CR and LF', files.text('Order 42\r\n\tcafé – ✓ 日本語\n'), 'text/plain'],
    ['UTF-8 text with a byte order mark', Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'text/plain'],
  ])('recognizes %s', (_label, bytes, type) => {
    expect(typeOf(bytes)).toBe(type);
  });

  it.each([
    ['an empty file', new Uint8Array()],
    ['a Windows executable', files.exe()],
    ['text with a NUL byte', files.text('Hello\u0000World')],
    ['text with an escape sequence', files.text('\u001b[31mred\u001b[0m')],
    ['text with DEL', files.text('a\u007fb')],
    ['text with a C1 control character', files.text('next\u0085line')],
    ['invalid UTF-8', Uint8Array.from([0x48, 0x69, 0xff, 0xfe])],
    ['a ZIP without [Content_Types].xml', files.zip({ 'word/document.xml': '<w:document/>' })],
    ['a ZIP with content types but no Office parts', files.zip({ '[Content_Types].xml': '<Types/>', 'docProps/app.xml': '<x/>' })],
    ['a plain archive', files.zip({ 'notes.txt': 'hello' })],
    ['a truncated ZIP', files.ooxml('docx').subarray(0, 40)],
    ['an OLE file of another kind (an Outlook message)', files.ole('__properties_version1.0', '__recip_version1.0_#00000000')],
    ['a truncated OLE header', files.ole('WordDocument').subarray(0, 600)],
    ['an MP4 video (ftyp isom)', concatBytes(files.ftyp('isom', 'mp41'), new Uint8Array([0, 0, 0, 8, 0x6d, 0x64, 0x61, 0x74]))],
    ['an AVIF image (not in the list)', concatBytes(files.ftyp('avif', 'mif1', 'miaf'), new Uint8Array([0, 0, 0, 0]))],
  ])('refuses %s', (_label, bytes) => {
    expect(sniff(bytes)).toBeUndefined();
  });

  it('does not take text that starts with "BM" for a bitmap', () => {
    expect(typeOf(files.text('BMW parts list\n'))).toBe('text/plain');
  });

  it('judges HTML and SVG by their bytes: text, never an image', () => {
    expect(typeOf(files.html())).toBe('text/plain');
    expect(typeOf(files.svg())).toBe('text/plain');
  });
});

describe('isPlainText', () => {
  it('accepts tab, CR and LF and refuses every other control byte', () => {
    for (const allowed of [0x09, 0x0a, 0x0d]) expect(isPlainText(Uint8Array.from([0x61, allowed, 0x62]))).toBe(true);
    for (let c = 0; c < 0x20; c++) {
      if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
      expect(isPlainText(Uint8Array.from([0x61, c, 0x62])), `byte ${c}`).toBe(false);
    }
  });
});

describe('zipEntryNames', () => {
  it('lists the central directory of a ZIP with a trailing comment', () => {
    const bytes = files.zip({ 'a.txt': 'a', 'b/c.xml': '<c/>' });
    const commented = concatBytes(bytes.subarray(0, bytes.length - 2), Uint8Array.from([5, 0]), files.text('hello'));
    expect(zipEntryNames(commented)).toEqual(['a.txt', 'b/c.xml']);
  });
});

function concatBytes(a: Uint8Array, b: Uint8Array, c: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}

describe('ALLOWED_EXTENSIONS', () => {
  it('is the list the protocol tells clients', () => {
    expect([...ALLOWED_EXTENSIONS].sort()).toEqual([...ATTACHMENT_EXTENSIONS]);
  });
});
