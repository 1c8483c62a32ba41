import { describe, expect, it } from 'vitest';
import { createI18n, format, loadI18n, resolveDir, resolveLocale } from './i18n.ts';

const en = { hello: 'Hello, {name}!', 'unread.one': '{count} unread message', 'unread.other': '{count} unread messages', onlyEnglish: 'English only' };
const nl = { hello: 'Hallo, {name}!', 'unread.one': '{count} ongelezen bericht', 'unread.other': '{count} ongelezen berichten' };

describe('resolveLocale', () => {
  it('takes the boot option when it is a language the widget speaks, by its language subtag', () => {
    expect(resolveLocale('nl', ['en-US'])).toBe('nl');
    expect(resolveLocale('tr-TR', [])).toBe('tr');
    expect(resolveLocale('IT_ch', [])).toBe('it');
  });

  it("falls back to the visitor's languages in order, then English", () => {
    expect(resolveLocale(undefined, ['fr-FR', 'it-IT', 'nl'])).toBe('it');
    expect(resolveLocale('de', ['pt', 'nl-BE'])).toBe('nl');
    expect(resolveLocale('de', ['fr'])).toBe('en');
    expect(resolveLocale(42, [])).toBe('en');
  });

  it('reads navigator.languages when no list is given', () => {
    expect(resolveLocale()).toBe(resolveLocale(undefined, navigator.languages));
  });
});

describe('resolveDir', () => {
  it('uses the dir option when it is ltr or rtl, else the locale direction (all four are ltr)', () => {
    expect(resolveDir('rtl', 'en')).toBe('rtl');
    expect(resolveDir('ltr', 'nl')).toBe('ltr');
    expect(resolveDir('sideways', 'tr')).toBe('ltr');
    expect(resolveDir(undefined, 'it')).toBe('ltr');
  });
});

describe('format', () => {
  it('fills placeholders and leaves unknown ones as written', () => {
    expect(format('{a} and {b} and {constructor}', { a: 1, b: 'two' })).toBe('1 and two and {constructor}');
    expect(format('no params {x}')).toBe('no params {x}');
  });
});

describe('createI18n', () => {
  it('translates with params, picks plural forms by count, and falls back to English then the key', () => {
    const i18n = createI18n(en, nl, 'nl', 'ltr');
    expect(i18n.t('hello', { name: 'Ayşe' })).toBe('Hallo, Ayşe!');
    expect(i18n.t('unread', { count: 1 })).toBe('1 ongelezen bericht');
    expect(i18n.t('unread', { count: 3 })).toBe('3 ongelezen berichten');
    expect(i18n.t('onlyEnglish')).toBe('English only');
    expect(i18n.t('missing' as never)).toBe('missing');
  });

  it('falls back to the other plural form when a translation has only that one', () => {
    const i18n = createI18n(en, { 'unread.other': '{count} okunmamış mesaj' }, 'tr');
    expect(i18n.t('unread', { count: 0 })).toBe('0 okunmamış mesaj');
    expect(i18n.dir).toBe('ltr');
  });
});

describe('loadI18n', () => {
  it('loads only the language it resolves to', async () => {
    const loaded: string[] = [];
    const catalog = {
      en,
      nl: async () => (loaded.push('nl'), { default: nl }),
      it: async () => (loaded.push('it'), { default: {} }),
    };
    const i18n = await loadI18n(catalog, { locale: 'nl-NL', dir: 'rtl' });
    expect(loaded).toEqual(['nl']);
    expect(i18n.locale).toBe('nl');
    expect(i18n.dir).toBe('rtl');
    expect((await loadI18n(catalog, { languages: ['en-GB'] })).t('hello', { name: 'x' })).toBe('Hello, x!');
    expect(loaded).toEqual(['nl']);
  });

  it('shows English when the language module cannot be loaded', async () => {
    const i18n = await loadI18n({ en, nl: () => Promise.reject(new Error('offline')) }, { locale: 'nl' });
    expect(i18n.locale).toBe('en');
    expect(i18n.t('hello', { name: 'Jan' })).toBe('Hello, Jan!');
  });
});

describe('loadI18n with every language lazy', () => {
  it('loads only the active language, English included, and falls back to English when it fails', async () => {
    const loaded: string[] = [];
    const catalog = {
      en: async () => (loaded.push('en'), { default: en }),
      nl: async () => (loaded.push('nl'), { default: nl }),
      tr: () => Promise.reject(new Error('blocked')),
    };
    expect((await loadI18n(catalog, { locale: 'nl' })).t('hello', { name: 'Jan' })).toBe('Hallo, Jan!');
    expect(loaded).toEqual(['nl']);
    expect((await loadI18n(catalog, { languages: ['en'] })).t('onlyEnglish')).toBe('English only');
    expect(loaded).toEqual(['nl', 'en']);
    const fallback = await loadI18n(catalog, { locale: 'tr' });
    expect([fallback.locale, fallback.t('hello', { name: 'Ece' })]).toEqual(['en', 'Hello, Ece!']);
  });
});
