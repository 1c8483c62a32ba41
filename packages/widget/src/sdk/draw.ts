import { adoptStyles } from '../shared/adopt-styles.ts';
import css from './launcher.css?inline';

/** The launcher's elements: the page's host element, its open shadow root, the button and its icon. */
export interface DrawnLauncher {
  host: HTMLElement;
  root: ShadowRoot;
  button: HTMLButtonElement;
  icon: SVGPathElement;
}

/** The boot options the launcher reads: `locale` (its name's language), `color`, `position` and `launcherText`. */
export interface LauncherLook {
  locale?: unknown;
  color?: unknown;
  position?: unknown;
  launcherText?: unknown;
}

/** "Open chat" in each language; the SDK has "Close chat" and the rest. */
const OPEN_CHAT: Record<string, unknown> = { en: 'Open chat', nl: 'Chat openen', tr: 'Sohbeti aç', it: 'Apri la chat' };

/**
 * "Open chat" in the boot option's language, else the first of the browser's languages it is
 * written in, else English: the choice `resolveLocale` makes, in fewer bytes for the loader.
 */
function openChat(window: Window, locale: unknown): string {
  for (const tag of [locale, ...(window.navigator.languages ?? [])]) {
    const label = typeof tag == 'string' && OPEN_CHAT[tag.trim().toLowerCase().split(/[-_]/)[0]!];
    if (typeof label == 'string') return label;
  }
  return OPEN_CHAT.en as string;
}
const SVG = 'http://www.w3.org/2000/svg';

/** The speech-bubble icon of the closed launcher. */
export const CHAT_ICON = 'M7 4h10a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-6l-5 4v-4.3A4 4 0 0 1 3 14V8a4 4 0 0 1 4-4z';

/**
 * Draws the closed launcher (`part="launcher"`, named "Open chat" in the visitor's language) in
 * an open shadow root on a `<parley-widget>` element appended to the body, so the page's CSS
 * neither reaches in nor is touched. The loader draws it; the SDK's core gives it its behaviour.
 * Needs `document.body`.
 */
export function drawLauncher(window: Window, options: LauncherLook): DrawnLauncher {
  const document = window.document;
  const host = document.createElement('parley-widget');
  if (typeof options.color === 'string') host.style.setProperty('--parley-accent', options.color);
  if (options.position === 'left') host.setAttribute('position', 'left');
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, css);
  const button = document.createElement('button');
  button.className = 'launcher';
  button.setAttribute('part', 'launcher');
  button.setAttribute('aria-label', openChat(window, options.locale));
  button.setAttribute('aria-expanded', 'false');
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const icon = document.createElementNS(SVG, 'path');
  icon.setAttribute('d', CHAT_ICON);
  svg.append(icon);
  button.append(svg);
  // Text beside the icon; the accessible name stays "Open chat".
  if (typeof options.launcherText === 'string') {
    const text = document.createElement('span');
    text.setAttribute('part', 'launcher-text');
    text.textContent = options.launcherText;
    button.append(text);
  }
  root.append(button);
  document.body.append(host);
  return { host, root, button, icon };
}
