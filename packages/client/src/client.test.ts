import { ErrorCode, MAX_BODY_CHARS, PROTOCOL_VERSION, TERMINAL_CLOSE_CODES, type Message, type ServerFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { structuralChecks, type FrameChecks } from './checks.ts';
import { createClient, type ClientEvents, type ClientOptions, type SocketEvent } from './client.ts';
import { FakeSocket } from './fake-socket.ts';
import type { Network } from './network.ts';
import { localStorageOutboxStore, memoryOutboxStore, type OutboxStore } from './outbox.ts';
import { protocolChecks } from './validate.ts';

/** Timers that run only when the test says so; records every delay asked for. */
function fakeTimers() {
  const pending = new Map<number, () => void>();
  const delays: number[] = [];
  let last = 0;
  return {
    delays,
    pending,
    setTimeout: (callback: () => void, ms: number) => {
      delays.push(ms);
      pending.set(++last, callback);
      return last;
    },
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    runNext() {
      const [id, callback] = [...pending][0] ?? [];
      if (id === undefined) throw new Error('no timer pending');
      pending.delete(id);
      callback!();
    },
  };
}

/** A device network the test takes offline and back, as a browser's `offline` / `online` events do. */
function fakeNetwork() {
  let online = true;
  const listeners: ((online: boolean) => void)[] = [];
  const network: Network = {
    isOnline: () => online,
    watch(listener) {
      listeners.push(listener);
      return () => void listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  const set = (next: boolean) => {
    online = next;
    [...listeners].forEach((listener) => listener(next));
  };
  /** The network is gone, and the browser has not fired `offline` yet. */
  const lose = () => void (online = false);
  return { network, listeners, lose, offline: () => set(false), online: () => set(true) };
}
type FakeNetwork = ReturnType<typeof fakeNetwork>;

const EVENTS: (keyof ClientEvents)[] = ['state', 'hello', 'message', 'ack', 'reset', 'error', 'reload', 'frame'];

// Every test runs with both ways of checking frames: the protocol's schemas and shapes alone.
let checks: FrameChecks;

function setup(options: Partial<ClientOptions> & { idPrefix?: string } = {}) {
  const sockets: FakeSocket[] = [];
  const timers = fakeTimers();
  let n = 0;
  const client = createClient({
    checks,
    url: 'ws://parley.test/ws?app=a1',
    WebSocket: class extends FakeSocket {
      constructor(url: string, protocols?: string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    },
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    random: () => 0.5,
    newId: () => `${options.idPrefix ?? 'm'}${++n}`,
    ...options,
  });
  const events = Object.fromEntries(EVENTS.map((e) => [e, [] as unknown[]])) as { [K in keyof ClientEvents]: ClientEvents[K][] };
  for (const event of EVENTS) client.on(event, (payload) => (events[event] as unknown[]).push(payload));
  const socket = () => sockets.at(-1)!;
  const connectOpen = () => {
    client.connect();
    socket().open();
    socket().hello();
    return socket();
  };
  return { client, sockets, timers, events, socket, connectOpen };
}

const message = (seq: number, conversationId = 'c1'): Message => ({
  id: `${conversationId}-${seq}`,
  conversationId,
  seq,
  author: { kind: 'agent', id: 'a1' },
  body: `#${seq}`,
  createdAt: '2024-01-01T00:00:00Z',
});
const created = (seq: number, conversationId = 'c1'): ServerFrame => ({ type: 'message.created', message: message(seq, conversationId) });
const ack = (clientMessageId: string, seq: number, ref?: string): ServerFrame => ({
  type: 'message.ack',
  ...(ref !== undefined && { ref }),
  conversationId: 'c1',
  clientMessageId,
  messageId: `id-${clientMessageId}`,
  seq,
  createdAt: '2024-01-01T00:00:00Z',
  duplicate: false,
});
const errorFrame = (ref: unknown, code: string): ServerFrame => ({ type: 'error', ref: ref as string, code, message: `${code}!` });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.restoreAllMocks());

describe.each([
  ['the protocol\'s schemas', protocolChecks],
  ['structural checks', structuralChecks],
])('createClient with %s', (_name, frameChecks) => {
  beforeEach(() => {
    checks = frameChecks;
  });

  describe('connecting', () => {
    it('opens one socket with v set and the parley subprotocol first when connect is called twice', () => {
      const { client, sockets } = setup({ protocols: () => ['parley-token.abc', 'parley'] });
      client.connect();
      client.connect();
      expect(sockets).toHaveLength(1);
      expect(sockets[0]!.url).toBe(`ws://parley.test/ws?app=a1&v=${PROTOCOL_VERSION}`);
      expect(sockets[0]!.protocols).toEqual(['parley', 'parley-token.abc']);
    });

    it('becomes open only when hello arrives, not when the socket opens', () => {
      const { client, socket, events } = setup();
      expect(client.state).toBe('idle');
      client.connect();
      socket().open();
      expect(client.state).toBe('connecting');
      socket().hello();
      expect(client.state).toBe('open');
      expect(events.state).toEqual(['connecting', 'open']);
      expect(events.hello).toHaveLength(1);
    });

    it('throws when no WebSocket implementation is available', () => {
      const { client } = setup({ WebSocket: undefined });
      if ('WebSocket' in globalThis) return; // Node 22+ has one.
      expect(() => client.connect()).toThrow(/WebSocket/);
    });

    it('sets onmessage and onclose when the socket has no addEventListener', () => {
      const sockets: { sent: string[]; readyState: number; onmessage?: (e: SocketEvent) => void; onclose?: (e: SocketEvent) => void }[] = [];
      const client = createClient({
        checks,
        url: 'ws://parley.test/ws',
        WebSocket: function (this: (typeof sockets)[number]) {
          this.sent = [];
          this.readyState = 1;
          Object.assign(this, { send: (d: string) => this.sent.push(d), close: () => {} });
          sockets.push(this);
        } as unknown as ClientOptions['WebSocket'],
      });
      client.connect();
      sockets[0]!.onmessage!({ data: JSON.stringify({ type: 'hello', protocol: 1, versions: [1], principal: { kind: 'agent', id: 'a' }, heartbeatMs: 1, limits: { maxMessageLength: 1, maxFrameBytes: 1000 } }) });
      expect(client.state).toBe('open');
      client.send({ conversationId: 'c1', body: 'hi' });
      expect(sockets[0]!.sent).toHaveLength(1);
    });
  });

  describe('outbox', () => {
    it('saves the message to the store before writing to the socket when sending', () => {
      const store = memoryOutboxStore();
      const order: string[] = [];
      const save = vi.spyOn(store, 'save').mockImplementation(() => void order.push('save'));
      const { client, connectOpen } = setup({ outbox: store });
      const socket = connectOpen();
      const send = vi.spyOn(socket, 'send').mockImplementation(() => void order.push('send'));
      const { clientMessageId } = client.send({ conversationId: 'c1', body: 'hello' });
      expect(order).toEqual(['save', 'send']);
      expect(save).toHaveBeenLastCalledWith([expect.objectContaining({ v: PROTOCOL_VERSION, clientMessageId, conversationId: 'c1', body: 'hello' })]);
      expect(send).toHaveBeenCalledTimes(1);
    });

    it('sends a message saved before a restart exactly once after hello and forgets it on ack', async () => {
      const store: OutboxStore = memoryOutboxStore();
      const before = setup({ outbox: store, idPrefix: 'a' });
      before.client.send({ clientConversationId: 'k1', body: 'written offline' });
      before.client.close();
      expect(store.load()).toHaveLength(1);

      const after = setup({ outbox: store, idPrefix: 'b' });
      expect(after.client.pending().map((e) => e.clientMessageId)).toEqual(['a1']);
      after.client.connect();
      after.socket().open();
      expect(after.socket().sent).toEqual([]);
      after.socket().hello();
      expect(after.socket().sent).toEqual([{ type: 'message.send', ref: expect.any(String), clientConversationId: 'k1', clientMessageId: 'a1', body: 'written offline' }]);
      after.socket().receive(ack('a1', 1, after.socket().sent[0]!.ref as string));
      expect(after.client.pending()).toEqual([]);
      expect(store.load()).toEqual([]);
      expect(after.events.ack).toHaveLength(1);
    });

    it("shares a stored outbox between tabs: a tab closed offline leaves its message to another, which sends it on reconnect", () => {
      const storage = new Map<string, string>();
      const shared = () =>
        localStorageOutboxStore({ getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v), removeItem: (k) => void storage.delete(k) }, 'parley:a1:outbox');
      const tabA = setup({ outbox: shared(), idPrefix: 'a' });
      const tabB = setup({ outbox: shared(), idPrefix: 'b' });
      // Both offline: each writes a message; neither save drops the other's.
      tabB.client.send({ conversationId: 'c1', body: 'from tab B' });
      tabA.client.send({ conversationId: 'c1', body: 'from tab A' });
      expect(shared().load().map((e) => e.clientMessageId)).toEqual(['b1', 'a1']);
      tabB.client.close();
      // Tab A comes back online: it sends its own message and the one tab B left.
      tabA.client.connect();
      tabA.socket().open();
      tabA.socket().hello();
      const sent = tabA.socket().ofType('message.send');
      expect(sent.map((f) => f.clientMessageId)).toEqual(['a1', 'b1']);
      tabA.socket().receive(ack('a1', 1, sent[0]!.ref as string));
      expect(shared().load().map((e) => e.clientMessageId)).toEqual(['b1']);
      tabA.socket().receive(ack('b1', 2, sent[1]!.ref as string));
      expect(shared().load()).toEqual([]);
      expect(storage.has('parley:a1:outbox')).toBe(false);
    });

    it('never sends a stored entry that breaks the message rules (an empty body, a bad id, an unknown version)', () => {
      const store: OutboxStore = memoryOutboxStore();
      const good = { v: PROTOCOL_VERSION, clientMessageId: 'g1', conversationId: 'c1', body: 'ok', createdAt: 1 };
      store.save([good, { ...good, clientMessageId: 'e1', body: '' }, { ...good, clientMessageId: 'has space' }, { ...good, clientMessageId: 'v9', v: 99 }]);
      const { client, connectOpen } = setup({ outbox: store });
      expect(client.pending().map((e) => e.clientMessageId)).toEqual(['g1']);
      expect(connectOpen().ofType('message.send').map((f) => f.clientMessageId)).toEqual(['g1']);
    });

    it('resolves acked with the ack frame when the ack arrives', async () => {
      const { client, connectOpen } = setup();
      const socket = connectOpen();
      const { clientMessageId, acked } = client.send({ conversationId: 'c1', body: 'hi', internal: true });
      expect(socket.ofType('message.send')).toEqual([{ type: 'message.send', ref: expect.any(String), conversationId: 'c1', clientMessageId, body: 'hi', internal: true }]);
      expect(client.pending()).toHaveLength(1);
      socket.receive(ack(clientMessageId, 1));
      await expect(acked).resolves.toMatchObject({ type: 'message.ack', clientMessageId, seq: 1 });
      expect(client.pending()).toEqual([]);
    });

    it('sends a message once when a hello listener sends it', () => {
      const { client, connectOpen } = setup();
      client.on('hello', () => client.send({ conversationId: 'c1', body: 'welcome back' }));
      expect(connectOpen().ofType('message.send')).toHaveLength(1);
    });

    it('emits ack once when a message sent twice is acknowledged twice', () => {
      const { client, connectOpen, events } = setup();
      const socket = connectOpen();
      client.send({ conversationId: 'c1', body: 'hi' });
      socket.receive(ack('m1', 1));
      socket.receive({ ...ack('m1', 1), duplicate: true } as ServerFrame);
      expect(events.ack).toHaveLength(1);
    });

    it('sends an unacknowledged message again after resume when the socket reconnects', () => {
      const { client, connectOpen, socket, timers } = setup();
      client.setCursor('c1', 4);
      const first = connectOpen();
      client.send({ conversationId: 'c1', body: 'hi' });
      first.drop();
      timers.runNext();
      socket().open();
      socket().hello();
      expect(socket().sent.map((f) => f.type)).toEqual(['resume', 'message.send']);
      expect(socket().sent[0]).toEqual({ type: 'resume', ref: expect.any(String), cursors: [{ conversationId: 'c1', seq: 4 }] });
      expect(socket().sent[1]).toMatchObject({ clientMessageId: 'm1', body: 'hi' });
    });

    it.each([ErrorCode.CONFLICT, ErrorCode.MESSAGE_TOO_LONG, ErrorCode.INVALID_FRAME, ErrorCode.NOT_FOUND, ErrorCode.FORBIDDEN])(
      'drops the message and rejects acked with %s when the server answers that code',
      async (code) => {
        const store = memoryOutboxStore();
        const { client, connectOpen, events } = setup({ outbox: store });
        const socket = connectOpen();
        const { acked } = client.send({ conversationId: 'c1', body: 'hi' });
        socket.receive(errorFrame(socket.sent[0]!.ref, code));
        await expect(acked).rejects.toMatchObject({ code, message: `${code}!` });
        expect(client.pending()).toEqual([]);
        expect(store.load()).toEqual([]);
        expect(events.error).toEqual([expect.objectContaining({ type: 'error', code })]);
      },
    );

    it('keeps the message and sends it again after a delay when the server answers RATE_LIMITED', () => {
      const { client, connectOpen, timers } = setup({ backoff: { initialMs: 1000 } });
      const socket = connectOpen();
      client.send({ conversationId: 'c1', body: 'hi' });
      socket.receive(errorFrame(socket.sent[0]!.ref, ErrorCode.RATE_LIMITED));
      expect(client.pending()).toHaveLength(1);
      expect(timers.delays).toEqual([500]);
      timers.runNext();
      expect(socket.ofType('message.send')).toHaveLength(2);
      expect(socket.sent[1]).toMatchObject({ clientMessageId: 'm1' });
      expect(socket.sent[1]!.ref).not.toBe(socket.sent[0]!.ref);
    });

    it('keeps the message for the next connection when the server answers another code', () => {
      const { client, connectOpen } = setup();
      const socket = connectOpen();
      client.send({ conversationId: 'c1', body: 'hi' });
      socket.receive(errorFrame(socket.sent[0]!.ref, ErrorCode.INTERNAL));
      expect(client.pending()).toHaveLength(1);
    });

    it('rejects without touching the outbox when the input can never be a valid frame', async () => {
      const store = memoryOutboxStore();
      const save = vi.spyOn(store, 'save');
      const { client, events } = setup({ outbox: store });
      const both = client.send({ conversationId: 'c1', clientConversationId: 'k1', body: 'hi' });
      const empty = client.send({ conversationId: 'c1', body: '' });
      const long = client.send({ conversationId: 'c1', body: 'x'.repeat(MAX_BODY_CHARS + 1) });
      // From plain JavaScript, where nothing checks the types.
      const none = client.send({ conversationId: 'c1', body: null as never, attachments: 'f1' as never });
      await expect(both.acked).rejects.toMatchObject({ code: ErrorCode.INVALID_FRAME });
      await expect(empty.acked).rejects.toMatchObject({ code: ErrorCode.INVALID_FRAME });
      await expect(long.acked).rejects.toMatchObject({ code: ErrorCode.MESSAGE_TOO_LONG });
      await expect(none.acked).rejects.toMatchObject({ code: ErrorCode.INVALID_FRAME });
      expect(save).not.toHaveBeenCalled();
      expect(events.error.map((e) => e.code)).toEqual([ErrorCode.INVALID_FRAME, ErrorCode.INVALID_FRAME, ErrorCode.MESSAGE_TOO_LONG, ErrorCode.INVALID_FRAME]);
    });

    it('drops the message with FRAME_TOO_LARGE when its frame exceeds the limit from hello', async () => {
      const { client, socket } = setup();
      client.connect();
      socket().open();
      socket().hello(200);
      const { acked } = client.send({ conversationId: 'c1', body: 'é'.repeat(100) });
      await expect(acked).rejects.toMatchObject({ code: ErrorCode.FRAME_TOO_LARGE });
      expect(socket().sent).toEqual([]);
      expect(client.pending()).toEqual([]);
    });

    it('does not leave an unhandled rejection when acked is ignored', async () => {
      const { client, connectOpen } = setup();
      const socket = connectOpen();
      client.send({ conversationId: 'c1', body: 'hi' });
      socket.receive(errorFrame(socket.sent[0]!.ref, ErrorCode.CONFLICT));
      await flush(); // vitest fails the run on an unhandled rejection.
    });
  });

  describe('cursors', () => {
    it('emits a message once when it arrives by replay and again live', () => {
      const { client, connectOpen, events } = setup();
      const socket = connectOpen();
      socket.receive(created(1));
      socket.receive(created(2));
      socket.receive(created(2));
      socket.receive(created(1));
      expect(events.message.map((m) => m.seq)).toEqual([1, 2]);
      expect(client.cursor('c1')).toBe(2);
    });

    it('sends one resume from the cursor when a gap appears and delivers in order once it is filled', () => {
      const { client, connectOpen, events } = setup();
      const socket = connectOpen();
      socket.receive(created(5));
      socket.receive(created(7));
      socket.receive(created(8));
      const resumes = socket.ofType('resume');
      expect(resumes).toEqual([{ type: 'resume', ref: expect.any(String), cursors: [{ conversationId: 'c1', seq: 5 }] }]);
      expect(events.message.map((m) => m.seq)).toEqual([5]);
      socket.receive(created(6));
      socket.receive(created(7));
      socket.receive({ type: 'resume.done', ref: resumes[0]!.ref as string });
      expect(events.message.map((m) => m.seq)).toEqual([5, 6, 7, 8]);
      expect(client.cursor('c1')).toBe(8);
      socket.receive(created(10));
      expect(socket.ofType('resume')).toHaveLength(2);
    });

    it('splits the resume after hello into frames of at most 200 cursors', () => {
      const { client, connectOpen } = setup();
      for (let i = 0; i < 450; i++) client.setCursor(`c${i}`, i);
      const socket = connectOpen();
      const sizes = socket.ofType('resume').map((f) => (f.cursors as unknown[]).length);
      expect(sizes).toEqual([200, 200, 50]);
    });

    it('drops the cursor and emits reset when conversation.reset arrives', () => {
      const { client, connectOpen, events, socket: last, timers } = setup();
      client.setCursor('c1', 90);
      client.setCursor('c2', 3);
      const socket = connectOpen();
      const reset: ServerFrame = { type: 'conversation.reset', ref: socket.sent[0]!.ref as string, conversationId: 'c1', lastSeq: 12, reason: 'cursor_ahead' };
      socket.receive(reset);
      expect(events.reset).toEqual([reset]);
      expect(client.cursor('c1')).toBeUndefined();
      socket.drop();
      timers.runNext();
      last().open();
      last().hello();
      expect(last().ofType('resume')[0]!.cursors).toEqual([{ conversationId: 'c2', seq: 3 }]);
    });

    it('asks again when resume.done leaves a gap, and resets a conversation whose gap two answers in a row left as it was', () => {
      const { client, connectOpen, events } = setup();
      client.setCursor('c1', 3);
      const socket = connectOpen();
      const [afterHello] = socket.ofType('resume');
      // Seq 5 comes live before the answer, whose read may have been before it was stored: it asks again.
      socket.receive(created(5));
      socket.receive({ type: 'resume.done', ref: afterHello!.ref as string });
      const again = socket.ofType('resume')[1]!;
      expect(again.cursors).toEqual([{ conversationId: 'c1', seq: 3 }]);
      // The gateway answers with nothing again: it cannot serve that cursor. Seq 5 is not passed on past the gap.
      socket.receive({ type: 'resume.done', ref: again.ref as string });
      expect(events.message).toEqual([]);
      expect(events.reset).toEqual([{ type: 'conversation.reset', conversationId: 'c1', reason: 'not_replayed' }]);
      expect(client.cursor('c1')).toBeUndefined();
      expect(socket.ofType('resume')).toHaveLength(2);
    });

    it('sends a resume the gateway refused for its rate again after a delay, and gets what was missed', () => {
      const { client, connectOpen, events, timers } = setup();
      client.setCursor('c1', 3);
      const socket = connectOpen();
      const [first] = socket.ofType('resume');
      socket.receive({ type: 'error', ref: first!.ref as string, frameType: 'resume', code: 'RATE_LIMITED', message: 'Too many frames.' });
      // Still in flight: a gap meanwhile does not ask a second time.
      socket.receive(created(5));
      expect(socket.ofType('resume')).toHaveLength(1);
      timers.runNext();
      const second = socket.ofType('resume')[1]!;
      expect(second.cursors).toEqual([{ conversationId: 'c1', seq: 3 }]);
      socket.receive(created(4));
      socket.receive({ type: 'resume.done', ref: second.ref as string });
      expect(events.message.map((m) => m.seq)).toEqual([4, 5]);
      expect(events.reset).toEqual([]);
    });

    it('resets the conversations of a resume refused for good, and one whose cursor the gateway could not serve', () => {
      const { client, connectOpen, events } = setup();
      client.setCursor('c1', 3);
      client.setCursor('c2', 7);
      client.setCursor('c3', 1);
      const socket = connectOpen();
      const [resume] = socket.ofType('resume');
      // One cursor failed (it carries no ref: the resume goes on with the others).
      socket.receive({ type: 'error', frameType: 'resume', conversationId: 'c3', code: 'INTERNAL', message: 'Could not read the conversation.' });
      expect(events.reset).toEqual([{ type: 'conversation.reset', conversationId: 'c3', reason: 'not_replayed' }]);
      socket.receive({ type: 'error', ref: resume!.ref as string, frameType: 'resume', code: 'INVALID_FRAME', message: 'cursors is invalid' });
      expect(events.reset.map((r) => r.conversationId)).toEqual(['c3', 'c1', 'c2']);
      expect([client.cursor('c1'), client.cursor('c2'), client.cursor('c3')]).toEqual([undefined, undefined, undefined]);
      expect(events.error).toHaveLength(2);
    });

    it('advances the cursor when an ack carries the next seq', () => {
      const { client, connectOpen } = setup();
      client.setCursor('c1', 3);
      const socket = connectOpen();
      client.send({ conversationId: 'c1', body: 'hi' });
      socket.receive(ack('m1', 4));
      expect(client.cursor('c1')).toBe(4);
    });
  });

  describe('reconnecting', () => {
    it('waits growing jittered delays capped at maxMs when connects fail and starts over after hello', () => {
      const { client, socket, timers, sockets } = setup({ backoff: { initialMs: 100, maxMs: 400 } });
      client.connect();
      for (let i = 0; i < 4; i++) {
        socket().drop(1006);
        expect(client.state).toBe('connecting');
        timers.runNext();
      }
      expect(timers.delays).toEqual([50, 100, 200, 200]);
      expect(sockets).toHaveLength(5);
      socket().open();
      socket().hello();
      socket().drop(1001);
      expect(timers.delays.at(-1)).toBe(50);
    });

    it('retries with backoff when the WebSocket constructor throws', () => {
      let calls = 0;
      const { client, timers, events } = setup({
        url: () => {
          if (++calls === 1) throw new Error('no url yet');
          return 'ws://parley.test/ws';
        },
      });
      client.connect();
      expect(events.error).toEqual([expect.objectContaining({ code: 'CONNECT_FAILED' })]);
      timers.runNext();
      expect(calls).toBe(2);
    });

    it.each([1001, 1006, 1009, 4008, 4029])('reconnects when the socket closes with %i', (code) => {
      const { client, connectOpen, timers, sockets } = setup();
      connectOpen().drop(code);
      expect(client.state).toBe('connecting');
      timers.runNext();
      expect(sockets).toHaveLength(2);
    });

    it.each(TERMINAL_CLOSE_CODES)('stops for good and emits an error when the socket closes with %i', (code) => {
      const { client, connectOpen, timers, events } = setup();
      connectOpen().drop(code, 'bye');
      expect(client.state).toBe('closed');
      expect(timers.pending.size).toBe(0);
      expect(events.error).toEqual([{ code: expect.any(String), message: 'bye', closeCode: code }]);
      client.connect();
      expect(client.state).toBe('closed');
    });

    it('reports UNAUTHORIZED when the socket closes with 4001', () => {
      const { connectOpen, events } = setup();
      connectOpen().drop(4001);
      expect(events.error[0]).toMatchObject({ code: ErrorCode.UNAUTHORIZED, closeCode: 4001 });
    });

    it('reports BLOCKED with the gateway\'s message when it closes with 4012, fails what was waiting, and never reconnects', async () => {
      const { client, connectOpen, timers, events } = setup();
      const socket = connectOpen();
      const { acked } = client.send({ conversationId: 'c1', body: 'Still there?' });
      const listed = client.request({ type: 'conversation.list', limit: 10 });
      const message = 'You cannot chat here: the support team of this website has blocked this chat.';
      socket.receive({ type: 'error', code: 'BLOCKED', message });
      socket.drop(4012, 'blocked');
      expect(client.state).toBe('closed');
      expect(events.state.at(-1)).toBe('closed');
      expect(events.error).toEqual([{ type: 'error', code: 'BLOCKED', message }, { code: 'BLOCKED', message, closeCode: 4012 }]);
      await expect(acked).rejects.toMatchObject({ code: 'BLOCKED', message });
      await expect(listed).rejects.toMatchObject({ code: 'BLOCKED' });
      expect(timers.pending.size).toBe(0);
      client.connect();
      expect(client.state).toBe('closed');
      // What the visitor wrote stays in the outbox; a later page may send it if the block is lifted.
      expect(client.pending()).toEqual([expect.objectContaining({ body: 'Still there?' })]);
    });

    it('reports BLOCKED when the gateway refuses a new socket before its hello', () => {
      const { client, socket, timers, events } = setup();
      client.connect();
      socket().open();
      socket().receive({ type: 'error', code: 'BLOCKED', message: 'You cannot chat here.' });
      socket().drop(4012, 'blocked');
      expect(client.state).toBe('closed');
      expect(events.error.at(-1)).toEqual({ code: 'BLOCKED', message: 'You cannot chat here.', closeCode: 4012 });
      expect(timers.pending.size).toBe(0);
    });

    it('stops, closes the socket and emits reload when a reload frame arrives', () => {
      const { client, connectOpen, timers, events } = setup();
      const socket = connectOpen();
      const reload: ServerFrame = { type: 'reload', reason: 'upgrade', versions: [PROTOCOL_VERSION + 1] };
      socket.receive(reload);
      socket.drop(4002);
      expect(client.state).toBe('closed');
      expect(socket.closedWith).toBe(1000);
      expect(events.reload).toEqual([reload]);
      expect(events.error).toEqual([]);
      expect(timers.pending.size).toBe(0);
    });

    it('stops without reconnecting and rejects what is waiting when close() is called', async () => {
      const { client, connectOpen, timers, events } = setup();
      const socket = connectOpen();
      const answer = client.request({ type: 'ping' });
      const { acked } = client.send({ conversationId: 'c1', body: 'hi' });
      client.close();
      expect(socket.closedWith).toBe(1000);
      expect(client.state).toBe('closed');
      expect(events.state.at(-1)).toBe('closed');
      expect(timers.pending.size).toBe(0);
      await expect(answer).rejects.toMatchObject({ code: 'CLOSED' });
      await expect(acked).rejects.toMatchObject({ code: 'CLOSED' });
      expect(client.pending()).toHaveLength(1);
      await expect(client.request({ type: 'ping' })).rejects.toMatchObject({ code: 'CLOSED' });
    });
  });

  describe('going offline', () => {
    it('closes the socket and leaves open at once when the device goes offline, keeping what is sent meanwhile', async () => {
      const net = fakeNetwork();
      const { client, connectOpen, events } = setup({ network: net.network });
      const socket = connectOpen();
      const ping = client.request({ type: 'ping' });
      net.offline();
      expect(client.state).toBe('connecting');
      expect(events.state).toEqual(['connecting', 'open', 'connecting']);
      expect(socket.closedWith).toBe(1000);
      await expect(ping).rejects.toMatchObject({ code: 'DISCONNECTED' });
      client.send({ conversationId: 'c1', body: 'written offline' });
      expect(socket.ofType('message.send')).toEqual([]);
      expect(client.pending()).toEqual([expect.objectContaining({ body: 'written offline' })]);
    });

    it.each([
      ['after the offline event', (net: FakeNetwork) => net.offline()],
      // A browser may close the socket before it fires `offline`; `navigator.onLine` is false by then.
      ['before the offline event', (net: FakeNetwork) => net.lose()],
    ])('makes no reconnect attempt when the socket closes offline %s', (_when, goOffline) => {
      const net = fakeNetwork();
      const { client, connectOpen, sockets, timers } = setup({ network: net.network });
      const socket = connectOpen();
      goOffline(net);
      socket.drop(1006);
      expect(client.state).toBe('connecting');
      expect(timers.pending.size).toBe(0);
      expect(sockets).toHaveLength(1);
    });

    it('opens no socket when connect() is called offline, and opens one when the device is back online', () => {
      const net = fakeNetwork();
      net.offline();
      const { client, sockets, timers } = setup({ network: net.network });
      client.connect();
      expect(client.state).toBe('connecting');
      expect(sockets).toEqual([]);
      expect(timers.pending.size).toBe(0);
      net.online();
      expect(sockets).toHaveLength(1);
    });

    it('reconnects at once when the device is back online and sends the outbox once after resume', () => {
      const net = fakeNetwork();
      const { client, connectOpen, socket, sockets, timers } = setup({ network: net.network });
      client.setCursor('c1', 4);
      connectOpen();
      client.send({ conversationId: 'c1', body: 'sent, not acknowledged' });
      net.online(); // Already connected: nothing to do.
      expect(sockets).toHaveLength(1);
      net.offline();
      client.send({ conversationId: 'c1', body: 'written offline' });
      net.online();
      expect(sockets).toHaveLength(2);
      expect(timers.delays).toEqual([]);
      socket().open();
      socket().hello();
      expect(client.state).toBe('open');
      expect(socket().sent.map((f) => f.type)).toEqual(['resume', 'message.send', 'message.send']);
      expect(socket().ofType('message.send').map((f) => f.clientMessageId)).toEqual(['m1', 'm2']);
      socket().receive(ack('m1', 5));
      socket().receive(ack('m2', 6));
      expect(client.pending()).toEqual([]);
    });

    it('cuts a backoff wait short and starts the delays over when the device is back online', () => {
      const net = fakeNetwork();
      const { client, socket, sockets, timers } = setup({ network: net.network, backoff: { initialMs: 100, maxMs: 400 } });
      client.connect();
      for (let i = 0; i < 3; i++) {
        socket().drop(1006);
        timers.runNext();
      }
      socket().drop(1006);
      expect(timers.delays).toEqual([50, 100, 200, 200]);
      net.offline();
      expect(timers.pending.size).toBe(0);
      net.online();
      expect(sockets).toHaveLength(5);
      socket().drop(1006);
      expect(timers.delays.at(-1)).toBe(50);
    });

    it('listens to the network only from connect() until the client stops', () => {
      const net = fakeNetwork();
      const { client, connectOpen, sockets } = setup({ network: net.network });
      expect(net.listeners).toHaveLength(0);
      connectOpen();
      expect(net.listeners).toHaveLength(1);
      client.close();
      expect(net.listeners).toHaveLength(0);
      net.offline();
      net.online();
      expect(sockets).toHaveLength(1);
      expect(client.state).toBe('closed');

      const blocked = setup({ network: net.network });
      blocked.connectOpen().drop(4012);
      expect(net.listeners).toHaveLength(0);
    });
  });

  describe('request', () => {
    it('resolves each request with the frame carrying its ref when answers arrive out of order', async () => {
      const { client, connectOpen } = setup();
      const socket = connectOpen();
      const list = client.request({ type: 'conversation.list', status: 'open' });
      const ping = client.request({ type: 'ping' });
      const [listFrame, pingFrame] = socket.sent;
      expect(listFrame).toEqual({ type: 'conversation.list', status: 'open', ref: expect.any(String) });
      expect(pingFrame!.ref).not.toBe(listFrame!.ref);
      socket.receive({ type: 'pong', ref: pingFrame!.ref as string });
      socket.receive({ type: 'conversation.list.result', ref: listFrame!.ref as string, conversations: [] });
      await expect(ping).resolves.toEqual({ type: 'pong', ref: pingFrame!.ref });
      await expect(list).resolves.toMatchObject({ type: 'conversation.list.result', conversations: [] });
    });

    it('rejects with the code when an error frame carries its ref', async () => {
      const { client, connectOpen } = setup();
      const socket = connectOpen();
      const history = client.request({ type: 'conversation.history', conversationId: 'nope' });
      socket.receive(errorFrame(socket.sent[0]!.ref, ErrorCode.NOT_FOUND));
      await expect(history).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, message: 'NOT_FOUND!' });
    });

    it('rejects with DISCONNECTED when the socket closes before the answer', async () => {
      const { client, connectOpen } = setup();
      const ping = client.request({ type: 'ping' });
      connectOpen().drop(1006);
      await expect(ping).rejects.toMatchObject({ code: 'DISCONNECTED' });
    });

    it('waits until hello before sending when called while connecting', async () => {
      const { client, socket } = setup();
      client.connect();
      const ping = client.request({ type: 'ping' });
      socket().open();
      expect(socket().sent).toEqual([]);
      socket().hello();
      expect(socket().sent).toEqual([{ type: 'ping', ref: expect.any(String) }]);
      socket().receive({ type: 'pong', ref: socket().sent[0]!.ref as string });
      await expect(ping).resolves.toMatchObject({ type: 'pong' });
    });
  });

  describe('robustness', () => {
    it('emits BAD_FRAME and keeps going when a frame does not parse', () => {
      const { connectOpen, events } = setup();
      const socket = connectOpen();
      socket.receive('not json');
      socket.receive('{"type":"message.created"}');
      socket.receive(created(1));
      expect(events.error.map((e) => e.code)).toEqual(['BAD_FRAME', 'BAD_FRAME']);
      expect(events.message).toHaveLength(1);
      expect(events.frame.map((f) => f.type)).toEqual(['hello', 'message.created']);
    });

    it('keeps processing frames when a listener throws', () => {
      const report = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { client, connectOpen, events } = setup();
      client.on('message', () => {
        throw new Error('listener bug');
      });
      const socket = connectOpen();
      socket.receive(created(1));
      socket.receive(created(2));
      expect(events.message.map((m) => m.seq)).toEqual([1, 2]);
      expect(client.cursor('c1')).toBe(2);
      if (!('reportError' in globalThis)) expect(report).toHaveBeenCalledTimes(2);
    });
  });
});
