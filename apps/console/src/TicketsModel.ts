import type { AgentTicket } from '@parley/protocol';
import { effect, signal, type ReadonlySignal } from '@preact/signals';
import { ApiError, type Api } from './api.ts';

/** The workspace's tickets for the console's read-only list, kept current as conversations arrive and chats become tickets. */
export interface TicketsModel {
  /** Most recently active first. */
  readonly tickets: ReadonlySignal<AgentTicket[]>;
  readonly status: ReadonlySignal<'loading' | 'ready' | 'error'>;
  readonly error: ReadonlySignal<string | null>;
  /** (Re)reads the list. */
  load(): Promise<void>;
  /** A ticket made in this console (a chat turned into one): listed at once, then the list is read again. */
  add(ticket: AgentTicket): void;
  /** A ticket changed in this console (its status): its row shows the change at once. */
  update(ticket: AgentTicket): void;
  /** Stops watching for new conversations. */
  dispose(): void;
}

/** What the tickets list needs: REST, and the conversation ids the inbox knows (to notice new ones). */
export interface TicketsModelOptions {
  api: Pick<Api, 'get'>;
  /** The ids of the conversations the inbox shows; a new one may be a new ticket, so the list is read again. */
  conversationIds?: ReadonlySignal<readonly string[]>;
}

/** When a ticket was last active: its conversation's last message, else when it was made (ISO times sort as text). */
const activity = (ticket: AgentTicket) => ticket.lastMessageAt ?? ticket.createdAt;

/**
 * Creates the tickets list's model. Every ticket is backed by a conversation, and a new
 * conversation reaches the inbox live; when one appears that the list does not know, the list is
 * read again, so agents see tickets arrive without a reload.
 */
export function createTicketsModel({ api, conversationIds }: TicketsModelOptions): TicketsModel {
  const tickets = signal<AgentTicket[]>([]);
  const status = signal<'loading' | 'ready' | 'error'>('loading');
  const error = signal<string | null>(null);
  const known = new Set<string>();
  let loading: Promise<void> | undefined;
  let again = false;

  async function read(): Promise<void> {
    try {
      const answer = await api.get<{ tickets: AgentTicket[] }>('/api/agent/tickets?limit=50');
      tickets.value = answer.tickets;
      for (const t of answer.tickets) known.add(t.conversationId);
      status.value = 'ready';
      error.value = null;
    } catch (failure) {
      status.value = 'error';
      error.value = failure instanceof ApiError ? failure.message : 'The tickets could not be loaded.';
    }
  }

  function load(): Promise<void> {
    // One read at a time; a request made meanwhile reads once more after it.
    if (loading) {
      again = true;
      return loading;
    }
    loading = read().finally(() => {
      loading = undefined;
      if (again) {
        again = false;
        void load();
      }
    });
    return loading;
  }

  let first = true;
  const stop = conversationIds
    ? effect(() => {
        const ids = conversationIds.value;
        const fresh = ids.filter((id) => !known.has(id));
        for (const id of fresh) known.add(id);
        if (first) {
          first = false;
          return;
        }
        if (fresh.length) void load();
      })
    : () => {};

  function add(ticket: AgentTicket): void {
    known.add(ticket.conversationId);
    // In the gateway's order (most recently active first), so the row does not jump when the list is read again.
    tickets.value = [...tickets.value.filter((t) => t.number !== ticket.number), ticket].sort((a, b) => activity(b).localeCompare(activity(a)) || b.number - a.number);
    void load();
  }

  function update(ticket: AgentTicket): void {
    if (!tickets.value.some((t) => t.number === ticket.number)) return;
    tickets.value = tickets.value.map((t) => (t.number === ticket.number ? ticket : t));
    // A read on its way may have left before the change: read once more after it.
    if (loading) again = true;
  }

  return { tickets, status, error, load, add, update, dispose: stop };
}
