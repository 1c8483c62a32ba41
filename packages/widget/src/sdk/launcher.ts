import { adoptStyles } from '../shared/adopt-styles.ts';
import { resolveLocale } from '../shared/i18n.ts';
import type { MessengerController } from '../shared/messenger-contract.ts';
import css from './launcher.css?inline';
import { LAUNCHER_STRINGS } from './launcher-strings.ts';

/** What the launcher needs: the page, the boot options, how to load the messenger, and whom to tell it opened or closed. */
export interface LauncherOptions {
  window: Window;
  /** The boot options it reads: `locale` (its label's language), `color` (`--parley-accent`), `position` (`'left'`), `launcherText`. */
  options: { locale?: unknown; color?: unknown; position?: unknown; launcherText?: unknown };
  /** The mounted messenger: the core loads and mounts it on first call, and forgets a failed load. */
  load(): Promise<MessengerController>;
  /** Called on every change between open and closed. */
  onChange(open: boolean): void;
}

/** The launcher button and the messenger behind it. */
export interface Launcher {
  /** The widget's shadow root, once the body exists (the messenger and the unread badge render into it too). */
  root(): ShadowRoot | undefined;
  isOpen(): boolean;
  /** Opens (true) or closes (false) the messenger, loading it first if needed. */
  setOpen(open: boolean): void;
  /** The mounted messenger (the core loads and mounts it once). */
  load(): Promise<MessengerController>;
  /** Removes the launcher from the page (closed). */
  remove(): void;
}

const SVG = 'http://www.w3.org/2000/svg';
const CHAT_ICON = 'M7 4h10a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-6l-5 4v-4.3A4 4 0 0 1 3 14V8a4 4 0 0 1 4-4z';
const CLOSE_ICON = 'M6 6l12 12M18 6L6 18';

/**
 * Draws the launcher (`part="launcher"`) in an open shadow root on a `<parley-widget>` element
 * appended to the body, so the page's CSS neither reaches in nor is touched, and loads the
 * messenger on first open. It loads, stores and connects nothing by itself.
 */
export function createLauncher({ window, options, load, onChange }: LauncherOptions): Launcher {
  const document = window.document;
  const [openLabel, closeLabel] = LAUNCHER_STRINGS[resolveLocale(options.locale)];
  let host: HTMLElement | undefined;
  let root: ShadowRoot | undefined;
  let button: HTMLButtonElement;
  let icon: SVGPathElement;
  let isOpen = false;
  // Parley('show') before the body exists is applied once the launcher is drawn.
  let openWhenDrawn = false;
  // Whether the messenger was opened: closing before that loads nothing.
  let opened = false;

  function draw(open: boolean): void {
    if (isOpen !== open) onChange((isOpen = open));
    button.setAttribute('aria-label', open ? closeLabel : openLabel);
    button.setAttribute('aria-expanded', `${open}`);
    icon.setAttribute('d', open ? CLOSE_ICON : CHAT_ICON);
  }

  function setOpen(open: boolean): void {
    if (!root) return void (openWhenDrawn = open);
    if (open === isOpen) return;
    draw(open);
    if (open) {
      opened = true;
      load().then(
        (m) => isOpen && m.open(),
        () => draw(false),
      );
    } else {
      if (opened) load().then((m) => m.close(), () => {});
      button.focus();
    }
  }

  function start(): void {
    if (host) return;
    host = document.createElement('parley-widget');
    if (typeof options.color === 'string') host.style.setProperty('--parley-accent', options.color);
    if (options.position === 'left') host.setAttribute('position', 'left');
    root = host.attachShadow({ mode: 'open' });
    adoptStyles(root, css);
    button = document.createElement('button');
    button.className = 'launcher';
    button.setAttribute('part', 'launcher');
    button.onclick = () => setOpen(!isOpen);
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.append((icon = document.createElementNS(SVG, 'path')));
    button.append(svg);
    // Text beside the icon; the accessible name stays "Open chat".
    if (typeof options.launcherText === 'string') {
      const text = document.createElement('span');
      text.setAttribute('part', 'launcher-text');
      text.textContent = options.launcherText;
      button.append(text);
    }
    root.append(button);
    root.addEventListener('keydown', (event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'Escape' && !key.isComposing) setOpen(false);
    });
    document.body.append(host);
    draw(false);
    if (openWhenDrawn) setOpen(true);
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
  return {
    root: () => root,
    isOpen: () => isOpen,
    setOpen,
    load,
    remove() {
      // Removed before the body existed: `start` must not draw it any more.
      host ??= document.createElement('i');
      host.remove();
      if (isOpen) onChange((isOpen = false));
    },
  };
}
