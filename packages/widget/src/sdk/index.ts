// The ESM package: `import { Parley } from '@parley/widget'` or `createParley()`. The same SDK as
// the script tag's `window.Parley`, with types; the SDK behind the front is a chunk the app's bundler splits off,
// and the messenger, portal and web form load from the Parley server named by `baseUrl`.
import { createFront, type ParleySdk } from './front.ts';
import type { ParleyApi } from './types.ts';

export type {
  AttributeValue,
  BootOptions,
  Consent,
  Identity,
  MountOptions,
  ParleyApi,
  ParleyError,
  ParleyEventName,
  ParleyEvents,
  ParleyListener,
  UpdateOptions,
} from './types.ts';
export type { SurfaceController } from '../shared/messenger-contract.ts';

/** Where an SDK instance runs; the defaults suit a browser page. */
export interface CreateParleyOptions {
  /** The window to draw the launcher in (default the global `window`). */
  window?: Window;
  /** Loads the messenger, portal and web form modules from the Parley server (default a dynamic `import()` of their URL). */
  importModule?: (url: string) => Promise<unknown>;
}

/**
 * Makes an SDK instance. Nothing touches the page until its first call, so it is safe to create
 * during server-side rendering. Most apps use the ready-made `Parley` instead.
 *
 * @example
 * import { createParley } from '@parley/widget';
 * const parley = createParley();
 * parley.boot({ appId: 'demo', baseUrl: 'https://chat.example.com' });
 * const stop = parley.on('open', () => console.log('messenger opened'));
 */
export function createParley(options: CreateParleyOptions = {}): ParleyApi {
  let sdk: ParleySdk | undefined;
  const get = () =>
    (sdk ??= createFront({
      // Outside a browser (server-side rendering) there is no window: calls then log and do nothing.
      window: options.window ?? (globalThis.window as Window),
      importSdk: () => import('./core-entry.ts'),
      importModule: options.importModule ?? ((url) => import(/* @vite-ignore */ /* webpackIgnore: true */ url)),
    }));
  const by =
    (method: string) =>
    (...args: unknown[]) =>
      get().call(method, args);
  return {
    boot: by('boot'),
    shutdown: by('shutdown'),
    show: by('show'),
    hide: by('hide'),
    toggle: by('toggle'),
    identify: by('identify'),
    update: by('update'),
    newConversation: by('newConversation'),
    showConversation: by('showConversation'),
    mount: by('mount'),
    on: by('on'),
    off: by('off'),
    get ready() {
      return get().ready;
    },
  } as ParleyApi;
}

/**
 * The SDK for this page, ready to use: the same methods as the script tag's `Parley('…')`.
 *
 * @example
 * import { Parley } from '@parley/widget';
 * Parley.boot({ appId: 'demo', baseUrl: 'https://chat.example.com' });
 * await Parley.ready;
 * Parley.on('unreadCountChange', ({ count }) => updateBadge(count));
 */
export const Parley: ParleyApi = createParley();
