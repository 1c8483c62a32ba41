import { drawLauncher, type DrawnLauncher } from './draw.ts';
import type { SdkEnvironment } from './parley.ts';
import type { BootOptions, ParleyError } from './types.ts';

/** The SDK in its command form, as the script tag's `Parley(method, ...args)` uses it. */
export interface ParleySdk {
  /** Runs a method by name (`call('show', [])` is `Parley.show()`); never throws. Methods resolve when done. */
  call(method: unknown, args: unknown[]): unknown;
  /** Resolves when the SDK is booted and the launcher is on the page. */
  readonly ready: Promise<void>;
}

/** The shape of `<base>/widget/sdk.js`: the whole SDK, which the front hands every call once it has loaded. */
export interface SdkModule {
  createSdk(env: SdkEnvironment): ParleySdk;
}

/** Where the front runs and how it loads the rest of the SDK. */
export interface FrontEnvironment {
  window: Window;
  /** The gateway's origin when `boot` names none: the script tag's own. */
  baseUrl?: string | undefined;
  /** Loads the SDK from `url` (`<base>/widget/sdk.js`) for the script tag, a bundled chunk in the ESM package. */
  importSdk(url: string): Promise<SdkModule>;
  /** Loads a surface module (`<base>/widget/messenger.js`, `portal.js`, `webform.js`). */
  importModule(url: string): Promise<unknown>;
}

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The SDK's front, the part that ships in the loader: it keeps every call in order, draws the
 * launcher at the first boot with an app id, and loads the rest of the SDK (`sdk.js`) only when
 * it is needed: a click on the launcher, a call that does something (`show`, `identify`, `on`,
 * `mount`…), a returning visitor (when the page is idle), or a boot with consent or a user. Then
 * it hands the calls over, in order, and every later call goes straight through; the SDK checks
 * them and reports misuse. Nothing loads before a boot, nor for `hide` or `off`. Nothing here
 * throws into the page.
 */
export function createFront(env: FrontEnvironment): ParleySdk {
  const { window } = env;
  let sdk: ParleySdk | undefined;
  let loading: Promise<void> | undefined;
  let booted = false;
  // A call before the SDK loaded that needs it (anything but `boot`, `off`, `hide` and `close`).
  let needed = false;
  // `on('error', listener)` calls before the SDK loaded: they hear about an SDK that cannot load.
  const errorListeners: ((error: ParleyError) => void)[] = [];
  // Where `sdk.js` comes from: the script tag's own origin, else the boot's `baseUrl` (the ESM package has it bundled).
  let base = env.baseUrl;
  // The drawn launcher until the SDK takes it over; null once taken (drawing waits for the body, unless it was taken first).
  let drawn: DrawnLauncher | null | undefined;
  // Whether the booted app has a conversation or an unsent message stored: a returning visitor.
  let returning: string | null | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  // Every call made before the SDK loaded waits on this, in the order they were made (promise reactions run in order).
  let handOver!: (sdk: ParleySdk) => void;
  const loaded = new Promise<ParleySdk>((resolve) => (handOver = resolve));

  function load(): void {
    const url = `${base}/widget/sdk.js`;
    loading ??= env.importSdk(url).then(
      (module) =>
        handOver(
          (sdk = module.createSdk({
            ...env,
            draw: drawLauncher,
            // The drawn launcher, once: the SDK adopts it (and draws its own after a shutdown).
            take() {
              const launcher = drawn;
              drawn = null;
              return launcher;
            },
            returning,
          })),
        ),
      (error: unknown) => {
        loading = undefined;
        const message = `cannot load ${url}: ${error}`;
        console.warn(`Parley: ${message}`);
        for (const listener of errorListeners) listener({ code: 'LOAD_FAILED', message });
      },
    );
  }

  function call(method: unknown, args: unknown[]): unknown {
    if (sdk) return sdk.call(method, args);
    // The method is compared, never converted: the SDK reports one that is not a string.
    const [options, listener] = args as [BootOptions, unknown];
    if (method === 'on' && options === ('error' as never) && typeof listener == 'function') errorListeners.push(listener as never);
    if (method === 'boot' && !booted) {
      const { appId } = options ?? {};
      // A boot without a usable app id loads the SDK at once, to report what is wrong.
      if (typeof appId == 'string' && APP_ID.test(appId) && (base ??= options.baseUrl)) {
        // The first boot with an app id: draws the launcher, and loads the SDK now or when idle if it is needed.
        booted = true;
        markReady();
        const draw = () => {
          if (drawn !== undefined) return;
          drawn = drawLauncher(window, options);
          // The launcher is closed until the SDK has loaded and taken it over: a click opens it.
          drawn.onclick = () => call('show', []);
        };
        if (window.document.body) draw();
        else window.addEventListener('DOMContentLoaded', draw);
        // The outbox store removes its key when it is empty.
        try {
          returning = window.localStorage.getItem(`parley:${appId}:conversation`) || window.localStorage.getItem(`parley:${appId}:outbox`);
        } catch {
          // Storage blocked (sandboxed frame, privacy mode): nothing to come back to.
        }
        // Consent or a signed-in user are the SDK's business now; a returning visitor's badge when the page is idle.
        if (options.user || options.consent) load();
        else if (returning) (window.requestIdleCallback ?? setTimeout)(load);
      } else load();
    }
    // Once booted, anything but closing and unsubscribing, called before or after the boot, needs the SDK.
    needed ||= !['boot', 'off', 'hide', 'close'].includes(method as string);
    if (booted && needed) load();
    const result = loaded.then((sdk) => sdk.call(method, args));
    // `on` answers its unsubscribe at once, even before the SDK has loaded.
    return method === 'on' ? () => call('off', args) : result;
  }

  return { call, ready };
}
