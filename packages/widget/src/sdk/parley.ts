import { createCore, type Core } from './core.ts';
import type { DrawnLauncher, LauncherLook } from './draw.ts';
import type { ParleySdk } from './front.ts';
import { createLauncher, type Launcher } from './launcher.ts';
import type { BootOptions, ParleyError, ParleyEventName } from './types.ts';

/** Where the SDK runs, what the front hands it, and how it loads the surfaces. */
export interface SdkEnvironment {
  window: Window;
  /** The gateway's origin when `boot` names none: the script tag's own. */
  baseUrl?: string | undefined;
  /** Loads a surface module (`<base>/widget/messenger.js`, `portal.js`, `webform.js`). */
  importModule(url: string): Promise<unknown>;
  /** Draws a closed launcher (the front's `drawLauncher`). */
  draw(window: Window, options: LauncherLook): DrawnLauncher;
  /** The launcher the front drew before the SDK loaded, once (null or undefined when there is none). */
  take(): DrawnLauncher | null | undefined;
  /** Truthy when the front found a conversation or an unsent message stored for the app it booted: the first boot reconnects, for the unread badge. */
  returning?: unknown;
}

type Call = [method: string, args: unknown[]];
type Listener = (payload?: unknown) => void;

/** A booted app: its launcher and its core (loaded on first need). */
interface Booted {
  appId: string;
  launcher: Launcher;
  core(): Promise<Core>;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
const EVENTS: ParleyEventName[] = ['ready', 'open', 'close', 'unreadCountChange', 'conversationStarted', 'messageReceived', 'conversationEnded', 'identified', 'error'];

/**
 * The SDK: one implementation behind the script tag's `window.Parley` and the ESM package, in
 * `sdk.js`, which the front (`front.ts`, in the loader) loads on first need and hands every call
 * to, in order. This part boots, runs the launcher, opens or closes it, and keeps the page's
 * listeners (they outlive shutdown) and the calls made before boot; every other method is the
 * core's. Misuse is reported as an `error` event and a console warning that says how to fix it;
 * nothing throws into the page.
 */
export function createSdk(env: SdkEnvironment): ParleySdk {
  const { window } = env;
  let booted: Booted | undefined;
  // Calls made before boot: replayed in order right after it.
  let early: Call[] = [];
  // The page's listeners, as `[event, listener]`, in the order they were added.
  let listeners: [string, Listener][] = [];
  let markReady: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  // Only the first boot is the one the front saw.
  let returning = env.returning;

  /** Tells the listeners of `event` (or those of `to`), in order; one that throws does not stop the others. */
  function emit(event: ParleyEventName, payload?: unknown, to = listeners): void {
    for (const [name, listener] of to) {
      if (name !== event) continue;
      try {
        listener(payload);
      } catch (error) {
        console.error('Parley: an event listener threw', error);
      }
    }
  }

  /** Reports misuse or a failure: a console warning that says how to fix it, and the `error` event. */
  function report(code: string, message: string, method?: string): void {
    console.warn(`Parley: ${message}`);
    emit('error', { code, message, ...(method && { method }) } satisfies ParleyError);
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
      if (!booted) (env.take()?.getRootNode() as ShadowRoot | undefined)?.host.remove();
      return report('INVALID_OPTIONS', "boot needs { appId: 'YOUR_APP_ID' } (and baseUrl: 'https://YOUR-PARLEY-HOST' with the ESM package)", 'boot');
    }
    if (booted) return void (booted.appId !== appId && forward(booted, 'boot', [options]));
    let core: Promise<Core> | undefined;
    const b: Booted = (booted = {
      appId,
      // This boot's core, made on first need.
      core: () => (core ??= Promise.resolve().then(() => createCore({ window, appId, baseUrl, options, launcher, emit, report, importModule: env.importModule }))),
      launcher: createLauncher({
        window,
        options,
        draw: env.draw,
        take: env.take,
        load: () => b.core().then((c) => c.messenger()),
        onChange: (open) => emit(open ? 'open' : 'close'),
      }),
    });
    const { launcher } = b;
    // A returning visitor with a conversation (or an unsent message) reconnects when the page is
    // idle (the launcher is drawn by then), for the unread badge.
    if (returning && options.consent !== 'denied') (window.requestIdleCallback ?? setTimeout)(() => booted === b && launcher.load().then((m) => m.connect(), Boolean));
    returning = false;
    markReady();
    emit('ready');
    const handed = early;
    early = [];
    for (const [method, args] of handed) call(method, args);
    // Consent and the signed-in user are the core's business (after the calls above).
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
      const [event, listener] = args;
      if (name === 'off') listeners = listeners.filter(([e, l]) => e !== event || l !== listener);
      else if (name === 'on') {
        if (!EVENTS.includes(event as ParleyEventName) || typeof listener != 'function') {
          report('INVALID_OPTIONS', `on needs one of the events ${EVENTS.join(', ')} and a function: on('open', () => …).`, 'on');
        } else {
          const added: [string, Listener] = [event as string, listener as Listener];
          listeners.push(added);
          // Booted already: a `ready` listener hears about it at once.
          if (b) emit('ready', undefined, [added]);
        }
        // `on` answers its unsubscribe at once, even before boot.
        return () => call('off', args);
      } else if (name === 'boot') boot(args[0] as BootOptions);
      else if (!b) early.push([name, args]);
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
    } catch (error) {
      console.error('Parley:', error);
    }
    return Promise.resolve();
  }

  return { call, ready };
}
