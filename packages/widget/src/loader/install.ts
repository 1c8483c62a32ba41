import { createFront, type SdkModule } from '../sdk/front.ts';

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
  const appId = script?.getAttribute('data-app-id');
  let booted = false;
  if (!existing?.loaded) {
    // The gateway's origin (it serves the API, the sockets and the chunks) from the loader's own
    // src: `currentScript`'s, else a script's whose src has /widget.js (an SVG <script> has no `src`).
    const src = (script as HTMLScriptElement | null)?.src || window.document.querySelector<HTMLScriptElement>('script[src*="/widget.js"]')?.src;
    const sdk = createFront({
      window,
      baseUrl: src && new URL(src).origin,
      importSdk: importModule as (url: string) => Promise<SdkModule>,
      importModule,
    });
    window.Parley = Object.assign((method: string, ...args: unknown[]) => sdk.call(method, args), { loaded: true as const, ready: sdk.ready });
    for (const call of Array.isArray(existing?.q) ? existing.q : []) {
      booted ||= call[0] === 'boot';
      window.Parley.apply(null, call as never);
    }
  }
  // A second copy of the loader (both snippets on one page) hands its app id to the first.
  if (appId && !booted) window.Parley!('boot', { appId });
}
