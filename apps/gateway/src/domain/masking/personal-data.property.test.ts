import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IBAN_LENGTHS } from './checks.ts';
import { maskPersonalData, maskPreview, PREVIEW_CHARS, scanPersonalData } from './personal-data.ts';

const RUNS = { numRuns: 300 };

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (min: number, max: number) => fc.array(digit, { minLength: min, maxLength: max }).map((d) => d.join(''));
const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);

/** Every character up to the fourth-last counted one becomes `*`: what the module promises for numbers. */
function keepLastFour(value: string, counts: (c: string) => boolean = isDigit): string {
  const chars = [...value];
  let kept = 0;
  let tail = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (counts(chars[i]!) && ++kept === 4) {
      tail = i;
      break;
    }
  }
  return '*'.repeat(tail) + value.slice(tail);
}

/** Groups of `size` characters joined by `separator`, the last group shorter when it must be. */
const grouped = (value: string, size: number, separator: string) => value.match(new RegExp(`.{1,${size}}`, 'g'))!.join(separator);

// Values that pass their checks, built by the rules checks.ts cites (ISO/IEC 7812,
// ISO 13616, SSA, the Dutch 11-test), each with the printed forms the module documents.

const card = fc
  .tuple(digits(12, 18), fc.constantFrom('', ' ', '-'))
  .map(([body, separator]) => {
    // The Luhn check digit: double every second digit from the right of the body.
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    const number = body + ((10 - (sum % 10)) % 10);
    return separator ? grouped(number, 4, separator) : number;
  });

const mod97 = (s: string) => [...s].reduce((r, c) => (isDigit(c) ? (r * 10 + Number(c)) % 97 : (r * 100 + c.charCodeAt(0) - 55) % 97), 0);
const iban = fc
  .constantFrom(...Object.keys(IBAN_LENGTHS))
  .chain((country) =>
    fc.tuple(
      fc.constant(country),
      fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), { minLength: IBAN_LENGTHS[country]! - 4, maxLength: IBAN_LENGTHS[country]! - 4 }),
      fc.boolean(),
      fc.boolean(),
    ),
  )
  .map(([country, bban, spaced, lower]) => {
    const check = String(98 - mod97(`${bban.join('')}${country}00`)).padStart(2, '0');
    const compact = `${country}${check}${bban.join('')}`;
    const printed = spaced ? grouped(compact, 4, ' ') : compact;
    return lower ? printed.toLowerCase() : printed;
  });

const ssn = fc
  .tuple(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }), fc.constantFrom('-', ' '))
  .filter(([area]) => area !== 666)
  .map(([area, group, serial, separator]) => [String(area).padStart(3, '0'), String(group).padStart(2, '0'), String(serial).padStart(4, '0')].join(separator))
  .filter((s) => !['078051120', '219099999'].includes(s.replace(/\D/g, '')));

const bsn = digits(8, 8)
  .map((first) => {
    const sum = [...first].reduce((n, d, i) => n + (9 - i) * Number(d), 0);
    return `${first}${sum % 11}`;
  })
  // A remainder of 10 has no check digit, and all zeros is no number.
  .filter((s) => s.length === 9 && s !== '000000000');

const phone = fc.oneof(
  digits(8, 15).map((d) => `+${d}`),
  digits(8, 13).map((d) => `00${d}`),
  fc.tuple(fc.constantFrom('2', '3', '4', '5', '6', '7', '8', '9'), digits(2, 2), digits(3, 3), digits(4, 4), fc.constantFrom('-', '.', ' ')).map(([a, rest, b, c, s]) => `${a}${rest}${s}${b}${s}${c}`),
);

const localChar = fc.constantFrom(...'abcxyzABC0189._%+-');
const label = fc
  .tuple(fc.constantFrom(...'abz09'), fc.string({ unit: fc.constantFrom(...'abz09-'), maxLength: 10 }), fc.constantFrom(...'abz09'))
  .map(([first, middle, last]) => (middle ? first + middle + last : first));
const email = fc
  .tuple(
    fc.constantFrom(...'abcxyzABC0189_%+-'),
    fc.string({ unit: localChar, maxLength: 40 }),
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABC'), minLength: 2, maxLength: 10 }),
  )
  .map(([first, rest, labels, tld]) => ({ local: first + rest, domain: [...labels, tld].join('.') }));

type Token = { kind: 'number' | 'iban' | 'email'; value: string; masked: string };
const token: fc.Arbitrary<Token> = fc.oneof(
  fc.oneof(card, ssn, bsn, phone).map((value): Token => ({ kind: 'number', value, masked: keepLastFour(value) })),
  iban.map((value): Token => ({ kind: 'iban', value, masked: keepLastFour(value, isAlnum) })),
  email.map(({ local, domain }): Token => ({ kind: 'email', value: `${local}@${domain}`, masked: `${local[0]}${'*'.repeat(local.length - 1)}@${domain}` })),
);

/** Text dense in digits, separators, `@` and letters, with real personal data glued in anywhere. */
const messy = fc
  .array(
    fc.oneof(
      { weight: 2, arbitrary: token.map((t) => t.value) },
      { weight: 6, arbitrary: fc.constantFrom(...'0123456789 -.()+@aZNL_é日') },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
    ),
    { maxLength: 80, size: 'medium' },
  )
  .map((parts) => parts.join(''));

/** Any text: mostly messy, sometimes any code points. */
const anyText = fc.oneof(messy, fc.string({ unit: 'binary', maxLength: 200 }));

describe('maskPersonalData', () => {
  it('never throws, keeps the length, and only ever turns characters into `*`', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const masked = maskPersonalData(text);
        expect(masked).toHaveLength(text.length);
        for (let i = 0; i < text.length; i++) if (masked[i] !== text[i]) expect(masked[i]).toBe('*');
      }),
      RUNS,
    );
  });

  it('masks exactly the ranges the scan reports, which are in order and apart', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { findings } = scanPersonalData(text);
        let last = 0;
        let expected = '';
        for (const f of findings) {
          expect(last).toBeLessThanOrEqual(f.start);
          expect(f.start).toBeLessThanOrEqual(f.maskStart);
          expect(f.maskStart).toBeLessThanOrEqual(f.maskEnd);
          expect(f.maskEnd).toBeLessThanOrEqual(f.end);
          expected += text.slice(last, f.maskStart) + '*'.repeat(f.maskEnd - f.maskStart) + text.slice(f.maskEnd, f.end);
          last = f.end;
        }
        expect(last).toBeLessThanOrEqual(text.length);
        expect(maskPersonalData(text)).toBe(expected + text.slice(last));
      }),
      RUNS,
    );
  });

  it('leaves a number its last four digits (an IBAN its last four letters or digits), and an address its first character and domain', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const f of scanPersonalData(text).findings) {
          const kept = text.slice(f.maskEnd, f.end);
          if (f.kind === 'email') {
            expect(f.maskStart).toBe(f.start + 1);
            expect(kept.startsWith('@')).toBe(true);
          } else {
            const counts = f.kind === 'iban' ? isAlnum : isDigit;
            expect(f.maskStart).toBe(f.start);
            expect([...kept].filter(counts)).toHaveLength(4);
            expect(counts(kept[0]!)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('masks a valid card, IBAN, SSN, BSN, phone number or address set apart by punctuation, whatever the text around it', () => {
    fc.assert(
      fc.property(anyText, token, anyText, (before, { value, masked }, after) => {
        const text = `${before} | ${value} | ${after}`;
        const at = before.length + 3;
        expect(maskPersonalData(text).slice(at, at + value.length)).toBe(masked);
      }),
      RUNS,
    );
  });

  it('returns text without a digit or `@` as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        fc.pre(!/[0-9@]/.test(text));
        expect(maskPersonalData(text)).toBe(text);
      }),
      RUNS,
    );
  });

  it('does work bounded by a small multiple of the text’s length', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(scanPersonalData(text).steps).toBeLessThanOrEqual(30 * text.length);
      }),
      RUNS,
    );
  });
});

describe('maskPreview', () => {
  it('masks a preview shorter than the cut like any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        fc.pre(text.length < PREVIEW_CHARS);
        expect(maskPreview(text)).toBe(maskPersonalData(text));
      }),
      RUNS,
    );
  });

  it('masks at least what the full text’s masking does, and only ever turns characters into `*`', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const preview = maskPreview(text);
        const full = maskPersonalData(text);
        expect(preview).toHaveLength(text.length);
        for (let i = 0; i < text.length; i++) {
          if (preview[i] !== text[i]) expect(preview[i]).toBe('*');
          if (full[i] === '*') expect(preview[i]).toBe('*');
        }
      }),
      RUNS,
    );
  });

  // Words and punctuation, no digit or `@`, long enough that the preview counts as cut.
  const words = fc.string({ unit: fc.constantFrom(...'ab .,:;!?()+-/é'), minLength: PREVIEW_CHARS, maxLength: PREVIEW_CHARS + 40 });

  it('shows at most four digits of a run of digits at the end of a full-length preview', () => {
    fc.assert(
      fc.property(words, digits(4, 19), (prefix, number) => {
        const shown = maskPreview(`${prefix} ${number}`).slice(-number.length);
        expect([...shown].filter(isDigit).length).toBeLessThanOrEqual(4);
      }),
      RUNS,
    );
  });

  it('masks whole a number the cut left at the end of a full-length preview, when the text’s masking leaves it', () => {
    const printed = fc.array(fc.oneof(digit, digit, digit, fc.constantFrom(' ', '-', '.')), { minLength: 4, maxLength: 24 }).map((run) => run.join('').trim());
    fc.assert(
      fc.property(words, printed, (prefix, number) => {
        fc.pre([...number].filter(isDigit).length >= 4 && isDigit(number[0]!));
        const text = `${prefix} ${number}`;
        fc.pre(maskPersonalData(text).endsWith(number));
        expect(maskPreview(text).slice(-number.length)).not.toMatch(/[0-9]/);
      }),
      RUNS,
    );
  });
});
