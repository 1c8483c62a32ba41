import type { Locale, Strings, Translation } from '../shared/i18n.ts';

/** The unread badge's description (read by screen readers with the launcher's name), in English. */
export const BADGE_EN = {
  'unread.one': '{count} unread message',
  'unread.other': '{count} unread messages',
} satisfies Strings;

/** The badge's description in the other languages; a few words each, so the core carries them all. */
export const BADGE_TRANSLATIONS: Record<Exclude<Locale, 'en'>, Translation<typeof BADGE_EN>> = {
  nl: { 'unread.one': '{count} ongelezen bericht', 'unread.other': '{count} ongelezen berichten' },
  tr: { 'unread.one': '{count} okunmamış mesaj', 'unread.other': '{count} okunmamış mesaj' },
  it: { 'unread.one': '{count} messaggio non letto', 'unread.other': '{count} messaggi non letti' },
};
