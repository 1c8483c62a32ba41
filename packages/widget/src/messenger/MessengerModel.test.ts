import { localStorageOutboxStore, memoryOutboxStore, type OutboxStore } from '@parley/client/light';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { storageKeys } from '../shared/storage-keys.ts';
import { createFakeGateway, message, settle, summary, type FakeGateway } from './fake-transport.ts';
import { createMessengerModel, type KeyValueStorage, type MessengerModel } from './MessengerModel.ts';

const keys = storageKeys('demo');

function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

/** The gateway's ack of a new conversation's first message (`conv-1`, started as `cc-1`), sent as `frame`. */
const firstAck = (frame: Record<string, unknown>, messageId: string) => ({
  type: 'message.ack' as const,
  ref: frame.ref as string,
  conversationId: 'conv-1',
  clientConversationId: 'cc-1',
  clientMessageId: frame.clientMessageId as string,
  messageId,
  seq: 1,
  createdAt: new Date().toISOString(),
  duplicate: false,
});

describe('createMessengerModel', () => {
  let gateway: FakeGateway;
  let storage: ReturnType<typeof memoryStorage>;
  let outbox: OutboxStore;
  let model: MessengerModel;
  let ids: number;

  const create = () => {
    model = createMessengerModel({ transport: gateway.transport, storage, outbox, appId: 'demo', session: gateway.session(storage), newId: () => `cc-${++ids}` });
    return model;
  };

  beforeEach(() => {
    gateway = createFakeGateway();
    storage = memoryStorage();
    outbox = localStorageOutboxStore(storage, keys.outbox);
    ids = 0;
  });
  afterEach(() => model?.dispose());

  it('does nothing until it is opened', async () => {
    create();
    await settle();
    expect(gateway.sessionsCreated).toBe(0);
    expect(gateway.sockets).toHaveLength(0);
    expect(storage.data.size).toBe(0);
  });

  it("asks the SDK's session for a token and connects with it when opened by a new visitor", async () => {
    create().setOpen(true);
    await settle();
    expect(gateway.sessionsCreated).toBe(1);
    expect(storage.data.get(keys.session)).toBe(gateway.tokens[0]);
    expect(gateway.socket().url).toBe('ws://gateway.test/ws/visitor?v=1');
    expect(gateway.socket().protocols).toEqual(['parley', `parley-token.${gateway.tokens[0]}`]);
    expect(model.status.value).toBe('connecting');
    gateway.socket().hello(500);
    expect(model.status.value).toBe('online');
    expect(model.maxLength.value).toBe(500);
  });

  it('stores a fresh client conversation id before the first message leaves, then the conversation id from the ack', async () => {
    create().setOpen(true);
    await settle();
    const socket = gateway.socket();
    socket.hello();
    let storedWhenSent: string | null | undefined;
    gateway.onSend = (frame) => {
      if (frame.type === 'message.send') storedWhenSent = storage.getItem(keys.conversation);
    };
    model.draft.value = '  Hello there  ';
    expect(model.send()).toBe(true);
    expect(model.draft.value).toBe('');
    const [frame] = socket.frames('message.send');
    expect(frame).toMatchObject({ clientConversationId: 'cc-1', body: 'Hello there' });
    expect(JSON.parse(storedWhenSent!)).toEqual({ clientConversationId: 'cc-1' });
    expect(model.items.value).toMatchObject([{ body: 'Hello there', from: 'me', state: 'sending' }]);

    socket.serverSend(firstAck(frame!, 'm-1'));
    expect(model.items.value).toMatchObject([{ key: 'm-1', body: 'Hello there', from: 'me', state: 'sent' }]);
    expect(JSON.parse(storage.getItem(keys.conversation)!)).toEqual({ id: 'conv-1', clientConversationId: 'cc-1' });
    expect(outbox.load()).toEqual([]);

    model.draft.value = 'Second';
    model.send();
    expect(socket.frames('message.send')[1]).toMatchObject({ conversationId: 'conv-1', body: 'Second' });
  });

  it('does not send an empty draft', async () => {
    create();
    model.draft.value = '  \n ';
    expect(model.send()).toBe(false);
    expect(outbox.load()).toEqual([]);
  });

  it("shows the returning visitor's most recent conversation and resumes from its last seq", async () => {
    storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    gateway.conversations = [
      { id: 'conv-9', appId: 'demo', status: 'open', lastSeq: 2, lastMessageAt: null, createdAt: '2025-01-01T00:00:00Z', preview: null, clientConversationId: 'cc-old' },
      { id: 'conv-1', appId: 'demo', status: 'open', lastSeq: 5, lastMessageAt: null, createdAt: '2024-01-01T00:00:00Z', preview: null },
    ];
    gateway.histories['conv-9'] = [
      message({ conversationId: 'conv-9', seq: 1, body: 'Hi', author: { kind: 'visitor', id: 'v' }, clientMessageId: 'x1' }),
      message({ conversationId: 'conv-9', seq: 2, body: 'Hello, how can I help?' }),
    ];
    create().setOpen(true);
    await settle();
    expect(gateway.sessionsCreated).toBe(0);
    expect(gateway.socket().protocols).toContain('parley-token.stored-token-abcdefghijklmnopqrstuvwxyz');
    gateway.socket().hello();
    await settle();
    expect(JSON.parse(storage.getItem(keys.conversation)!)).toEqual({ id: 'conv-9', clientConversationId: 'cc-old' });
    expect(model.items.value).toMatchObject([
      { body: 'Hi', from: 'me', state: 'sent' },
      { body: 'Hello, how can I help?', from: 'agent', authorName: 'Dana' },
    ]);

    gateway.socket().serverSend({ type: 'message.created', message: message({ conversationId: 'conv-9', seq: 3, body: 'Still there?' }) });
    gateway.socket().serverSend({ type: 'message.created', message: message({ conversationId: 'other', seq: 1, body: 'Not this one' }) });
    expect(model.items.value.map((i) => i.body)).toEqual(['Hi', 'Hello, how can I help?', 'Still there?']);

    // The connection drops; the next socket resumes after the last seq shown.
    gateway.socket().serverClose(1006);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gateway.sockets).toHaveLength(2);
    gateway.socket().hello();
    expect(gateway.socket().frames('resume')[0]?.cursors).toContainEqual({ conversationId: 'conv-9', seq: 3 });
    expect(gateway.socket().frames('conversation.history')).toEqual([]);
  });

  it('forgets a stored conversation the gateway does not know and starts a new one on the next message', async () => {
    storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    storage.setItem(keys.conversation, JSON.stringify({ id: 'gone' }));
    create().setOpen(true);
    await settle();
    gateway.socket().hello();
    await settle();
    expect(storage.getItem(keys.conversation)).toBeNull();
    model.draft.value = 'New start';
    model.send();
    expect(gateway.socket().frames('message.send')[0]).toMatchObject({ clientConversationId: 'cc-1', body: 'New start' });
  });

  it('resends a message left in the outbox by an earlier page, to the same conversation', async () => {
    storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    storage.setItem(keys.conversation, JSON.stringify({ clientConversationId: 'cc-7' }));
    outbox.save([{ v: 1, clientMessageId: 'msg-left-behind', clientConversationId: 'cc-7', body: 'Typed before the tab closed', createdAt: 1 }]);
    create().start();
    await settle();
    expect(model.items.value).toMatchObject([{ body: 'Typed before the tab closed', state: 'sending' }]);
    gateway.socket().hello();
    await settle();
    expect(gateway.socket().frames('message.send')).toEqual([
      expect.objectContaining({ clientMessageId: 'msg-left-behind', clientConversationId: 'cc-7', body: 'Typed before the tab closed' }),
    ]);
    expect(model.open.value).toBe(false);
  });

  /** A returning visitor (stored session and conversation `conv-old`) opens the messenger and sends `text`. */
  async function writeWithStoredSession(token: string, text: string) {
    storage.setItem(keys.session, token);
    storage.setItem(keys.conversation, JSON.stringify({ id: 'conv-old' }));
    create().setOpen(true);
    await settle();
    model.draft.value = text;
    model.send();
  }

  it('replaces a session the socket no longer knows (4001) and keeps what the visitor typed', async () => {
    await writeWithStoredSession('gone-token-abcdefghijklmnopqrstuvwxyz', 'Anyone?');
    gateway.socket().serverClose(4001, 'unauthorized');
    await settle();
    await settle();
    expect(gateway.sessionsCreated).toBe(1);
    expect(storage.getItem(keys.session)).toBe(gateway.tokens[0]);
    expect(storage.getItem(keys.conversation)).toBe(JSON.stringify({ clientConversationId: 'cc-1' }));
    expect(gateway.sockets).toHaveLength(2);
    expect(gateway.socket().protocols).toContain(`parley-token.${gateway.tokens[0]}`);
    gateway.socket().hello();
    expect(gateway.socket().frames('message.send')).toEqual([expect.objectContaining({ body: 'Anyone?', clientConversationId: 'cc-1' })]);
    expect(gateway.socket().frames('message.send')[0]).not.toHaveProperty('conversationId');
  });

  it('forgets what the visitor typed when their session is signed out (4010, shutdown in another tab), and makes a new session only when the visitor acts', async () => {
    await writeWithStoredSession('signed-out-token-abcdefghijklmnopqrstuvwxyz', 'My card number is private');
    expect(outbox.load()).toHaveLength(1);
    gateway.socket().serverClose(4010, 'session ended');
    // The other tab's shutdown clears the stored session.
    storage.removeItem(keys.session);
    await settle();
    await settle();
    expect(outbox.load()).toEqual([]);
    expect(model.items.value).toEqual([]);
    expect(storage.getItem(keys.conversation)).toBeNull();
    expect(model.status.value).toBe('idle');
    // No new session and no socket until the next person writes (or opens the messenger).
    expect(gateway.sessionsCreated).toBe(0);
    expect(gateway.sockets).toHaveLength(1);
    model.draft.value = 'Hello, I am someone else';
    model.send();
    await settle();
    expect(gateway.sessionsCreated).toBe(1);
    expect(gateway.sockets).toHaveLength(2);
    expect(gateway.socket().protocols).toContain(`parley-token.${gateway.tokens[0]}`);
    gateway.socket().hello();
    expect(gateway.socket().frames('message.send')).toEqual([expect.objectContaining({ body: 'Hello, I am someone else', clientConversationId: 'cc-1' })]);
  });

  it('after a sign-out in another tab, opening the messenger again starts a session', async () => {
    await writeWithStoredSession('signed-out-token-abcdefghijklmnopqrstuvwxyz', 'Hi');
    model.setOpen(false);
    gateway.socket().serverClose(4010, 'session ended');
    storage.removeItem(keys.session);
    await settle();
    expect(gateway.sockets).toHaveLength(1);
    model.setOpen(true);
    await settle();
    expect(gateway.sessionsCreated).toBe(1);
    expect(gateway.sockets).toHaveLength(2);
  });

  it('stops instead of looping when a brand-new session is refused too', async () => {
    create().setOpen(true);
    await settle();
    gateway.socket().serverClose(4001);
    await settle();
    expect(gateway.sessionsCreated).toBe(2);
    gateway.socket().serverClose(4001);
    await settle();
    expect(gateway.sessionsCreated).toBe(2);
    expect(model.status.value).toBe('failed');
  });

  it('stops for good when an agent blocks the visitor: no reconnect, the SDK hears BLOCKED with the gateway\'s words', async () => {
    const errors: { code: string; message: string }[] = [];
    model = createMessengerModel({ transport: gateway.transport, storage, outbox, appId: 'demo', session: gateway.session(storage), events: { error: (e) => errors.push(e) } });
    model.setOpen(true);
    await settle();
    const socket = gateway.socket();
    socket.hello();
    const words = 'You cannot chat here: the support team of this website has blocked this chat.';
    socket.serverSend({ type: 'error', code: 'BLOCKED', message: words });
    socket.serverClose(4012, 'blocked');
    await settle();
    expect(model.status.value).toBe('blocked');
    expect(errors).toEqual([{ code: 'BLOCKED', message: words }]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gateway.sockets).toHaveLength(1);
    // Opening again, or sending, does not start over.
    model.setOpen(false);
    model.setOpen(true);
    await settle();
    expect(gateway.sockets).toHaveLength(1);
    expect(gateway.sessionsCreated).toBe(1);
  });

  it('is blocked when the gateway refuses a blocked address a session', async () => {
    gateway.createSession = () => Promise.reject(Object.assign(new Error('You cannot chat here.'), { name: 'SessionError', code: 'BLOCKED', status: 403 }));
    create().setOpen(true);
    await settle();
    expect(model.status.value).toBe('blocked');
    expect(model.notice.value).toBeNull();
    expect(gateway.sockets).toHaveLength(0);
  });

  it('asks for a reload when the gateway no longer speaks its protocol version', async () => {
    create().setOpen(true);
    await settle();
    gateway.socket().serverSend({ type: 'reload', reason: 'old', versions: [2] });
    expect(model.status.value).toBe('reload');
  });

  it('tells the visitor when the gateway refuses a message for good, and drops it from the list', async () => {
    create().setOpen(true);
    await settle();
    const socket = gateway.socket();
    socket.hello();
    model.draft.value = 'x'.repeat(20);
    model.send();
    const frame = socket.frames('message.send')[0]!;
    socket.serverSend({ type: 'error', ref: frame.ref as string, frameType: 'message.send', code: 'MESSAGE_TOO_LONG', message: 'Messages can be at most 10 characters.' });
    expect(model.notice.value).toEqual({ key: 'error.tooLong', params: { max: 1000 } });
    expect(model.items.value).toEqual([]);
    socket.serverSend({ type: 'error', frameType: 'message.send', code: 'RATE_LIMITED', message: 'Slow down.' });
    expect(model.notice.value).toEqual({ key: 'error.tooLong', params: { max: 1000 } });
  });

  it('shows a failure with a retry when the gateway cannot be reached', async () => {
    let fail = true;
    const original = gateway.createSession;
    gateway.createSession = () => (fail ? Promise.reject(Object.assign(new Error('offline'), { name: 'SessionError', code: 'NETWORK', status: 0 })) : original());
    create().setOpen(true);
    await settle();
    expect(model.status.value).toBe('failed');
    expect(model.notice.value).toEqual({ key: 'error.network' });
    fail = false;
    model.retry();
    await settle();
    expect(model.status.value).toBe('connecting');
    expect(model.notice.value).toBeNull();
  });

  it('keeps messages once each and in seq order whatever order they arrive in', async () => {
    storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
    storage.setItem(keys.conversation, JSON.stringify({ id: 'c' }));
    gateway.conversations = [summary('c', { lastSeq: 1 })];
    gateway.histories.c = [message({ conversationId: 'c', seq: 1, body: 'one' })];
    outbox = memoryOutboxStore();
    create().setOpen(true);
    await settle();
    const socket = gateway.socket();
    socket.hello();
    await settle();
    socket.serverSend({ type: 'message.created', message: message({ conversationId: 'c', seq: 3, body: 'three' }) });
    socket.serverSend({ type: 'message.created', message: message({ conversationId: 'c', seq: 2, body: 'two' }) });
    socket.serverSend({ type: 'resume.done' });
    socket.serverSend({ type: 'message.created', message: message({ conversationId: 'c', seq: 2, body: 'two' }) });
    expect(model.items.value.map((i) => i.body)).toEqual(['one', 'two', 'three']);
  });

  describe('with several conversations', () => {
    const returning = async (events: Parameters<typeof createMessengerModel>[0]['events'] = {}) => {
      storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
      gateway.conversations = [
        summary('new', { lastSeq: 2, lastMessageAt: '2025-03-02T10:00:00Z', preview: 'Latest', unread: 1 }),
        summary('old', { lastSeq: 4, lastMessageAt: '2025-03-01T10:00:00Z', preview: 'Older', unread: 2, status: 'closed' }),
      ];
      gateway.histories.new = [message({ conversationId: 'new', seq: 1, body: 'Hi', author: { kind: 'visitor', id: 'v' } }), message({ conversationId: 'new', seq: 2, body: 'Hello!' })];
      gateway.histories.old = [message({ conversationId: 'old', seq: 4, body: 'Bye' })];
      model = createMessengerModel({ transport: gateway.transport, storage, outbox, appId: 'demo', session: gateway.session(storage), newId: () => `cc-${++ids}`, events });
      model.setOpen(true);
      await settle();
      gateway.socket().hello();
      await settle();
      await settle();
      return gateway.socket();
    };

    it('lists them with unread counts, marks the one on screen read, and reports the total to the launcher', async () => {
      const counts: number[] = [];
      const socket = await returning({ unreadCountChange: (n) => counts.push(n) });
      expect(model.conversations.value.map((c) => c.id)).toEqual(['new', 'old']);
      // The most recent is on screen, so its reply is read at once.
      expect(socket.frames('conversation.read')).toEqual([expect.objectContaining({ conversationId: 'new', seq: 2 })]);
      expect(model.unread.value).toEqual({ new: 0, old: 2 });
      expect(counts.at(-1)).toBe(2);

      socket.serverSend({ type: 'message.created', message: message({ conversationId: 'old', seq: 5, body: 'Are you still there?', createdAt: '2025-03-03T09:00:00Z' }) });
      expect(model.unreadTotal.value).toBe(3);
      expect(model.conversations.value[0]).toMatchObject({ id: 'old', lastSeq: 5 });
      // The gateway's list row follows every message, with its preview.
      socket.serverSend({ type: 'conversation.updated', conversation: { ...model.conversations.value[0]!, preview: 'Are you still there?' } });
      expect(model.conversations.value[0]).toMatchObject({ id: 'old', preview: 'Are you still there?', lastSeq: 5 });
      expect(model.unreadTotal.value).toBe(3);
      expect(model.items.value.map((i) => i.body)).toEqual(['Hi', 'Hello!']);

      model.showConversation('old');
      await settle();
      expect(model.items.value.map((i) => i.body)).toEqual(['Bye']);
      expect(model.ended.value).toBe(true);
      expect(socket.frames('conversation.read').at(-1)).toMatchObject({ conversationId: 'old', seq: 4 });
      expect(counts.at(-1)).toBe(0);
    });

    it('counts replies while the messenger is closed or the page hidden, and not while the visitor reads them', async () => {
      const socket = await returning();
      model.setOpen(false);
      socket.serverSend({ type: 'message.created', message: message({ conversationId: 'new', seq: 3, body: 'Ping' }) });
      expect(model.unread.value.new).toBe(1);
      model.setOpen(true);
      expect(model.unread.value.new).toBe(0);
      expect(socket.frames('conversation.read').at(-1)).toMatchObject({ conversationId: 'new', seq: 3 });
      model.pageVisible.value = false;
      socket.serverSend({ type: 'message.created', message: message({ conversationId: 'new', seq: 4, body: 'Pong' }) });
      expect(model.unread.value.new).toBe(1);
      model.showList();
      model.pageVisible.value = true;
      expect(model.unread.value.new).toBe(1);
      // The visitor read it in another tab.
      socket.serverSend({ type: 'conversation.read', conversationId: 'new', reader: { kind: 'visitor', id: 'v' }, seq: 4, readAt: '' });
      expect(model.unread.value.new).toBe(0);
    });

    it("shows the visitor's own messages as seen once an agent has read them", async () => {
      const socket = await returning();
      expect(model.items.value[0]).toMatchObject({ body: 'Hi', state: 'sent' });
      socket.serverSend({ type: 'conversation.read', conversationId: 'new', reader: { kind: 'agent', id: 'a' }, seq: 1, readAt: '' });
      expect(model.items.value[0]).toMatchObject({ body: 'Hi', state: 'seen' });
    });

    it('shows an agent typing in the current conversation until they stop, write, or go quiet', async () => {
      const timers: (() => void)[] = [];
      storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
      gateway.conversations = [summary('new', { lastSeq: 0 })];
      gateway.histories.new = [];
      model = createMessengerModel({ transport: gateway.transport, storage, outbox, appId: 'demo', session: gateway.session(storage), setTimeout: (fn) => timers.push(fn), clearTimeout: () => {} });
      model.setOpen(true);
      await settle();
      const socket = gateway.socket();
      socket.hello();
      await settle();
      const typing = (state: 'start' | 'stop', conversationId = 'new') =>
        socket.serverSend({ type: 'typing', conversationId, state, author: { kind: 'agent', id: 'a', name: 'Dana' } });
      typing('start', 'elsewhere');
      expect(model.typing.value).toBeNull();
      typing('start');
      expect(model.typing.value).toEqual({ name: 'Dana' });
      typing('stop');
      expect(model.typing.value).toBeNull();
      typing('start');
      socket.serverSend({ type: 'message.created', message: message({ conversationId: 'new', seq: 1, body: 'Here you go' }) });
      expect(model.typing.value).toBeNull();
      typing('start');
      timers.at(-1)!();
      expect(model.typing.value).toBeNull();
    });

    it("tells the agents the visitor is typing, at most every few seconds, and that they stopped after a pause", async () => {
      const timers: (() => void)[] = [];
      let now = 10_000;
      const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
      storage.setItem(keys.session, 'stored-token-abcdefghijklmnopqrstuvwxyz');
      gateway.conversations = [summary('new', { lastSeq: 0 })];
      gateway.histories.new = [];
      model = createMessengerModel({ transport: gateway.transport, storage, outbox, appId: 'demo', session: gateway.session(storage), setTimeout: (fn) => timers.push(fn), clearTimeout: () => {} });
      model.setOpen(true);
      await settle();
      const socket = gateway.socket();
      socket.hello();
      await settle();
      model.setDraft('H');
      model.setDraft('He');
      now += 1000;
      model.setDraft('Hel');
      expect(socket.frames('typing')).toEqual([expect.objectContaining({ conversationId: 'new', state: 'start' })]);
      now += 5000;
      model.setDraft('Hell');
      expect(socket.frames('typing').map((f) => f.state)).toEqual(['start', 'start']);
      timers.at(-1)!();
      expect(socket.frames('typing').map((f) => f.state)).toEqual(['start', 'start', 'stop']);
      clock.mockRestore();
    });

    it('ends the conversation, reports it, and starts a new one on request', async () => {
      const ended: string[] = [];
      const socket = await returning({ conversationEnded: (id) => ended.push(id) });
      model.confirmingEnd.value = true;
      await model.end();
      expect(socket.frames('conversation.end')).toEqual([expect.objectContaining({ conversationId: 'new' })]);
      expect(model.ended.value).toBe(true);
      expect(model.confirmingEnd.value).toBe(false);
      expect(ended).toEqual(['new']);

      model.newConversation('Another question');
      expect(model.conversationId.value).toBeUndefined();
      expect(model.items.value).toEqual([]);
      expect(model.draft.value).toBe('Another question');
      expect(model.ended.value).toBe(false);
      model.send();
      expect(socket.frames('message.send').at(-1)).toMatchObject({ clientConversationId: 'cc-1', body: 'Another question' });
    });

    it("tells the page of every change the gateway reports in a conversation's row: ended or reopened, by anyone", async () => {
      const changes: { id: string; status: string }[] = [];
      const socket = await returning({ conversationUpdated: (c) => changes.push({ id: c.id, status: c.status }) });
      // An agent ends the chat on screen, then reopens the older one with a reply.
      socket.serverSend({ type: 'conversation.updated', conversation: { ...model.conversations.value[0]!, status: 'closed' } });
      socket.serverSend({ type: 'conversation.updated', conversation: { ...model.conversations.value.find((c) => c.id === 'old')!, status: 'open', lastSeq: 5 } });
      expect(changes).toEqual([
        { id: 'new', status: 'closed' },
        { id: 'old', status: 'open' },
      ]);
      expect(model.ended.value).toBe(true);
    });

    it('shows the list when asked for a conversation it does not know', async () => {
      await returning();
      model.showConversation('nope');
      expect(model.view.value).toBe('list');
      expect(model.conversationId.value).toBe('new');
    });
  });

  describe('the app settings', () => {
    it('asks for the details the app wants before a new conversation, saves them, then lets the visitor write', async () => {
      gateway.app.preChat = { name: 'optional', email: 'required' };
      create().setOpen(true);
      await settle();
      expect(model.needsPreChat.value).toBe(true);
      expect(await model.saveProfile({ email: 'ayse@example.com' })).toBe(true);
      expect(gateway.profiles).toEqual([{ email: 'ayse@example.com' }]);
      expect(model.needsPreChat.value).toBe(false);
      expect(model.app.value?.visitor.email).toBe('ayse@example.com');
    });

    it('puts the text back and asks again when the gateway still wants the details first', async () => {
      create().setOpen(true);
      await settle();
      const socket = gateway.socket();
      socket.hello();
      model.draft.value = 'Hello';
      model.send();
      gateway.app.preChat = { name: 'off', email: 'required' };
      const frame = socket.frames('message.send')[0]!;
      socket.serverSend({ type: 'error', ref: frame.ref as string, frameType: 'message.send', code: 'PRECHAT_REQUIRED', message: 'e-mail first' });
      await settle();
      expect(model.draft.value).toBe('Hello');
      expect(model.items.value).toEqual([]);
      expect(model.needsPreChat.value).toBe(true);
    });

    it('offers to take an e-mail once the visitor wrote and nobody is online', async () => {
      create().setOpen(true);
      await settle();
      const socket = gateway.socket();
      socket.hello();
      socket.serverSend({ type: 'availability', status: 'offline' });
      expect(model.availability.value).toBe('offline');
      expect(model.asksEmail.value).toBe(false);
      model.draft.value = 'Anyone?';
      model.send();
      expect(model.asksEmail.value).toBe(true);
      socket.serverSend({ type: 'availability', status: 'online' });
      expect(model.asksEmail.value).toBe(false);
    });
  });

  it('stops offering to take an e-mail once an agent answered, whatever the team status; a bot reply does not count', async () => {
    create().setOpen(true);
    await settle();
    const socket = gateway.socket();
    socket.hello();
    socket.serverSend({ type: 'availability', status: 'away' });
    model.draft.value = 'Anyone?';
    model.send();
    const [frame] = socket.frames('message.send');
    socket.serverSend(firstAck(frame!, 'm-conv-1-1'));
    // Its echo, then the bot's auto-reply.
    socket.serverSend({ type: 'message.created', message: message({ conversationId: 'conv-1', seq: 1, body: 'Anyone?', author: { kind: 'visitor', id: 'v' }, clientMessageId: frame!.clientMessageId as string }) });
    socket.serverSend({ type: 'message.created', message: message({ conversationId: 'conv-1', seq: 2, body: 'Thanks, we will be in touch.', author: { kind: 'system', id: 'bot', name: 'Bot' } }) });
    expect(model.items.value.map((i) => i.from)).toEqual(['me', 'system']);
    expect(model.asksEmail.value).toBe(true);
    // The agent signed in without going Online answers: they are here.
    socket.serverSend({ type: 'message.created', message: message({ conversationId: 'conv-1', seq: 3, body: 'Hi! How can I help?' }) });
    expect(model.items.value.map((i) => i.from)).toEqual(['me', 'system', 'agent']);
    expect(model.asksEmail.value).toBe(false);
    // The visitor writes again and nobody answers yet: the offer comes back.
    model.draft.value = 'Is it in stock?';
    model.send();
    expect(model.asksEmail.value).toBe(true);
  });

  it("asks the SDK's session for a new token after 4001, and never stores one itself", async () => {
    const asked: unknown[] = [];
    const session = (options?: { renew?: boolean }) => (asked.push(options), Promise.resolve(`sdk-token-${asked.length}-abcdefghijklmnopqrstuvwxyz`));
    model = createMessengerModel({ transport: gateway.transport, storage, outbox, appId: 'demo', session });
    model.setOpen(true);
    await settle();
    expect(gateway.sessionsCreated).toBe(0);
    expect(gateway.socket().protocols).toContain('parley-token.sdk-token-1-abcdefghijklmnopqrstuvwxyz');
    gateway.socket().serverClose(4001);
    await settle();
    await settle();
    expect(asked).toEqual([undefined, { renew: true }]);
    expect(gateway.socket().protocols).toContain('parley-token.sdk-token-2-abcdefghijklmnopqrstuvwxyz');
    expect(storage.data.has(keys.session)).toBe(false);
  });
});
