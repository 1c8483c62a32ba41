/**
 * The contract between the loader (the SDK behind `Parley(...)`, owned by the SDK) and the
 * surfaces it loads: the messenger (`<base>/widget/messenger.js`) and the inline surfaces
 * (`<base>/widget/portal.js`, `<base>/widget/webform.js`).
 *
 * What the SDK gives every surface, and what it expects back:
 * - **Session.** `session()` resolves to the visitor's bearer token. The SDK makes the session on
 *   first use (`POST /api/visitor/sessions`), stores the token under `parley:<appId>:session`
 *   (only with consent), and applies the identity the site gave (`identify`, `boot({ user })`)
 *   before resolving, so a surface never sees an unverified token for a signed-in user.
 *   `session({ renew: true })` drops the token and makes a new one (after close code 4001).
 *   After `shutdown` it rejects with an error whose `code` is `SESSION_ENDED`: a surface must
 *   then stop, not make a session of its own.
 * - **Storage.** `storage` is the only place a surface may persist anything (the allowlisted
 *   keys of `storage-keys.ts`). It follows the visitor's consent: with `consent: 'denied'` it
 *   keeps values in memory for the page view only, and `shutdown` empties it.
 * - **Identity changes.** When `identify` links or merges the visitor, the gateway closes the
 *   visitor's sockets with 4011 (`IDENTITY_CHANGED`, not terminal): `@parley/client` reconnects
 *   by itself with the same token and resumes; conversation ids stay the same.
 * - **Events.** The messenger reports through `events` (every callback optional); the SDK turns
 *   them into the public events (`Parley('on', 'unreadCountChange', fn)` …) and draws the
 *   launcher's unread badge from `unreadCountChange`. It hands `conversationUpdated` to the
 *   inline surfaces that listen (`SurfaceHost.onConversationUpdated`): the portal has no socket
 *   of its own, and shows at once a chat the visitor ended or reopened in the messenger.
 * - **Teardown.** `Parley('shutdown')` calls `destroy()` on the messenger (close the socket, stop
 *   timers, remove its DOM) and `unmount()` on inline surfaces, then ends the session and clears
 *   every `parley:<appId>:*` key.
 */

/** What the messenger says of a conversation of the visitor that changed (a `ConversationSummary` has more): which one, and whether it is open or ended. */
export interface ConversationChange {
  id: string;
  status: 'open' | 'closed';
}

/** A key-value store with the shape of `localStorage`; the SDK's follows the visitor's consent. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The visitor session the SDK shares with every surface: its bearer token, made (and identified) on first use. */
export interface SessionProvider {
  (options?: { renew?: boolean }): Promise<string>;
}

/** What the loader hands the messenger module when it mounts it. */
export interface MessengerHost {
  /** The widget's open shadow root; the messenger renders inside it. */
  root: ShadowRoot;
  /** The gateway's base URL (no trailing slash), e.g. `https://chat.example.com`. */
  baseUrl: string;
  /** The app the snippet booted. */
  appId: string;
  /** Boot options that shape the messenger (all optional; see MessengerOptions). */
  options?: MessengerOptions;
  /** What the messenger tells the loader (and through it the SDK's events). */
  events?: MessengerEvents;
  /**
   * The visitor's session token: the messenger never makes sessions itself; it asks for the
   * token before the first connect and again after a 4001 (`session({ renew: true })`). Rejects
   * with `code: 'SESSION_ENDED'` after shutdown, and with `code: 'BLOCKED'` when the gateway
   * refuses a blocked visitor's address a session.
   */
  session: SessionProvider;
  /**
   * Calls the visitor API (`GET /api/visitor/app`, `PATCH /api/visitor/me`…) with the session's
   * token, making the session first if needed: answers the JSON body, or rejects with an error
   * whose `code` is the gateway's (or `NETWORK`).
   */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Where to persist the allowlisted keys (conversation, outbox): follows consent, and falls back to memory where the page may not use localStorage. */
  storage: KeyValueStorage;
}

/**
 * Boot options the messenger reads (`Parley('boot', { appId, locale, dir, size, position, ... })`).
 * The loader passes them through unchanged; the messenger ignores values it does not know.
 * `color`, `position` and `launcherText` also style the loader's own launcher button.
 */
export interface MessengerOptions {
  /** BCP 47 language tag; the messenger speaks en, nl, tr and it, else the browser's language, else English. */
  locale?: string;
  /** Layout direction; default the locale's own (all four languages are `ltr`). */
  dir?: 'ltr' | 'rtl';
  /** Panel size on desktop: compact (340 × 520), standard (380 × 600, the default) or large (440 × 720). Phones are always fullscreen. */
  size?: 'compact' | 'standard' | 'large';
  /** Which corner the launcher and panel sit in (default right). */
  position?: 'left' | 'right';
  /** The accent colour (any CSS colour); sets `--parley-accent` on the widget's host element. */
  color?: string;
  /** Text shown beside the launcher icon (the launcher's accessible name stays "Open chat"). */
  launcherText?: string;
}

/** Callbacks the messenger calls; every one is optional. */
export interface MessengerEvents {
  /** The number of unread messages across the visitor's conversations changed (for the launcher badge). */
  unreadCountChange?(count: number): void;
  /** The visitor started a new conversation (its first message was stored). */
  conversationStarted?(conversationId: string): void;
  /** A message from an agent or the bot arrived. */
  messageReceived?(message: { conversationId: string; body: string; author: { kind: string; name?: string } }): void;
  /** The visitor ended a conversation. */
  conversationEnded?(conversationId: string): void;
  /** The gateway said one of the visitor's conversations changed (`conversation.updated`): ended or reopened by anyone, started, or a new message in it. */
  conversationUpdated?(conversation: ConversationChange): void;
  /** Something failed that the site may want to know (e.g. a message refused with `IDENTITY_REQUIRED`): a stable code and a message. */
  error?(error: { code: string; message: string }): void;
}

/** What the messenger module gives back to the loader. */
export interface MessengerController {
  /** Shows the messenger, starting the session and connection if needed, and focuses the text box. */
  open(): void;
  /** Hides the messenger; the connection stays up so replies keep arriving. */
  close(): void;
  /** Starts the session and connection without showing anything (delivers a stored outbox). */
  connect(): void;
  /** Switches to a new conversation, with `text` in the text box when given (the loader opens the messenger with `open()`). */
  newConversation?(text?: string): void;
  /** Switches to one of the visitor's conversations; an unknown id shows the list (the loader opens the messenger with `open()`). */
  showConversation?(conversationId: string): void;
  /** Applies changed options at runtime (e.g. another locale); unnamed ones stay as they are. */
  update?(options: MessengerOptions): void;
  /**
   * `Parley('shutdown')`: closes the connection for good (no session renewal), stops timers and
   * removes the messenger's DOM. The SDK forgets the controller afterwards.
   */
  destroy?(): void;
}

/** The shape of `<base>/widget/messenger.js`. */
export interface MessengerModule {
  /** Mounts the messenger into the host's shadow root. */
  mount(host: MessengerHost): MessengerController;
}

/**
 * What the loader hands an inline surface module (`<base>/widget/portal.js`,
 * `<base>/widget/webform.js`) when `Parley('mount', { surface, element })` mounts it into a host
 * element of the page. The surface renders inside `root` and talks to the visitor API with the
 * bearer token `session()` resolves to.
 */
export interface SurfaceHost {
  /** An open shadow root on the page's host element; the surface renders inside it. */
  root: ShadowRoot;
  /** The gateway's base URL (no trailing slash). */
  baseUrl: string;
  /** The app the snippet booted. */
  appId: string;
  /** The visitor's session token, made (and identified) on first use and shared with the messenger; see SessionProvider. */
  session: SessionProvider;
  /** BCP 47 language tag (the boot option); else the browser's language, else English. */
  locale?: string;
  /** Layout direction; default the locale's own. */
  dir?: 'ltr' | 'rtl';
  /** Opens one of the visitor's conversations in the messenger (the portal's "Continue in chat"), when there is a messenger. */
  showConversation?(conversationId: string): void;
  /**
   * Calls `listener` whenever the messenger on the page hears that one of the visitor's
   * conversations changed (see `MessengerEvents.conversationUpdated`), while the messenger is
   * connected; returns the function that stops it. The SDK gives it to the surfaces it mounts.
   */
  onConversationUpdated?(listener: (conversation: ConversationChange) => void): () => void;
}

/** What a mounted surface gives back. */
export interface SurfaceController {
  /** Removes the surface from its host and stops its work. */
  unmount(): void;
}

/** The shape of `<base>/widget/portal.js` and `<base>/widget/webform.js`. */
export interface SurfaceModule {
  /** Mounts the surface into the host's shadow root. */
  mount(host: SurfaceHost): SurfaceController;
}
