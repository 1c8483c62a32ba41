import type { MessengerController, MessengerEvents, MessengerModule } from '../shared/messenger-contract.ts';
import { createSessionManager } from './session.ts';
import { createConsentStorage } from './storage.ts';
import type { Launcher } from './launcher.ts';
import type { BootOptions, Consent, ParleyError, ParleyEventName } from './types.ts';

/** What the SDK hands its core when it makes it (at the first call that needs it). */
export interface CoreContext {
  window: Window;
  appId: string;
  baseUrl: string;
  options: BootOptions;
  /** The launcher: its shadow root (the messenger and the unread badge render into it), open and close. */
  launcher: Pick<Launcher, 'root' | 'setOpen'>;
  /** Tells the page's listeners (the SDK keeps them: they outlive the core). */
  emit(event: ParleyEventName, payload?: unknown): void;
  /** Reports misuse or a failure: a console warning that says how to fix it, and the `error` event. */
  report(code: string, message: string, method?: string): void;
  /** Loads a module by URL. */
  importModule(url: string): Promise<unknown>;
  fetch?: typeof globalThis.fetch;
}

/** The part of the SDK that needs the network or storage. */
export interface Core {
  /**
   * Carries out a method after the calls before it: `identify`, `update`, `shutdown`,
   * `newConversation`, `showConversation`, `mount`, and `boot` again (reported). An unknown one
   * is reported. Never rejects.
   */
  call(method: string, args: unknown[]): Promise<unknown>;
  /** The mounted messenger (loaded and mounted on first call). */
  messenger(): Promise<MessengerController>;
}

const CONSENTS: Consent[] = ['on-interaction', 'granted', 'denied'];

/**
 * The SDK's core, made on first need (the first open, a returning visitor, or a call the SDK
 * does not handle itself): consent-aware storage, the visitor session (made, identified,
 * profiled, ended), the messenger and the unread badge. The methods a page calls for more
 * (`identify`, `update`, `mount`…) load from `methods.ts` on first call. Nothing here throws.
 */
export function createCore(context: CoreContext): Core {
  const { window, appId, baseUrl, options, launcher, emit, report } = context;
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
    locale: () => options.locale,
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
    unreadCountChange(count) {
      showUnread(count);
      emit('unreadCountChange', { count });
    },
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
        return (module as MessengerModule).mount({ root, baseUrl, appId, options, events, session: sessions.token, request: sessions.request, storage });
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

  let loadedMethods: Promise<(method: string, args: unknown[]) => Promise<unknown>> | undefined;
  /** The page-called methods (and the reports of what is not one), from their own chunk on first use. */
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
        events,
        importModule: context.importModule,
      }),
    ));

  /** Runs a method after the ones called before it; never rejects. */
  function run(method: string, args: unknown[]): Promise<unknown> {
    const result = chain.then(pageMethods).then((call) => call(method, args));
    chain = result.catch(() => {});
    return result.catch((error: unknown) => {
      console.error('Parley:', error);
      return undefined;
    });
  }

  return { call: run, messenger: loadMessenger };
}
