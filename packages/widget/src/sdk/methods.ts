import type { ConversationChange, MessengerController, MessengerEvents, SurfaceController, SurfaceModule } from '../shared/messenger-contract.ts';
import { resolveLocale } from '../shared/i18n.ts';
import type { ProfilePatch, SessionManager } from './session.ts';
import type { ConsentStorage } from './storage.ts';
import type { BootOptions, Consent, Identity, MountOptions, UpdateOptions } from './types.ts';

// The session's identity code comes in this chunk: `identify` and `update` need it next.
export { createSessionIdentity } from './identity.ts';

/** What the page-called methods need from the core. */
export interface MethodContext {
  window: Window;
  appId: string;
  baseUrl: string;
  /** The boot options (display options change with `update`). */
  options: BootOptions;
  sessions: SessionManager;
  storage: ConsentStorage;
  /** The consents there are, the current one, and how to change it. */
  consents: readonly Consent[];
  consent(): Consent;
  setConsent(consent: Consent): void;
  report(code: string, message: string, method?: string): void;
  /** Opens the messenger, then runs `then` on it. */
  openWith(then: (m: MessengerController) => void): Promise<void>;
  /** The mounted messenger, when it was loaded. */
  current(): Promise<MessengerController> | undefined;
  /** Closes and forgets the messenger (`destroy()`). */
  destroyMessenger(): Promise<void>;
  /** The callbacks the messenger reports through (the same object it was mounted with). */
  events: MessengerEvents;
  importModule(url: string): Promise<unknown>;
}

const MESSENGER_OPTIONS = ['locale', 'dir', 'size', 'position', 'color', 'launcherText'];
const PROFILE_OPTIONS = ['name', 'email', 'attributes'];
const ATTRIBUTE_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
// valibot's `email()` pattern, as the gateway applies it: what passes here is not refused later.
// Written out here as in the messenger's extras and the web form (see extras.tsx for why).
const EMAIL = /^[\w+-]+(?:\.[\w+-]+)*@[\da-zA-Z]+(?:[.-][\da-zA-Z]+)*\.[a-zA-Z]{2,}$/u;
const isEmail = (value: unknown) => typeof value === 'string' && value.trim().length <= 254 && EMAIL.test(value.trim());

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why an identity is not usable, or undefined when it is (exported for tests). */
export function identityProblem(identity: unknown): string | undefined {
  if (!isRecord(identity)) return "pass the signed-in user: identify({ userId, signature })";
  const { userId, signature, name, email, ...rest } = identity;
  if (typeof userId !== 'string' || !userId || userId.length > 256 || /[\u0000-\u001f\u007f]/.test(userId)) return 'userId must be your user id as a string of 1 to 256 characters, without control characters';
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) {
    return "signature must be the HMAC-SHA256 (64 hex characters) of the user id with the app's identity secret, computed on your server; never put the secret in the page";
  }
  if (name !== undefined && (typeof name !== 'string' || !name.trim() || name.length > 120)) return 'name must be text of 1 to 120 characters';
  if (email !== undefined && !isEmail(email)) return 'email must be an e-mail address';
  const unknown = Object.keys(rest);
  if (unknown.length) return `unknown field ${unknown[0]}; identify takes userId, signature, name and email`;
  return undefined;
}

/** Why a profile update is not usable, or undefined when it is (exported for tests). */
export function profileProblem(patch: Record<string, unknown>): string | undefined {
  const { name, email, attributes } = patch;
  if (name !== undefined && name !== null && (typeof name !== 'string' || !name.trim() || name.length > 120)) return 'name must be text of 1 to 120 characters, or null';
  if (email !== undefined && email !== null && !isEmail(email)) return 'email must be an e-mail address, or null';
  if (attributes === undefined) return undefined;
  if (!isRecord(attributes)) return 'attributes must be an object: { plan: "pro", seats: 5 }';
  const entries = Object.entries(attributes);
  if (entries.length > 50) return 'attributes takes at most 50 attributes';
  for (const [key, value] of entries) {
    if (!ATTRIBUTE_KEY.test(key)) return `attribute name '${key}' must start with a letter and have at most 64 letters, digits, _, . or -`;
    const ok = value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= 1000);
    if (!ok) return `attribute '${key}' must be a string of at most 1000 characters, a number, a boolean, or null to remove it`;
  }
  return undefined;
}

/**
 * The methods a page calls that need more than the messenger: `identify`, `update`, `shutdown`,
 * `newConversation`, `showConversation`, `mount`, and what is not a method. They live in a chunk
 * of their own, loaded on the first such call, so the messenger's first open does not carry
 * their checks and messages. Each validates its arguments and reports misuse with a code and how
 * to fix it; an unknown method, or `boot` again, is reported too. Answers the function that runs
 * one by name.
 */
export function createMethods(context: MethodContext): (method: string, args: unknown[]) => Promise<unknown> {
  const { window, appId, baseUrl, options, sessions, storage, report, openWith } = context;
  const surfaces = new Set<SurfaceController>();
  // The mounted surfaces' listeners for the conversation changes the messenger hears (the portal
  // shows them), put on the messenger's events when this chunk loads (with the first method a
  // page calls, `mount` among them): the messenger's first open carries none of it.
  const conversationListeners = new Set<(conversation: ConversationChange) => void>();
  context.events.conversationUpdated = (conversation) => {
    for (const listener of [...conversationListeners]) {
      try {
        listener(conversation);
      } catch (error) {
        // A surface's failure is neither the messenger's nor another surface's.
        console.error('Parley:', error);
      }
    }
  };
  /** Whether the session may start without the visitor's click: consent granted. */
  const eager = () => context.consent() === 'granted';

  async function mount(mountOptions: unknown): Promise<SurfaceController | undefined> {
    const { surface, element } = (isRecord(mountOptions) ? mountOptions : {}) as Partial<MountOptions>;
    let host: Element | null | undefined;
    try {
      host = typeof element === 'string' ? window.document.querySelector(element) : element;
    } catch {
      host = null; // Not a valid selector.
    }
    if ((surface !== 'portal' && surface !== 'webform') || !host || typeof host.attachShadow !== 'function') {
      report('INVALID_OPTIONS', "mount needs a surface ('portal' or 'webform') and an element of the page: mount({ surface: 'webform', element: '#support' }).", 'mount');
      return undefined;
    }
    let root: ShadowRoot;
    try {
      root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    } catch (error) {
      report('INVALID_OPTIONS', `mount cannot render into this element (${String(error)}); use an empty <div>.`, 'mount');
      return undefined;
    }
    try {
      const module = (await context.importModule(`${baseUrl}/widget/${surface}.js`)) as SurfaceModule;
      const controller = module.mount({
        root,
        baseUrl,
        appId,
        session: sessions.token,
        ...(typeof options.locale === 'string' && { locale: options.locale }),
        ...((options.dir === 'ltr' || options.dir === 'rtl') && { dir: options.dir }),
        showConversation: (conversationId) => void openWith((m) => m.showConversation?.(conversationId)),
        onConversationUpdated(listener) {
          conversationListeners.add(listener);
          return () => void conversationListeners.delete(listener);
        },
      });
      const mounted: SurfaceController = {
        unmount() {
          surfaces.delete(mounted);
          controller.unmount();
        },
      };
      surfaces.add(mounted);
      return mounted;
    } catch (error) {
      report('LOAD_FAILED', `cannot load ${baseUrl}/widget/${surface}.js (${String(error)}).`, 'mount');
      return undefined;
    }
  }

  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    async identify(identity) {
      const problem = identityProblem(identity);
      if (problem) return report('INVALID_OPTIONS', `identify: ${problem}.`, 'identify');
      const { userId, signature, name, email } = identity as Identity;
      await sessions.identify({ userId, signature, ...(name !== undefined && { name: name.trim() }), ...(email !== undefined && { email: email.trim() }) }, eager());
    },

    async update(input) {
      if (!isRecord(input)) return report('INVALID_OPTIONS', "update takes an object: update({ name: 'Ada', attributes: { plan: 'pro' } }).", 'update');
      const known = [...PROFILE_OPTIONS, ...MESSENGER_OPTIONS, 'consent'];
      const unknown = Object.keys(input).find((name) => !known.includes(name));
      if (unknown) {
        const hint = unknown === 'userId' || unknown === 'signature' ? ' Use identify({ userId, signature }) for the signed-in user.' : '';
        return report('INVALID_OPTIONS', `update: unknown option ${unknown}; it takes ${known.join(', ')}.${hint}`, 'update');
      }
      const problem = profileProblem(input);
      if (problem) return report('INVALID_OPTIONS', `update: ${problem}.`, 'update');
      const { consent: nextConsent } = input as UpdateOptions;
      if (nextConsent !== undefined) {
        if (!context.consents.includes(nextConsent)) return report('INVALID_OPTIONS', `update: consent must be one of ${context.consents.join(', ')}.`, 'update');
        context.setConsent(nextConsent);
      }
      const display = Object.fromEntries(Object.entries(input).filter(([name]) => MESSENGER_OPTIONS.includes(name)));
      if (Object.keys(display).length) {
        Object.assign(options, display);
        void context.current()?.then((m) => m.update?.(display), () => {});
      }
      const patch = Object.fromEntries(Object.entries(input).filter(([name]) => PROFILE_OPTIONS.includes(name))) as ProfilePatch;
      // The gateway e-mails the visitor in the language the widget shows; a session made later is made in it.
      if ('locale' in input && sessions.has()) patch.locale = resolveLocale(options.locale);
      if (Object.keys(patch).length) await sessions.update(patch, eager());
    },

    async shutdown() {
      await context.destroyMessenger();
      for (const surface of [...surfaces]) surface.unmount();
      await sessions.end();
      storage.clear();
    },

    async newConversation(text) {
      if (text !== undefined && typeof text !== 'string') return report('INVALID_OPTIONS', "newConversation takes the text to start with, or nothing: newConversation('Hello').", 'newConversation');
      await openWith((m) => m.newConversation?.(text));
    },

    async showConversation(conversationId) {
      if (typeof conversationId !== 'string' || !CONVERSATION_ID.test(conversationId)) {
        return report('INVALID_OPTIONS', 'showConversation needs the id of one of the visitor\'s conversations (from the conversationStarted event).', 'showConversation');
      }
      await openWith((m) => m.showConversation?.(conversationId));
    },

    mount,
  };

  return async (method, args) => {
    if ({}.hasOwnProperty.call(methods, method)) return methods[method]!(...args);
    if (method === 'boot') {
      return report('ALREADY_BOOTED', `already booted as ${appId}, not ${(args[0] as BootOptions).appId}; call shutdown() before booting another app.`, 'boot');
    }
    report('UNKNOWN_METHOD', `unknown method '${method}'; use one of: boot, show, hide, toggle, on, off, ${Object.keys(methods).join(', ')}.`, method);
  };
}
