import type { Locale } from '../shared/i18n.ts';

/**
 * The launcher's accessible names in every language: the launcher is part of the loader, which
 * loads no other module before the visitor clicks, so its few words ship in it. The unread
 * badge's words are the core's (`badge.ts`).
 */
export const LAUNCHER_STRINGS: Record<Locale, readonly [open: string, close: string]> = {
  en: ['Open chat', 'Close chat'],
  nl: ['Chat openen', 'Chat sluiten'],
  tr: ['Sohbeti aç', 'Sohbeti kapat'],
  it: ['Apri la chat', 'Chiudi la chat'],
};
