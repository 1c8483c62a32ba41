// Test support only: never imported by the messenger entry, so it never ships.
import { createClient, type OutboxStore, type SocketEvent, type WebSocketLike } from '@parley/client/light';
import type { ConversationSummary, Message, ServerFrame } from '@parley/protocol';
import type { KeyValueStorage, SessionProvider } from '../shared/messenger-contract.ts';
import type { MessengerApp, MessengerTransport, ProfilePatch } from './transport.ts';

/** A socket the test plays the server for: it records what the client sends and delivers what the test says. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  /** Every frame the client sent, parsed. */
  readonly sent: Record<string, unknown>[] = [];
  private readonly listeners = new Map<string, ((event: SocketEvent) => void)[]>();

  constructor(
    readonly url: string,
    readonly protocols: string[] = [],
    private readonly onSend?: (frame: Record<string, unknown>) => void,
  ) {}

  send(data: string): void {
    const frame = JSON.parse(data) as Record<string, unknown>;
    this.sent.push(frame);
    this.onSend?.(frame);
  }
  close(code = 1000): void {
    this.serverClose(code);
  }
  addEventListener(type: string, listener: (event: SocketEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  /** Opens the socket and sends the server's hello. */
  hello(maxMessageLength = 1000): void {
    this.readyState = 1;
    this.serverSend({
      type: 'hello',
      protocol: 1,
      versions: [1],
      principal: { kind: 'visitor', id: 'visitor-1' },
      heartbeatMs: 30_000,
      limits: { maxMessageLength, maxFrameBytes: 65_536 },
    });
  }
  /** Delivers one server frame. */
  serverSend(frame: ServerFrame): void {
    for (const listener of this.listeners.get('message') ?? []) listener({ data: JSON.stringify(frame) });
  }
  /** Closes the socket from the server's side. */
  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    for (const listener of this.listeners.get('close') ?? []) listener({ code, reason });
  }
  /** The frames of one type the client sent. */
  frames(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** What the fake gateway answers; each field may be changed between calls. */
export interface FakeGateway {
  transport: MessengerTransport;
  /** Every socket the client opened, oldest first. */
  sockets: FakeSocket[];
  /** Tokens handed out by createSession, in order. */
  tokens: string[];
  /** Makes a new visitor session (`POST /api/visitor/sessions`); replace it to make that fail. */
  createSession(): Promise<string>;
  /**
   * The visitor session as the SDK keeps it: the token stored under `parley:demo:session` in
   * `storage`, else a new one (stored); `{ renew: true }` replaces it.
   */
  session(storage: KeyValueStorage): SessionProvider;
  /** The conversations a `conversation.list` request answers with. */
  conversations: ConversationSummary[];
  /** What a `conversation.history` request answers, per conversation id; others answer NOT_FOUND. */
  histories: Record<string, Message[]>;
  /** Number of sessions created. */
  sessionsCreated: number;
  /** What `GET /api/visitor/app` answers (change it between calls). */
  app: MessengerApp;
  /** Every `PATCH /api/visitor/me` body, in order. */
  profiles: ProfilePatch[];
  /** Called with every frame the client sends (e.g. to snapshot storage at that moment). */
  onSend?: (frame: Record<string, unknown>) => void;
  /** The most recent socket. */
  socket(): FakeSocket;
}

/** A transport backed by the real `@parley/client` over fake sockets; the fake gateway answers list and history requests. */
export function createFakeGateway(): FakeGateway {
  const answer = (socket: FakeSocket, frame: Record<string, unknown>) => {
    const ref = frame.ref as string;
    if (frame.type === 'conversation.list') {
      socket.serverSend({ type: 'conversation.list.result', ref, conversations: gateway.conversations });
    } else if (frame.type === 'typing' || frame.type === 'conversation.read' || frame.type === 'conversation.end') {
      socket.serverSend({ type: 'ok', ref });
    } else if (frame.type === 'conversation.history') {
      const id = frame.conversationId as string;
      const messages = gateway.histories[id];
      if (messages) socket.serverSend({ type: 'conversation.history.result', ref, conversationId: id, messages, hasMore: false });
      else socket.serverSend({ type: 'error', ref, frameType: 'conversation.history', code: 'NOT_FOUND', message: 'Not found.' });
    }
  };
  const gateway: FakeGateway = {
    sockets: [],
    tokens: [],
    conversations: [],
    histories: {},
    sessionsCreated: 0,
    app: {
      name: 'Demo shop',
      preChat: { name: 'off', email: 'off' },
      bot: { enabled: false, text: null },
      maxMessageLength: 1000,
      availability: 'online',
      visitor: { name: null, email: null },
    },
    profiles: [],
    socket: () => gateway.sockets.at(-1)!,
    async createSession() {
      gateway.sessionsCreated += 1;
      const token = `token-${gateway.sessionsCreated}-abcdefghijklmnopqrstuvwxyz`;
      gateway.tokens.push(token);
      return token;
    },
    session: (storage) => async (options) => {
      const key = 'parley:demo:session';
      if (options?.renew) storage.removeItem(key);
      const stored = storage.getItem(key);
      if (stored) return stored;
      const token = await gateway.createSession();
      storage.setItem(key, token);
      return token;
    },
    transport: {
      app: async () => structuredClone(gateway.app),
      async updateMe(patch) {
        gateway.profiles.push(patch);
      },
      createConnection(token: () => string, outbox: OutboxStore) {
        return createClient({
          url: 'ws://gateway.test/ws/visitor',
          protocols: () => [`parley-token.${token()}`],
          outbox,
          backoff: { initialMs: 1, maxMs: 1 },
          WebSocket: class extends FakeSocket {
            constructor(url: string, protocols?: string[]) {
              super(url, protocols, (frame) => {
                gateway.onSend?.(frame);
                queueMicrotask(() => answer(this, frame));
              });
              gateway.sockets.push(this);
            }
          },
        });
      },
    },
  };
  return gateway;
}

/** A message as the gateway would send it to the visitor. */
export function message(fields: Partial<Message> & Pick<Message, 'conversationId' | 'seq' | 'body'>): Message {
  return {
    id: `m-${fields.conversationId}-${fields.seq}`,
    author: { kind: 'agent', id: 'agent-1', name: 'Dana' },
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, 0, fields.seq)).toISOString(),
    ...fields,
  };
}

/** Lets pending promises and Preact's scheduled renders run. */
export const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A conversation row as the gateway would list it to its visitor. */
export function summary(id: string, fields: Partial<ConversationSummary> = {}): ConversationSummary {
  return { id, appId: 'demo', status: 'open', lastSeq: 0, lastMessageAt: null, createdAt: '2025-01-01T00:00:00Z', preview: null, unread: 0, seenSeq: 0, ...fields };
}
