import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api.ts';
import { createConsoleModel } from './ConsoleModel.ts';
import { fakeApi, fakeClient, flush, summary, type FakeClient } from './test-support/fakes.ts';

const agent = { id: 'a1', name: 'Ada', email: 'agent@example.com', role: 'admin', workspaceId: 'w1' };

function setup({ signedIn = true } = {}) {
  const api = fakeApi({
    'GET /api/agent/me': () => {
      if (!signedIn) throw new ApiError(401, 'UNAUTHORIZED', 'Sign in first.');
      return { agent };
    },
    'POST /api/agent/login': () => ({ agent }),
    'POST /api/agent/logout': () => ({ ok: true }),
    'GET /api/agent/conversations?status=open': () => ({ conversations: [summary('c1'), summary('c2')] }),
    'GET /api/agent/conversations/c1/messages?limit=50': () => ({ messages: [], hasMore: false }),
    'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1') }),
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
});
