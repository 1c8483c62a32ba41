import { createFront, type SdkModule } from '../sdk/front.ts';
import { baseUrlOf, findWidgetScriptSrc } from './base-url.ts';

/** `window.Parley` once the loader runs: call it with a method name and that method's arguments. */
export interface ParleyFunction {
  (method: string, ...args: unknown[]): unknown;
  /** Set on the real function, so a second copy of the loader does not install itself again. */
  loaded?: true;
  /** Resolves when the SDK is booted and the launcher is on the page. */
  ready?: Promise<void>;
  /** Calls queued by the inline snippet before the loader arrived (the stub's `q`). */
  q?: ArrayLike<unknown>[];
}

/** What the loader needs: the page, the script element it runs from, and how to load modules. */
export interface InstallOptions {
  window: Window & { Parley?: ParleyFunction };
  /** `document.currentScript` while the loader runs. */
  script: Element | null;
  /** Loads an ES module by URL (a dynamic `import()` in the real loader). */
  importModule(url: string): Promise<unknown>;
}

/**
 * Installs the real `window.Parley`: replays the calls the inline snippet queued, in order, then
 * boots from the script tag's `data-app-id` when no queued call did. Never throws into the page.
 */
export function installParley({ window, script, importModule }: InstallOptions): void {
  const existing = window.Parley;
  const dataAppId = script?.getAttribute('data-app-id');
  if (existing?.loaded) {
    // A second copy of the loader (both snippets on one page): hand its app id to the first.
    if (dataAppId) existing('boot', { appId: dataAppId });
    return;
  }
  const src = findWidgetScriptSrc(window.document, script);
  const sdk = createFront({
    window,
    baseUrl: src && baseUrlOf(src),
    importSdk: (base) => importModule(`${base}/widget/sdk.js`) as Promise<SdkModule>,
    importModule,
  });
  const Parley: ParleyFunction = Object.assign((method: string, ...args: unknown[]) => sdk.call(method, args), { loaded: true as const, ready: sdk.ready });
  window.Parley = Parley;
  let booted = false;
  for (const call of Array.isArray(existing?.q) ? existing.q : []) {
    booted ||= call[0] === 'boot';
    Parley(...(Array.from(call) as [string, ...unknown[]]));
  }
  if (dataAppId && !booted) Parley('boot', { appId: dataAppId });
}
