import { describe, expect, it, vi } from 'vitest';
import { silentAlerts, type AlertsTransport } from './AlertsModel.ts';
import { ApiError } from './api.ts';
import { createConsoleModel } from './ConsoleModel.ts';
import { deferred, fakeApi, fakeClient, flush, message, summary, type FakeClient } from './test-support/fakes.ts';
import { conversationRouting, offer, routingQueue, snapshot } from './test-support/routing.ts';
import { agentTicket } from './test-support/tickets.ts';

const agent = { id: 'a1', name: 'Ada', email: 'agent@example.com', role: 'admin', workspaceId: 'w1' };

function setup({ signedIn = true, role = 'admin' } = {}, routes: Record<string, (body?: unknown) => unknown> = {}, alerts?: AlertsTransport) {
  const api = fakeApi({
    'GET /api/agent/routing': () => snapshot({ offers: [offer('o1', { conversationId: 'c3' })] }),
    'POST /api/agent/offers/o1/accept': () => ({ ok: true }),
    'GET /api/agent/conversations/c3/messages?limit=50': () => ({ messages: [], hasMore: false }),
    'GET /api/agent/conversations/c3': () => ({ conversation: summary('c3') }),
    'GET /api/admin/queues': () => ({ queues: [] }),
    'GET /api/admin/wrap-up-reasons': () => ({ reasons: [] }),
    'GET /api/agent/me': () => {
      if (!signedIn) throw new ApiError(401, 'UNAUTHORIZED', 'Sign in first.');
      return { agent: { ...agent, role } };
    },
    'POST /api/agent/login': () => ({ agent: { ...agent, role } }),
    'POST /api/agent/logout': () => ({ ok: true }),
    'GET /api/agent/views/open': () => ({ conversations: [summary('c1'), summary('c2')] }),
    'GET /api/agent/conversations/c1/messages?limit=50': () => ({ messages: [], hasMore: false }),
    'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1') }),
    'GET /api/agent/tickets?limit=50': () => ({ tickets: [agentTicket(1001)] }),
    ...routes,
  });
  const clients: FakeClient[] = [];
  const reload = vi.fn();
  const model = createConsoleModel({
    api,
    createClient: () => {
      const client = fakeClient();
      clients.push(client);
      return client;
    },
    reload,
    tick: () => () => {},
    ...(alerts && { alerts }),
  });
  return { api, clients, model, reload };
}

describe('createConsoleModel', () => {
  it('connects and loads the inbox once /me says the browser is signed in', async () => {
    const { model, clients } = setup();
    await model.start();
    await flush();
    expect(clients).toHaveLength(1);
    expect(clients[0]!.connected).toBe(true);
    expect(model.connection.value).toBe('connecting');
    expect(model.inbox.value?.rows.value.map((r) => r.conversation.id)).toEqual(['c1', 'c2']);
  });

  it('makes no client while signed out, and one after signing in', async () => {
    const { model, clients } = setup({ signedIn: false });
    await model.start();
    expect(clients).toHaveLength(0);
    expect(model.inbox.value).toBeNull();
    await model.session.signIn('agent@example.com', 'pw');
    expect(clients).toHaveLength(1);
  });

  it('opens a conversation asked for before sign-in once signed in', async () => {
    const { model } = setup({ signedIn: false });
    model.open('c1');
    await model.start();
    await model.session.signIn('agent@example.com', 'pw');
    await flush();
    expect(model.conversation.value?.conversationId).toBe('c1');
    expect(model.inbox.value?.selectedId.value).toBe('c1');
    expect(model.conversation.value?.status.value).toBe('ready');
  });

  it('closes the client, calls logout and shows sign-in when signing out', async () => {
    const { model, clients, api } = setup();
    await model.start();
    model.open('c1');
    await model.signOut();
    expect(clients[0]!.closed).toBe(true);
    expect(api.calls).toContain('POST /api/agent/logout');
    expect(model.session.status.value).toBe('signed-out');
    expect(model.session.error.value).toBeNull();
    expect(model.inbox.value).toBeNull();
    expect(model.conversation.value).toBeNull();
    expect(model.selectedId.value).toBeNull();
  });

  it('returns to sign-in with a reason when the gateway ends the session (close 4010)', async () => {
    const { model, clients } = setup();
    await model.start();
    clients[0]!.emit('error', { code: 'SESSION_ENDED', message: 'signed out', closeCode: 4010 });
    expect(model.session.status.value).toBe('signed-out');
    expect(model.session.error.value).toMatch(/session has ended/);
    expect(clients[0]!.closed).toBe(true);
  });

  it('ignores errors that do not end the session', async () => {
    const { model, clients } = setup();
    await model.start();
    clients[0]!.emit('error', { type: 'error', code: 'RATE_LIMITED', message: 'slow down' });
    expect(model.session.status.value).toBe('signed-in');
  });

  it('reloads the page when the gateway asks for it', async () => {
    const { model, clients, reload } = setup();
    await model.start();
    clients[0]!.emit('reload', { type: 'reload', reason: 'old', versions: [2] });
    expect(reload).toHaveBeenCalledOnce();
  });

  it('replaces the open conversation and disposes the previous one', async () => {
    const { model, clients } = setup();
    await model.start();
    model.open('c1');
    const first = model.conversation.value!;
    model.open('c2');
    expect(model.conversation.value?.conversationId).toBe('c2');
    expect(first).not.toBe(model.conversation.value);
    model.open(null);
    expect(model.conversation.value).toBeNull();
    expect(clients[0]!.listeners('ack')).toBe(0);
  });

  it('reads routing when signed in: the status, the queues, and offers waiting from before', async () => {
    const { model, api } = setup();
    await model.start();
    await flush();
    const desk = model.desk.value!;
    expect(api.calls).toContain('GET /api/agent/routing');
    expect(desk.team.me.value?.status).toBe('online');
    expect(desk.offers.incoming.value.map((i) => i.offer.id)).toEqual(['o1']);
  });

  it('opens the conversation of an accepted offer and puts it in the list', async () => {
    const { model, api } = setup();
    await model.start();
    await flush();
    await model.desk.value!.offers.accept('o1');
    await flush();
    expect(model.conversation.value?.conversationId).toBe('c3');
    expect(model.selectedId.value).toBe('c3');
    expect(api.calls.filter((c) => c === 'GET /api/agent/views/open')).toHaveLength(2);
  });

  it('reads the list and the open conversation again when an accepted offer is for a chat it shows as archived', async () => {
    let head = summary('c3', { archivedAt: '2024-05-01T11:00:00.000Z' });
    const { model, api, clients } = setup({}, { 'GET /api/agent/conversations/c3': () => ({ conversation: head }) });
    await model.start();
    await flush();
    model.open('c3');
    await flush();
    clients[0]!.emit('frame', { type: 'conversation.updated', conversation: head });
    expect(model.conversation.value?.summary.value?.archivedAt).toBe('2024-05-01T11:00:00.000Z');
    // The customer wrote again, so the gateway took it out of the archive.
    head = summary('c3', { lastSeq: 2 });
    await model.desk.value!.offers.accept('o1');
    await flush();
    expect(api.calls.filter((c) => c === 'GET /api/agent/views/open')).toHaveLength(2);
    expect(model.conversation.value?.summary.value?.archivedAt).toBeUndefined();
  });

  it('keeps a chat it resolved in a saved view of closed chats, and closes it', async () => {
    const SAVED = '5d2c1f4e-9d1a-4f0e-8a7b-2c3d4e5f6a70';
    const resolved = summary('c1', { status: 'closed', lastSeq: 2, routing: conversationRouting('a1', { state: 'resolved', wrapUp: 'Order placed' }) });
    const answer = deferred<unknown>();
    const { model, clients } = setup({}, {
      'GET /api/agent/saved-views': () => ({
        views: [{ id: SAVED, name: 'Closed today', filter: { status: 'closed' }, sort: 'activity.desc', group: 'none', createdAt: '2024-05-01T10:00:00.000Z', updatedAt: '2024-05-01T10:00:00.000Z' }],
      }),
      [`GET /api/agent/saved-views/${SAVED}/conversations`]: () => ({ conversations: [], nextCursor: null }),
      'POST /api/agent/conversations/c1/resolve': () => answer.promise,
    });
    await model.start();
    await flush();
    model.open('c1');
    model.views.value!.chooseSaved(SAVED);
    await flush();
    const listed = () => model.inbox.value!.rows.value.map((r) => r.conversation.id);
    expect(listed()).toEqual([]);
    const resolving = model.desk.value!.ownership.resolve('c1', 'Order placed');
    // The gateway tells the consoles before it answers.
    clients[0]!.emit('frame', { type: 'conversation.updated', conversation: resolved });
    expect(listed()).toEqual(['c1']);
    answer.resolve({ conversation: resolved });
    await resolving;
    expect(listed()).toEqual(['c1']);
    expect(model.conversation.value).toBeNull();
  });

  it('closes the open conversation with a notice saying why when access to it is lost', async () => {
    const { model, clients } = setup();
    await model.start();
    await flush();
    model.open('c1');
    clients[0]!.emit('frame', { type: 'routing.access.lost', conversationId: 'c1', reason: 'taken' });
    expect(model.conversation.value).toBeNull();
    expect(model.selectedId.value).toBeNull();
    expect(model.inbox.value?.rows.value.map((r) => r.conversation.id)).toEqual(['c2']);
    expect(model.notices.list.value.map((n) => n.text)).toEqual(['Another agent took the chat with Visitor vc1, so it is no longer in your list.']);
  });

  describe('notices that stop being true', () => {
    const texts = (model: ReturnType<typeof setup>['model']) => model.notices.list.value.map((n) => n.text);

    it('takes back "not accepted in time" once the agent accepts that chat after all', async () => {
      const { model, clients } = setup({}, { 'POST /api/agent/offers/o2/accept': () => ({ ok: true }) });
      await model.start();
      await flush();
      clients[0]!.emit('frame', { type: 'routing.offer.closed', offerId: 'o1', conversationId: 'c3', outcome: 'expired' });
      expect(texts(model)).toEqual(['The chat from Vera was not accepted in time and goes to the next agent.']);
      // Online again, the agent is offered the same chat and accepts it.
      clients[0]!.emit('frame', { type: 'routing.offer', offer: offer('o2', { conversationId: 'c3' }) });
      await model.desk.value!.offers.accept('o2');
      await flush();
      expect(texts(model)).toEqual([]);
      expect(model.conversation.value?.conversationId).toBe('c3');
    });

    it('takes back "the transfer ran out" once a later transfer of the same chat is accepted', async () => {
      const transfer = (id: string) => offer(id, { kind: 'transfer', conversationId: 'c3', from: { id: 'a2', name: 'Bob' } });
      const { model, clients } = setup({}, { 'GET /api/agent/routing': () => snapshot({ offers: [transfer('o1')] }), 'POST /api/agent/offers/o2/accept': () => ({ ok: true }) });
      await model.start();
      await flush();
      clients[0]!.emit('frame', { type: 'routing.offer.closed', offerId: 'o1', conversationId: 'c3', outcome: 'expired' });
      expect(texts(model)).toEqual(['The transfer of the chat with Vera ran out.']);
      clients[0]!.emit('frame', { type: 'routing.offer', offer: transfer('o2') });
      await model.desk.value!.offers.accept('o2');
      await flush();
      expect(texts(model)).toEqual([]);
    });

    it('takes back "did not take the chat" while a new transfer of it is pending', async () => {
      const { model, clients } = setup({}, { 'POST /api/agent/conversations/c1/transfer': () => ({ ok: true }) });
      await model.start();
      await flush();
      const ownership = model.desk.value!.ownership;
      await ownership.transfer('c1', { kind: 'agent', id: 'a2', name: 'Bob' });
      clients[0]!.emit('frame', { type: 'routing.transfer.result', conversationId: 'c1', accepted: false, to: { kind: 'agent', id: 'a2', name: 'Bob' } });
      expect(texts(model)).toEqual(['Bob did not take the chat with Visitor vc1; it is yours again.']);
      await ownership.transfer('c1', { kind: 'queue', id: 'q1', name: 'Sales' });
      expect(ownership.state('c1').transfer).toEqual({ kind: 'queue', id: 'q1', name: 'Sales' });
      expect(texts(model)).toEqual([]);
    });
  });

  it('gives admins the workspace settings, and nobody else', async () => {
    const admin = setup();
    await admin.model.start();
    admin.model.show('admin');
    await flush();
    expect(admin.model.screen.value).toBe('admin');
    expect(admin.api.calls).toContain('GET /api/admin/queues');
    // Opening a conversation shows it instead.
    admin.model.open('c1');
    expect(admin.model.screen.value).toBe('conversations');

    const agentOnly = setup({ role: 'agent' });
    await agentOnly.model.start();
    expect(agentOnly.model.desk.value?.admin).toBeNull();
    agentOnly.model.show('admin');
    expect(agentOnly.model.screen.value).toBe('conversations');
  });

  it('stops routing on sign out: no listeners left, no notices kept', async () => {
    const { model, clients } = setup();
    await model.start();
    await flush();
    model.notices.add('something');
    await model.signOut();
    expect(model.desk.value).toBeNull();
    expect(model.notices.list.value).toEqual([]);
    expect(clients[0]!.listeners('frame')).toBe(0);
  });

  it('says once what one event did to a conversation, whichever frames tell it', async () => {
    const { model, clients } = setup();
    await model.start();
    await flush();
    const client = clients[0]!;
    client.emit('frame', { type: 'routing.offer.closed', offerId: 'o1', conversationId: 'c3', outcome: 'withdrawn' });
    client.emit('frame', { type: 'routing.access.lost', conversationId: 'c3', reason: 'taken' });
    expect(model.notices.list.value.map((n) => n.text)).toEqual(['Another agent took the chat with a visitor, so it is no longer in your list.']);
  });

  it('gives the open conversation the message length limit the gateway announced', async () => {
    const { model, clients } = setup();
    await model.start();
    await flush();
    clients[0]!.emit('hello', { type: 'hello', protocol: 1, versions: [1], principal: { kind: 'agent', id: 'a1' }, heartbeatMs: 25_000, limits: { maxMessageLength: 2000, maxFrameBytes: 65_536 } });
    model.open('c1');
    expect(model.conversation.value?.maxLength.value).toBe(2000);
  });

  it('reads the tickets list while signed in, and lets it go on sign out', async () => {
    const { model } = setup();
    await model.start();
    await flush();
    const tickets = model.tickets.value!;
    expect(tickets.tickets.value.map((t) => t.number)).toEqual([1001]);
    tickets.add(agentTicket(1002, { conversationId: 'c1', lastMessageAt: '2024-05-01T11:30:00.000Z' }));
    expect(tickets.tickets.value.map((t) => t.number)).toEqual([1002, 1001]);
    await model.signOut();
    expect(model.tickets.value).toBeNull();
  });

  describe('an admin deletes a conversation', () => {
    async function deleting() {
      const answer = deferred<unknown>();
      const { model, clients } = setup({}, { 'DELETE /api/admin/conversations/c1': () => answer.promise });
      await model.start();
      await flush();
      model.open('c1');
      const done = model.views.value!.deleteConversation('c1');
      const lost = () => clients[0]!.emit('frame', { type: 'routing.access.lost', conversationId: 'c1', reason: 'deleted' });
      const texts = () => model.notices.list.value.map((n) => n.text);
      return { model, answer, done, lost, texts };
    }

    it('says "Conversation deleted." and not that it ended, when the gateway tells the consoles first', async () => {
      const { model, answer, done, lost, texts } = await deleting();
      lost();
      expect(texts()).toEqual([]);
      answer.resolve({ ok: true });
      expect(await done).toBeNull();
      expect(texts()).toEqual(['Conversation deleted.']);
      expect(model.conversation.value).toBeNull();
      expect(model.inbox.value?.rows.value.map((r) => r.conversation.id)).toEqual(['c2']);
    });

    it('says "Conversation deleted." once, when the gateway tells the consoles after answering', async () => {
      const { model, answer, done, lost, texts } = await deleting();
      answer.resolve({ ok: true });
      await done;
      lost();
      expect(texts()).toEqual(['Conversation deleted.']);
      expect(model.conversation.value).toBeNull();
    });
  });

  describe('alerts', () => {
    function alerting(routes: Record<string, (body?: unknown) => unknown>) {
      let title = 'Parley Console';
      const heard = { chimes: 0 };
      const alerts: AlertsTransport = { ...silentAlerts(), chime: () => void heard.chimes++, getTitle: () => title, setTitle: (next) => void (title = next) };
      return { ...setup({}, routes, alerts), heard, title: () => title };
    }

    it('counts a customer’s message in the agent’s chat that is not on screen in the tab title, with a sound, until it is opened', async () => {
      const mine = conversationRouting('a1');
      const { model, clients, heard, title } = alerting({
        'GET /api/agent/views/open': () => ({ conversations: [summary('c1', { routing: mine }), summary('c2', { routing: mine })] }),
        'GET /api/agent/conversations/c2/messages?limit=50': () => ({ messages: [], hasMore: false }),
        'GET /api/agent/conversations/c2': () => ({ conversation: summary('c2', { routing: mine }) }),
        'GET /api/agent/routing': () => snapshot(),
      });
      await model.start();
      await flush();
      model.open('c1');
      await flush();
      clients[0]!.emit('message', message('c1', 2));
      expect(title()).toBe('Parley Console');
      clients[0]!.emit('message', message('c2', 2));
      expect(title()).toBe('(1) New message · Parley Console');
      expect(heard.chimes).toBe(1);
      model.open('c2');
      expect(title()).toBe('Parley Console');
      expect(model.desk.value!.alerts.unreadCount.value).toBe(0);
    });

    it('flashes the tab title and plays the sound for a chat broadcast to the agent’s queue, until someone takes it', async () => {
      const broadcast = (waiting: number) => [routingQueue('q1', { name: 'Sales', mode: 'broadcast', waiting, online: 2, agentIds: ['a1', 'a2'] })];
      const { model, clients, heard, title } = alerting({ 'GET /api/agent/routing': () => snapshot({ queues: broadcast(0) }) });
      await model.start();
      await flush();
      const client = clients[0]!;
      client.emit('frame', { type: 'routing.conversation', conversationId: 'c5', routing: conversationRouting(null, { queueId: 'q1' }) });
      client.emit('frame', { type: 'routing.queues', queues: broadcast(1) });
      expect(heard.chimes).toBe(1);
      expect(title()).toBe('(1) New chat request · Parley Console');
      client.emit('frame', { type: 'routing.conversation', conversationId: 'c5', routing: conversationRouting('a2', { queueId: 'q1' }) });
      client.emit('frame', { type: 'routing.queues', queues: broadcast(0) });
      expect(title()).toBe('Parley Console');
    });
  });
});
