/**
 * The widget's translations: which language and writing direction to use, and `t(key, params)`.
 *
 * Every surface (messenger, portal, web form, loader) keeps its strings in one module per
 * language, `src/<surface>/strings/<locale>.ts`, each exporting the strings as its default export.
 * English (`en.ts`) is the type every other language is checked against (`Translation<typeof en>`).
 * Languages are `import()`ed, so a page loads only the language it shows; a surface may import
 * English statically instead, to have it as the fallback for keys a translation lacks. Plural
 * forms are keys with an `Intl.PluralRules` suffix (`unread.one`, `unread.other`), chosen by the
 * `count` parameter.
 *
 * @example
 * const i18n = await loadI18n(
 *   { en: () => import('./strings/en.ts'), nl: () => import('./strings/nl.ts') },
 *   { locale: 'nl-BE' },
 * );
 * i18n.t('unread', { count: 2 }); // "2 ongelezen berichten"
 *
 * This module has no dependencies and tree-shakes per function, so the loader can use
 * `resolveLocale` alone.
 */

/** The languages the widget speaks, the default (and fallback) first. */
export const LOCALES = ['en', 'nl', 'tr', 'it'] as const;

/** One of the languages the widget speaks. */
export type Locale = (typeof LOCALES)[number];

/** The writing direction the widget lays out in. */
export type Dir = 'ltr' | 'rtl';

/** Values for `{name}` placeholders; `count` also picks the plural form. */
export type Params = Record<string, string | number>;

/** One surface's strings in one language: key → text with `{name}` placeholders. */
export type Strings = Record<string, string>;

/** The plural suffixes `Intl.PluralRules` can choose. */
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';

/** The keys `t()` takes for a set of strings: plural keys (`unread.one`, `unread.other`) are asked for as `unread`. */
export type Key<S extends Strings> = { [K in keyof S & string]: K extends `${infer Base}.${PluralSuffix}` ? Base : K }[keyof S & string];

/** A translation of a surface's strings: the same keys as English, each optional (a missing one shows English). */
export type Translation<S extends Strings> = Partial<Record<keyof S, string>>;

/** How the locale and direction are chosen: a boot option, else the browser's languages. */
export interface LocaleOptions {
  /** A BCP 47 tag from the site (`boot({ locale })`), e.g. `nl` or `nl-BE`. */
  locale?: string | undefined;
  /** `ltr` or `rtl` from the site (`boot({ dir })`); otherwise the locale's own direction. */
  dir?: string | undefined;
  /** The visitor's preferred languages; default `navigator.languages`. */
  languages?: readonly string[] | undefined;
}

/** A surface's strings in one locale. */
export interface I18n<K extends string = string> {
  /** The language the strings are in. */
  readonly locale: Locale;
  /** The direction to lay out in (set it as `dir` on the surface's root element). */
  readonly dir: Dir;
  /** The text for a key with its `{name}` placeholders filled in; `count` picks the plural form. */
  t(key: K, params?: Params): string;
}

/** The languages each of the supported locales is written right to left in (none of them yet). */
const RTL_LOCALES: readonly Locale[] = [];

const isLocale = (tag: string): tag is Locale => (LOCALES as readonly string[]).includes(tag);

/** The browser's preferred languages, or none outside a browser. */
const browserLanguages = (): readonly string[] => globalThis.navigator?.languages ?? [];

/**
 * Picks the widget's language: the site's `locale` option, then each of the visitor's languages,
 * each matched by its language subtag (`nl-BE` → `nl`, `TR` → `tr`); English when none matches.
 */
export function resolveLocale(requested?: unknown, languages: readonly string[] = browserLanguages()): Locale {
  const wanted = typeof requested === 'string' && requested ? [requested, ...languages] : languages;
  for (const tag of wanted) {
    const language = typeof tag === 'string' ? tag.trim().toLowerCase().split(/[-_]/)[0] : undefined;
    if (language && isLocale(language)) return language;
  }
  return LOCALES[0];
}

/** The layout direction: the site's `dir` option when it is `ltr` or `rtl`, else the locale's own. */
export function resolveDir(requested: unknown, locale: Locale): Dir {
  if (requested === 'ltr' || requested === 'rtl') return requested;
  return RTL_LOCALES.includes(locale) ? 'rtl' : 'ltr';
}

/** Fills `{name}` placeholders from `params`; a placeholder without a value stays as written. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = {}.hasOwnProperty.call(params, name) ? params[name] : undefined;
    return value === undefined ? whole : String(value);
  });
}

/**
 * Makes the translator for one locale from the English strings and that locale's translation.
 * A key missing from the translation shows English; a key missing from both shows the key.
 */
export function createI18n<S extends Strings>(english: S, translation: Translation<S> | undefined, locale: Locale, dir: Dir = resolveDir(undefined, locale)): I18n<Key<S>> {
  const lookup = (key: string): string | undefined => (translation as Strings | undefined)?.[key] ?? (english as Strings)[key];
  // Made once per translator (`Intl.PluralRules` is not free to construct).
  let plurals: Intl.PluralRules | undefined;
  try {
    plurals = new Intl.PluralRules(locale);
  } catch {
    // No Intl: English rules below.
  }
  return {
    locale,
    dir,
    t(key, params) {
      const count = params?.count;
      const plural = typeof count === 'number' && (plurals?.select(count) ?? (count === 1 ? 'one' : 'other'));
      const text = (plural && (lookup(`${key}.${plural}`) ?? lookup(`${key}.other`))) || lookup(key) || key;
      return format(text, params);
    },
  };
}

/** Strings inline, or a lazy import of the module that has them as its default export. */
export type Source<T> = T | (() => Promise<{ default: T }>);

/**
 * A surface's strings per language. English inline is the fallback for keys a translation lacks;
 * English as a lazy import keeps every language out of the surface's first bundle (then every
 * translation must be complete, which the surface's tests check).
 */
export type Catalog<S extends Strings> = { en: Source<S> } & { [L in Exclude<Locale, 'en'>]?: Source<Translation<S>> };

async function read<T>(source: Source<T> | undefined): Promise<T | undefined> {
  return typeof source === 'function' ? (await (source as () => Promise<{ default: T }>)()).default : source;
}

/**
 * Resolves the locale and direction and loads that language's strings, and nothing else. Never
 * rejects: when a language module cannot be loaded (offline, blocked), it falls back to English,
 * and when that fails too, `t()` shows the keys.
 */
export async function loadI18n<S extends Strings>(catalog: Catalog<S>, options: LocaleOptions = {}): Promise<I18n<Key<S>>> {
  const locale = resolveLocale(options.locale, options.languages ?? browserLanguages());
  const dir = resolveDir(options.dir, locale);
  const english = (typeof catalog.en === 'function' ? {} : catalog.en) as S;
  try {
    const strings = await read(catalog[locale] as Source<Translation<S>> | undefined);
    if (strings) return createI18n(english, strings, locale, dir);
  } catch {
    // Fall back to English below.
  }
  let fallback: S | undefined;
  try {
    fallback = await read(catalog.en);
  } catch {
    // Keys it is.
  }
  return createI18n(fallback ?? english, undefined, 'en', dir);
}
