import type { AgentTicket } from '@parley/protocol';
import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { deferred, fakeApi } from './test-support/fakes.ts';
import { agentTicket } from './test-support/tickets.ts';
import { createTicketsModel } from './TicketsModel.ts';

describe('TicketsModel', () => {
  it('reads the tickets, and reads again when the inbox shows a conversation it does not know', async () => {
    let answer = [agentTicket(1001)];
    const api = fakeApi({ 'GET /api/agent/tickets?limit=50': () => ({ tickets: answer }) });
    const ids = signal<readonly string[]>(['c1001', 'chat-1']);
    const model = createTicketsModel({ api, conversationIds: ids });
    await model.load();
    expect(model.status.value).toBe('ready');
    expect(model.tickets.value.map((t) => t.number)).toEqual([1001]);

    // A known conversation moving in the inbox is not news.
    ids.value = ['chat-1', 'c1001'];
    await Promise.resolve();
    expect(api.calls).toHaveLength(1);

    answer = [agentTicket(1002), agentTicket(1001)];
    ids.value = ['c1002', 'chat-1', 'c1001'];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.calls).toHaveLength(2);
    expect(model.tickets.value.map((t) => t.number)).toEqual([1002, 1001]);
    model.dispose();
    ids.value = ['c-later', ...ids.value];
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.calls).toHaveLength(2);
  });

  it('lists a chat turned into a ticket here at once, in activity order, then reads the list again', async () => {
    let answer = [agentTicket(1001, { lastMessageAt: '2024-05-01T11:00:00.000Z' }), agentTicket(1000, { lastMessageAt: '2024-05-01T09:00:00.000Z' })];
    const api = fakeApi({ 'GET /api/agent/tickets?limit=50': () => ({ tickets: answer }) });
    const ids = signal<readonly string[]>(['c1001', 'c1000', 'chat-7']);
    const model = createTicketsModel({ api, conversationIds: ids });
    await model.load();

    // The chat chat-7 becomes ticket 1002; its last message is between the other two tickets'.
    const made = agentTicket(1002, { conversationId: 'chat-7', lastMessageAt: '2024-05-01T10:00:00.000Z' });
    answer = [answer[0]!, made, answer[1]!];
    model.add(made);
    expect(model.tickets.value.map((t) => t.number)).toEqual([1001, 1002, 1000]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(api.calls).toEqual(['GET /api/agent/tickets?limit=50', 'GET /api/agent/tickets?limit=50']);
    expect(model.tickets.value.map((t) => t.number)).toEqual([1001, 1002, 1000]);

    // Turning the same chat into a ticket again answers the same ticket: still one row.
    model.add({ ...made, subject: 'Renamed' });
    expect(model.tickets.value.filter((t) => t.number === 1002).map((t) => t.subject)).toEqual(['Renamed']);
    model.dispose();
  });

  it('keeps a ticket added while an older read of the list is on its way', async () => {
    const first = deferred<{ tickets: AgentTicket[] }>();
    let reads = 0;
    const made = agentTicket(1002, { conversationId: 'chat-7' });
    const api = fakeApi({ 'GET /api/agent/tickets?limit=50': () => (++reads === 1 ? first.promise : { tickets: [made, agentTicket(1001)] }) });
    const model = createTicketsModel({ api });
    const loading = model.load();
    model.add(made);
    first.resolve({ tickets: [agentTicket(1001)] });
    await loading;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reads).toBe(2);
    expect(model.tickets.value.map((t) => t.number)).toEqual([1002, 1001]);
  });

  it('shows a ticket changed here at once, and reads again after a read that left before the change', async () => {
    const first = deferred<{ tickets: AgentTicket[] }>();
    let reads = 0;
    const api = fakeApi({ 'GET /api/agent/tickets?limit=50': () => (++reads === 2 ? first.promise : { tickets: [agentTicket(1002), agentTicket(1001, { status: 'pending' })] }) });
    const model = createTicketsModel({ api });
    await model.load();
    const loading = model.load();
    model.update(agentTicket(1001, { status: 'pending' }));
    expect(model.tickets.value.map((t) => t.status)).toEqual(['open', 'pending']);
    // The read that left before the change still says "open"; the one after it says "pending".
    first.resolve({ tickets: [agentTicket(1002), agentTicket(1001)] });
    await loading;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reads).toBe(3);
    expect(model.tickets.value.map((t) => t.status)).toEqual(['open', 'pending']);
    // A ticket the list does not show is not added by a change.
    model.update(agentTicket(999, { status: 'closed' }));
    expect(model.tickets.value.map((t) => t.number)).toEqual([1002, 1001]);
  });

  it('shows why the list could not be read', async () => {
    const api = fakeApi({
      'GET /api/agent/tickets?limit=50': () => {
        throw new ApiError(0, 'NETWORK', 'Parley could not be reached.');
      },
    });
    const model = createTicketsModel({ api });
    await model.load();
    expect(model.status.value).toBe('error');
    expect(model.error.value).toBe('Parley could not be reached.');
  });
});
