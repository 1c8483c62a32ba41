import type { ConversationSummary, Message } from '@parley/protocol';
import type { ParleyClient } from '@parley/client';
import { batch, computed, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, type Api } from './api.ts';

/** What the inbox needs: REST for the list, the client's events for live changes, and a clock. */
export interface InboxTransport {
  api: Pick<Api, 'get'>;
  client: Pick<ParleyClient, 'on'>;
  /** Current time in ms (default `Date.now`). */
  now?: () => number;
  /** Starts the timer that refreshes relative times; returns its cancel function (default: every 30 s). */
  tick?: (callback: () => void) => () => void;
}

/** One row of the inbox, with what the console adds to the summary. */
export interface InboxRow {
  conversation: ConversationSummary;
  /** New visitor activity arrived live while the conversation was not open. */
  unread: boolean;
}

/** The list of open conversations, most recently active first, kept current from live events. */
export interface InboxModel {
  readonly rows: ReadonlySignal<InboxRow[]>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  readonly error: ReadonlySignal<string | null>;
  /** The open conversation's id, if any. */
  readonly selectedId: ReadonlySignal<string | null>;
  /** The current time, refreshed on a timer, for relative times. */
  readonly now: ReadonlySignal<number>;
  /** (Re)fetches the open conversations; rows already newer than the answer are kept. */
  load(): Promise<void>;
  /** Opens a conversation (or none) and marks it read. */
  select(conversationId: string | null): void;
  /** A row by conversation id. */
  find(conversationId: string): ConversationSummary | undefined;
  /** Drops a conversation this agent no longer works (resolved, transferred away, left). */
  remove(conversationId: string): void;
  /** Stops listening to the client and the timer. */
  dispose(): void;
}

const activity = (c: ConversationSummary) => Date.parse(c.lastMessageAt ?? c.createdAt) || 0;

/** Most recently active first; ties by creation, then id, so the order is stable. */
export function compareConversations(a: ConversationSummary, b: ConversationSummary): number {
  return activity(b) - activity(a) || Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A row for a conversation first seen through one of its messages; `conversation.updated` fills in the rest. */
function rowFromMessage(message: Message): ConversationSummary {
  return {
    id: message.conversationId,
    appId: '',
    status: 'open',
    lastSeq: message.seq,
    lastMessageAt: message.createdAt,
    createdAt: message.createdAt,
    preview: message.body,
    ...(message.author.kind === 'visitor' && { visitor: { id: message.author.id, name: message.author.name ?? null } }),
  };
}

const defaultTick = (callback: () => void) => {
  const timer = setInterval(callback, 30_000);
  return () => clearInterval(timer);
};

/** Creates the inbox. Call `load()` once the client is connecting; live events are applied from creation on. */
export function createInboxModel({ api, client, now: clock = Date.now, tick = defaultTick }: InboxTransport): InboxModel {
  const byId = signal(new Map<string, ConversationSummary>());
  const unread = signal(new Set<string>());
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const selectedId = signal<string | null>(null);
  const now = signal(clock());
  let hellos = 0;
  let generation = 0;

  const rows = computed<InboxRow[]>(() =>
    [...byId.value.values()]
      // A resolved chat leaves the open list, whatever its conversation status says.
      .filter((c) => c.status === 'open' && c.routing?.state !== 'resolved')
      .sort(compareConversations)
      .map((conversation) => ({ conversation, unread: unread.value.has(conversation.id) })),
  );

  function put(conversation: ConversationSummary): void {
    const next = new Map(byId.value);
    next.set(conversation.id, conversation);
    byId.value = next;
  }

  function markUnread(id: string): void {
    if (id === selectedId.value || unread.value.has(id)) return;
    unread.value = new Set(unread.value).add(id);
  }

  /** `conversation.updated`: the summary as the gateway has it, unless ours is already newer. */
  function applySummary(conversation: ConversationSummary): void {
    const known = byId.value.get(conversation.id);
    // Updates may arrive out of order; an older one must not roll the row back.
    if (known && conversation.lastSeq < known.lastSeq) return;
    put(conversation);
  }

  /** `message.created`: moves the row forward, or adds it at the top when the conversation is new. */
  function applyMessage(message: Message): void {
    const known = byId.value.get(message.conversationId);
    batch(() => {
      if (!known) put(rowFromMessage(message));
      else if (message.seq > known.lastSeq) {
        put({ ...known, status: 'open', lastSeq: message.seq, lastMessageAt: message.createdAt, preview: message.body });
      } else return;
      if (message.author.kind === 'visitor') markUnread(message.conversationId);
    });
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    if (byId.value.size === 0) status.value = 'loading';
    try {
      const { conversations } = await api.get<{ conversations: ConversationSummary[] }>('/api/agent/conversations?status=open');
      if (mine !== generation) return;
      batch(() => {
        const next = new Map(byId.value);
        for (const c of conversations) {
          const known = next.get(c.id);
          if (!known || c.lastSeq >= known.lastSeq) next.set(c.id, c);
        }
        byId.value = next;
        status.value = 'ready';
        error.value = null;
      });
    } catch (e) {
      if (mine !== generation) return;
      error.value = e instanceof ApiError ? e.message : 'The conversations could not be loaded.';
      status.value = byId.value.size ? 'ready' : 'error';
    }
  }

  function remove(conversationId: string): void {
    if (!byId.value.has(conversationId)) return;
    const next = new Map(byId.value);
    next.delete(conversationId);
    byId.value = next;
  }

  const stops = [
    client.on('frame', (frame) => {
      if (frame.type === 'conversation.updated') applySummary(frame.conversation);
      else if (frame.type === 'routing.conversation') {
        const known = byId.value.get(frame.conversationId);
        if (known) put({ ...known, routing: frame.routing });
      } else if (frame.type === 'routing.access.lost') remove(frame.conversationId);
    }),
    client.on('message', applyMessage),
    // After a reconnect, summaries may have changed while no socket was listening.
    client.on('hello', () => {
      if (++hellos > 1) void load();
    }),
    tick(() => (now.value = clock())),
  ];

  return {
    rows,
    status,
    error,
    selectedId,
    now,
    load,
    select(conversationId) {
      batch(() => {
        selectedId.value = conversationId;
        if (conversationId && unread.value.has(conversationId)) {
          const next = new Set(unread.value);
          next.delete(conversationId);
          unread.value = next;
        }
      });
    },
    find: (conversationId) => byId.value.get(conversationId),
    remove,
    dispose() {
      generation++;
      stops.splice(0).forEach((stop) => stop());
    },
  };
}
