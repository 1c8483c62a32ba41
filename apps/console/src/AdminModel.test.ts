import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { createAdminModel } from './AdminModel.ts';
import { ApiError } from './api.ts';
import { fakeApi } from './test-support/fakes.ts';
import { routingAgent, routingQueue } from './test-support/routing.ts';

function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  let queues = [{ id: 'q1', name: 'Sales', mode: 'offer', topN: 1, offerTimeoutMs: 30_000, agentIds: ['a1'] }];
  let reloads = 0;
  const api = fakeApi({
    'GET /api/admin/queues': () => ({ queues }),
    'GET /api/admin/wrap-up-reasons': () => [{ id: 'r1', label: 'Question answered' }],
    'POST /api/admin/queues': (body) => {
      const queue = { id: 'q2', agentIds: [], topN: 1, offerTimeoutMs: 30_000, ...(body as object) } as unknown as (typeof queues)[number];
      queues = [...queues, queue];
      return { queue };
    },
    'PUT /api/admin/queues/q2/agents': () => ({ ok: true }),
    'PATCH /api/admin/queues/q1': () => ({ ok: true }),
    'PUT /api/admin/queues/q1/agents': () => ({ ok: true }),
    'POST /api/admin/wrap-up-reasons': () => ({ reason: { id: 'r2', label: 'Order placed' } }),
    'DELETE /api/admin/wrap-up-reasons/r1': () => undefined,
    'PATCH /api/admin/agents/a2': () => ({ ok: true }),
    ...routes,
  });
  const team = {
    agents: signal([routingAgent('a1', { name: 'Ada' }), routingAgent('a2', { name: 'Bob' })]),
    queues: signal([routingQueue('q1', { name: 'Sales', agentIds: ['a1', 'a2'] })]),
    wrapUpReasons: signal([]),
    load: async () => void reloads++,
  };
  const admin = createAdminModel({ api, team });
  return { api, admin, reloads: () => reloads };
}

const writes = (api: ReturnType<typeof setup>['api']) => api.bodies.filter((b) => !b.call.startsWith('GET'));

describe('createAdminModel', () => {
  it('reads the queues and the wrap-up reasons', async () => {
    const { admin } = setup();
    await admin.load();
    expect(admin.status.value).toBe('ready');
    expect(admin.queues.value).toEqual([{ id: 'q1', name: 'Sales', mode: 'offer', topN: 1, offerTimeoutMs: 30_000, agentIds: ['a1'] }]);
    expect(admin.reasons.value).toEqual([{ id: 'r1', label: 'Question answered' }]);
    expect(admin.agents.value.map((a) => a.name)).toEqual(['Ada', 'Bob']);
  });

  it('takes a queue’s agents from the team when the admin route leaves them out', async () => {
    const { admin } = setup({ 'GET /api/admin/queues': () => ({ queues: [{ id: 'q1', name: 'Sales', mode: 'broadcast' }] }) });
    await admin.load();
    expect(admin.queues.value[0]).toMatchObject({ mode: 'broadcast', agentIds: ['a1', 'a2'] });
  });

  it('creates a queue, then gives it its agents, and reads everything again', async () => {
    const { admin, api, reloads } = setup();
    await admin.load();
    expect(await admin.createQueue({ name: ' Support ', mode: 'top_n', topN: 2, offerTimeoutMs: 20_000 }, ['a1', 'a2', 'a1'])).toBe(true);
    expect(writes(api)).toEqual([
      { call: 'POST /api/admin/queues', body: { name: 'Support', mode: 'top_n', topN: 2, offerTimeoutMs: 20_000 } },
      { call: 'PUT /api/admin/queues/q2/agents', body: { agentIds: ['a1', 'a2'] } },
    ]);
    expect(admin.queues.value.map((q) => q.name)).toEqual(['Sales', 'Support']);
    expect(reloads()).toBe(1);
  });

  it('refuses a queue the gateway would refuse, before sending anything, and says what to enter', async () => {
    const { admin, api } = setup();
    expect(await admin.createQueue({ name: '  ', mode: 'offer' }, [])).toBe(false);
    expect(admin.error.value).toBe('Name must not be empty.');
    expect(await admin.createQueue({ name: 'Sales', mode: 'offer', offerTimeoutMs: 500 }, [])).toBe(false);
    expect(admin.error.value).toBe('Offer timeout must be at least 1 second.');
    expect(await admin.createQueue({ name: 'Sales', mode: 'top_n', topN: 1.5 }, [])).toBe(false);
    expect(admin.error.value).toBe('Agents per offer must be a whole number.');
    expect(writes(api)).toEqual([]);
  });

  it('saves a queue’s settings and its agents', async () => {
    const { admin, api } = setup();
    expect(await admin.updateQueue('q1', { name: 'Sales EU', mode: 'broadcast' }, ['a2'])).toBe(true);
    expect(writes(api)).toEqual([
      { call: 'PATCH /api/admin/queues/q1', body: { name: 'Sales EU', mode: 'broadcast' } },
      { call: 'PUT /api/admin/queues/q1/agents', body: { agentIds: ['a2'] } },
    ]);
  });

  it('adds and removes wrap-up reasons', async () => {
    const { admin, api } = setup();
    expect(await admin.addReason('Order placed')).toBe(true);
    expect(await admin.removeReason('r1')).toBe(true);
    expect(await admin.addReason('')).toBe(false);
    expect(admin.error.value).toBe('A wrap-up reason must not be empty.');
    expect(api.calls.filter((c) => !c.startsWith('GET'))).toEqual(['POST /api/admin/wrap-up-reasons', 'DELETE /api/admin/wrap-up-reasons/r1']);
  });

  it('sets an agent’s chat limit within 1 to 50', async () => {
    const { admin, api } = setup();
    expect(await admin.setChatLimit('a2', 0)).toBe(false);
    expect(admin.error.value).toBe('The chat limit must be at least 1.');
    expect(await admin.setChatLimit('a2', 4)).toBe(true);
    expect(writes(api)).toEqual([{ call: 'PATCH /api/admin/agents/a2', body: { maxChats: 4 } }]);
    expect(admin.error.value).toBeNull();
  });

  it('adds an agent and keeps their one-time password until the admin is done, then reads the team again', async () => {
    const made = { agent: routingAgent('a3', { name: 'Kim', email: 'kim@example.com' }), password: 'one-time-password' };
    const { admin, api, reloads } = setup({ 'POST /api/admin/agents': () => made });
    expect(await admin.addAgent({ name: 'Kim', email: 'kim', role: 'agent' })).toBe(false);
    expect(admin.agentError.value).toBe('E-mail must be an e-mail address, like name@example.com.');
    expect(await admin.addAgent({ name: ' ', email: 'kim@example.com', role: 'agent' })).toBe(false);
    expect(admin.agentError.value).toBe('Name must not be empty.');
    expect(admin.error.value).toBeNull();
    expect(writes(api)).toEqual([]);
    expect(await admin.addAgent({ name: ' Kim ', email: 'Kim@Example.com', role: 'agent' })).toBe(true);
    expect(writes(api)).toEqual([{ call: 'POST /api/admin/agents', body: { name: 'Kim', email: 'kim@example.com', role: 'agent' } }]);
    expect(admin.added.value).toEqual(made);
    expect(admin.agentError.value).toBeNull();
    expect(reloads()).toBe(1);
    admin.dismissAdded();
    expect(admin.added.value).toBeNull();
  });

  it('removes an agent, says what became of their chats, and reads the team again', async () => {
    const { admin, api, reloads } = setup({ 'DELETE /api/admin/agents/a2': () => ({ ok: true }) });
    expect(await admin.removeAgent('a2')).toBe(true);
    expect(api.calls).toContain('DELETE /api/admin/agents/a2');
    expect(admin.notice.value).toBe('Bob was removed and signed out. Their chats went back to their queues.');
    expect(reloads()).toBe(1);
  });

  it('shows the gateway’s message when a change is refused', async () => {
    const { admin } = setup({
      'PATCH /api/admin/agents/a2': () => {
        throw new ApiError(403, 'FORBIDDEN', 'Only admins change routing settings.');
      },
    });
    expect(await admin.setChatLimit('a2', 4)).toBe(false);
    expect(admin.error.value).toBe('Only admins change routing settings.');
    expect(admin.busy.value).toBe(false);
  });
});
