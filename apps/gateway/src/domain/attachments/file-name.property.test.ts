import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition, extensionOf, MAX_FILE_NAME_CHARS } from './file-name.ts';
import { ALLOWED_EXTENSIONS } from './sniff.ts';

const RUNS = { numRuns: 300 };

// The characters cleanFileName promises to drop: C0, DEL, C1, and the invisible format
// characters (soft hyphen, bidi marks, embeddings, overrides and isolates, zero-width ones).
const HIDDEN_RANGES: [number, number][] = [
  [0x0000, 0x001f],
  [0x007f, 0x009f],
  [0x00ad, 0x00ad],
  [0x061c, 0x061c],
  [0x180e, 0x180e],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x2064],
  [0x2066, 0x206f],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb],
];
const isHidden = (c: string) => HIDDEN_RANGES.some(([from, to]) => c.codePointAt(0)! >= from && c.codePointAt(0)! <= to);
const codePoints = (s: string) => [...s].length;
/** No lone surrogate: the string has a UTF-8 form. */
const wellFormedText = (s: string) => !/\p{Cs}/u.test(s);

// Characters a file-name cleaner has to get right: separators, dots, spaces of every
// kind, controls, bidi and zero-width characters, combining marks, lone surrogates.
const hostile = fc.constantFrom(
  '/', '\\', '.', '..', ' ', '  ', '\t', '\n', '\r', '\u0000', '\u0007', '\u007f', '\u0085', '\u00a0', '\u00ad',
  '\u061c', '\u180e', '\u200b', '\u200d', '\u200e', '\u2028', '\u202a', '\u202e', '\u2060', '\u2066', '\u3000',
  '\ufeff', '\ufffa', '\u0301', '\u0308', '\u1100', '\u1161', 'e', 'A', 'İ', 'ß', '日', '😀', '\ud800', '\udc00',
);
const unit = fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) }, { weight: 2, arbitrary: hostile });
// A few characters, so that separators, dots, hidden characters and combining marks end up
// side by side (`e` + U+200B + U+0301, `a.` + U+202E + `.`).
const dense = fc.constantFrom('a', 'e', '.', ' ', '/', '\\', '\t', '\u0000', '\u200b', '\u202e', '\u0301', '\u1100', '\u1161');
/** Letters, then dots and spaces, then more letters: long names with many dots. */
const dotted = fc
  .array(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'é', '日'), maxLength: 30 }), fc.constantFrom('.', '..', ' .', '. ', ' ')), { minLength: 5, maxLength: 60, size: 'max' })
  .chain((parts) =>
    // The last part is sometimes short enough to be an extension, sometimes too long.
    fc.string({ unit: fc.constantFrom('b', 'é'), minLength: 1, maxLength: 40, size: 'max' }).map((last) => parts.map(([a, b]) => a + b).join('') + last),
  );
/** Any string, biased to the hostile characters above; sometimes a few thousand characters long. */
const rawName = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: dense, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 150, maxLength: 3000, size: 'max' }) },
  { weight: 2, arbitrary: dotted },
);

/** Visible characters that cleaning never removes from inside a name, merges or composes. */
const visible = fc.constantFrom('a', 'Z', '0', '-', '_', '(', ')', 'é', 'ß', '日', '本', '😀', '.', ',', "'", '"', '%', ';', '=');

/** Any string of whole code points: what a decoded query string can carry. */
const wellFormed = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: fc.oneof(unit, visible), maxLength: 60 }).filter(wellFormedText));

describe('cleanFileName', () => {
  it('never throws and leaves no folder part, hidden character, stray space or trailing dot, for any string', () => {
    fc.assert(
      fc.property(rawName, (raw) => {
        const name = cleanFileName(raw);
        expect(name).not.toMatch(/[/\\]/);
        expect([...name].filter(isHidden)).toEqual([]);
        // Runs of whitespace of any kind become one space; none is left at either end.
        expect(name).not.toMatch(/[^\S ]| {2}|^ | $/);
        expect(name.endsWith('.')).toBe(false);
        // "Empty when nothing is left": a name is never dots alone.
        expect(name === '' || /[^.]/.test(name)).toBe(true);
        expect(codePoints(name)).toBeLessThanOrEqual(MAX_FILE_NAME_CHARS);
      }),
      RUNS,
    );
  });

  it('gives back a clean name unchanged, in NFC', () => {
    fc.assert(
      fc.property(rawName, (raw) => {
        const name = cleanFileName(raw);
        expect(cleanFileName(name)).toBe(name);
        expect(name.normalize('NFC')).toBe(name);
      }),
      RUNS,
    );
  });

  it('keeps only the last part of a path, whichever separators it uses', () => {
    const segment = fc.string({ unit, maxLength: 20 }).map((s) => s.replace(/[/\\]/g, ''));
    fc.assert(
      fc.property(fc.array(fc.tuple(segment, fc.constantFrom('/', '\\')), { maxLength: 6 }), segment, (folders, base) => {
        const path = folders.map(([folder, separator]) => folder + separator).join('') + base;
        expect(cleanFileName(path)).toBe(cleanFileName(base));
      }),
      RUNS,
    );
  });

  it('keeps the extension when it cuts a long name to the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: visible, minLength: MAX_FILE_NAME_CHARS + 1, maxLength: 3000, size: 'max' }),
        fc.mixedCase(fc.constantFrom(...ALLOWED_EXTENSIONS)),
        (stem, extension) => {
          const name = cleanFileName(`${stem}.${extension}`);
          expect(codePoints(name)).toBe(MAX_FILE_NAME_CHARS);
          expect(name.endsWith(`.${extension.toLowerCase()}`)).toBe(true);
          expect(extensionOf(name)).toBe(extension.toLowerCase());
        },
      ),
      RUNS,
    );
  });

  it('leaves a name within the limit made only of visible characters as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: visible, minLength: 1, maxLength: MAX_FILE_NAME_CHARS }), (raw) => {
        fc.pre(!raw.endsWith('.'));
        expect(cleanFileName(raw)).toBe(raw);
      }),
      RUNS,
    );
  });
});

describe('extensionOf', () => {
  const part = fc.string({ unit: fc.oneof(unit, visible), minLength: 1, maxLength: 30 }).filter((s) => !s.includes('.'));

  it('is what follows the last dot, in lower case', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(unit, visible), minLength: 1, maxLength: 30 }), part, (stem, extension) => {
        expect(extensionOf(`${stem}.${extension}`)).toBe(extension.toLowerCase());
      }),
      RUNS,
    );
  });

  it('is empty for a name without a dot, a dot file and a name ending in a dot', () => {
    fc.assert(
      fc.property(part, (name) => {
        expect(extensionOf(name)).toBe('');
        expect(extensionOf(`.${name}`)).toBe('');
        expect(extensionOf(`${name}.`)).toBe('');
      }),
      RUNS,
    );
  });

  it('never holds a dot and is always lower case, for any string', () => {
    fc.assert(
      fc.property(rawName, (name) => {
        const extension = extensionOf(name);
        expect(extension).not.toContain('.');
        expect(extension).toBe(extension.toLowerCase());
      }),
      RUNS,
    );
  });
});

describe('contentDisposition', () => {
  // RFC 6266 §4.1 with RFC 8187 §3.2.1: a quoted ASCII filename, then filename* as
  // charset '' value-chars, where a value-char is an attr-char or a %-escape.
  const HEADER = /^attachment; filename="([^"\\]*)"; filename\*=UTF-8''((?:[A-Za-z0-9!#$&+.^_`|~-]|%[0-9A-F]{2})*)$/;
  const names = fc.oneof(wellFormed, rawName.map(cleanFileName).filter(wellFormedText));

  it('is printable ASCII, with a quoted fallback and the exact name in filename*', () => {
    fc.assert(
      fc.property(names, (name) => {
        const header = contentDisposition(name);
        expect(header).toMatch(/^[\x20-\x7e]*$/);
        const [, fallback, encoded] = HEADER.exec(header) ?? [];
        expect(fallback).toBeDefined();
        expect(fallback).not.toMatch(/["\\%]/);
        // One character of the fallback for each UTF-16 unit of the name: an old client's name lines up.
        expect(fallback).toHaveLength(name.length);
        expect(decodeURIComponent(encoded!)).toBe(name);
      }),
      RUNS,
    );
  });

  it('keeps the printable ASCII of the name in the fallback, except quote, backslash and percent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 60 }), (name) => {
        const [, fallback] = HEADER.exec(contentDisposition(name)) ?? [];
        expect(fallback).toBe(name.replace(/[^\x20-\x7e]|["\\%]/g, '_'));
      }),
      RUNS,
    );
  });
});
