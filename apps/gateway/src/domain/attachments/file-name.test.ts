import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition, extensionOf, MAX_FILE_NAME_CHARS } from './file-name.ts';

describe('cleanFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['C:\\Users\\ann\\Desktop\\invoice.pdf', 'invoice.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['/var/tmp/../photo.png', 'photo.png'],
    ['  spaced   out  name.txt  ', 'spaced out name.txt'],
    ['tab\tand\nnewline.txt', 'tabandnewline.txt'],
    ['nul\u0000byte.png', 'nulbyte.png'],
    ['bell\u0007and\u007fdel\u0085c1.txt', 'bellanddelc1.txt'],
    // A right-to-left override would show "invoice‮fdp.exe" as "invoiceexe.pdf".
    ['invoice\u202efdp.exe', 'invoicefdp.exe'],
    ['zero\u200bwidth\ufeff.txt', 'zerowidth.txt'],
    ['trailing dots...', 'trailing dots'],
    ['..', ''],
    ['/', ''],
    ['\u0000\u0001', ''],
    ['<img src=x onerror=alert(1)>.png', '<img src=x onerror=alert(1)>.png'],
    ['Cafe\u0301.txt', 'Café.txt'],
  ])('makes %j into %j', (raw, clean) => {
    expect(cleanFileName(raw)).toBe(clean);
  });

  it('cuts a long name to the limit and keeps its extension', () => {
    const name = cleanFileName(`${'ä'.repeat(400)}.docx`);
    expect([...name]).toHaveLength(MAX_FILE_NAME_CHARS);
    expect(name.endsWith('.docx')).toBe(true);
  });
});

describe('extensionOf', () => {
  it.each([
    ['photo.PNG', 'png'],
    ['archive.tar.gz', 'gz'],
    ['README', ''],
    ['.profile', ''],
    ['ends-with-dot.', ''],
  ])('of %j is %j', (name, ext) => {
    expect(extensionOf(name)).toBe(ext);
  });
});

describe('contentDisposition', () => {
  it('names the file in UTF-8 (RFC 8187) with an ASCII fallback', () => {
    expect(contentDisposition('Résumé "final" (2).pdf')).toBe(
      `attachment; filename="R_sum_ _final_ (2).pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22%20%282%29.pdf`,
    );
  });

  it('keeps separators and quotes out of the header', () => {
    const header = contentDisposition('a;b=c"\\d.txt');
    expect(header.startsWith('attachment; filename="a;b=c__d.txt"; filename*=UTF-8\'\'a%3Bb%3Dc%22%5Cd.txt')).toBe(true);
  });
});
