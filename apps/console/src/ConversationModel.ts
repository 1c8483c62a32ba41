import type { ConversationSummary, Message } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, type Api } from './api.ts';

/** What a conversation needs: REST for its history, and the client for live messages and sending. */
export interface ConversationTransport {
  api: Pick<Api, 'get'>;
  client: Pick<ParleyClient, 'on' | 'send' | 'pending' | 'cursor' | 'setCursor'>;
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
  /** Fetches the latest page of messages and the summary. */
  load(): Promise<void>;
  /** Fetches the page before the first message shown. */
  loadEarlier(): Promise<void>;
  /** Replaces the composer's text. */
  setDraft(text: string): void;
  /** Switches between reply and internal note. */
  setMode(mode: ComposerMode): void;
  /** Sends the draft through the client's outbox; false when there is nothing to send. */
  send(): boolean;
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
}

interface Outgoing {
  clientMessageId: string;
  body: string;
  internal: boolean;
  createdAt: string;
  delivery: Delivery;
  error: string | null;
}

const PAGE = 50;

function authorLabel(message: Message, meId: string, summary: ConversationSummary | null): string {
  const { author } = message;
  if (author.kind === 'agent') return author.id === meId ? 'You' : author.name || 'Agent';
  if (author.kind === 'system') return author.name || 'Parley';
  return author.name || summary?.visitor?.name || 'Visitor';
}

/** Creates a conversation's state and starts listening for its live messages; call `load()` to fetch it. */
export function createConversationModel({ api, client, conversationId, me, initial }: ConversationOptions): ConversationModel {
  const summary = signal<ConversationSummary | null>(initial ?? null);
  const messages = signal(new Map<string, Message>());
  const outgoing = signal(new Map<string, Outgoing>());
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const hasMore = signal(false);
  const loadingEarlier = signal(false);
  const draft = signal('');
  const mode = signal<ComposerMode>('reply');
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

  const stops = [
    client.on('message', (m) => {
      if (m.conversationId === conversationId) addMessages([m]);
    }),
    client.on('ack', (ack) => {
      if (ack.conversationId === conversationId) updateOutgoing(ack.clientMessageId, { delivery: 'sent', error: null });
    }),
    client.on('frame', (frame) => {
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
    load,
    loadEarlier,
    setDraft(text) {
      draft.value = text;
    },
    setMode(next) {
      mode.value = next;
    },
    send() {
      const body = draft.value.trim();
      if (!body) return false;
      const internal = mode.value === 'note';
      const { clientMessageId, acked } = client.send({ conversationId, body, internal });
      batch(() => {
        outgoing.value = new Map(outgoing.value).set(clientMessageId, {
          clientMessageId,
          body,
          internal,
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
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
