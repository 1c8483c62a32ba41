import { adoptStyles } from '../shared/adopt-styles.ts';
import { createI18n, resolveLocale } from '../shared/i18n.ts';
import css from './badge.css?inline';
import { BADGE_EN, BADGE_TRANSLATIONS } from './badge-strings.ts';

/**
 * The unread badge on the launcher: the count on the button, and "2 unread messages" in the
 * visitor's language as the button's description (`aria-describedby`), so a screen reader says
 * "Open chat, 2 unread messages". Hidden at 0.
 */
export function createBadge(root: () => ShadowRoot | undefined, locale: unknown): (count: number) => void {
  const language = resolveLocale(locale);
  const i18n = createI18n(BADGE_EN, language === 'en' ? undefined : BADGE_TRANSLATIONS[language], language);
  let badge: HTMLElement | undefined;
  return (count) => {
    const shadow = root();
    const button = shadow?.querySelector<HTMLElement>('.launcher');
    if (!shadow || !button) return;
    if (!badge) {
      adoptStyles(shadow, css);
      badge = shadow.ownerDocument.createElement('span');
      badge.className = 'unread';
      badge.id = 'parley-unread';
      badge.setAttribute('part', 'badge');
      button.append(badge);
    }
    badge.hidden = count <= 0;
    badge.textContent = count > 99 ? '99+' : `${count}`;
    if (count > 0) {
      button.setAttribute('aria-describedby', badge.id);
      // The visible "99+" is for eyes; the description says the number.
      badge.setAttribute('aria-label', i18n.t('unread', { count }));
    } else button.removeAttribute('aria-describedby');
  };
}
