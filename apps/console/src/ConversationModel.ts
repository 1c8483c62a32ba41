import { MAX_BODY_CHARS, type Attachment, type ConversationSummary, type Message } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';
import { batch, computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { ApiError, type Api } from './api.ts';

/** What a conversation needs: REST for its history, and the client for live messages and sending. */
export interface ConversationTransport {
  api: Pick<Api, 'get'>;
  client: Pick<ParleyClient, 'on' | 'send' | 'request' | 'pending' | 'cursor' | 'setCursor'>;
}

/** Whether the composer writes a reply the visitor sees or an internal note only agents see. */
export type ComposerMode = 'reply' | 'note';

/** Where one of this agent's messages is on its way to the gateway. */
export type Delivery = 'sending' | 'sent' | 'failed';

/** One line of the conversation as the view shows it. */
export interface TimelineItem {
  /** Stable key: the message id, or the client message id while it is only local. */
  key: string;
  authorKind: Message['author']['kind'];
  /** "You", the author's name, "Visitor" or "Agent". */
  authorLabel: string;
  mine: boolean;
  body: string;
  internal: boolean;
  createdAt: string | null;
  /** Set for messages this agent sent from this console. */
  delivery: Delivery | null;
  /** Why a failed message was not sent. */
  error: string | null;
  /** The last reply the visitor has seen (only one item at a time). */
  seen: boolean;
  /** The files the message carries (none for a message restored from the outbox after a reload). */
  attachments: Attachment[];
}

/** A conversation: its messages (history plus live), and the composer. */
export interface ConversationModel {
  readonly conversationId: string;
  readonly summary: ReadonlySignal<ConversationSummary | null>;
  readonly items: ReadonlySignal<TimelineItem[]>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  readonly error: ReadonlySignal<string | null>;
  /** Older messages exist before the first one shown. */
  readonly hasMore: ReadonlySignal<boolean>;
  readonly loadingEarlier: ReadonlySignal<boolean>;
  readonly draft: ReadonlySignal<string>;
  readonly mode: ReadonlySignal<ComposerMode>;
  /** The most characters a message may have (the gateway's limit for agents). */
  readonly maxLength: ReadonlySignal<number>;
  /** How many characters the draft sends (trimmed, counted as the gateway counts them). */
  readonly length: ReadonlySignal<number>;
  /** The draft is over the limit: it cannot be sent until it is shortened. */
  readonly tooLong: ReadonlySignal<boolean>;
  /** Whether the visitor is typing right now. */
  readonly visitorTyping: ReadonlySignal<boolean>;
  /** Whether the agent can see the conversation (the console tab is visible): then it is marked read. */
  readonly visible: Signal<boolean>;
  /** Fetches the latest page of messages and the summary. */
  load(): Promise<void>;
  /** Fetches the page before the first message shown. */
  loadEarlier(): Promise<void>;
  /** Replaces the composer's text and tells the visitor (or, for a note, only the team) that the agent is typing. */
  setDraft(text: string): void;
  /** Switches between reply and internal note. */
  setMode(mode: ComposerMode): void;
  /** Sends the draft and these uploaded files through the client's outbox; false when there is neither, or the draft is too long. */
  send(files?: Attachment[]): boolean;
  /** Stops listening to the client. */
  dispose(): void;
}

/** Options of `createConversationModel`. */
export interface ConversationOptions extends ConversationTransport {
  conversationId: string;
  /** The signed-in agent: their own messages read "You". */
  me: { id: string };
  /** The inbox row, if known, shown until the gateway's answer arrives. */
  initial?: ConversationSummary;
  /** The message length limit the gateway announced in its hello (default: the protocol's ceiling). */
  maxLength?: ReadonlySignal<number>;
}

interface Outgoing {
  clientMessageId: string;
  body: string;
  internal: boolean;
  createdAt: string;
  delivery: Delivery;
  error: string | null;
  attachments?: Attachment[];
}

const PAGE = 50;
/** Typing is announced at most this often, and "stopped" after this long without a key. */
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 5000;
/** A visitor's "typing" that is never stopped (a closed tab) fades after this long. */
const TYPING_FADES_MS = 8000;
const READ_RETRY_MS = 2000;

/** How a message's author reads: "You", the author's name, the visitor's name, "Visitor" or "Agent". */
export function authorLabel(message: Message, meId: string, summary: Pick<ConversationSummary, 'visitor'> | null): string {
  const { author } = message;
  if (author.kind === 'agent') return author.id === meId ? 'You' : author.name || 'Agent';
  if (author.kind === 'system') return author.name || 'Parley';
  return author.name || summary?.visitor?.name || 'Visitor';
}

/** A text's length as the gateway counts it: in characters (code points), so an emoji counts once. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Creates a conversation's state and starts listening for its live messages; call `load()` to fetch it. */
export function createConversationModel({ api, client, conversationId, me, initial, maxLength: announced }: ConversationOptions): ConversationModel {
  const summary = signal<ConversationSummary | null>(initial ?? null);
  const messages = signal(new Map<string, Message>());
  const outgoing = signal(new Map<string, Outgoing>());
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const hasMore = signal(false);
  const loadingEarlier = signal(false);
  const draft = signal('');
  const mode = signal<ComposerMode>('reply');
  const maxLength = computed(() => (announced?.value && announced.value > 0 ? Math.min(announced.value, MAX_BODY_CHARS) : MAX_BODY_CHARS));
  const length = computed(() => textLength(draft.value.trim()));
  // The frame also holds at most MAX_BODY_CHARS UTF-16 units, which a text of astral characters can pass first.
  const tooLong = computed(() => length.value > maxLength.value || draft.value.trim().length > MAX_BODY_CHARS);
  const visitorTyping = signal(false);
  const visible = signal(typeof document === 'undefined' || document.visibilityState !== 'hidden');
  // How far the visitor has read, in the agents' numbering.
  const seenSeq = signal(initial?.seenSeq ?? 0);
  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  let typingFade: ReturnType<typeof setTimeout> | undefined;
  let readUpTo = 0;
  // Bumped to try a read receipt again after one was refused or lost with a dropped socket.
  const readRetry = signal(0);
  let readRetryTimer: ReturnType<typeof setTimeout> | undefined;
  const base = `/api/agent/conversations/${encodeURIComponent(conversationId)}`;
  let disposed = false;
  let loaded = false;

  // Messages written from this console before a reload are still in the client's outbox.
  for (const entry of client.pending()) {
    if (entry.conversationId !== conversationId) continue;
    outgoing.value.set(entry.clientMessageId, {
      clientMessageId: entry.clientMessageId,
      body: entry.body,
      internal: entry.internal ?? false,
      createdAt: new Date(entry.createdAt).toISOString(),
      delivery: 'sending',
      error: null,
    });
  }

  const items = computed<TimelineItem[]>(() => {
    const own = outgoing.value;
    const echoed = new Set<string>();
    // "Seen" goes under the last public agent message the visitor has read.
    let seenKey: string | undefined;
    for (const m of messages.value.values()) {
      if (m.author.kind === 'agent' && !m.internal && m.seq <= seenSeq.value && (!seenKey || m.seq > messages.value.get(seenKey)!.seq)) seenKey = m.id;
    }
    const list: TimelineItem[] = [...messages.value.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((m) => {
        const mine = m.author.kind === 'agent' && m.author.id === me.id;
        const local = mine && m.clientMessageId ? own.get(m.clientMessageId) : undefined;
        if (local) echoed.add(local.clientMessageId);
        return {
          key: m.id,
          authorKind: m.author.kind,
          authorLabel: authorLabel(m, me.id, summary.value),
          mine,
          body: m.body,
          internal: m.internal ?? false,
          createdAt: m.createdAt,
          delivery: local ? 'sent' : null,
          error: null,
          seen: m.id === seenKey,
          attachments: m.attachments ?? [],
        };
      });
    for (const o of own.values()) {
      if (echoed.has(o.clientMessageId)) continue;
      list.push({
        key: o.clientMessageId,
        authorKind: 'agent',
        authorLabel: 'You',
        mine: true,
        body: o.body,
        internal: o.internal,
        createdAt: o.createdAt,
        delivery: o.delivery,
        error: o.error,
        seen: false,
        attachments: o.attachments ?? [],
      });
    }
    return list;
  });

  function addMessages(list: Message[]): void {
    const next = new Map(messages.value);
    for (const m of list) if (m.conversationId === conversationId) next.set(m.id, m);
    messages.value = next;
  }

  function updateOutgoing(clientMessageId: string, change: Partial<Outgoing>): void {
    const known = outgoing.value.get(clientMessageId);
    if (!known) return;
    outgoing.value = new Map(outgoing.value).set(clientMessageId, { ...known, ...change });
  }

  /** Resume after a reconnect from the newest message we hold, unless the client is already past it. */
  function advanceCursor(): void {
    let last = 0;
    for (const m of messages.value.values()) last = Math.max(last, m.seq);
    if (last > (client.cursor(conversationId) ?? 0)) client.setCursor(conversationId, last);
  }

  async function load(): Promise<void> {
    if (!loaded) status.value = 'loading';
    try {
      const [page, head] = await Promise.all([
        api.get<{ messages: Message[]; hasMore: boolean }>(`${base}/messages?limit=${PAGE}`),
        api.get<{ conversation: ConversationSummary }>(base).catch(() => undefined),
      ]);
      if (disposed) return;
      batch(() => {
        addMessages(page.messages);
        if (!loaded) hasMore.value = page.hasMore;
        loaded = true;
        if (head && (!summary.value || head.conversation.lastSeq >= summary.value.lastSeq)) summary.value = head.conversation;
        if (head?.conversation.seenSeq) seenSeq.value = Math.max(seenSeq.value, head.conversation.seenSeq);
        status.value = 'ready';
        error.value = null;
      });
      advanceCursor();
    } catch (e) {
      if (disposed) return;
      batch(() => {
        status.value = 'error';
        error.value =
          e instanceof ApiError && e.code === 'NOT_FOUND'
            ? 'This conversation does not exist, or it is not in your workspace.'
            : e instanceof ApiError
              ? e.message
              : 'The conversation could not be loaded.';
      });
    }
  }

  async function loadEarlier(): Promise<void> {
    if (loadingEarlier.value || !hasMore.value) return;
    let first = Infinity;
    for (const m of messages.value.values()) first = Math.min(first, m.seq);
    if (first === Infinity) return;
    loadingEarlier.value = true;
    try {
      const page = await api.get<{ messages: Message[]; hasMore: boolean }>(`${base}/messages?beforeSeq=${first}&limit=${PAGE}`);
      if (disposed) return;
      batch(() => {
        addMessages(page.messages);
        hasMore.value = page.hasMore;
      });
    } catch (e) {
      if (!disposed) error.value = e instanceof ApiError ? e.message : 'Earlier messages could not be loaded.';
    } finally {
      loadingEarlier.value = false;
    }
  }

  const onVisibility = () => (visible.value = document.visibilityState !== 'hidden');
  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);

  function sendTyping(state: 'start' | 'stop', internal: boolean): void {
    client.request({ type: 'typing', conversationId, state, ...(internal && { internal }) }).catch(() => {});
  }

  const stops = [
    client.on('message', (m) => {
      if (m.conversationId !== conversationId) return;
      addMessages([m]);
      if (m.author.kind === 'visitor') visitorTyping.value = false;
    }),
    client.on('frame', (frame) => {
      if (!('conversationId' in frame) || frame.conversationId !== conversationId) return;
      if (frame.type === 'typing' && frame.author.kind === 'visitor') {
        clearTimeout(typingFade);
        visitorTyping.value = frame.state === 'start';
        if (frame.state === 'start') typingFade = setTimeout(() => (visitorTyping.value = false), TYPING_FADES_MS);
      } else if (frame.type === 'conversation.read' && frame.reader.kind === 'visitor') {
        seenSeq.value = Math.max(seenSeq.value, frame.seq);
      }
    }),
    // What the agent can see is marked read, once per new message, so the visitor sees "Seen".
    effect(() => {
      let last = 0;
      for (const m of messages.value.values()) last = Math.max(last, m.seq);
      readRetry.value;
      if (status.value !== 'ready' || !visible.value || last <= readUpTo) return;
      const before = readUpTo;
      readUpTo = last;
      client.request({ type: 'conversation.read', conversationId, seq: last }).catch(() => {
        if (disposed || readUpTo !== last) return;
        readUpTo = before;
        readRetryTimer = setTimeout(() => readRetry.value++, READ_RETRY_MS);
      });
    }),
    client.on('ack', (ack) => {
      if (ack.conversationId === conversationId) updateOutgoing(ack.clientMessageId, { delivery: 'sent', error: null });
    }),
    client.on('frame', (frame) => {
      if (frame.type === 'routing.conversation' && frame.conversationId === conversationId) {
        // Owner, state and guests change without a new message.
        if (summary.value) summary.value = { ...summary.value, routing: frame.routing };
        return;
      }
      if (frame.type !== 'conversation.updated' || frame.conversation.id !== conversationId) return;
      if (!summary.value || frame.conversation.lastSeq >= summary.value.lastSeq) summary.value = frame.conversation;
    }),
    // The gateway could not replay from our cursor: start over from the latest page, never leave a gap.
    client.on('reset', (reset) => {
      if (reset.conversationId !== conversationId) return;
      batch(() => {
        messages.value = new Map();
        loaded = false;
      });
      void load();
    }),
  ];

  return {
    conversationId,
    summary,
    items,
    status,
    error,
    hasMore,
    loadingEarlier,
    draft,
    mode,
    maxLength,
    length,
    tooLong,
    visitorTyping,
    visible,
    load,
    loadEarlier,
    setDraft(text) {
      draft.value = text;
      const internal = mode.value === 'note';
      clearTimeout(typingStop);
      if (!text.trim()) {
        if (typingSentAt) sendTyping('stop', internal);
        typingSentAt = 0;
        return;
      }
      if (Date.now() - typingSentAt > TYPING_EVERY_MS) {
        typingSentAt = Date.now();
        sendTyping('start', internal);
      }
      typingStop = setTimeout(() => {
        typingSentAt = 0;
        sendTyping('stop', internal);
      }, TYPING_IDLE_MS);
    },
    setMode(next) {
      // Typing switches threads: the visitor must not keep seeing "typing" for what becomes a note.
      if (typingSentAt && next !== mode.value) {
        clearTimeout(typingStop);
        sendTyping('stop', mode.value === 'note');
        typingSentAt = 0;
      }
      mode.value = next;
    },
    send(files = []) {
      const body = draft.value.trim();
      if ((!body && !files.length) || tooLong.value) return false;
      const internal = mode.value === 'note';
      // The message itself ends the typing on the other side; no "stop" follows it later.
      clearTimeout(typingStop);
      typingSentAt = 0;
      const { clientMessageId, acked } = client.send({ conversationId, body, internal, ...(files.length && { attachments: files.map((f) => f.id) }) });
      batch(() => {
        outgoing.value = new Map(outgoing.value).set(clientMessageId, {
          clientMessageId,
          body,
          internal,
          attachments: files,
          createdAt: new Date().toISOString(),
          delivery: outgoing.value.get(clientMessageId)?.delivery ?? 'sending',
          error: null,
        });
        draft.value = '';
      });
      acked.then(
        () => updateOutgoing(clientMessageId, { delivery: 'sent', error: null }),
        (e: { code?: string; message?: string }) => {
          // CLOSED: the console was closed or signed out; the message waits in the outbox.
          if (e.code === 'CLOSED') return;
          updateOutgoing(clientMessageId, { delivery: 'failed', error: e.message ?? 'The message was not sent.' });
        },
      );
      return true;
    },
    dispose() {
      disposed = true;
      clearTimeout(typingStop);
      clearTimeout(typingFade);
      clearTimeout(readRetryTimer);
      if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
