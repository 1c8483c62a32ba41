import type { AckFrame, ClientError, OutboxEntry, OutboxStore } from '@parley/client/light';
import { CloseCode, DEFAULT_MAX_MESSAGE_LENGTH, type Attachment, type Availability, type ConversationSummary, type Message, type ServerFrame, type ServerFrameOf } from '@parley/protocol';
import { batch, computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals-core';
import type { MessengerEvents, SessionProvider } from '../shared/messenger-contract.ts';
import { storageKeys } from '../shared/storage-keys.ts';
import type { MessengerStrings } from './strings/en.ts';
import type { ExtraStrings } from './strings/extras/en.ts';
import type { MessengerApp, MessengerConnection, MessengerTransport, ProfilePatch } from './transport.ts';
import type { Key, Params } from '../shared/i18n.ts';

/** Where the messenger stands: not started, getting a session, connecting, live, reconnecting, or stopped (`blocked`: an agent blocked the visitor; nothing can be sent). */
export type MessengerStatus = 'idle' | 'starting' | 'connecting' | 'online' | 'reconnecting' | 'failed' | 'reload' | 'blocked';

/** A key of the messenger's strings: the first open's, or those of the views that load later (`extras.tsx`). */
export type MessengerKey = Key<MessengerStrings> | Key<ExtraStrings>;

/** Something to tell the visitor, as a string key and its parameters (the view translates it). */
export interface Notice {
  key: MessengerKey;
  params?: Params;
}

/** One row of the message list, as the view shows it. */
export interface MessageItem {
  /** Stable key: the message id, or the client message id while it is in the outbox. */
  key: string;
  body: string;
  /** `me` for the visitor's own messages; `system` for the bot. */
  from: 'me' | 'agent' | 'system';
  /** The agent's (or bot's) name, when the message carries one. */
  authorName?: string;
  /** For the visitor's own messages: in the outbox, acknowledged, or read by an agent. */
  state?: 'sending' | 'sent' | 'seen';
  /** ISO time the message was written (the outbox time while sending). */
  createdAt: string;
  /** The message as stored, for views that show more (attachments). */
  message?: Message;
  /** The files of a message still sending (a sent one has them in `message.attachments`). */
  files?: Attachment[];
}

/** Which screen the messenger shows: one conversation, or the list of the visitor's conversations. */
export type MessengerView = 'conversation' | 'list';

/** The storage the model persists its allowlisted keys in: the SDK's, which follows consent and never throws. */
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
  /** Told about unread counts, new conversations, replies, ends and refused messages. */
  events?: MessengerEvents;
  /** The SDK's shared visitor session: the token, made (and stored) by the SDK on first use; `renew` after a 4001. */
  session: SessionProvider;
  /** Timer functions, injectable for tests. */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/** The messenger's state and actions; views read the signals and call the actions. */
export interface MessengerModel {
  /** Whether the messenger is shown. */
  readonly open: ReadonlySignal<boolean>;
  readonly status: ReadonlySignal<MessengerStatus>;
  readonly view: ReadonlySignal<MessengerView>;
  /** The visitor's conversations, most recently active first. */
  readonly conversations: ReadonlySignal<ConversationSummary[]>;
  /** Unread messages per conversation id. */
  readonly unread: ReadonlySignal<Record<string, number>>;
  /** Unread messages across all conversations (the launcher's badge). */
  readonly unreadTotal: ReadonlySignal<number>;
  /** The current conversation's id, once it has one. */
  readonly conversationId: ReadonlySignal<string | undefined>;
  /** The current conversation's messages in order, then the visitor's messages still sending. */
  readonly items: ReadonlySignal<MessageItem[]>;
  /** Whether the current conversation has ended. */
  readonly ended: ReadonlySignal<boolean>;
  /** Who is typing in the current conversation (`name` is empty when unknown), or null. */
  readonly typing: ReadonlySignal<{ name: string } | null>;
  /** Whether anyone can answer now (null until known). */
  readonly availability: ReadonlySignal<Availability | null>;
  /** The app's name and messenger settings (null until read). */
  readonly app: ReadonlySignal<MessengerApp | null>;
  /** Whether the pre-chat form comes before the first message of a new conversation. */
  readonly needsPreChat: ReadonlySignal<boolean>;
  /** Whether to offer "leave your e-mail": nobody online, no e-mail known, and the visitor's last message not yet answered by an agent. */
  readonly asksEmail: ReadonlySignal<boolean>;
  /** Whether the visitor is asked to confirm ending the chat. */
  readonly confirmingEnd: Signal<boolean>;
  /** The text box's content; set it with `setDraft` so typing is announced. */
  readonly draft: Signal<string>;
  /** The app's message length limit, from the server's hello. */
  readonly maxLength: ReadonlySignal<number>;
  /** Something to tell the visitor (a problem, a confirmation), or null. */
  readonly notice: Signal<Notice | null>;
  /** Whether the visitor can see the current conversation (the page is visible and the messenger open on it). */
  readonly pageVisible: Signal<boolean>;
  /** Shows or hides the messenger; showing it starts the session and connection. */
  setOpen(open: boolean): void;
  /** Gets a session, loads the conversations and connects; safe to call again. */
  start(): Promise<void>;
  /** Replaces the draft and tells the agents the visitor is typing (throttled). */
  setDraft(text: string): void;
  /** Sends the draft with these uploaded files; false when there is neither. */
  send(files?: Attachment[]): boolean;
  /** The visitor's bearer token (for uploading and downloading files), starting the session if needed. */
  token(): Promise<string>;
  /** Shows the list of conversations. */
  showList(): void;
  /** Shows one conversation; an unknown id shows the list. */
  showConversation(conversationId: string): void;
  /** Starts a new conversation, with `text` in the text box. */
  newConversation(text?: string): void;
  /** Ends the current conversation (after `confirmingEnd`). */
  end(): Promise<void>;
  /** Saves the visitor's name or e-mail; false when it could not be saved. */
  saveProfile(patch: ProfilePatch): Promise<boolean>;
  /** Skips an optional pre-chat form. */
  skipPreChat(): void;
  /** Starts over after a failure. */
  retry(): void;
  /** Closes the connection for good and stops listening. */
  dispose(): void;
}

/** The visitor's current conversation as stored: its id once known, and the client id it was created with. */
interface CurrentConversation {
  id?: string;
  clientConversationId?: string;
}

/** How many of the latest messages are shown when a conversation is opened. */
const HISTORY_PAGE = 50;
/** Send errors after which the client sends the message again by itself. */
const RETRIED = new Set(['RATE_LIMITED', 'UNAVAILABLE']);
/** Errors the client reports for a message it refuses to send. */
const LOCALLY_REFUSED = new Set(['MESSAGE_TOO_LONG', 'FRAME_TOO_LARGE', 'INVALID_FRAME']);
/** A session refused again within this time after a renewal is not renewed again (no loops). */
const SESSION_RENEWAL_MIN_MS = 10_000;
/** Typing is announced at most this often, and "stopped" after this long without a key. */
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 5000;
/** An agent's "typing" that is never stopped (a closed tab) fades after this long. */
const TYPING_FADES_MS = 8000;

/** What the visitor is told when starting failed, by the error's code (the SDK's session or the transport). */
const START_ERRORS: Record<string, MessengerKey> = { NETWORK: 'error.network', FORBIDDEN_ORIGIN: 'error.disabled', NOT_FOUND: 'error.app' };

/**
 * Creates the messenger's model. On start it asks the SDK's session for the visitor's token
 * (stored, or made on first use) and connects; after the first hello it reads the visitor's
 * conversations, shows the current one's latest messages and sets the connection's cursor to
 * their last seq, so every later resume continues from there. An unknown session (close code
 * 4001) is replaced by a new one once; the outbox is kept and pointed at a fresh conversation so
 * nothing the visitor typed is lost. A blocked visitor (4012, or no session for a blocked
 * address) stops for good. While the visitor can see a conversation it is marked read; typing is
 * announced both ways.
 */
export function createMessengerModel({
  transport,
  storage,
  outbox,
  appId,
  newId = () => crypto.randomUUID(),
  events = {},
  session: provider,
  setTimeout: setTimer = (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: clearTimer = (handle) => globalThis.clearTimeout(handle as number),
}: MessengerModelOptions): MessengerModel {
  const keys = storageKeys(appId);
  const open = signal(false);
  const status = signal<MessengerStatus>('idle');
  const view = signal<MessengerView>('conversation');
  const draft = signal('');
  const maxLength = signal(DEFAULT_MAX_MESSAGE_LENGTH);
  const notice = signal<Notice | null>(null);
  const confirmed = signal<Message[]>([]);
  const pending = signal<OutboxEntry[]>(outbox.load());
  const current = signal<CurrentConversation>(readConversation());
  const summaries = signal<ConversationSummary[]>([]);
  const unread = signal<Record<string, number>>({});
  const seen = signal<Record<string, number>>({});
  const typingIn = signal<{ conversationId: string; name: string } | null>(null);
  const availability = signal<Availability | null>(null);
  const app = signal<MessengerApp | null>(null);
  const preChatDone = signal(false);
  const confirmingEnd = signal(false);
  const pageVisible = signal(true);

  let token: string | null = null;
  // After a 4001 the SDK's session is asked for a new token.
  let renew = false;
  let connection: MessengerConnection | undefined;
  let unsubscribe: (() => void)[] = [];
  let starting: Promise<void> | undefined;
  let lastRenewal = 0;
  let disposed = false;
  // Whether the conversations have been read and the current one's history shown on this connection.
  let loaded = false;
  let typingSentAt = 0;
  let typingStop: unknown;
  let typingFade: unknown;
  const readSent: Record<string, number> = {};

  function readConversation(): CurrentConversation {
    try {
      const value = JSON.parse(storage.getItem(keys.conversation) ?? '{}') as CurrentConversation;
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
    if (next.id || next.clientConversationId) storage.setItem(keys.conversation, JSON.stringify(next));
    else storage.removeItem(keys.conversation);
  }
  /** Switches to another conversation (or a new one) and forgets what the old one showed. */
  function switchTo(next: CurrentConversation): void {
    batch(() => {
      setConversation(next);
      confirmed.value = [];
      typingIn.value = null;
      confirmingEnd.value = false;
      view.value = 'conversation';
      notice.value = null;
    });
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

  /** Puts a conversation's new state into the list (keeping what the list knew and the frame does not say). */
  function upsertSummary(next: Partial<ConversationSummary> & { id: string }): void {
    const old = summaries.value.find((c) => c.id === next.id);
    if (!old && !next.createdAt) return;
    const merged = { ...old, ...next } as ConversationSummary;
    summaries.value = [merged, ...summaries.value.filter((c) => c.id !== next.id)].sort((a, b) =>
      (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt),
    );
  }

  const lastSeq = computed(() => confirmed.value.at(-1)?.seq ?? 0);
  const currentSummary = computed(() => summaries.value.find((c) => c.id === current.value.id));
  const seenSeq = computed(() => (current.value.id ? (seen.value[current.value.id] ?? 0) : 0));

  // The files this page sent, so a message still on its way shows them (after a reload it shows its text alone).
  const sentFiles = new Map<string, Attachment>();
  const filesOf = (ids: string[] | undefined): { files?: Attachment[] } => {
    const known = (ids ?? []).flatMap((id) => sentFiles.get(id) ?? []);
    return known.length ? { files: known } : {};
  };

  const items = computed<MessageItem[]>(() => {
    const shown = confirmed.value.map((m): MessageItem => {
      const from = m.author.kind === 'visitor' ? 'me' : m.author.kind;
      return {
        key: m.id,
        body: m.body,
        from,
        ...(from !== 'me' && m.author.name && { authorName: m.author.name }),
        ...(from === 'me' && { state: m.seq <= seenSeq.value ? ('seen' as const) : ('sent' as const) }),
        createdAt: m.createdAt,
        message: m,
      };
    });
    const delivered = new Set(confirmed.value.map((m) => m.clientMessageId));
    const sending = pending.value
      .filter((e) => !delivered.has(e.clientMessageId) && (e.conversationId ? e.conversationId === current.value.id : e.clientConversationId === current.value.clientConversationId))
      .map((e): MessageItem => ({ key: e.clientMessageId, body: e.body, from: 'me', state: 'sending', createdAt: new Date(e.createdAt).toISOString(), ...filesOf(e.attachments) }));
    return [...shown, ...sending];
  });

  const unreadTotal = computed(() => Object.values(unread.value).reduce((sum, n) => sum + n, 0));
  const ended = computed(() => currentSummary.value?.status === 'closed');
  const typing = computed(() => {
    const t = typingIn.value;
    return t && t.conversationId === current.value.id ? { name: t.name } : null;
  });
  const needsPreChat = computed(() => {
    const a = app.value;
    if (!a || current.value.id || current.value.clientConversationId || preChatDone.value) return false;
    return (a.preChat.name !== 'off' && !a.visitor.name) || (a.preChat.email !== 'off' && !a.visitor.email);
  });
  const asksEmail = computed(() => {
    const a = app.value;
    // An agent who answered is here, whatever the team's status: no need to ask until the visitor writes again.
    return !!a && !!availability.value && availability.value !== 'online' && !a.visitor.email && items.value.filter((i) => i.from != 'system').pop()?.from == 'me';
  });
  /** Whether the visitor sees the current conversation's latest messages right now. */
  const reading = computed(() => open.value && pageVisible.value && view.value === 'conversation' && status.value === 'online');

  function request(frame: Parameters<MessengerConnection['request']>[0]): void {
    connection?.request(frame).catch(() => {});
  }

  /** Marks what the visitor can see as read, once per new message. */
  const stopReading = effect(() => {
    const id = current.value.id;
    const seq = lastSeq.value;
    if (!reading.value || !id || seq <= (readSent[id] ?? 0)) return;
    readSent[id] = seq;
    request({ type: 'conversation.read', conversationId: id, seq });
    if (unread.value[id]) unread.value = { ...unread.value, [id]: 0 };
  });
  const stopUnread = effect(() => events.unreadCountChange?.(unreadTotal.value));

  function onAck(ack: AckFrame): void {
    const entry = pending.value.find((e) => e.clientMessageId === ack.clientMessageId);
    batch(() => {
      const conversation = current.value;
      if (!conversation.id && (ack.clientConversationId === undefined || ack.clientConversationId === conversation.clientConversationId)) {
        setConversation({ ...conversation, id: ack.conversationId });
        events.conversationStarted?.(ack.conversationId);
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
            ...(entry.attachments?.length && { attachments: filesOf(entry.attachments).files ?? [] }),
            createdAt: ack.createdAt,
          },
        ]);
      }
      refreshPending();
    });
  }

  function onMessage(message: Message): void {
    batch(() => {
      merge([message]);
      const id = message.conversationId;
      // The preview comes with the conversation.updated that follows (what people wrote, not the gateway's notes).
      upsertSummary({ id, lastSeq: message.seq, lastMessageAt: message.createdAt });
      if (message.author.kind === 'visitor') return;
      if (typingIn.value?.conversationId === id) typingIn.value = null;
      // Counted unless the visitor is looking at it (then it is marked read at once).
      if (!(reading.value && id === current.value.id) && message.seq > (readSent[id] ?? 0)) {
        unread.value = { ...unread.value, [id]: (unread.value[id] ?? 0) + 1 };
      }
    });
    if (message.author.kind !== 'visitor') events.messageReceived?.({ conversationId: message.conversationId, body: message.body, author: message.author });
  }

  function onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'availability':
        availability.value = frame.status;
        return;
      case 'typing': {
        if (frame.author.kind !== 'agent') return;
        clearTimer(typingFade);
        typingIn.value = frame.state === 'start' ? { conversationId: frame.conversationId, name: frame.author.name ?? '' } : null;
        if (frame.state === 'start') typingFade = setTimer(() => (typingIn.value = null), TYPING_FADES_MS);
        return;
      }
      case 'conversation.read': {
        const id = frame.conversationId;
        if (frame.reader.kind === 'agent') seen.value = { ...seen.value, [id]: Math.max(seen.value[id] ?? 0, frame.seq) };
        // The visitor read it in another tab.
        else if (frame.seq >= (summaries.value.find((c) => c.id === id)?.lastSeq ?? Infinity)) unread.value = { ...unread.value, [id]: 0 };
        return;
      }
      case 'conversation.updated': {
        const { unread: _unread, seenSeq: _seen, ...summary } = frame.conversation;
        upsertSummary(summary);
        events.conversationUpdated?.(summary);
      }
    }
  }

  function onError(error: ServerFrameOf<'error'> | ClientError): void {
    refreshPending();
    const closeCode = 'closeCode' in error ? error.closeCode : undefined;
    if (closeCode === CloseCode.UNAUTHORIZED || closeCode === CloseCode.SESSION_ENDED) return renewSession(closeCode === CloseCode.SESSION_ENDED);
    if (closeCode === CloseCode.RELOAD) return void (status.value = 'reload');
    if (closeCode === CloseCode.BLOCKED) return block(error);
    // A message the gateway (or the client, before sending) refused for good; retried ones are not news.
    const refused = 'frameType' in error ? error.frameType === 'message.send' && !RETRIED.has(error.code) : LOCALLY_REFUSED.has(error.code);
    if (!refused) return;
    events.error?.({ code: error.code, message: error.message });
    if (error.code === 'PRECHAT_REQUIRED') {
      // The app asks for details first: show the form again (the text goes back into the box by `send`).
      preChatDone.value = false;
      void loadApp();
      return;
    }
    notice.value = error.code === 'MESSAGE_TOO_LONG' ? { key: 'error.tooLong', params: { max: maxLength.value } } : { key: 'error.notSent' };
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
        if (!loaded) void loadConversations(next);
      }),
      next.on('message', onMessage),
      next.on('ack', onAck),
      next.on('error', onError),
      next.on('frame', onFrame),
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
   * After the first hello: reads the visitor's conversations (with unread counts), finds the
   * current one (the stored one, the one the stored client id created, or the most recent) and
   * shows its latest messages. Over the socket, so anything written meanwhile arrives live; a
   * failure is retried at the next hello.
   */
  async function loadConversations(conn: MessengerConnection): Promise<void> {
    try {
      const { conversations } = await conn.request({ type: 'conversation.list', limit: 50 });
      batch(() => {
        for (const c of conversations) {
          upsertSummary(c);
          // Every conversation resumes from its end: replies to any of them arrive live.
          if (conn.cursor(c.id) === undefined) conn.setCursor(c.id, c.lastSeq);
        }
        unread.value = { ...Object.fromEntries(conversations.map((c) => [c.id, c.unread ?? 0])), ...pickLive() };
        seen.value = { ...seen.value, ...Object.fromEntries(conversations.map((c) => [c.id, c.seenSeq ?? 0])) };
        if (!current.value.id) {
          const wanted = current.value.clientConversationId;
          const match = wanted ? conversations.find((c) => c.clientConversationId === wanted) : conversations[0];
          // An ack may have named the conversation while the list was on its way.
          if (match && !current.value.id) {
            const clientConversationId = match.clientConversationId ?? wanted;
            setConversation({ id: match.id, ...(clientConversationId && { clientConversationId }) });
          }
        } else if (!conversations.some((c) => c.id === current.value.id) && conversations.length < 50) {
          // The stored conversation is not this visitor's (any more): start a new one on the next message.
          setConversation({});
        }
      });
      const id = current.value.id;
      if (id) await loadHistory(conn, id);
      loaded = true;
    } catch (error) {
      if ((error as { code?: string }).code !== 'NOT_FOUND') return;
      setConversation({});
      loaded = true;
    }
  }
  /** Unread counts that arrived live while the list was loading (kept over the list's older numbers). */
  function pickLive(): Record<string, number> {
    return Object.fromEntries(Object.entries(unread.value).filter(([, n]) => n > 0));
  }

  async function loadApp(): Promise<void> {
    try {
      const a = await transport.app();
      batch(() => {
        app.value = a;
        availability.value ??= a.availability;
        maxLength.value = a.maxMessageLength;
      });
    } catch {
      // The messenger works without its settings; availability still comes over the socket.
    }
  }

  async function session(): Promise<string> {
    if (token) return token;
    token = await provider(renew ? { renew } : undefined);
    renew = false;
    return token;
  }
  async function run(): Promise<void> {
    status.value = 'starting';
    notice.value = null;
    // Another tab of the site may have started a conversation since this model was made.
    if (!current.value.id) {
      const stored = readConversation();
      if (stored.id || !current.value.clientConversationId) current.value = stored;
    }
    // A connection stopped for good (e.g. refused origin) is replaced; its outbox lives in the store.
    if (connection?.state === 'closed') dropConnection();
    connection ??= makeConnection();
    await session();
    if (!app.value) void loadApp();
    if (disposed || connection.state !== 'idle') return;
    status.value = 'connecting';
    connection.connect();
  }

  function start(): Promise<void> {
    starting ??= run().catch((error: unknown) => {
      starting = undefined;
      const { code } = error as { code?: string };
      if (disposed) return;
      // A blocked visitor's address gets no session (HTTP 403 BLOCKED).
      if (code === 'BLOCKED') block(error as { code: string; message: string });
      else fail(START_ERRORS[code!] ?? 'error.start');
    });
    return starting;
  }

  /** Stops with a notice; the next send, open or retry starts over. */
  function fail(key: MessengerKey): void {
    starting = undefined;
    status.value = 'failed';
    notice.value = { key };
  }

  /** An agent blocked the visitor: the socket is closed for good and nothing more is sent (the view says so in the visitor's language). */
  function block({ code, message }: { code: string; message: string }): void {
    if (status.value === 'blocked') return;
    starting = undefined;
    batch(() => {
      status.value = 'blocked';
      notice.value = null;
    });
    events.error?.({ code, message });
  }

  /**
   * Starts over as a new visitor: at once after a session the gateway no longer knows (4001);
   * after a sign-out (`signedOut`, 4010: `shutdown` in another tab) only when the visitor next
   * opens the messenger or writes, as on a first visit, with whatever session the site has by then.
   */
  function renewSession(signedOut: boolean): void {
    const now = Date.now();
    dropConnection();
    starting = undefined;
    // A brand-new session refused again: stop instead of looping.
    if (!signedOut && now - lastRenewal < SESSION_RENEWAL_MIN_MS) return fail('error.session');
    lastRenewal = now;
    token = null;
    renew = !signedOut;
    // The old conversation belonged to the old visitor; whatever is still in the outbox goes to a
    // new one. Not after a sign-out: the next person in this browser must not send the last one's words.
    const waiting = signedOut ? [] : outbox.load();
    const fresh: CurrentConversation = waiting.length > 0 ? { clientConversationId: newId() } : {};
    outbox.save(waiting.map(({ conversationId: _old, ...entry }) => ({ ...entry, clientConversationId: fresh.clientConversationId! })));
    batch(() => {
      setConversation(fresh);
      confirmed.value = [];
      summaries.value = [];
      unread.value = {};
      app.value = null;
      status.value = 'idle';
      refreshPending();
    });
    if (!signedOut) void start();
  }

  function sendTyping(state: 'start' | 'stop'): void {
    const id = current.value.id;
    if (!id || status.value !== 'online') return;
    request({ type: 'typing', conversationId: id, state });
  }

  return {
    open,
    status,
    view,
    conversations: summaries,
    unread,
    unreadTotal,
    conversationId: computed(() => current.value.id),
    items,
    ended,
    typing,
    availability,
    app,
    needsPreChat,
    asksEmail,
    confirmingEnd,
    draft,
    maxLength,
    notice,
    pageVisible,
    setOpen(next) {
      open.value = next;
      if (next && (status.value === 'idle' || status.value === 'failed')) void start();
    },
    start,
    token: () => session(),
    setDraft(text) {
      draft.value = text;
      clearTimer(typingStop);
      if (!text.trim()) {
        if (typingSentAt) sendTyping('stop');
        typingSentAt = 0;
        return;
      }
      const now = Date.now();
      if (now - typingSentAt > TYPING_EVERY_MS) {
        typingSentAt = now;
        sendTyping('start');
      }
      typingStop = setTimer(() => {
        typingSentAt = 0;
        sendTyping('stop');
      }, TYPING_IDLE_MS);
    },
    send(files = []) {
      const body = draft.value.trim();
      if (!body && !files.length) return false;
      if (body.length > maxLength.value) {
        notice.value = { key: 'error.tooLong', params: { max: maxLength.value } };
        return false;
      }
      let conversation = current.value;
      if (!conversation.id && !conversation.clientConversationId) {
        // Stored before sending, so a reload with the message still in the outbox resends to the same conversation.
        conversation = { clientConversationId: newId() };
        setConversation(conversation);
      }
      connection ??= makeConnection();
      for (const file of files) sentFiles.set(file.id, file);
      const attachments = files.length ? { attachments: files.map((f) => f.id) } : {};
      const { acked } = connection.send(
        conversation.id ? { conversationId: conversation.id, body, ...attachments } : { clientConversationId: conversation.clientConversationId!, body, ...attachments },
      );
      acked.catch((error: { code?: string }) => {
        if (error.code !== 'PRECHAT_REQUIRED') return;
        // Nothing is lost: the text goes back into the box, the conversation back to unstarted.
        batch(() => {
          if (!draft.value) draft.value = body;
          if (!current.value.id) setConversation({});
          refreshPending();
        });
      });
      clearTimer(typingStop);
      typingSentAt = 0;
      batch(() => {
        draft.value = '';
        notice.value = null;
        refreshPending();
      });
      if (status.value === 'idle' || status.value === 'failed') void start();
      return true;
    },
    showList() {
      batch(() => {
        view.value = 'list';
        confirmingEnd.value = false;
      });
    },
    showConversation(conversationId) {
      const summary = summaries.value.find((c) => c.id === conversationId);
      if (!summary) return void (view.value = 'list');
      if (current.value.id !== conversationId) {
        switchTo({ id: conversationId, ...(summary.clientConversationId && { clientConversationId: summary.clientConversationId }) });
        if (connection && loaded) loadHistory(connection, conversationId).catch(() => {});
      }
      view.value = 'conversation';
    },
    newConversation(text = '') {
      switchTo({});
      draft.value = text;
    },
    async end() {
      const id = current.value.id;
      confirmingEnd.value = false;
      if (!id || !connection) return;
      try {
        await connection.request({ type: 'conversation.end', conversationId: id });
        upsertSummary({ id, status: 'closed' });
        events.conversationEnded?.(id);
      } catch {
        notice.value = { key: 'error.action' };
      }
    },
    async saveProfile(patch) {
      try {
        await transport.updateMe(patch);
        const a = app.value;
        batch(() => {
          if (a) app.value = { ...a, visitor: { name: patch.name ?? a.visitor.name, email: patch.email ?? a.visitor.email } };
          preChatDone.value = true;
        });
        return true;
      } catch {
        return false;
      }
    },
    skipPreChat() {
      preChatDone.value = true;
    },
    retry() {
      if (status.value === 'reload') return location.reload();
      dropConnection();
      starting = undefined;
      void start();
    },
    dispose() {
      disposed = true;
      stopReading();
      stopUnread();
      clearTimer(typingStop);
      clearTimer(typingFade);
      dropConnection();
    },
  };
}
