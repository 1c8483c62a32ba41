import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as files from '../../../test/support/files.ts';
import { FILE_KINDS, isPlainText, sniff, zipEntryNames, type FileKind } from './sniff.ts';

const RUNS = { numRuns: 300 };
const KINDS: readonly FileKind[] = Object.values(FILE_KINDS);

const { concat } = files;
const startsWith = (bytes: Uint8Array, prefix: readonly number[] | string) => {
  const expected = typeof prefix === 'string' ? [...prefix].map((c) => c.charCodeAt(0)) : prefix;
  return bytes.length >= expected.length && expected.every((b, i) => bytes[i] === b);
};
const at = (bytes: Uint8Array, offset: number, text: string) => startsWith(bytes.subarray(offset), text);
const EOCD = [0x50, 0x4b, 0x05, 0x06];
/** Whether the bytes hold a ZIP end of central directory signature anywhere. */
const hasEndRecord = (bytes: Uint8Array) => bytes.some((_, i) => EOCD.every((b, j) => bytes[i + j] === b));

// Mostly short, sometimes a few kilobytes.
const junk = fc.oneof({ weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4096, size: 'max' }) });

/** One real, minimal file of every allowed kind, by the kind it is. */
const SAMPLES: [FileKind, Uint8Array][] = [
  [FILE_KINDS.pdf, files.pdf()],
  [FILE_KINDS.png, files.png()],
  [FILE_KINDS.jpeg, files.jpeg()],
  [FILE_KINDS.gif, files.gif()],
  [FILE_KINDS.webp, files.webp()],
  [FILE_KINDS.tiff, files.tiff()],
  [FILE_KINDS.heic, files.ftyp('heic', 'mif1')],
  [FILE_KINDS.heicSequence, files.ftyp('hevc')],
  [FILE_KINDS.heif, files.ftyp('mif1')],
  [FILE_KINDS.heifSequence, files.ftyp('msf1')],
  [FILE_KINDS.bmp, files.bmp()],
  [FILE_KINDS.doc, files.ole('WordDocument')],
  [FILE_KINDS.xls, files.ole('Workbook')],
  [FILE_KINDS.ppt, files.ole('PowerPoint Document')],
  [FILE_KINDS.docx, files.ooxml('docx')],
  [FILE_KINDS.xlsx, files.ooxml('xlsx')],
  [FILE_KINDS.pptx, files.ooxml('pptx')],
  [FILE_KINDS.rtf, files.rtf()],
];
const sample = fc.constantFrom(...SAMPLES);

/**
 * What a file of each kind must start with (or hold near its start), written out from the
 * formats' specifications rather than taken from the sniffer.
 */
const SIGNATURES: Record<string, (bytes: Uint8Array) => boolean> = {
  pdf: (b) => startsWith(b, '%PDF-'),
  png: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  jpeg: (b) => startsWith(b, [0xff, 0xd8, 0xff]),
  gif: (b) => startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a'),
  webp: (b) => startsWith(b, 'RIFF') && at(b, 8, 'WEBP'),
  tiff: (b) => startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a]),
  bmp: (b) => startsWith(b, 'BM'),
  doc: (b) => startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  docx: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]),
  rtf: (b) => startsWith(b, '{\\rtf'),
  heic: (b) => at(b, 4, 'ftyp'),
};
SIGNATURES.xls = SIGNATURES.ppt = SIGNATURES.doc!;
SIGNATURES.xlsx = SIGNATURES.pptx = SIGNATURES.docx!;
SIGNATURES.heicSequence = SIGNATURES.heif = SIGNATURES.heifSequence = SIGNATURES.heic!;

/** A copy of the bytes with a few of them overwritten. */
const damage = (file: Uint8Array, changes: [number, number][]) => {
  const copy = file.slice();
  for (const [where, value] of changes) if (copy.length) copy[where % copy.length] = value;
  return copy;
};
const changes = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 });

/** Arbitrary bytes, after the first bytes of a real file (or all of it), or a real file damaged. */
const bytes = fc.oneof(
  junk,
  fc.tuple(sample, fc.nat(), junk).map(([[, file], cut, rest]) => concat(file.subarray(0, cut % (file.length + 1)), rest)),
  fc.tuple(sample, changes).map(([[, file], list]) => damage(file, list)),
);

describe('sniff', () => {
  it('never throws, and names one of the allowed kinds or none, for any bytes', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const kind = sniff(b);
        if (kind !== undefined) expect(KINDS).toContain(kind);
      }),
      RUNS,
    );
  });

  it('accepts only bytes with their kind’s signature, or valid UTF-8 text without control characters', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        const kind = sniff(b);
        if (kind === undefined) return;
        if (kind === FILE_KINDS.txt) {
          const text = new TextDecoder('utf-8', { fatal: true }).decode(b);
          expect(text).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/);
        } else {
          expect(SIGNATURES[kind.id]!(b)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('refuses bytes that start with no signature and are not text', () => {
    const anySignature = (b: Uint8Array) => Object.values(SIGNATURES).some((matches) => matches(b));
    fc.assert(
      fc.property(junk, (b) => {
        fc.pre(!anySignature(b) && !isPlainText(b));
        expect(sniff(b)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('keeps the kind of a real file whatever follows it', () => {
    fc.assert(
      fc.property(sample, junk, ([kind, file], rest) => {
        // Trailing bytes holding a second end record would make a different ZIP.
        fc.pre(!hasEndRecord(rest));
        expect(sniff(concat(file, rest))).toBe(kind);
      }),
      RUNS,
    );
  });

  it('never takes bytes that start with a control character for text', () => {
    const control = fc.integer({ min: 0x00, max: 0x1f }).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d);
    fc.assert(
      fc.property(fc.oneof(control, fc.constant(0x7f)), junk, (first, rest) => {
        expect(sniff(concat(Uint8Array.of(first), rest))).not.toBe(FILE_KINDS.txt);
      }),
      RUNS,
    );
  });
});

describe('isPlainText', () => {
  const encode = (s: string) => new TextEncoder().encode(s);
  // Control characters other than tab, LF and CR: C0, DEL and C1 (U+0080–U+009F).
  const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
  const text = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constantFrom('\t', '\n', '\r', '\ufeff')), maxLength: 200, size: 'medium' }).map((s) => s.replace(CONTROL, ''));
  const controlChar = fc.oneof(fc.integer({ min: 0x00, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).filter((c) => c !== 0x09 && c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c));
  // Bytes that never appear in UTF-8 (RFC 3629 §1), and a continuation byte with no lead byte.
  const neverUtf8 = fc.oneof(fc.constantFrom(0xc0, 0xc1), fc.integer({ min: 0xf5, max: 0xff }), fc.integer({ min: 0x80, max: 0xbf }));

  it('accepts any UTF-8 text without control characters but tab, CR and LF', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(isPlainText(encode(s))).toBe(true);
      }),
      RUNS,
    );
  });

  it('refuses that text with one control character put anywhere in it', () => {
    fc.assert(
      fc.property(text, text, controlChar, (before, after, control) => {
        expect(isPlainText(encode(before + control + after))).toBe(false);
      }),
      RUNS,
    );
  });

  it('refuses that text with a byte UTF-8 never has at a character boundary', () => {
    fc.assert(
      fc.property(text, text, neverUtf8, (before, after, byte) => {
        expect(isPlainText(concat(encode(before), Uint8Array.of(byte), encode(after)))).toBe(false);
      }),
      RUNS,
    );
  });

  it('refuses that text cut in the middle of a character', () => {
    fc.assert(
      fc.property(text, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.nat(), (before, char, cut) => {
        const bytes = encode(char);
        fc.pre(bytes.length > 1);
        expect(isPlainText(concat(encode(before), bytes.subarray(0, 1 + (cut % (bytes.length - 1)))))).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('zipEntryNames', () => {
  // Entry names as a ZIP writer would store them, including UTF-8 ones and folders.
  const entryName = fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), fc.constantFrom('/', '.', '[', ']')), maxLength: 40 });
  const archive = fc.uniqueArray(fc.tuple(entryName, fc.string({ maxLength: 40 })), { maxLength: 12, selector: ([name]) => name }).map((entries) => ({
    names: entries.map(([name]) => name),
    bytes: files.zip(Object.fromEntries(entries)),
  }));

  it('never throws, for any bytes, bytes after a local header signature, or a damaged ZIP', () => {
    const damaged = fc.tuple(archive, changes, fc.nat()).map(([{ bytes }, list, cut]) => damage(bytes.subarray(0, cut % (bytes.length + 1) || bytes.length), list));
    fc.assert(
      fc.property(fc.oneof(junk, junk.map((rest) => concat(Uint8Array.of(0x50, 0x4b, 0x03, 0x04), rest)), damaged), (b) => {
        const names = zipEntryNames(b);
        if (names !== undefined) expect(names.every((n) => typeof n === 'string')).toBe(true);
      }),
      RUNS,
    );
  });

  it('lists every entry of a ZIP, in order, also with a trailing comment', () => {
    fc.assert(
      fc.property(archive, fc.uint8Array({ maxLength: 300 }), ({ names, bytes }, comment) => {
        fc.pre(!hasEndRecord(comment));
        expect(zipEntryNames(bytes)).toEqual(names);
        // The comment length is the last field of the end record (APPNOTE.TXT 4.3.16).
        const commented = concat(bytes.subarray(0, bytes.length - 2), Uint8Array.of(comment.length & 0xff, comment.length >> 8), comment);
        expect(zipEntryNames(commented)).toEqual(names);
      }),
      RUNS,
    );
  });

  it('finds nothing in a ZIP cut short of its end record', () => {
    fc.assert(
      fc.property(archive, fc.nat(), ({ bytes }, cut) => {
        const end = cut % bytes.length;
        fc.pre(!hasEndRecord(bytes.subarray(0, end)));
        expect(zipEntryNames(bytes.subarray(0, end))).toBeUndefined();
      }),
      RUNS,
    );
  });
});
