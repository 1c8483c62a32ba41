// Test support only: never imported by a surface's entry, so it never ships.
import type { ConversationSummary, Message, TicketCreate, UploadPolicy, VisitorTicket } from '@parley/protocol';
import { DEFAULT_UPLOAD_POLICY } from '../shared/upload-policy.ts';
import { TicketsApiError, type TicketsApi } from './tickets-api.ts';

/** A ticket the fake keeps, with its messages. */
interface Stored {
  ticket: VisitorTicket;
  messages: Message[];
}

/** An in-memory visitor API: records every call, and fails the next call of a kind when told to. */
export interface FakeTicketsApi extends TicketsApi {
  readonly calls: { method: string; args: unknown[] }[];
  readonly tickets: Stored[];
  readonly conversations: ConversationSummary[];
  /** The next call of `method` rejects with this error. */
  failNext(method: keyof TicketsApi, error: TicketsApiError): void;
  /** Adds a message from the team to a ticket. */
  agentReply(number: number, body: string): void;
}

/** A message of a conversation. */
export const message = (conversationId: string, seq: number, body: string, kind: 'visitor' | 'agent' = 'visitor', name?: string): Message => ({
  id: `${conversationId}-${seq}`,
  conversationId,
  seq,
  author: { kind, id: kind === 'visitor' ? 'visitor-1' : 'agent-1', ...(name && { name }) },
  body,
  createdAt: new Date(Date.UTC(2025, 10, 21, 14, seq)).toISOString(),
});

/** Makes a fake visitor API with optional tickets and conversations to start from, and the gateway's upload policy (its defaults unless given). */
export function createFakeTicketsApi(start: { tickets?: Stored[]; conversations?: ConversationSummary[]; uploadPolicy?: UploadPolicy } = {}): FakeTicketsApi {
  const calls: { method: string; args: unknown[] }[] = [];
  const tickets: Stored[] = start.tickets ?? [];
  const conversations: ConversationSummary[] = start.conversations ?? [];
  const failures = new Map<string, TicketsApiError>();
  const byClientId = new Map<string, VisitorTicket>();
  let next = 1001;

  async function record<T>(method: keyof TicketsApi, args: unknown[], run: () => T): Promise<T> {
    calls.push({ method, args });
    await Promise.resolve();
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw failure;
    }
    return run();
  }
  const find = (number: number) => {
    const found = tickets.find((t) => t.ticket.number === number);
    if (!found) throw new TicketsApiError('NOT_FOUND', 'No such ticket.', 404);
    return found;
  };

  return {
    calls,
    tickets,
    conversations,
    failNext: (method, error) => void failures.set(method, error),
    agentReply(number, body) {
      const stored = find(number);
      stored.messages.push(message(stored.ticket.conversationId, stored.messages.length + 1, body, 'agent', 'Sam'));
    },
    createTicket: (input: TicketCreate) =>
      record('createTicket', [input], () => {
        const before = input.clientTicketId ? byClientId.get(input.clientTicketId) : undefined;
        if (before) return { ticket: before, duplicate: true };
        const number = next++;
        const at = new Date(Date.UTC(2025, 10, 21, 14, 0)).toISOString();
        const ticket: VisitorTicket = {
          number,
          subject: input.subject.trim(),
          status: 'open',
          requester: { name: input.name.trim(), email: input.email.trim() },
          conversationId: `conversation-${number}`,
          createdAt: at,
          updatedAt: at,
          lastMessageAt: at,
          preview: input.description.trim().slice(0, 140),
        };
        tickets.unshift({ ticket, messages: [message(ticket.conversationId, 1, input.description.trim())] });
        if (input.clientTicketId) byClientId.set(input.clientTicketId, ticket);
        return { ticket, duplicate: false };
      }),
    listTickets: () => record('listTickets', [], () => tickets.map((t) => t.ticket)),
    getTicket: (number) => record('getTicket', [number], () => ({ ticket: find(number).ticket, messages: [...find(number).messages], hasMore: false })),
    reply: (number, input) =>
      record('reply', [number, input], () => {
        const stored = find(number);
        const created = message(stored.ticket.conversationId, stored.messages.length + 1, input.body);
        stored.messages.push(created);
        stored.ticket = { ...stored.ticket, status: 'open' };
        return { messageId: created.id, seq: created.seq, duplicate: false, createdAt: created.createdAt, message: created };
      }),
    listConversations: () =>
      record('listConversations', [], () => [
        ...tickets.map((t) => ({ id: t.ticket.conversationId, appId: 'demo', status: 'open' as const, lastSeq: t.messages.length, lastMessageAt: t.ticket.lastMessageAt, createdAt: t.ticket.createdAt, preview: t.ticket.preview })),
        ...conversations,
      ]),
    uploadPolicy: () => record('uploadPolicy', [], () => start.uploadPolicy ?? DEFAULT_UPLOAD_POLICY),
    upload: (file, name) =>
      record('upload', [name], () => ({ id: `file-${calls.filter((c) => c.method === 'upload').length}`, name, size: file.size, type: file.type || 'application/octet-stream' })),
    download: (id) => record('download', [id], () => new Blob([`bytes of ${id}`])),
    conversationMessages: (id) =>
      record('conversationMessages', [id], () => {
        if (!conversations.some((c) => c.id === id)) throw new TicketsApiError('NOT_FOUND', 'No such conversation.', 404);
        return { messages: [message(id, 1, 'Hello from the chat'), message(id, 2, 'Hi! How can we help?', 'agent', 'Sam')], hasMore: false };
      }),
  };
}
