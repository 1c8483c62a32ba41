import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { fakeApi } from './test-support/fakes.ts';
import { agentTicket } from './test-support/workspace.ts';
import { createTicketModel } from './TicketModel.ts';

describe('createTicketModel', () => {
  it('reads a ticket and changes its status', async () => {
    const api = fakeApi({
      'GET /api/agent/tickets/1001': () => ({ ticket: agentTicket(1001) }),
      'PATCH /api/agent/tickets/1001': (body) => ({ ticket: agentTicket(1001, body as object) }),
    });
    const model = createTicketModel({ api, number: 1001 });
    await model.load();
    expect(model.ticket.value?.subject).toBe('Chat with Vera Visitor');
    expect(await model.setStatus('pending')).toBe(true);
    expect(api.bodies).toEqual([{ call: 'PATCH /api/agent/tickets/1001', body: { status: 'pending' } }]);
    expect(model.ticket.value?.status).toBe('pending');
  });

  it('says why a ticket could not be read', async () => {
    const api = fakeApi({
      'GET /api/agent/tickets/7': () => {
        throw new ApiError(404, 'NOT_FOUND', 'The ticket does not exist.');
      },
    });
    const model = createTicketModel({ api, number: 7 });
    await model.load();
    expect(model.status.value).toBe('error');
    expect(model.error.value).toBe('The ticket does not exist.');
  });
});
