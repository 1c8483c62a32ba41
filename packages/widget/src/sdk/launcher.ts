import { adoptStyles } from '../shared/adopt-styles.ts';
import { resolveLocale } from '../shared/i18n.ts';
import type { MessengerController } from '../shared/messenger-contract.ts';
import type { DrawnLauncher, LauncherLook } from './draw.ts';
import openCss from './launcher-open.css?inline';
import { LAUNCHER_STRINGS } from './launcher-strings.ts';

/** What the launcher needs: the page, the boot options, how to load the messenger, and whom to tell it opened or closed. */
export interface LauncherOptions {
  window: Window;
  /** The boot options it reads: `locale` (its label's language), `color` (`--parley-accent`), `position` (`'left'`), `launcherText`. */
  options: LauncherLook;
  /** Draws the closed launcher (the loader's `drawLauncher`). */
  draw(window: Window, options: LauncherLook): DrawnLauncher;
  /** The launcher the loader drew already, if it did: adopted instead of drawing another. */
  take?(): DrawnLauncher | null | undefined;
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

const CLOSE_ICON = 'M6 6l12 12M18 6L6 18';

/**
 * The launcher's behaviour: it adopts the launcher the loader drew (or draws one once the body
 * exists), toggles between "Open chat" and "Close chat", closes on Escape, and loads the
 * messenger on first open. It loads, stores and connects nothing by itself.
 */
export function createLauncher({ window, options, load, onChange, draw: drawLauncher, take }: LauncherOptions): Launcher {
  const document = window.document;
  const [openLabel, closeLabel] = LAUNCHER_STRINGS[resolveLocale(options.locale)];
  let host: HTMLElement | undefined;
  let root: ShadowRoot | undefined;
  let button: HTMLButtonElement;
  let icon: SVGPathElement;
  let chatIcon: string;
  let isOpen = false;
  // Parley('show') before the body exists is applied once the launcher is drawn.
  let openWhenDrawn = false;
  // Whether the messenger was opened: closing before that loads nothing.
  let opened = false;

  function draw(open: boolean): void {
    if (isOpen !== open) onChange((isOpen = open));
    button.setAttribute('aria-label', open ? closeLabel : openLabel);
    button.setAttribute('aria-expanded', `${open}`);
    icon.setAttribute('d', open ? CLOSE_ICON : chatIcon);
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

  function start(drawn?: DrawnLauncher | null): void {
    if (host) return;
    button = drawn ?? drawLauncher(window, options);
    root = button.getRootNode() as ShadowRoot;
    host = root.host as HTMLElement;
    icon = button.querySelector('path')!;
    chatIcon = icon.getAttribute('d')!;
    adoptStyles(root, openCss);
    button.onclick = () => setOpen(!isOpen);
    root.addEventListener('keydown', (event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'Escape' && !key.isComposing) setOpen(false);
    });
    draw(false);
    if (openWhenDrawn) setOpen(true);
  }

  const drawn = take?.();
  if (drawn || document.body) start(drawn);
  else document.addEventListener('DOMContentLoaded', () => start(), { once: true });
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
