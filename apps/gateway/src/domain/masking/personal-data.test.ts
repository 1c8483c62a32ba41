import { describe, expect, it } from 'vitest';
import { MASKED, maskLocalPart, maskPersonalData, maskPreview, PREVIEW_CHARS, scanPersonalData, UNMASKED } from './personal-data.ts';

const stars = (n: number) => '*'.repeat(n);

describe('maskPersonalData', () => {
  it('masks the examples of the product brief exactly', () => {
    expect(maskPersonalData('+447966197542')).toBe('*********7542');
    expect(maskPersonalData('melissa@gmail.com')).toBe('m******@gmail.com');
  });

  it('leaves text without personal data as it is, the same string', () => {
    const text = 'Hello! My order arrived on 12 March, two days late. Can you help?';
    expect(maskPersonalData(text)).toBe(text);
    expect(maskPersonalData('')).toBe('');
  });

  describe('card numbers', () => {
    it.each([
      ['4111111111111111', `${stars(12)}1111`],
      ['4111 1111 1111 1111', `${stars(15)}1111`],
      ['4111-1111-1111-1111', `${stars(15)}1111`],
      ['3782 822463 10005', `${stars(13)}0005`],
      ['4222222222222', `${stars(9)}2222`],
      ['6304000000000000000', `${stars(15)}0000`],
    ])('masks %s', (card, masked) => expect(maskPersonalData(`my card is ${card}, thanks`)).toBe(`my card is ${masked}, thanks`));

    it.each(['4111111111111112', '4111 1111 1111 1112', '1234 5678 9012 3456', '5500 0000 0000 0005'])('leaves %s, which fails the Luhn check', (card) => {
      expect(maskPersonalData(`card ${card}`)).toBe(`card ${card}`);
    });

    it('masks a card beside other numbers: its expiry, a phone number, more cards', () => {
      expect(maskPersonalData('4111 1111 1111 1111 12/26')).toBe(`${stars(15)}1111 12/26`);
      expect(maskPersonalData('4111 1111 1111 1111 0612345678')).toBe(`${stars(15)}1111 ${stars(6)}5678`);
      expect(maskPersonalData('4111111111111111 5500000000000004 4111111111111111')).toBe(
        `${stars(12)}1111 ${stars(12)}0004 ${stars(12)}1111`,
      );
    });

    it('leaves a number glued to a word, such as an order code', () => {
      expect(maskPersonalData('ref ABC4111111111111111')).toBe('ref ABC4111111111111111');
    });
  });

  describe('IBANs', () => {
    it.each([
      ['NL91ABNA0417164300', `${stars(14)}4300`],
      ['NL91 ABNA 0417 1643 00', `${stars(17)}43 00`],
      ['GB82 WEST 1234 5698 7654 32', `${stars(22)}54 32`],
      ['DE89370400440532013000', `${stars(18)}3000`],
      ['nl91abna0417164300', `${stars(14)}4300`],
      ['MT84 MALT 0110 0001 2345 MTLC AST0 01S', `${stars(33)}0 01S`],
    ])('masks %s', (iban, masked) => expect(maskPersonalData(`IBAN: ${iban}.`)).toBe(`IBAN: ${masked}.`));

    it.each(['NL91ABNA0417164301', 'NL91 ABNA 0417 1643 01', 'GB82 WEST 1234 5698 7654 33', 'DE89 3704 0044 0532 0130 01'])(
      'leaves %s, which fails mod-97, whole (no part of it is taken for a phone number)',
      (iban) => expect(maskPersonalData(`IBAN: ${iban}`)).toBe(`IBAN: ${iban}`),
    );

    it('leaves the right checksum at the wrong length, and a country without IBANs', () => {
      expect(maskPersonalData('NL91ABNA04171643001')).toBe('NL91ABNA04171643001');
      expect(maskPersonalData('US64 SVBK US6S 3300 9588 79')).toBe('US64 SVBK US6S 3300 9588 79');
    });
  });

  describe('national identity numbers', () => {
    it('masks a US Social Security number written with dashes or spaces', () => {
      expect(maskPersonalData('SSN 123-45-6789')).toBe(`SSN ${stars(7)}6789`);
      expect(maskPersonalData('SSN 123 45 6789')).toBe(`SSN ${stars(7)}6789`);
    });

    it.each(['000-12-3456', '666-12-3456', '900-12-3456', '123-00-4567', '123-45-0000', '078-05-1120'])('leaves %s, from a range never issued', (ssn) => {
      expect(maskPersonalData(`SSN ${ssn}`)).toBe(`SSN ${ssn}`);
    });

    it('masks a Dutch BSN that passes the 11-test, bare or grouped', () => {
      expect(maskPersonalData('BSN 123456782')).toBe(`BSN ${stars(5)}6782`);
      expect(maskPersonalData('BSN 1234.56.782')).toBe(`BSN ${stars(6)}6.782`);
      expect(maskPersonalData('BSN 111 222 333')).toBe(`BSN ${stars(6)}2 333`);
    });

    it('leaves nine digits that fail the 11-test', () => {
      expect(maskPersonalData('BSN 123456789')).toBe('BSN 123456789');
    });
  });

  describe('e-mail addresses', () => {
    it.each([
      ['melissa@gmail.com', 'm******@gmail.com'],
      ['Melissa.Jones+orders@mail.example.co.uk', `M${stars(19)}@mail.example.co.uk`],
      ['a@b.io', 'a@b.io'],
      ['jo_89@xn--bcher-kva.example', `j${stars(4)}@xn--bcher-kva.example`],
    ])('masks %s', (address, masked) => expect(maskPersonalData(`write to ${address}.`)).toBe(`write to ${masked}.`));

    it('finds addresses in brackets, next to punctuation and one after another', () => {
      expect(maskPersonalData('<melissa@gmail.com>, (bob@example.org); carol@example.net!')).toBe(
        `<m${stars(6)}@gmail.com>, (b${stars(2)}@example.org); c${stars(4)}@example.net!`,
      );
    });

    it('leaves what only looks like an address', () => {
      for (const text of ['@gmail.com', 'melissa@', 'melissa@localhost', 'melissa@gmail.c', 'a@@b.com', 'price @ 3.50']) {
        expect(maskPersonalData(text)).toBe(text);
      }
    });

    it('does not take an address’s digits for a phone number', () => {
      expect(maskPersonalData('0612345678@example.com')).toBe(`0${stars(9)}@example.com`);
    });
  });

  describe('phone numbers', () => {
    it.each([
      ['+447966197542', `${stars(9)}7542`],
      ['+44 7966 197542', `${stars(11)}7542`],
      ['+31 6 12345678', `${stars(10)}5678`],
      ['+1 (415) 555-0134', `${stars(13)}0134`],
      ['+44 (0) 20 7946 0958', `${stars(16)}0958`],
      ['0044 7966 197542', `${stars(12)}7542`],
      ['06-12345678', `${stars(7)}5678`],
      ['0612345678', `${stars(6)}5678`],
      ['07966 197542', `${stars(8)}7542`],
      ['(020) 7946 0958', `${stars(11)}0958`],
      ['06 12 34 56 78', `${stars(9)}56 78`],
      ['030 1234567', `${stars(7)}4567`],
      ['(415) 555-0134', `${stars(10)}0134`],
      ['415-555-0134', `${stars(8)}0134`],
      ['415.555.0134', `${stars(8)}0134`],
      ['1 415 555 0134', `${stars(10)}0134`],
    ])('masks %s', (phone, masked) => expect(maskPersonalData(`call ${phone} today`)).toBe(`call ${masked} today`));

    it.each([
      ['too few digits', '+1234567'],
      ['too many digits', '+1234567890123456'],
      ['a bare number (an order number)', '12345678'],
      ['a date', '01-02-2024'],
      ['a date with dots', '05.06.2023'],
      ['a decimal', '0.12345678'],
      ['a North American area code starting with 1', '155-555-0134'],
      ['an unclosed parenthesis', '(020 7946 0958'],
      ['a time and a price', 'at 10.30 for 1.234,50'],
    ])('leaves %s: %s', (_what, text) => expect(maskPersonalData(`x ${text} y`)).toBe(`x ${text} y`));

    it('masks a phone number after a date without taking the date', () => {
      expect(maskPersonalData('on 2024-01-02 0612345678')).toBe(`on 2024-01-02 ${stars(6)}5678`);
    });

    it('keeps a sentence’s full stop and parentheses around a number', () => {
      expect(maskPersonalData('Call me (0612345678).')).toBe(`Call me (${stars(6)}5678).`);
    });
  });

  it('masks every kind in one message and leaves the words between', () => {
    const text = 'Card 4111 1111 1111 1111, IBAN NL91ABNA0417164300, mail melissa@gmail.com, phone +447966197542, SSN 123-45-6789.';
    expect(maskPersonalData(text)).toBe(
      `Card ${stars(15)}1111, IBAN ${stars(14)}4300, mail m${stars(6)}@gmail.com, phone ${stars(9)}7542, SSN ${stars(7)}6789.`,
    );
    expect(scanPersonalData(text).findings.map((f) => f.kind)).toEqual(['card', 'iban', 'email', 'phone', 'ssn']);
  });
});

describe('scanPersonalData on adversarial input', () => {
  // Inputs built to make a backtracking pattern explode. The scan counts the characters it looks
  // at (and the digits its checks read); linear work means a bounded number per character,
  // whatever the shape. Measured: 3–19 per character on these inputs.
  const N = 200_000;
  const repeat = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
  const inputs: Record<string, string> = {
    'one long run of digits': repeat('1'),
    'digits and single spaces': repeat('1 '),
    'digits, dashes and dots': repeat('1-2.'),
    'plus signs before digits': repeat('+1'),
    'unclosed parentheses': repeat('(1 '),
    'phone-shaped groups that never end': repeat('0612 '),
    'at signs': repeat('@'),
    'a long local part and at signs': repeat(`${'a'.repeat(63)}@`),
    'a long domain after each at sign': repeat(`@${'b.'.repeat(126)}`),
    'dots around at signs': repeat('a.@.'),
    'IBAN starts': repeat('NL91 '),
    'IBAN starts without spaces': repeat('NL91ABNA'),
    'IBAN groups that never end': `NL91 ${repeat('ABNA ')}`,
    'a card number that keeps going': repeat('4111 '),
    'mixed': repeat('+31 (6) 1234-5678 melissa@gmail NL91 ABNA 4111 '),
  };

  it.each(Object.entries(inputs))('does linear work on %s', (_name, text) => {
    const { steps } = scanPersonalData(text);
    expect(steps).toBeLessThanOrEqual(30 * text.length);
    expect(maskPersonalData(text).length).toBe(text.length);
  });

  it('still finds data after a long adversarial stretch', () => {
    const text = `${repeat('1 ')} call +447966197542`;
    expect(maskPersonalData(text).endsWith(`call ${stars(9)}7542`)).toBe(true);
  });
});

describe('maskPreview', () => {
  const pad = (text: string) => 'x'.repeat(PREVIEW_CHARS - text.length) + text;

  it('masks like the message text', () => {
    expect(maskPreview('call +447966197542')).toBe(`call ${stars(9)}7542`);
  });

  it('masks a number cut short at the end of a full-length preview, which no longer passes its check', () => {
    const preview = pad(' card 4111 1111 11');
    expect(preview).toHaveLength(PREVIEW_CHARS);
    expect(maskPreview(preview)).toBe(pad(` card ${stars(12)}`));
  });

  it('masks an address cut short at the end of a full-length preview', () => {
    expect(maskPreview(pad(' mail melissa@gm'))).toBe(pad(` mail m${stars(6)}@gm`));
  });

  it('leaves a short number at the end of a preview, and any ending of a short preview', () => {
    expect(maskPreview(pad(' in 2024 at 10'))).toBe(pad(' in 2024 at 10'));
    expect(maskPreview('card 4111 1111 11')).toBe('card 4111 1111 11');
  });

  it('does not mask a complete number at the end twice', () => {
    expect(maskPreview(pad(' phone +447966197542'))).toBe(pad(` phone ${stars(9)}7542`));
  });
});

describe('maskLocalPart', () => {
  it('masks the local part of the address where it stands as a word, as the address is masked', () => {
    expect(maskLocalPart('visitor.two', 'visitor.two@example.com')).toBe('v**********');
    expect(maskLocalPart('Chat with visitor.two.', 'visitor.two@example.com')).toBe('Chat with v**********.');
    expect(maskLocalPart('visitor.two or (visitor.two)', 'visitor.two@example.com')).toBe('v********** or (v**********)');
    expect(maskPersonalData('visitor.two@example.com')).toBe(`v${stars(10)}@example.com`);
  });

  it('leaves a longer word that only contains it, and an address of one character', () => {
    expect(maskLocalPart('Bobby and bob', 'bob@example.com')).toBe('Bobby and b**');
    expect(maskLocalPart('bobby', 'bob@example.com')).toBe('bobby');
    expect(maskLocalPart('Chat with a', 'a@example.com')).toBe('Chat with a');
  });
});

describe('Masker', () => {
  it('MASKED masks text and previews; UNMASKED returns them as stored', () => {
    expect(MASKED.text('melissa@gmail.com')).toBe('m******@gmail.com');
    expect(MASKED.preview('melissa@gmail.com')).toBe('m******@gmail.com');
    expect(UNMASKED.text('melissa@gmail.com')).toBe('melissa@gmail.com');
    expect(UNMASKED.preview('melissa@gmail.com')).toBe('melissa@gmail.com');
  });
});
