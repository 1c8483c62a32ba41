import type { Attachment, ConversationSummary, Message, VisitorTicket } from '@parley/protocol';
import { batch, computed, signal, type ReadonlySignal, type Signal } from '@preact/signals-core';
import type { ConversationChange } from '../shared/messenger-contract.ts';
import { TicketsApiError, type TicketsApi } from '../webform/tickets-api.ts';

/** Whether the lists have been read: at first, after a failure, or ready. */
export type PortalStatus = 'loading' | 'ready' | 'failed';

/** The request or conversation the visitor has open, with its public messages in seq order. */
export type Thread =
  | { kind: 'ticket'; key: string; ticket: VisitorTicket; messages: Message[] }
  | { kind: 'conversation'; key: string; conversation: ConversationSummary; messages: Message[] };

/** Where the open thread stands. */
export type ThreadStatus = 'idle' | 'loading' | 'ready' | 'missing' | 'failed';

/** A problem to show, as a key of the portal's strings. */
export type PortalNotice = 'error.reply' | 'error.tooLong' | 'error.network' | 'error.identity' | 'error.download';

/** The portal's state and actions; views read the signals and call the actions. */
export interface PortalModel {
  readonly status: ReadonlySignal<PortalStatus>;
  /** The visitor's tickets, most recently active first. */
  readonly tickets: ReadonlySignal<VisitorTicket[]>;
  /** The visitor's chat conversations that do not back a ticket, most recently active first. */
  readonly conversations: ReadonlySignal<ConversationSummary[]>;
  readonly thread: ReadonlySignal<Thread | null>;
  readonly threadStatus: ReadonlySignal<ThreadStatus>;
  /** The reply being written to the open ticket. */
  readonly draft: Signal<string>;
  readonly replying: ReadonlySignal<boolean>;
  readonly notice: ReadonlySignal<PortalNotice | null>;
  /** Reads the visitor's tickets and conversations. */
  load(): Promise<void>;
  /** Opens one of the visitor's tickets by number. */
  openTicket(number: number): Promise<void>;
  /** Opens one of the visitor's conversations by id (read only: replies go through the messenger). */
  openConversation(conversationId: string): Promise<void>;
  /** Back to the lists. */
  back(): void;
  /** Sends the draft as a reply to the open ticket; resolves true when it was stored. */
  reply(): Promise<boolean>;
  /** Reads the lists and the open thread again (new replies from the team). */
  refresh(): Promise<void>;
  /**
   * A conversation of the visitor changed elsewhere on the page (the messenger heard it): reads
   * again when the lists show it with another status (ended, reopened), or not at all (new).
   */
  conversationUpdated(conversation: ConversationChange): void;
  /** Downloads a file of the open thread with the visitor's session and hands it to the browser. */
  download(attachment: Attachment): Promise<void>;
}

/** What the portal model is built from. */
export interface PortalModelOptions {
  api: TicketsApi;
  /** Makes reply ids (default `crypto.randomUUID()`). */
  newId?: () => string;
  /** Hands a downloaded file to the visitor (default: a temporary link with `download`). */
  save?: (file: Blob, name: string) => void;
}

/** Saves a file through a temporary `<a download>`: the browser keeps its usual download UI. */
function saveWithLink(file: Blob, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const bySeq = (messages: Message[]) => {
  const byId = new Map(messages.map((m) => [m.id, m]));
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
};

/**
 * Creates the portal's model: the visitor's own tickets and conversations, one of them open,
 * and replies to tickets over HTTP. A reply keeps its client id until it is stored, so sending it
 * again after a lost answer stores it once.
 */
export function createPortalModel({ api, newId = () => crypto.randomUUID(), save = saveWithLink }: PortalModelOptions): PortalModel {
  const status = signal<PortalStatus>('loading');
  const tickets = signal<VisitorTicket[]>([]);
  const allConversations = signal<ConversationSummary[]>([]);
  const thread = signal<Thread | null>(null);
  const threadStatus = signal<ThreadStatus>('idle');
  const draft = signal('');
  const replying = signal(false);
  const notice = signal<PortalNotice | null>(null);
  // The reply being sent: its id is kept until it is stored, so a retry after a lost answer stores
  // it once; a changed text is a new reply with a new id.
  let pending: { id: string; body: string } | undefined;
  // Which open request is current: an answer for one opened earlier is dropped.
  let opening = 0;

  const conversations = computed(() => {
    const backing = new Set(tickets.value.map((t) => t.conversationId));
    return allConversations.value.filter((c) => !backing.has(c.id));
  });

  async function load(): Promise<void> {
    try {
      const [ticketList, conversationList] = await Promise.all([api.listTickets(), api.listConversations()]);
      batch(() => {
        tickets.value = ticketList;
        allConversations.value = conversationList;
        status.value = 'ready';
      });
    } catch {
      // A list shown before stays; only a first load that fails shows the failure.
      if (status.value !== 'ready') status.value = 'failed';
    }
  }

  async function open(key: string, read: () => Promise<Thread>): Promise<void> {
    const mine = ++opening;
    batch(() => {
      threadStatus.value = 'loading';
      notice.value = null;
      if (thread.value?.key !== key) {
        thread.value = null;
        draft.value = '';
        pending = undefined;
      }
    });
    try {
      const next = await read();
      if (mine !== opening) return;
      batch(() => {
        thread.value = next;
        threadStatus.value = 'ready';
      });
    } catch (error) {
      if (mine !== opening) return;
      threadStatus.value = error instanceof TicketsApiError && error.code === 'NOT_FOUND' ? 'missing' : 'failed';
    }
  }

  const openTicket = (number: number) =>
    open(`ticket:${number}`, async () => {
      const detail = await api.getTicket(number);
      tickets.value = tickets.value.map((t) => (t.number === number ? detail.ticket : t));
      return { kind: 'ticket', key: `ticket:${number}`, ticket: detail.ticket, messages: bySeq(detail.messages) };
    });

  const openConversation = (conversationId: string) =>
    open(`conversation:${conversationId}`, async () => {
      const page = await api.conversationMessages(conversationId);
      const known = allConversations.value.find((c) => c.id === conversationId);
      if (!known) throw new TicketsApiError('NOT_FOUND', 'No such conversation.', 404);
      return { kind: 'conversation', key: `conversation:${conversationId}`, conversation: known, messages: bySeq(page.messages) };
    });

  const model: PortalModel = {
    status,
    tickets,
    conversations,
    thread,
    threadStatus,
    draft,
    replying,
    notice,
    load,
    openTicket,
    openConversation,
    back() {
      opening++;
      batch(() => {
        thread.value = null;
        threadStatus.value = 'idle';
        notice.value = null;
      });
    },
    async reply() {
      const open = thread.value;
      const body = draft.value.trim();
      if (!open || open.kind !== 'ticket' || !body || replying.value) return false;
      replying.value = true;
      notice.value = null;
      try {
        if (pending?.body !== body) pending = { id: newId(), body };
        const result = await api.reply(open.ticket.number, { clientMessageId: pending.id, body });
        pending = undefined;
        batch(() => {
          const ticket: VisitorTicket = { ...open.ticket, status: 'open', preview: body.slice(0, 140), lastMessageAt: result.createdAt };
          if (thread.value?.key === open.key) thread.value = { ...open, ticket, messages: bySeq([...thread.value.messages, result.message]) };
          tickets.value = [ticket, ...tickets.value.filter((t) => t.number !== ticket.number)];
          draft.value = '';
        });
        return true;
      } catch (error) {
        const code = error instanceof TicketsApiError ? error.code : '';
        notice.value =
          code === 'MESSAGE_TOO_LONG' || code === 'INVALID_REQUEST'
            ? 'error.tooLong'
            : code === 'NETWORK'
              ? 'error.network'
              : code === 'IDENTITY_REQUIRED'
                ? 'error.identity'
                : 'error.reply';
        return false;
      } finally {
        replying.value = false;
      }
    },
    async download(attachment) {
      notice.value = null;
      try {
        save(await api.download(attachment.id), attachment.name);
      } catch {
        notice.value = 'error.download';
      }
    },
    conversationUpdated({ id, status: now }) {
      if (allConversations.value.find((c) => c.id === id)?.status !== now) void model.refresh();
    },
    async refresh() {
      const open = thread.value;
      await load();
      if (!open || thread.value?.key !== open.key) return;
      try {
        const messages =
          open.kind === 'ticket' ? (await api.getTicket(open.ticket.number)).messages : (await api.conversationMessages(open.conversation.id)).messages;
        const current = thread.value;
        if (current?.key !== open.key) return;
        const ticket = current.kind === 'ticket' ? tickets.value.find((t) => t.number === current.ticket.number) : undefined;
        thread.value = { ...current, ...(ticket && { ticket }), messages: bySeq([...current.messages, ...messages]) } as Thread;
      } catch {
        // Shown again on the next refresh; the thread on screen stays as it is.
      }
    },
  };
  return model;
}
