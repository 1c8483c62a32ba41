import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { createCustomerModel } from './CustomerModel.ts';
import { deferred, fakeApi } from './test-support/fakes.ts';
import { agentTicket, block, customerPanel } from './test-support/workspace.ts';

const BASE = '/api/agent/conversations/c1';

function setup(routes: Record<string, (body?: unknown) => unknown> = {}) {
  const api = fakeApi({ [`GET ${BASE}/customer`]: () => ({ customer: customerPanel() }), ...routes });
  return { api, model: createCustomerModel({ api, conversationId: 'c1' }) };
}

describe('createCustomerModel', () => {
  it('reads the customer panel of the conversation', async () => {
    const { model } = setup();
    expect(model.status.value).toBe('loading');
    await model.load();
    expect(model.status.value).toBe('ready');
    expect(model.customer.value).toMatchObject({ name: 'Vera Visitor', unknown: true });
  });

  it('says why the panel could not be read', async () => {
    const { model } = setup({
      [`GET ${BASE}/customer`]: () => {
        throw new ApiError(0, 'NETWORK', 'Parley could not be reached. Check the connection and try again.');
      },
    });
    await model.load();
    expect(model.status.value).toBe('error');
    expect(model.error.value).toBe('Parley could not be reached. Check the connection and try again.');
  });

  it('adds an unknown customer as a contact with the details typed, leaving empty ones out', async () => {
    const added = customerPanel({ unknown: false, email: 'vera@example.com', decision: { kind: 'added', by: { id: 'a1', name: 'Ada' }, at: '2024-05-01T10:00:00.000Z' } });
    const { model, api } = setup({ [`POST ${BASE}/customer/contact`]: () => ({ customer: added }) });
    await model.load();
    expect(await model.addContact({ name: ' Vera ', email: 'vera@example.com', phone: ' ' })).toBe(true);
    expect(api.bodies).toEqual([{ call: `POST ${BASE}/customer/contact`, body: { name: 'Vera', email: 'vera@example.com' } }]);
    expect(model.customer.value).toEqual(added);
  });

  it('says what to fix in the contact form before sending it', async () => {
    const { model, api } = setup();
    expect(await model.addContact({ name: '  ' })).toBe(false);
    expect(model.error.value).toBe('Name must not be empty.');
    expect(await model.addContact({ name: 'Vera', email: 'not-an-address' })).toBe(false);
    expect(model.error.value).toBe('E-mail must be an e-mail address such as name@example.com.');
    expect(await model.addContact({ name: 'Vera', phone: 'call me' })).toBe(false);
    expect(model.error.value).toBe('Phone must be a phone number such as +44 7966 197542.');
    expect(api.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });

  it('ignores a customer, and one change at a time', async () => {
    const answer = deferred<unknown>();
    const { model, api } = setup({ [`POST ${BASE}/customer/ignore`]: () => answer.promise });
    await model.load();
    const first = model.ignore();
    expect(model.busy.value).toBe('ignore');
    expect(await model.ignore()).toBe(false);
    answer.resolve({ customer: customerPanel({ unknown: false, decision: { kind: 'ignored', by: null, at: '2024-05-01T10:00:00.000Z' } }) });
    expect(await first).toBe(true);
    expect(api.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(model.customer.value?.decision?.kind).toBe('ignored');
    expect(model.busy.value).toBeNull();
  });

  it('blocks the visitor (with the IP address when asked) and marks the panel blocked', async () => {
    const { model, api } = setup({ [`POST ${BASE}/block`]: () => ({ block: block('b1', { byIp: true }) }) });
    await model.load();
    expect(await model.block({ byIp: true, reason: '  spam  ' })).toMatchObject({ id: 'b1', byIp: true });
    expect(api.bodies).toEqual([{ call: `POST ${BASE}/block`, body: { byIp: true, reason: 'spam' } }]);
    expect(model.customer.value?.blocked).toBe(true);
  });

  it('keeps a failed block’s reason apart from the panel’s errors', async () => {
    const { model } = setup({
      [`POST ${BASE}/block`]: () => {
        throw new ApiError(404, 'NOT_FOUND', 'Not found.');
      },
    });
    await model.load();
    expect(await model.block({})).toBeNull();
    expect(model.actionError.value).toBe('This conversation is no longer yours to change: it may have been transferred or deleted.');
    expect(model.error.value).toBeNull();
    expect(model.customer.value?.blocked).toBe(false);
    model.clearError();
    expect(model.actionError.value).toBeNull();
  });

  it('turns the chat into a ticket, and the panel then names the ticket', async () => {
    const { model, api } = setup({ [`POST ${BASE}/ticket`]: () => ({ ticket: agentTicket(1001), duplicate: false }) });
    await model.load();
    expect(await model.convertToTicket({ email: ' vera@example.com ', subject: '' })).toMatchObject({ number: 1001 });
    expect(api.bodies).toEqual([{ call: `POST ${BASE}/ticket`, body: { email: 'vera@example.com' } }]);
    expect(model.customer.value?.ticket).toEqual({ number: 1001, status: 'open' });
  });

  it('asks for a real e-mail address before turning the chat into a ticket', async () => {
    const { model, api } = setup();
    await model.load();
    expect(await model.convertToTicket({ email: '' })).toBeNull();
    expect(model.actionError.value).toBe('E-mail must be an e-mail address such as name@example.com.');
    expect(api.calls.filter((c) => c.startsWith('POST'))).toEqual([]);
  });
});
