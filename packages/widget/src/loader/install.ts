import type { MessengerModule } from '../shared/messenger-contract.ts';
import { baseUrlOf, findWidgetScriptSrc } from './base-url.ts';
import { createWidget, type Widget } from './widget.ts';

/** `window.Parley` once the loader runs: call it with a method name and that method's arguments. */
export interface ParleyFunction {
  (method: string, ...args: unknown[]): void;
  /** Set on the real function, so a second copy of the loader does not install itself again. */
  loaded?: true;
  /** Calls queued by the inline snippet before the loader arrived (the stub's `q`). */
  q?: ArrayLike<unknown>[];
}

/** What the loader needs: the page, the script element it runs from, and how to load the messenger. */
export interface InstallOptions {
  window: Window & { Parley?: ParleyFunction };
  /** `document.currentScript` while the loader runs. */
  script: Element | null;
  /** Loads the messenger ES module. */
  importMessenger(url: string): Promise<MessengerModule>;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HOW_TO_BOOT = "Parley('boot', { appId: 'YOUR_APP_ID' })";

/**
 * Installs the real `window.Parley`: replays the calls the inline snippet queued, in order, then
 * boots from the script tag's `data-app-id` when no queued call did. Never throws into the page.
 */
export function installParley({ window, script, importMessenger }: InstallOptions): void {
  const existing = window.Parley;
  const dataAppId = script?.getAttribute('data-app-id');
  if (existing?.loaded) {
    // A second copy of the loader (both snippets on one page): hand its app id to the first.
    if (dataAppId) existing('boot', { appId: dataAppId });
    return;
  }
  const src = findWidgetScriptSrc(window.document, script);
  let widget: Widget | undefined;

  const methods: Record<string, (...args: unknown[]) => void> = {
    boot(options) {
      const appId = (options as { appId?: unknown } | undefined)?.appId;
      if (typeof appId !== 'string' || !APP_ID.test(appId)) {
        return console.warn(`Parley: 'boot' needs an app id: ${HOW_TO_BOOT}`);
      }
      if (widget) {
        if (widget.appId !== appId) console.warn(`Parley: already booted as ${widget.appId}; one app per page`);
        return;
      }
      if (!src) {
        return console.warn('Parley: load widget.js with <script src="https://YOUR-PARLEY-HOST/widget.js">');
      }
      widget = createWidget({ window, baseUrl: baseUrlOf(src), appId, importMessenger });
    },
    open() {
      if (widget) widget.setOpen(true);
      else console.warn(`Parley: call ${HOW_TO_BOOT} first`);
    },
    close() {
      widget?.setOpen(false);
    },
  };

  const Parley: ParleyFunction = (method, ...args) => {
    try {
      const run = typeof method === 'string' && {}.hasOwnProperty.call(methods, method) ? methods[method] : undefined;
      if (run) run(...args);
      else console.warn(`Parley: unknown method '${String(method)}'; use one of: ${Object.keys(methods)}`);
    } catch (error) {
      console.error('Parley:', error);
    }
  };
  Parley.loaded = true;

  const queued = Array.isArray(existing?.q) ? existing.q : [];
  window.Parley = Parley;
  for (const call of queued) Parley(...(Array.from(call) as [string, ...unknown[]]));
  if (dataAppId && !widget) Parley('boot', { appId: dataAppId });
}
