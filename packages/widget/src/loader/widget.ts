import { adoptStyles } from '../shared/adopt-styles.ts';
import type { MessengerController, MessengerModule } from '../shared/messenger-contract.ts';
import { storageKeys } from '../shared/storage-keys.ts';
import css from './launcher.css?inline';

/** What a booted widget needs from the page and the loader. */
export interface WidgetOptions {
  window: Window;
  baseUrl: string;
  appId: string;
  /** Loads the messenger ES module (a dynamic `import()` in the real loader). */
  importMessenger(url: string): Promise<MessengerModule>;
}

/** A booted widget: the launcher, and the messenger once the visitor has asked for it. */
export interface Widget {
  readonly appId: string;
  /** Opens (true) or closes (false) the messenger, loading it first if needed. */
  setOpen(open: boolean): void;
}

const SVG = 'http://www.w3.org/2000/svg';
const CHAT_ICON = 'M7 4h10a4 4 0 0 1 4 4v6a4 4 0 0 1-4 4h-6l-5 4v-4.3A4 4 0 0 1 3 14V8a4 4 0 0 1 4-4z';
const CLOSE_ICON = 'M6 6l12 12M18 6L6 18';

/**
 * Draws the launcher in an open shadow root on a host element appended to the body (so the
 * page's CSS neither reaches in nor is touched) and loads the messenger on first open. Until
 * the visitor clicks, nothing else loads, no socket opens and nothing is written to storage.
 * A visitor with messages still in the outbox from an earlier visit gets the messenger loaded
 * and connected in the background (closed) so they are delivered; a returning visitor gets the
 * module preloaded when the page is idle.
 */
export function createWidget({ window, baseUrl, appId, importMessenger }: WidgetOptions): Widget {
  const document = window.document;
  const url = `${baseUrl}/widget/messenger.js`;
  const keys = storageKeys(appId);
  let root: ShadowRoot | undefined;
  let button: HTMLButtonElement;
  let icon: SVGPathElement;
  let module: Promise<MessengerModule> | undefined;
  let messenger: Promise<MessengerController> | undefined;
  let isOpen = false;
  // Parley('open') before the body exists is applied once the launcher is drawn.
  let openWhenDrawn = false;

  const read = (key: string) => {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null; // Storage blocked (sandboxed frame, privacy mode).
    }
  };
  const importOnce = () => (module ??= importMessenger(url));
  const load = () =>
    (messenger ??= importOnce()
      .then((m) => m.mount({ root: root!, baseUrl, appId }))
      .catch((error: unknown) => {
        // Forget the failure so the next click tries again.
        module = messenger = undefined;
        console.error(`Parley: cannot load ${url}`, error);
        throw error;
      }));

  function draw(open: boolean): void {
    isOpen = open;
    button.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    button.setAttribute('aria-expanded', `${open}`);
    icon.setAttribute('d', open ? CLOSE_ICON : CHAT_ICON);
  }

  function setOpen(open: boolean): void {
    if (!root) return void (openWhenDrawn = open);
    if (open === isOpen) return;
    draw(open);
    if (open) {
      load().then(
        (m) => isOpen && m.open(),
        () => draw(false),
      );
    } else {
      messenger?.then((m) => m.close(), () => {});
      button.focus();
    }
  }

  function start(): void {
    const host = document.createElement('parley-widget');
    root = host.attachShadow({ mode: 'open' });
    adoptStyles(root, css);
    button = document.createElement('button');
    button.type = 'button';
    button.className = 'launcher';
    button.onclick = () => setOpen(!isOpen);
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.append((icon = document.createElementNS(SVG, 'path')));
    button.append(svg);
    root.append(button);
    root.addEventListener('keydown', (event) => {
      const key = event as KeyboardEvent;
      if (key.key === 'Escape' && !key.isComposing) setOpen(false);
    });
    document.body.append(host);
    draw(false);

    const outbox = read(keys.outbox);
    if (outbox && outbox !== '[]') {
      load().then((m) => m.connect(), () => {});
    } else if (read(keys.session)) {
      const idle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 2000));
      idle(() => importOnce().catch(() => (module = undefined)));
    }
    if (openWhenDrawn) setOpen(true);
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
  return { appId, setOpen };
}
