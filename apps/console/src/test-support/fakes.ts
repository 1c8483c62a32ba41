import type { AckFrame, ClientEvents, ClientState, OutboxEntry, RequestFrame, SendInput } from '@parley/client';
import type { ConversationSummary, Message } from '@parley/protocol';
import { ApiError, type Api } from '../api.ts';
import type { ConsoleClient } from '../ConsoleModel.ts';

/** A client that records what is sent and lets a test play the gateway's events. */
export interface FakeClient extends ConsoleClient {
  sent: (SendInput & { clientMessageId: string })[];
  /** Every frame sent with `request` (typing, read receipts, …), in order. */
  requests: RequestFrame[];
  connected: boolean;
  closed: boolean;
  outbox: OutboxEntry[];
  /** Plays an event as if it came from the gateway. */
  emit<K extends keyof ClientEvents>(event: K, payload: ClientEvents[K]): void;
  /** Settles a sent message's `acked` like a `message.ack` would, and emits the ack event. */
  ack(clientMessageId: string, seq: number, messageId?: string): AckFrame;
  /** Rejects a sent message's `acked`. */
  fail(clientMessageId: string, code: string, message: string): void;
  listeners(event: keyof ClientEvents): number;
}

/** Creates a fake client. */
export function fakeClient(outbox: OutboxEntry[] = []): FakeClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const settles = new Map<string, { resolve: (a: AckFrame) => void; reject: (e: Error) => void; input: SendInput }>();
  const cursors = new Map<string, number>();
  let state: ClientState = 'idle';
  let n = 0;
  const client: FakeClient = {
    sent: [],
    connected: false,
    closed: false,
    outbox,
    get state() {
      return state;
    },
    connect() {
      client.connected = true;
      client.emit('state', (state = 'connecting'));
    },
    close() {
      client.closed = true;
      client.emit('state', (state = 'closed'));
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
    },
    send(input) {
      const clientMessageId = `cm-${++n}`;
      client.sent.push({ ...input, clientMessageId });
      const acked = new Promise<AckFrame>((resolve, reject) => settles.set(clientMessageId, { resolve, reject, input }));
      acked.catch(() => {});
      return { clientMessageId, acked };
    },
    requests: [],
    request(frame) {
      client.requests.push(frame);
      return Promise.resolve({ type: 'ok' } as never);
    },
    pending: () => client.outbox,
    cursor: (id) => cursors.get(id),
    setCursor: (id, seq) => void cursors.set(id, seq),
    ack(clientMessageId, seq, messageId = `m-${clientMessageId}`) {
      const settle = settles.get(clientMessageId)!;
      const frame: AckFrame = {
        type: 'message.ack',
        conversationId: settle.input.conversationId!,
        clientMessageId,
        messageId,
        seq,
        createdAt: new Date().toISOString(),
        duplicate: false,
      };
      client.emit('ack', frame);
      settle.resolve(frame);
      return frame;
    },
    fail(clientMessageId, code, message) {
      settles.get(clientMessageId)!.reject(Object.assign(new Error(message), { code }));
    },
    listeners: (event) => listeners.get(event)?.size ?? 0,
  };
  return client;
}

/** A REST fake: answers by "METHOD path" from a table of handlers; records every call. */
export function fakeApi(routes: Record<string, (body?: unknown) => unknown>): Api & { calls: string[]; bodies: { call: string; body: unknown }[] } {
  const calls: string[] = [];
  const bodies: { call: string; body: unknown }[] = [];
  const answer = async (key: string, body?: unknown) => {
    calls.push(key);
    if (body !== undefined) bodies.push({ call: key, body });
    const handler = routes[key];
    if (!handler) throw new ApiError(404, 'NOT_FOUND', `No fake for ${key}`);
    return handler(body);
  };
  return {
    calls,
    bodies,
    get: (path) => answer(`GET ${path}`) as never,
    post: (path, body) => answer(`POST ${path}`, body) as never,
    put: (path, body) => answer(`PUT ${path}`, body) as never,
    patch: (path, body) => answer(`PATCH ${path}`, body) as never,
    delete: (path, body) => answer(`DELETE ${path}`, body) as never,
  };
}

/** A promise that a test settles by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A conversation summary with sensible defaults. */
export function summary(id: string, overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    appId: 'demo',
    status: 'open',
    lastSeq: 1,
    lastMessageAt: '2024-05-01T10:00:00.000Z',
    createdAt: '2024-05-01T09:00:00.000Z',
    preview: `Hello from ${id}`,
    visitor: { id: `v-${id}`, name: null },
    ...overrides,
  };
}

/** A message with sensible defaults. */
export function message(conversationId: string, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    author: { kind: 'visitor', id: `v-${conversationId}` },
    body: `Message ${seq}`,
    createdAt: new Date(Date.UTC(2024, 4, 1, 10, seq)).toISOString(),
    ...overrides,
  };
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
