import type { Attachment, ConversationSummary, FieldError, Message, TicketCreate, UploadPolicy, VisitorTicket } from '@parley/protocol';

/** A page of a ticket's or conversation's public messages, oldest first. */
export interface MessagePage {
  messages: Message[];
  hasMore: boolean;
}

/** A ticket with the latest page of its messages. */
export interface TicketDetail extends MessagePage {
  ticket: VisitorTicket;
}

/** A stored reply: its seq in the visitor's numbering and the message as the visitor sees it. */
export interface ReplyResult {
  messageId: string;
  seq: number;
  duplicate: boolean;
  createdAt: string;
  message: Message;
}

/**
 * The visitor API the web form and the portal use, over HTTP with the session's bearer token.
 * Tests pass a fake.
 */
export interface TicketsApi {
  /** Submits the web form; a resend with the same `clientTicketId` answers the same ticket. */
  createTicket(input: TicketCreate): Promise<{ ticket: VisitorTicket; duplicate: boolean }>;
  /** The visitor's own tickets, most recently active first. */
  listTickets(): Promise<VisitorTicket[]>;
  /** One of the visitor's tickets with its latest messages. */
  getTicket(number: number): Promise<TicketDetail>;
  /** Adds the visitor's reply to their ticket. */
  reply(number: number, input: { clientMessageId: string; body: string }): Promise<ReplyResult>;
  /** The visitor's conversations, most recently active first. */
  listConversations(): Promise<ConversationSummary[]>;
  /** The latest public messages of one of the visitor's conversations. */
  conversationMessages(conversationId: string): Promise<MessagePage>;
  /** What the gateway accepts for upload (`GET /api/attachments/policy`, without the session); its defaults when that cannot be read. */
  uploadPolicy(): Promise<UploadPolicy>;
  /** Uploads a file for a ticket or reply (`POST /api/visitor/attachments`); the gateway judges it by its bytes. */
  upload(file: Blob, name: string): Promise<Attachment>;
  /** A file of one of the visitor's messages, for download. */
  download(attachmentId: string): Promise<Blob>;
}

/** A failed call: the gateway's stable code (or NETWORK), the HTTP status (0 when none came), and field errors of a form. */
export class TicketsApiError extends Error {
  override name = 'TicketsApiError';
  /** The stable error code, or NETWORK when nothing answered. */
  readonly code: string;
  /** The HTTP status, or 0. */
  readonly status: number;
  /** One entry per refused field (`INVALID_REQUEST` of a form), else empty. */
  readonly fields: FieldError[];

  constructor(code: string, message: string, status: number, fields: FieldError[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

// Every surface on the page shares this module (one chunk, loaded once), so a portal hears of a
// ticket the web form beside it just made.
const changeListeners = new Set<() => void>();

/** Calls `listener` whenever a surface on this page made a ticket or a reply; returns the function that stops it. */
export function onTicketsChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

function ticketsChanged(): void {
  for (const listener of [...changeListeners]) {
    try {
      listener();
    } catch {
      // One surface's failure is not another's.
    }
  }
}

/** What the real API needs: the gateway, and the visitor's session token (made on first use; `renew` makes a new one). */
export interface TicketsApiOptions {
  baseUrl: string;
  session: (options?: { renew?: boolean }) => Promise<string>;
  fetch?: typeof globalThis.fetch;
}

/** Makes the visitor API over `fetch`: bearer token, JSON in and out, never cookies. */
export function createTicketsApi({ baseUrl, session, fetch = (input, init) => globalThis.fetch(input, init) }: TicketsApiOptions): TicketsApi {
  /** Sends one request with the session's token: JSON, or a file as the raw body. */
  async function send(method: 'GET' | 'POST', path: string, body: unknown, renew: boolean): Promise<Response> {
    const token = await session(renew ? { renew } : undefined);
    const file = body instanceof Blob;
    return fetch(`${baseUrl}${path}`, {
      method,
      credentials: 'omit',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': file ? 'application/octet-stream' : 'application/json' }),
      },
      ...(body !== undefined && { body: file ? body : JSON.stringify(body) }),
    });
  }

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, renew = false, as: 'json' | 'blob' = 'json'): Promise<T> {
    let response: Response;
    try {
      response = await send(method, path, body, renew);
    } catch (error) {
      // No session (its own coded error, e.g. FORBIDDEN_ORIGIN) or no answer at all (NETWORK).
      const code = (error as { code?: unknown } | undefined)?.code;
      throw new TicketsApiError(typeof code === 'string' ? code : 'NETWORK', String(error), 0, [], { cause: error });
    }
    // A session that has ended (signed out elsewhere, revoked): once more with a new one.
    if (response.status === 401 && !renew) return call(method, path, body, true, as);
    if (response.ok && as === 'blob') return (await response.blob()) as T;
    const data = (await response.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | undefined;
    if (response.ok) return data as T;
    const error = data?.error;
    throw new TicketsApiError(
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : response.statusText,
      response.status,
      Array.isArray(error?.fields) ? (error.fields as FieldError[]) : [],
    );
  }

  return {
    createTicket: async (input) => {
      const answer = await call<{ ticket: VisitorTicket; duplicate: boolean }>('POST', '/api/visitor/tickets', input);
      ticketsChanged();
      return answer;
    },
    listTickets: async () => (await call<{ tickets: VisitorTicket[] }>('GET', '/api/visitor/tickets')).tickets,
    getTicket: (number) => call('GET', `/api/visitor/tickets/${number}`),
    reply: (number, input) => call('POST', `/api/visitor/tickets/${number}/replies`, input),
    listConversations: async () => (await call<{ conversations: ConversationSummary[] }>('GET', '/api/visitor/conversations')).conversations,
    conversationMessages: (id) => call('GET', `/api/visitor/conversations/${encodeURIComponent(id)}/messages`),
    // The rules load with the first file chosen: the surfaces' first mount does not carry them.
    uploadPolicy: () => import('../shared/upload-policy.ts').then(({ readUploadPolicy }) => readUploadPolicy(baseUrl, fetch)),
    upload: (file, name) => call('POST', `/api/visitor/attachments?name=${encodeURIComponent(name)}`, file),
    download: (id) => call('GET', `/api/attachments/${encodeURIComponent(id)}`, undefined, false, 'blob'),
  };
}
