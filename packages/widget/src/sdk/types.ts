import type { MessengerOptions, SurfaceController } from '../shared/messenger-contract.ts';

/**
 * When the widget may store anything in the browser and open a connection:
 * - `'on-interaction'` (default): nothing is stored and no socket opens until the visitor clicks
 *   the launcher, or the site opens the messenger (`show`, `newConversation`…) or mounts a surface.
 * - `'granted'`: the site has the visitor's consent; an identified user's session starts at once,
 *   so their unread badge shows on a new device too.
 * - `'denied'`: nothing is ever written to the browser's storage; the chat works for this page
 *   view only, and keys stored before are removed.
 */
export type Consent = 'on-interaction' | 'granted' | 'denied';

/** A user the website vouches for: its own user id and the signature its server computed. */
export interface Identity {
  /** The website's id for the user (1–256 characters). */
  userId: string;
  /** HMAC-SHA256 of `userId` with the app's identity secret, as hex, computed on the website's server. */
  signature: string;
  /** Shown to agents. */
  name?: string;
  /** Shown to agents; replies the visitor has not seen are e-mailed here. */
  email?: string;
}

/** `Parley('boot', options)`: the app, where the gateway is, consent, the user, and how the messenger looks. */
export interface BootOptions extends MessengerOptions {
  /** The app id from the Parley console. */
  appId: string;
  /** The gateway's origin, e.g. `https://chat.example.com`. Required with the ESM package; the script tag knows it from its own src. */
  baseUrl?: string;
  /** When the widget may store data and connect (default `'on-interaction'`). */
  consent?: Consent;
  /** The signed-in user, as with `identify` right after boot. */
  user?: Identity;
}

/** A custom attribute value; null removes the attribute. */
export type AttributeValue = string | number | boolean | null;

/** `Parley('update', options)`: the visitor's own profile, consent, and messenger options at runtime. */
export interface UpdateOptions extends MessengerOptions {
  /** The visitor's name as shown to agents (at most 120 characters); null clears it. */
  name?: string | null;
  /** The visitor's e-mail address; null clears it. */
  email?: string | null;
  /** Custom attributes, merged key by key: at most 50, names start with a letter, values are strings (≤ 1000 characters), numbers or booleans. */
  attributes?: Record<string, AttributeValue>;
  /** Changes consent: `'denied'` removes everything stored; `'granted'` stores what the page holds in memory. */
  consent?: Consent;
}

/** `Parley('mount', options)`: renders the portal or the web form inline in the page. */
export interface MountOptions {
  /** `'portal'` (the visitor's tickets and conversations) or `'webform'` (submit a ticket). */
  surface: 'portal' | 'webform';
  /** The element to render into (it gets a shadow root), or a CSS selector for it. */
  element: Element | string;
}

/** A problem the SDK reports through its `error` event, never by throwing. */
export interface ParleyError {
  /** A stable code, e.g. `UNKNOWN_METHOD`, `INVALID_OPTIONS`, `INVALID_SIGNATURE` (see docs/errors.md). */
  code: string;
  /** What went wrong and how to fix it. */
  message: string;
  /** The SDK method the error answers, when there is one. */
  method?: string;
}

/** The SDK's events and what their listeners receive. */
export interface ParleyEvents {
  /** The SDK is booted and the launcher is on the page. */
  ready: undefined;
  /** The messenger opened. */
  open: undefined;
  /** The messenger closed. */
  close: undefined;
  /** The number of unread messages changed (the launcher shows it as a badge). */
  unreadCountChange: { count: number };
  /** The visitor started a conversation (its first message was stored). */
  conversationStarted: { conversationId: string };
  /** A message from an agent or the bot arrived. */
  messageReceived: { conversationId: string; body: string; author: { kind: string; name?: string } };
  /** The visitor ended a conversation. */
  conversationEnded: { conversationId: string };
  /** The gateway accepted the signed identity; `merged` when this device joined the user's earlier one. */
  identified: { userId: string; merged: boolean };
  /** Something failed or the SDK was misused: a stable code and how to fix it. */
  error: ParleyError;
}

/** The name of one of the SDK's events. */
export type ParleyEventName = keyof ParleyEvents;

/** A listener of one event. */
export type ParleyListener<E extends ParleyEventName> = (payload: ParleyEvents[E]) => void;

/**
 * The Parley SDK: the same methods as the script tag's `Parley('method', …)`. No method throws;
 * misuse and failures are reported through the `error` event and a console warning.
 */
export interface ParleyApi {
  /**
   * Starts the widget for an app: draws the launcher. Nothing is stored and no socket opens
   * until the visitor interacts (see `consent`).
   * @example
   * Parley.boot({ appId: 'demo', baseUrl: 'https://chat.example.com', locale: 'nl' });
   */
  boot(options: BootOptions): void;
  /**
   * Ends the visitor's session, closes the connection, removes the widget and clears every key it
   * stored, so the next person in this browser sees nothing. Call it when a user signs out.
   * @example
   * await Parley.shutdown();
   * Parley.boot({ appId: 'demo', baseUrl: 'https://chat.example.com' });
   */
  shutdown(): Promise<void>;
  /**
   * Opens the messenger.
   * @example
   * document.querySelector('#help')!.addEventListener('click', () => Parley.show());
   */
  show(): void;
  /**
   * Closes the messenger.
   * @example
   * Parley.hide();
   */
  hide(): void;
  /**
   * Opens the messenger when it is closed, closes it when it is open.
   * @example
   * Parley.toggle();
   */
  toggle(): void;
  /**
   * Tells Parley who the signed-in user is, vouched for by your server's signature. Their
   * conversations follow them to every device. A wrong signature changes nothing and emits
   * `error` with `INVALID_SIGNATURE`.
   * @example
   * const { userId, signature } = await (await fetch('/parley-identity')).json();
   * Parley.identify({ userId, signature, name: 'Ada Lovelace', email: 'ada@example.com' });
   */
  identify(identity: Identity): Promise<void>;
  /**
   * Changes the visitor's name, e-mail or custom attributes, the consent, or messenger options.
   * @example
   * Parley.update({ attributes: { plan: 'pro', seats: 5 } });
   * Parley.update({ consent: 'granted' });
   */
  update(options: UpdateOptions): Promise<void>;
  /**
   * Opens the messenger on a new conversation, with `text` in the text box.
   * @example
   * Parley.newConversation('I have a question about order #1042');
   */
  newConversation(text?: string): void;
  /**
   * Opens the messenger on one of the visitor's conversations.
   * @example
   * Parley.showConversation('0b5c4b8e-8a51-4c2a-9b1e-6a4a2f0c9d11');
   */
  showConversation(conversationId: string): void;
  /**
   * Renders the portal or the web form inline into an element of the page. Resolves to a
   * controller to remove it again, or undefined when it could not be mounted (see `error`).
   * @example
   * const form = await Parley.mount({ surface: 'webform', element: '#contact-form' });
   * form?.unmount();
   */
  mount(options: MountOptions): Promise<SurfaceController | undefined>;
  /**
   * Listens to an event; returns a function that stops listening.
   * @example
   * const stop = Parley.on('unreadCountChange', ({ count }) => (document.title = `(${count}) Shop`));
   * stop();
   */
  on<E extends ParleyEventName>(event: E, listener: ParleyListener<E>): () => void;
  /**
   * Stops a listener added with `on`.
   * @example
   * Parley.off('open', onOpen);
   */
  off<E extends ParleyEventName>(event: E, listener: ParleyListener<E>): void;
  /**
   * Resolves when the SDK is booted and the launcher is on the page.
   * @example
   * await Parley.ready;
   */
  readonly ready: Promise<void>;
}
