import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createTeamModel } from './TeamModel.ts';
import { fakeApi, fakeClient, flush } from './test-support/fakes.ts';
import { routingAgent, routingQueue, snapshot } from './test-support/routing.ts';

const T0 = Date.parse('2024-05-01T10:05:00.000Z');

function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  let now = T0;
  let tick = () => {};
  const snapshots: unknown[] = [];
  const api = fakeApi({ 'GET /api/agent/routing': () => snapshot(), 'PUT /api/agent/status': () => ({ ok: true }), ...routes });
  const client = fakeClient();
  const team = createTeamModel({
    api,
    client,
    now: () => now,
    tick: (callback) => ((tick = callback), () => {}),
    onSnapshot: (s) => snapshots.push(s),
  });
  const advance = (ms: number) => {
    now += ms;
    tick();
  };
  return { api, client, team, snapshots, advance };
}

describe('createTeamModel', () => {
  it('reads the snapshot: me, the agents and queues by name, the wrap-up reasons, and hands it on', async () => {
    const { team, snapshots } = setup({
      'GET /api/agent/routing': () => snapshot({ queues: [routingQueue('q2', { name: 'Support' }), routingQueue('q1', { name: 'Billing' })] }),
    });
    expect(team.status.value).toBe('loading');
    await team.load();
    expect(team.status.value).toBe('ready');
    expect(team.me.value).toMatchObject({ id: 'a1', name: 'Ada', status: 'online' });
    expect(team.agents.value.map((a) => a.name)).toEqual(['Ada', 'Bob']);
    expect(team.queues.value.map((q) => q.name)).toEqual(['Billing', 'Support']);
    expect(team.wrapUpReasons.value.map((r) => r.label)).toEqual(['Question answered', 'Order placed']);
    expect(snapshots).toHaveLength(1);
  });

  it('counts the time in the current status up as the timer ticks', async () => {
    const { team, advance } = setup();
    await team.load();
    expect(team.timeInStatus.value).toBe(5 * 60_000);
    advance(1000);
    expect(team.timeInStatus.value).toBe(5 * 60_000 + 1000);
  });

  it('sets the chosen status with PUT /api/agent/status and starts its time at zero', async () => {
    const { team, api } = setup();
    await team.load();
    await team.setStatus('break');
    expect(api.bodies).toEqual([{ call: 'PUT /api/agent/status', body: { status: 'break' } }]);
    expect(team.me.value?.status).toBe('break');
    expect(team.timeInStatus.value).toBe(0);
  });

  it('keeps the status and says why when the change is refused', async () => {
    const { team } = setup({
      'PUT /api/agent/status': () => {
        throw new ApiError(400, 'INVALID_REQUEST', 'status: choose online, invisible, break or offline.');
      },
    });
    await team.load();
    await team.setStatus('offline');
    expect(team.me.value?.status).toBe('online');
    expect(team.error.value).toBe('status: choose online, invisible, break or offline.');
    expect(team.changing.value).toBe(false);
  });

  it('follows routing.agent: RONA set by routing, and the Online count of the agent’s queues', async () => {
    const { team, client } = setup();
    await team.load();
    client.emit('frame', { type: 'routing.agent', agent: routingAgent('a1', { name: 'Ada', status: 'rona', since: '2024-05-01T10:05:00.000Z', queueIds: ['q1'] }) });
    expect(team.me.value?.status).toBe('rona');
    expect(team.timeInStatus.value).toBe(0);
    expect(team.queues.value[0]!.online).toBe(1);
    // Another agent's change that does not touch Online leaves the count alone.
    client.emit('frame', { type: 'routing.agent', agent: routingAgent('a2', { name: 'Bob', load: 2, queueIds: ['q1'] }) });
    expect(team.queues.value[0]!.online).toBe(1);
    expect(team.agent('a2')?.load).toBe(2);
  });

  it('takes the counts of routing.queues as they come', async () => {
    const { team, client } = setup();
    await team.load();
    client.emit('frame', { type: 'routing.queues', queues: [routingQueue('q1', { name: 'Sales', waiting: 7, online: 3 })] });
    expect(team.queues.value.map((q) => [q.name, q.waiting, q.online])).toEqual([['Sales', 7, 3]]);
  });

  it('reads the snapshot again after a reconnect, not on the first hello', async () => {
    const { team, client, api } = setup();
    await team.load();
    const hello = { type: 'hello', protocolVersion: 1, principal: { kind: 'agent', id: 'a1' } } as never;
    client.emit('hello', hello);
    client.emit('hello', hello);
    await flush();
    expect(api.calls.filter((c) => c === 'GET /api/agent/routing')).toHaveLength(2);
  });

  it('says what failed when the snapshot cannot be read', async () => {
    const { team } = setup({
      'GET /api/agent/routing': () => {
        throw new ApiError(503, 'UNAVAILABLE', 'down');
      },
    });
    await team.load();
    expect(team.status.value).toBe('error');
    expect(team.error.value).toBe('Statuses and queues could not be loaded. Try again in a moment.');
  });
});
