import type { MessengerController, MessengerEvents, MessengerModule } from '../shared/messenger-contract.ts';
import { createSessionManager } from './session.ts';
import { createConsentStorage } from './storage.ts';
import type { Launcher } from './launcher.ts';
import type { BootOptions, Consent, ParleyError, ParleyEventName } from './types.ts';

/** What the SDK's front hands its core when the core loads. */
export interface CoreContext {
  window: Window;
  appId: string;
  baseUrl: string;
  options: BootOptions;
  /** The launcher: its shadow root (the messenger and the unread badge render into it), open and close. */
  launcher: Pick<Launcher, 'root' | 'setOpen'>;
  /** Loads a module by URL. */
  importModule(url: string): Promise<unknown>;
  fetch?: typeof globalThis.fetch;
}

/** The part of the SDK that needs the network or storage. */
export interface Core {
  /**
   * Carries out a method after the calls before it: `identify`, `update`, `shutdown`,
   * `newConversation`, `showConversation`, `mount`, `on`, `off`, and `emit` (from the front:
   * `open`, `close`). An unknown one is reported. Never rejects.
   */
  call(method: string, args: unknown[]): Promise<unknown>;
  /** The mounted messenger (loaded and mounted on first call). */
  messenger(): Promise<MessengerController>;
}

const CONSENTS: Consent[] = ['on-interaction', 'granted', 'denied'];
/** The methods of `methods.ts`, loaded on first call. */
const PAGE_METHODS = ['identify', 'update', 'shutdown', 'newConversation', 'showConversation', 'mount'];
const EVENTS: ParleyEventName[] = ['ready', 'open', 'close', 'unreadCountChange', 'conversationStarted', 'messageReceived', 'conversationEnded', 'identified', 'error'];

/**
 * The SDK's core, loaded on first need (the first open, a returning visitor, or a call the
 * loader does not handle itself): the events, consent-aware storage, the visitor session
 * (made, identified, profiled, ended) and the messenger. The methods a page calls for more
 * (`identify`, `update`, `mount`…) load from `methods.ts` on first call. Nothing here throws.
 */
export function createCore(context: CoreContext): Core {
  const { window, appId, baseUrl, options, launcher } = context;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  // The unread badge's code (and its words in every language) loads with the first unread message.
  let badge: ((count: number) => void) | undefined;
  let badgeLoading: Promise<void> | undefined;
  let unread = 0;
  function showUnread(count: number): void {
    unread = count;
    if (badge) return badge(count);
    if (count > 0) {
      badgeLoading ??= import('./badge.ts').then(
        ({ createBadge }) => {
          badge = createBadge(launcher.root, options.locale);
          badge(unread);
        },
        () => void (badgeLoading = undefined),
      );
    }
  }

  function emit(event: ParleyEventName, payload?: unknown): void {
    if (event === 'unreadCountChange') showUnread((payload as { count: number }).count);
    for (const listener of [...(listeners.get(event) ?? [])]) {
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

  let consent: Consent = CONSENTS.includes(options.consent as Consent) ? options.consent! : 'on-interaction';
  if (options.consent !== undefined && consent !== options.consent) {
    report('INVALID_OPTIONS', `consent must be one of ${CONSENTS.join(', ')}; using 'on-interaction'.`, 'boot');
  }
  const storage = createConsentStorage(window, `parley:${appId}:`, consent);
  let messenger: Promise<MessengerController> | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  const sessions = createSessionManager({
    baseUrl,
    appId,
    storage,
    ...(context.fetch && { fetch: context.fetch }),
    report: (error: ParleyError) => report(error.code, error.message, error.method),
    onIdentified(result) {
      emit('identified', result);
      // This device joined the user's earlier one: connect for their unread count (consent allowing).
      if (result.merged && consent !== 'denied') void loadMessenger().then((m) => m.connect(), () => {});
    },
    onReplaced() {
      // The messenger held the previous user's session: it starts over on the next open.
      void destroyMessenger();
    },
  });

  const events: MessengerEvents = {
    unreadCountChange: (count) => emit('unreadCountChange', { count }),
    conversationStarted: (conversationId) => emit('conversationStarted', { conversationId }),
    messageReceived: (message) => emit('messageReceived', message),
    conversationEnded: (conversationId) => emit('conversationEnded', { conversationId }),
    error: (error) => emit('error', error),
  };

  function loadMessenger(): Promise<MessengerController> {
    return (messenger ??= context
      .importModule(`${baseUrl}/widget/messenger.js`)
      .then((module) => {
        const root = launcher.root();
        if (!root) throw new Error('the launcher is not on the page yet');
        return (module as MessengerModule).mount({ root, baseUrl, appId, options, events, session: sessions.token, storage });
      })
      .catch((error: unknown) => {
        messenger = undefined;
        report('LOAD_FAILED', `cannot load ${baseUrl}/widget/messenger.js (${String(error)}).`);
        throw error;
      }));
  }

  async function destroyMessenger(): Promise<void> {
    const current = messenger;
    messenger = undefined;
    const controller = await current?.catch(() => undefined);
    controller?.destroy?.();
  }

  /** Opens the messenger, then runs `then` on it. */
  function openWith(then: (m: MessengerController) => void): Promise<void> {
    launcher.setOpen(true);
    return loadMessenger().then(then, () => {});
  }

  let loadedMethods: Promise<Record<string, (...args: unknown[]) => Promise<unknown>>> | undefined;
  /** The page-called methods, from their own chunk on first use. */
  const pageMethods = () =>
    (loadedMethods ??= import('./methods.ts').then((m) =>
      m.createMethods({
        window,
        appId,
        baseUrl,
        options,
        sessions,
        storage,
        consents: CONSENTS,
        consent: () => consent,
        setConsent(next) {
          consent = next;
          storage.setConsent(next);
        },
        report,
        openWith,
        current: () => messenger,
        destroyMessenger,
        importModule: context.importModule,
      }),
    ));

  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    async on(event, listener) {
      if (!EVENTS.includes(event as ParleyEventName) || typeof listener !== 'function') {
        return report('INVALID_OPTIONS', `on needs one of the events ${EVENTS.join(', ')} and a function: on('open', () => …).`, 'on');
      }
      let set = listeners.get(event as string);
      if (!set) listeners.set(event as string, (set = new Set()));
      set.add(listener as (payload: unknown) => void);
      // The core exists only after boot: a `ready` listener hears about it at once.
      if (event === 'ready') {
        try {
          (listener as () => void)();
        } catch (error) {
          console.error('Parley: an event listener threw', error);
        }
      }
    },

    async off(event, listener) {
      listeners.get(event as string)?.delete(listener as (payload: unknown) => void);
    },

    async emit(event) {
      emit(event as ParleyEventName);
    },

    async boot(again) {
      report('ALREADY_BOOTED', `already booted as ${appId}, not ${(again as BootOptions).appId}; call shutdown() before booting another app.`, 'boot');
    },
  };

  /** Runs a method after the ones called before it; never rejects. */
  function run(method: string, args: unknown[]): Promise<unknown> {
    const own = {}.hasOwnProperty.call(methods, method);
    const result = chain.then(async () => {
      if (own) return methods[method]!(...args);
      if (PAGE_METHODS.includes(method)) return (await pageMethods())[method]!(...args);
      report('UNKNOWN_METHOD', `unknown method '${method}'; use one of: boot, show, hide, toggle, on, off, ${PAGE_METHODS.join(', ')}.`, method);
    });
    chain = result.catch(() => {});
    return result.catch((error: unknown) => {
      console.error('Parley:', error);
      return undefined;
    });
  }

  return { call: run, messenger: loadMessenger };
}
