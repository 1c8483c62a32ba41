import { adoptStyles } from '../shared/adopt-styles.ts';
import css from './launcher.css?inline';

/**
 * The drawn launcher: its button, the child of an open shadow root (`getRootNode()`) on the page's
 * host element (the root's `host`), with its icon's `<path>` inside.
 */
export type DrawnLauncher = HTMLButtonElement;

/** The boot options the launcher reads: `locale` (its name's language), `color`, `position` and `launcherText`. */
export interface LauncherLook {
  locale?: unknown;
  color?: unknown;
  position?: unknown;
  launcherText?: unknown;
}

/** "Open chat" in each language; the SDK has "Close chat" and the rest. */
const OPEN_CHAT: Record<string, string> = { en: 'Open chat', nl: 'Chat openen', tr: 'Sohbeti aç', it: 'Apri la chat' };

/** The speech-bubble icon of the closed launcher. */
export const CHAT_ICON = 'M7 4h10a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-6l-5 4v-4.3A4 4 0 0 1 3 14V8a4 4 0 0 1 4-4z';

/**
 * Draws the closed launcher (`part="launcher"`, named "Open chat" in the visitor's language) in
 * an open shadow root on a `<parley-widget>` element appended to the body, so the page's CSS
 * neither reaches in nor is touched. The loader draws it; the SDK's core gives it its behaviour.
 * Needs `document.body`. Elements are made one by one (no `innerHTML`): pages that enforce
 * Trusted Types accept it, and `launcherText` can only ever be text.
 */
export function drawLauncher(window: Window, { locale, color, position, launcherText }: LauncherLook): DrawnLauncher {
  const document = window.document;
  /** An element with attributes, in the SVG namespace when `svg`, appended to `parent`. */
  const make = <E extends Element>(parent: Node, tag: string, attributes: Record<string, string>, svg?: boolean): E => {
    const element = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
    for (const name in attributes) element.setAttribute(name, attributes[name]!);
    return parent.appendChild(element) as Element as E;
  };
  // The name's language: the boot option's, else the first of the browser's languages it is
  // written in, else English (what `resolveLocale` chooses, in fewer bytes for the loader).
  let label: string | undefined;
  for (const tag of [locale, ...window.navigator.languages]) label ||= typeof tag == 'string' ? OPEN_CHAT[tag.trim().toLowerCase().split(/[-_]/)[0]!] : '';
  const host = make<HTMLElement>(document.body, 'parley-widget', position === 'left' ? { position } : {});
  if (typeof color == 'string') host.style.setProperty('--parley-accent', color);
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, css);
  const button = make<HTMLButtonElement>(root, 'button', { class: 'launcher', part: 'launcher', 'aria-label': label || OPEN_CHAT.en!, 'aria-expanded': 'false' });
  make(make(button, 'svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true' }, true), 'path', { d: CHAT_ICON }, true);
  // Text beside the icon; the accessible name stays "Open chat".
  if (typeof launcherText == 'string') make(button, 'span', { part: 'launcher-text' }).textContent = launcherText;
  return button;
}
