import type { AckFrame, ClientError, OutboxEntry, OutboxStore } from '@parley/client';
import { CloseCode, DEFAULT_MAX_MESSAGE_LENGTH, type Message, type ServerFrameOf } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { storageKeys } from '../shared/storage-keys.ts';
import { isTransportError, type MessengerConnection, type MessengerTransport } from './transport.ts';

/** Where the messenger stands: not started, getting a session, connecting, live, reconnecting, or stopped. */
export type MessengerStatus = 'idle' | 'starting' | 'connecting' | 'online' | 'reconnecting' | 'failed' | 'reload';

/** One row of the message list, as the view shows it. */
export interface MessageItem {
  /** Stable key: the message id, or the client message id while it is in the outbox. */
  key: string;
  body: string;
  /** `me` for the visitor's own messages. */
  from: 'me' | 'agent' | 'system';
  /** The agent's name, for agent messages that carry one. */
  authorName?: string;
  /** For the visitor's own messages: in the outbox (`sending`) or acknowledged (`sent`). */
  state?: 'sending' | 'sent';
  /** ISO time the message was written (the outbox time while sending). */
  createdAt: string;
}

/** The storage the model persists its allowlisted keys in (localStorage in the browser). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What the messenger model is built from. */
export interface MessengerModelOptions {
  transport: MessengerTransport;
  storage: KeyValueStorage;
  /** The outbox store handed to every connection (localStorage in the browser). */
  outbox: OutboxStore;
  appId: string;
  /** Makes client conversation ids (default `crypto.randomUUID()`). */
  newId?: () => string;
}

/** The messenger's state and actions; views read the signals and call the actions. */
export interface MessengerModel {
  /** Whether the messenger is shown. */
  readonly open: ReadonlySignal<boolean>;
  readonly status: ReadonlySignal<MessengerStatus>;
  /** The current conversation's messages in order, then the visitor's messages still sending. */
  readonly items: ReadonlySignal<MessageItem[]>;
  /** The text box's content. */
  readonly draft: Signal<string>;
  /** The app's message length limit, from the server's hello. */
  readonly maxLength: ReadonlySignal<number>;
  /** A problem to show the visitor, or null. */
  readonly notice: ReadonlySignal<string | null>;
  /** Shows or hides the messenger; showing it starts the session and connection. */
  setOpen(open: boolean): void;
  /** Gets a session, loads the conversation and connects; safe to call again. */
  start(): Promise<void>;
  /** Sends the draft; false when there is nothing to send. */
  send(): boolean;
  /** Starts over after a failure. */
  retry(): void;
  /** Closes the connection and stops listening. */
  dispose(): void;
}

/** The visitor's current conversation as stored: its id once known, and the client id it was created with. */
interface CurrentConversation {
  id?: string;
  clientConversationId?: string;
}

const NOT_ENABLED = 'Chat is not enabled for this website.';

/** How many of the latest messages are shown when a conversation is reopened. */
const HISTORY_PAGE = 50;

/** Send errors after which the client sends the message again by itself. */
const RETRIED = new Set(['RATE_LIMITED', 'UNAVAILABLE']);
/** Errors the client reports for a message it refuses to send. */
const LOCALLY_REFUSED = new Set(['MESSAGE_TOO_LONG', 'FRAME_TOO_LARGE', 'INVALID_FRAME']);

/** A session refused again within this time after a renewal is not renewed again (no loops). */
const SESSION_RENEWAL_MIN_MS = 10_000;

/** What the visitor is told when starting failed. */
const describe = (error: unknown): string => {
  if (isTransportError(error, 'NETWORK')) return 'Cannot reach the chat service. Check your connection and try again.';
  if (isTransportError(error, 'FORBIDDEN_ORIGIN')) return NOT_ENABLED;
  if (isTransportError(error, 'NOT_FOUND')) return 'This chat is not set up correctly (unknown app).';
  return 'Something went wrong starting the chat. Please try again.';
};

/**
 * Creates the messenger's model. On start it reuses the stored visitor session or makes one and
 * connects; after the first hello it finds the current conversation, shows its latest messages
 * and sets the connection's cursor to their last seq, so every later resume continues from
 * there. An unknown session (close code 4001) is replaced by a new one once; the outbox is kept
 * and pointed at a fresh conversation so nothing the visitor typed is lost.
 */
export function createMessengerModel({ transport, storage, outbox, appId, newId = () => crypto.randomUUID() }: MessengerModelOptions): MessengerModel {
  const keys = storageKeys(appId);
  const open = signal(false);
  const status = signal<MessengerStatus>('idle');
  const draft = signal('');
  const maxLength = signal(DEFAULT_MAX_MESSAGE_LENGTH);
  const notice = signal<string | null>(null);
  const confirmed = signal<Message[]>([]);
  const pending = signal<OutboxEntry[]>(outbox.load());
  const current = signal<CurrentConversation>(readConversation());

  let token: string | null = get(keys.session);
  let connection: MessengerConnection | undefined;
  let unsubscribe: (() => void)[] = [];
  let starting: Promise<void> | undefined;
  let lastRenewal = 0;
  let disposed = false;
  // Whether the current conversation has been looked up and its history shown on this connection.
  let loaded = false;

  function get(key: string): string | null {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  }
  function put(key: string, value: string | null): void {
    try {
      if (value === null) storage.removeItem(key);
      else storage.setItem(key, value);
    } catch {
      // Storage full or blocked: the widget keeps working for this page view.
    }
  }
  function readConversation(): CurrentConversation {
    try {
      const value = JSON.parse(get(keys.conversation) ?? '{}') as CurrentConversation;
      return {
        ...(typeof value.id === 'string' && { id: value.id }),
        ...(typeof value.clientConversationId === 'string' && { clientConversationId: value.clientConversationId }),
      };
    } catch {
      return {};
    }
  }
  function setConversation(next: CurrentConversation): void {
    current.value = next;
    put(keys.conversation, next.id || next.clientConversationId ? JSON.stringify(next) : null);
  }

  /** Adds messages of the current conversation, once each, in seq order. */
  function merge(messages: Message[]): void {
    const id = current.value.id;
    const fresh = messages.filter((m) => m.conversationId === id);
    if (fresh.length === 0) return;
    const byId = new Map(confirmed.value.map((m) => [m.id, m]));
    for (const m of fresh) byId.set(m.id, m);
    confirmed.value = [...byId.values()].sort((a, b) => a.seq - b.seq);
  }
  const refreshPending = () => {
    pending.value = connection ? connection.pending() : outbox.load();
  };

  const items = computed<MessageItem[]>(() => {
    const shown = confirmed.value.map((m): MessageItem => {
      const from = m.author.kind === 'visitor' ? 'me' : m.author.kind;
      return {
        key: m.id,
        body: m.body,
        from,
        ...(from === 'agent' && m.author.name && { authorName: m.author.name }),
        ...(from === 'me' && { state: 'sent' as const }),
        createdAt: m.createdAt,
      };
    });
    const delivered = new Set(confirmed.value.map((m) => m.clientMessageId));
    const sending = pending.value
      .filter((e) => !delivered.has(e.clientMessageId))
      .map((e): MessageItem => ({ key: e.clientMessageId, body: e.body, from: 'me', state: 'sending', createdAt: new Date(e.createdAt).toISOString() }));
    return [...shown, ...sending];
  });

  function onAck(ack: AckFrame): void {
    const entry = pending.value.find((e) => e.clientMessageId === ack.clientMessageId);
    batch(() => {
      const conversation = current.value;
      if (!conversation.id && (ack.clientConversationId === undefined || ack.clientConversationId === conversation.clientConversationId)) {
        setConversation({ ...conversation, id: ack.conversationId });
      }
      if (entry) {
        merge([
          {
            id: ack.messageId,
            conversationId: ack.conversationId,
            seq: ack.seq,
            clientMessageId: ack.clientMessageId,
            author: { kind: 'visitor', id: '' },
            body: entry.body,
            createdAt: ack.createdAt,
          },
        ]);
      }
      refreshPending();
    });
  }

  function onError(error: ServerFrameOf<'error'> | ClientError): void {
    refreshPending();
    const closeCode = 'closeCode' in error ? error.closeCode : undefined;
    if (closeCode === CloseCode.UNAUTHORIZED || closeCode === CloseCode.SESSION_ENDED) return renewSession();
    if (closeCode === CloseCode.RELOAD) return void (status.value = 'reload');
    // A message the gateway (or the client, before sending) refused for good; retried ones are not news.
    const refused = 'frameType' in error ? error.frameType === 'message.send' && !RETRIED.has(error.code) : LOCALLY_REFUSED.has(error.code);
    if (refused) notice.value = `A message could not be sent: ${error.message}`;
  }

  function makeConnection(): MessengerConnection {
    const next = transport.createConnection(() => token ?? '', outbox);
    unsubscribe = [
      next.on('state', (state) => {
        if (state === 'open') status.value = 'online';
        else if (state === 'connecting') status.value = status.value === 'online' || status.value === 'reconnecting' ? 'reconnecting' : 'connecting';
      }),
      next.on('hello', (hello) => {
        maxLength.value = hello.limits.maxMessageLength;
        refreshPending();
        if (!loaded) void loadConversation(next);
      }),
      next.on('message', (message) => merge([message])),
      next.on('ack', onAck),
      next.on('error', onError),
      next.on('reset', (frame) => {
        // The gateway cannot replay from our cursor: read the latest page again.
        if (frame.conversationId === current.value.id) loadHistory(next, frame.conversationId).catch(() => {});
      }),
      next.on('reload', () => (status.value = 'reload')),
    ];
    return next;
  }
  function dropConnection(): void {
    unsubscribe.forEach((off) => off());
    unsubscribe = [];
    connection?.close();
    connection = undefined;
    loaded = false;
  }

  /** Reads the latest page of a conversation and moves the connection's cursor to its end, so resumes continue from there. */
  async function loadHistory(conn: MessengerConnection, conversationId: string): Promise<void> {
    const page = await conn.request({ type: 'conversation.history', conversationId, limit: HISTORY_PAGE });
    merge(page.messages);
    const last = page.messages.at(-1)?.seq ?? 0;
    const cursor = conn.cursor(conversationId);
    if (cursor === undefined || cursor < last) conn.setCursor(conversationId, last);
  }

  /**
   * After the first hello: finds the current conversation (the stored one, the one the stored
   * client id created, or the most recent) and shows its latest messages. Over the socket, so
   * anything written meanwhile arrives live; a failure is retried at the next hello.
   */
  async function loadConversation(conn: MessengerConnection): Promise<void> {
    try {
      if (!current.value.id) {
        const { conversations } = await conn.request({ type: 'conversation.list', limit: 20 });
        const wanted = current.value.clientConversationId;
        const match = wanted ? conversations.find((c) => c.clientConversationId === wanted) : conversations[0];
        // An ack may have named the conversation while the list was on its way.
        if (match && !current.value.id) {
          const clientConversationId = match.clientConversationId ?? wanted;
          setConversation({ id: match.id, ...(clientConversationId && { clientConversationId }) });
        }
      }
      const id = current.value.id;
      if (id) await loadHistory(conn, id);
      loaded = true;
    } catch (error) {
      if ((error as { code?: string }).code !== 'NOT_FOUND') return;
      // The stored conversation is not this visitor's (any more): start a new one on the next message.
      setConversation({});
      loaded = true;
    }
  }

  async function session(): Promise<string> {
    if (token) return token;
    const created = await transport.createSession();
    token = created.token;
    put(keys.session, token);
    return token;
  }
  function forgetSession(): void {
    token = null;
    put(keys.session, null);
    // The old conversation belonged to the old visitor; whatever is still in the outbox goes to a new one.
    const waiting = outbox.load();
    const fresh: CurrentConversation = waiting.length > 0 ? { clientConversationId: newId() } : {};
    outbox.save(waiting.map(({ conversationId: _old, ...entry }) => ({ ...entry, clientConversationId: fresh.clientConversationId! })));
    batch(() => {
      setConversation(fresh);
      confirmed.value = [];
      refreshPending();
    });
  }

  async function run(): Promise<void> {
    status.value = 'starting';
    notice.value = null;
    // Another tab of the site may have started a session or conversation since this model was made.
    token ??= get(keys.session);
    if (!current.value.id) {
      const stored = readConversation();
      if (stored.id || !current.value.clientConversationId) current.value = stored;
    }
    // A connection stopped for good (e.g. refused origin) is replaced; its outbox lives in the store.
    if (connection?.state === 'closed') dropConnection();
    connection ??= makeConnection();
    await session();
    if (disposed || connection.state !== 'idle') return;
    status.value = 'connecting';
    connection.connect();
  }

  function start(): Promise<void> {
    starting ??= run().catch((error: unknown) => {
      starting = undefined;
      if (!disposed) fail(describe(error));
    });
    return starting;
  }

  /** Stops with a notice; the next send, open or retry starts over. */
  function fail(message: string): void {
    starting = undefined;
    status.value = 'failed';
    notice.value = message;
  }

  function renewSession(): void {
    const now = Date.now();
    dropConnection();
    starting = undefined;
    // A brand-new session refused again: stop instead of looping.
    if (now - lastRenewal < SESSION_RENEWAL_MIN_MS) return fail('The chat session could not be started. Please try again later.');
    lastRenewal = now;
    forgetSession();
    void start();
  }

  return {
    open,
    status,
    items,
    draft,
    maxLength,
    notice,
    setOpen(next) {
      open.value = next;
      if (next && (status.value === 'idle' || status.value === 'failed')) void start();
    },
    start,
    send() {
      const body = draft.value.trim();
      if (!body) return false;
      if (body.length > maxLength.value) {
        notice.value = `Messages can be at most ${maxLength.value} characters.`;
        return false;
      }
      let conversation = current.value;
      if (!conversation.id && !conversation.clientConversationId) {
        // Stored before sending, so a reload with the message still in the outbox resends to the same conversation.
        conversation = { clientConversationId: newId() };
        setConversation(conversation);
      }
      connection ??= makeConnection();
      connection.send(conversation.id ? { conversationId: conversation.id, body } : { clientConversationId: conversation.clientConversationId!, body });
      batch(() => {
        draft.value = '';
        notice.value = null;
        refreshPending();
      });
      if (status.value === 'idle' || status.value === 'failed') void start();
      return true;
    },
    retry() {
      if (status.value === 'reload') return location.reload();
      dropConnection();
      starting = undefined;
      void start();
    },
    dispose() {
      disposed = true;
      dropConnection();
    },
  };
}
