import { describe, expect, it } from 'vitest';
import { bsnValid, IBAN_LENGTHS, ibanValid, luhnValid, usSsnValid } from './checks.ts';

// Published test numbers of the card networks and the IBAN registry's own examples.
const VALID_CARDS = [
  '4111111111111111', // Visa
  '4222222222222', // Visa, 13 digits
  '5500000000000004', // Mastercard
  '5555555555554444', // Mastercard
  '340000000000009', // American Express, 15 digits
  '378282246310005', // American Express
  '6011111111111117', // Discover
  '6011000990139424', // Discover
  '3530111333300000', // JCB
  '3566002020360505', // JCB
  '6759649826438453', // Maestro
  '6304000000000000000', // Maestro, 19 digits
];
const INVALID_CARDS = ['4111111111111112', '5500000000000005', '378282246310006', '6011111111111118', '1234567812345678', ''];

const VALID_IBANS = [
  'GB82WEST12345698765432',
  'NL91ABNA0417164300',
  'DE89370400440532013000',
  'FR1420041010050500013M02606',
  'BE68539007547034',
  'CH9300762011623852957',
  'ES9121000418450200051332',
  'IT60X0542811101000000123456',
  'NO9386011117947',
  'MT84MALT011000012345MTLCAST001S',
  'PL61109010140000071219812874',
  'SA0380000000608010167519',
  'BR1800360305000010009795493C1',
  'LC55HEMM000100010012001200023015',
  'RU0204452560040702810412345678901',
];

describe('luhnValid', () => {
  it.each(VALID_CARDS)('accepts the test card %s', (card) => expect(luhnValid(card)).toBe(true));
  it.each(INVALID_CARDS)('refuses %j, which fails the check', (card) => expect(luhnValid(card)).toBe(false));
  it('refuses anything that is not digits', () => expect(luhnValid('4111-1111-1111-1111')).toBe(false));
});

describe('ibanValid', () => {
  it.each(VALID_IBANS)('accepts %s', (iban) => expect(ibanValid(iban)).toBe(true));

  it('refuses an IBAN with one character changed', () => {
    for (const iban of VALID_IBANS) {
      const last = iban.at(-1)!;
      const changed = iban.slice(0, -1) + (last === '9' ? '8' : last === 'Z' ? 'Y' : /\d/.test(last) ? String(Number(last) + 1) : 'A');
      expect(ibanValid(changed), changed).toBe(false);
    }
  });

  it('refuses two swapped digits', () => expect(ibanValid('GB82WEST12345698765423')).toBe(false));
  it('refuses the right checksum at the wrong length for the country', () => {
    expect(ibanValid('NL91ABNA04171643000')).toBe(false);
    expect(ibanValid('NL91ABNA041716430')).toBe(false);
  });
  it('refuses a country without IBANs', () => expect(ibanValid('US64SVBKUS6S3300958879')).toBe(false));
  it('refuses lower case (the scanner upper-cases first) and punctuation', () => {
    expect(ibanValid('nl91abna0417164300')).toBe(false);
    expect(ibanValid('NL91-ABNA-0417-1643')).toBe(false);
  });
  it('knows the lengths of the registry', () => {
    expect(IBAN_LENGTHS).toMatchObject({ NO: 15, BE: 16, NL: 18, DE: 22, GB: 22, FR: 27, MT: 31, LC: 32, RU: 33 });
  });
});

describe('usSsnValid', () => {
  it.each(['123456789', '001010001', '899999999', '665123456', '667123456'])('accepts %s', (ssn) => expect(usSsnValid(ssn)).toBe(true));
  it.each([
    ['000123456', 'area 000'],
    ['666123456', 'area 666'],
    ['900123456', 'area 900–999'],
    ['999123456', 'area 900–999'],
    ['123004567', 'group 00'],
    ['123450000', 'serial 0000'],
    ['078051120', 'a voided advertising number'],
    ['219099999', 'a voided advertising number'],
    ['12345678', 'eight digits'],
  ])('refuses %s (%s)', (ssn) => expect(usSsnValid(ssn)).toBe(false));
});

describe('bsnValid', () => {
  it.each(['123456782', '111222333', '999999990', '012345672'])('accepts %s, which passes the 11-test', (bsn) => expect(bsnValid(bsn)).toBe(true));
  it.each(['123456789', '111222334', '000000000', '12345678', '1234567820'])('refuses %s', (bsn) => expect(bsnValid(bsn)).toBe(false));
});
