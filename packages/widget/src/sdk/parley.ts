import { createCore, type Core } from './core.ts';
import type { DrawnLauncher, LauncherLook } from './draw.ts';
import type { ParleySdk } from './front.ts';
import { createLauncher, type Launcher } from './launcher.ts';
import type { BootOptions, ParleyError } from './types.ts';

/** Where the SDK runs, what the front hands it, and how it loads the surfaces. */
export interface SdkEnvironment {
  window: Window;
  /** The gateway's origin when `boot` names none: the script tag's own. */
  baseUrl?: string | undefined;
  /** Loads a surface module (`<base>/widget/messenger.js`, `portal.js`, `webform.js`). */
  importModule(url: string): Promise<unknown>;
  /** Draws a closed launcher (the front's `drawLauncher`). */
  draw(options: LauncherLook): DrawnLauncher;
  /** The launcher the front drew before the SDK loaded, once. */
  take(): DrawnLauncher | undefined;
}

type Call = [method: string, args: unknown[]];

/** A booted app: its launcher and its core (loaded on first need). */
interface Booted {
  appId: string;
  launcher: Launcher;
  core(): Promise<Core>;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The SDK: one implementation behind the script tag's `window.Parley` and the ESM package, in
 * `sdk.js`, which the front (`front.ts`, in the loader) loads on first need and hands every call
 * to, in order. This part boots, runs the launcher, opens or closes it, and keeps the page's
 * listeners and the calls made before boot; every other method (events included) is the core's.
 * Misuse is reported as an `error` event and a console warning that says how to fix it; nothing
 * throws into the page.
 */
export function createSdk(env: SdkEnvironment): ParleySdk {
  const { window } = env;
  let booted: Booted | undefined;
  // Calls made before boot: replayed in order right after it.
  let early: Call[] = [];
  // The page's listeners, as `[event, listener]`: each boot's core gets them all (they outlive
  // shutdown), and `error` listeners hear failures that have no core.
  let listeners: unknown[][] = [];
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  /** A failure the core cannot report (no boot, or the core did not load): a warning, and the page's `error` listeners. */
  function report(code: string, method: string, message: string): void {
    console.warn(`Parley: ${message}`);
    for (const [event, listener] of listeners) if (event === 'error') (listener as (error: ParleyError) => void)({ code, message, method });
  }

  function boot(input?: BootOptions): void {
    const options = { ...input } as BootOptions;
    const { appId } = options;
    let baseUrl: string;
    try {
      if (typeof appId != 'string' || !APP_ID.test(appId)) throw 0;
      baseUrl = new URL(options.baseUrl ?? env.baseUrl!).origin;
    } catch {
      // The front may have drawn a launcher for these options: no app, no launcher.
      if (!booted) env.take()?.host.remove();
      return report('INVALID_OPTIONS', 'boot', "boot needs { appId: 'YOUR_APP_ID' } (and baseUrl: 'https://YOUR-PARLEY-HOST' with the ESM package)");
    }
    if (booted) return void (booted.appId !== appId && forward(booted, 'boot', [options]));
    let core: Promise<Core> | undefined;
    const b: Booted = (booted = {
      appId,
      // This boot's core, made on first need.
      core: () => (core ??= Promise.resolve().then(() => createCore({ window, appId, baseUrl, options, launcher, importModule: env.importModule }))),
      launcher: createLauncher({
        window,
        options,
        draw: env.draw,
        take: env.take,
        load: () => b.core().then((c) => c.messenger()),
        // Only a core can have listeners: without one, there is nobody to tell.
        onChange: (open) => core && forward(b, 'emit', [open ? 'open' : 'close']),
      }),
    });
    const { launcher } = b;
    // A returning visitor with a conversation (or an unsent message) reconnects when the page is
    // idle, for the unread badge.
    const stored = (name: string) => {
      try {
        return window.localStorage.getItem(`parley:${appId}:${name}`);
      } catch {
        return null; // Storage blocked (sandboxed frame, privacy mode).
      }
    };
    if (options.consent !== 'denied' && (stored('conversation') || (stored('outbox') ?? '[]') !== '[]')) {
      (window.requestIdleCallback ?? setTimeout)(() => booted === b && launcher.load().then((m) => m.connect(), Boolean));
    }
    markReady();
    for (const args of listeners) forward(b, 'on', args);
    const handed = early;
    early = [];
    for (const [method, args] of handed) call(method, args);
    // Consent and the signed-in user are the core's business (after the listeners above).
    if (options.user) call('identify', [options.user]);
    else if (options.consent) b.core().catch(Boolean);
  }

  /** Hands a call to the core (loading it), in order after the ones before it; resolves when done. */
  function forward(b: Booted, method: string, args: unknown[]): Promise<unknown> {
    return b.core().then(
      (c) => c.call(method, args),
      () => undefined,
    );
  }

  function call(method: unknown, args: unknown[]): unknown {
    try {
      const name = String(method);
      const b = booted;
      if (name === 'off') listeners = listeners.filter(([event, listener]) => event !== args[0] || listener !== args[1]);
      if (name === 'boot') boot(args[0] as BootOptions);
      else if (name === 'on') {
        // The core checks it (and reports a bad one); kept here only if it is a function.
        if (typeof args[1] === 'function') listeners.push(args);
        if (b) forward(b, name, args);
        else if (typeof args[1] !== 'function') early.push([name, args]);
      } else if (!b) early.push([name, args]);
      // `open` and `close` are the older names of `show` and `hide`.
      else if (/^(show|hide|toggle|open|close)$/.test(name)) b.launcher.setOpen(name === 'show' || name === 'open' || (name === 'toggle' && !b.launcher.isOpen()));
      else {
        const result = forward(b, name, args);
        if (name === 'shutdown') {
          // The launcher goes at once; a later boot starts afresh.
          booted = undefined;
          b.launcher.remove();
        }
        return result;
      }
      // `on` answers its unsubscribe at once, even before boot or while the core loads.
      if (name === 'on') return () => call('off', args);
    } catch (error) {
      console.error('Parley:', error);
    }
    return Promise.resolve();
  }

  return { call, ready };
}
