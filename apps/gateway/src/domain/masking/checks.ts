// Checksums and number rules that decide whether a run of digits is personal data. Pure
// functions over short, already-extracted strings: the scanner in personal-data.ts finds the
// candidates, these judge them.

/**
 * IBAN lengths per country, from the ISO 13616 IBAN registry (SWIFT, 2024 edition). A country
 * missing here has no IBAN, so a candidate with its code is not one.
 */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Whether a string of digits passes the Luhn check (ISO/IEC 7812-1 Annex B), as every payment card number does. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Whether a compact, upper-case IBAN is one: a known country, that country's length, and the
 * ISO 7064 mod-97-10 check of ISO 13616 (the first four characters moved to the end, letters
 * read as 10–35, the number modulo 97 is 1).
 */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    // Digits add one decimal place, letters (A = 10 … Z = 35) two.
    remainder = code <= 57 ? (remainder * 10 + (code - 48)) % 97 : (remainder * 100 + (code - 55)) % 97;
  }
  return remainder === 1;
}

// Numbers the US Social Security Administration voided after they were printed in advertising.
const VOIDED_SSNS = new Set(['078051120', '219099999']);

/**
 * Whether nine digits are a possible US Social Security number: area 001–899 except 666, group
 * 01–99, serial 0001–9999 (SSA rules since 2011), and not one of the voided advertising numbers.
 */
export function usSsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || VOIDED_SSNS.has(digits)) return false;
  const area = Number(digits.slice(0, 3));
  const group = Number(digits.slice(3, 5));
  const serial = Number(digits.slice(5));
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

/**
 * Whether nine digits are a Dutch citizen service number (BSN): the "11-test" — 9·d1 + 8·d2 + … +
 * 2·d8 − 1·d9 is a multiple of 11 — and not all zeros.
 */
export function bsnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || digits === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}
