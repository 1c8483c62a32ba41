import { signal } from '@preact/signals';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { fakeApi } from './test-support/fakes.ts';
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
