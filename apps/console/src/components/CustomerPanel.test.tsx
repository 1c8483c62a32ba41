import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { CustomerPanel as Customer } from '@parley/protocol';
import { createCustomerModel } from '../CustomerModel.ts';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { customerPanel, historyEntry } from '../test-support/workspace.ts';
import { CustomerPanel } from './CustomerPanel.tsx';

let unmount = () => {};
afterEach(() => unmount());

const BASE = '/api/agent/conversations/c1';

async function setup(customer: Customer, routes: Record<string, (body?: unknown) => unknown> = {}) {
  const api = fakeApi({ [`GET ${BASE}/customer`]: () => ({ customer }), ...routes });
  const model = createCustomerModel({ api, conversationId: 'c1' });
  const opened: string[] = [];
  const view = await render(<CustomerPanel model={model} onOpen={(id) => opened.push(id)} />);
  unmount = view.unmount;
  await settle(() => model.load());
  const screen = within(view.container);
  return { api, model, opened, screen, panel: screen.getByRole('region', { name: 'Customer' }), user: userEvent.setup() };
}

/** The panel's facts as "term: value" lines. */
const facts = (panel: HTMLElement) =>
  [...panel.querySelectorAll('dt')].map((dt) => `${dt.textContent}: ${dt.nextElementSibling!.textContent}`);

describe('CustomerPanel', () => {
  it('shows a known customer: name, e-mail, phone, channel, start, attributes and their conversations with every agent', async () => {
    const { panel } = await setup(
      customerPanel({
        name: 'Vera Visitor',
        email: 'vera@example.com',
        phone: '+44 7966 197542',
        verified: true,
        unknown: false,
        attributes: { plan: 'Gold', orders: 3, newsletter: false },
        history: [
          historyEntry('c1', { status: 'open', owner: { id: 'a1', name: 'Ada' } }),
          historyEntry('c0', { owner: { id: 'a2', name: 'Bob' }, ticketNumber: 1001, preview: 'Thanks, bye' }),
          historyEntry('cx', { owner: { id: 'a3', name: 'Cem' }, readable: false, preview: null }),
        ],
      }),
    );
    expect(panel.textContent).toContain('Vera Visitor');
    expect(panel.textContent).toContain('Verified by the website');
    expect(facts(panel).slice(0, 4)).toEqual(['E-mail: vera@example.com', 'Phone: +44 7966 197542', 'Channel: Live chat · Plant Shop', `Started: ${panel.querySelectorAll('dd')[3]!.textContent}`]);
    expect(panel.querySelector('time')!.getAttribute('datetime')).toBe('2024-05-01T09:00:00.000Z');
    expect(facts(panel).slice(4)).toEqual(['plan: Gold', 'orders: 3', 'newsletter: No']);
    const history = within(within(panel).getByRole('region', { name: 'Conversations (3)' })).getAllByRole('listitem');
    expect(history).toHaveLength(3);
    expect(history[0]!.querySelector('[aria-current="page"]')!.textContent).toContain('this conversation');
    expect(within(history[1]!).getByRole('link').getAttribute('href')).toBe('#/conversations/c0');
    expect(history[1]!.textContent).toContain('ticket #1001');
    expect(history[1]!.textContent).toContain('Closed · with Bob');
    expect(history[1]!.textContent).toContain('Thanks, bye');
    expect(within(history[2]!).queryByRole('link')).toBeNull();
    expect(history[2]!.textContent).toContain('Only its agent can open it.');
    expect(within(panel).queryByRole('button', { name: 'Add as contact' })).toBeNull();
  });

  it('opens another of the customer’s conversations from the history', async () => {
    const { panel, opened, user } = await setup(customerPanel({ history: [historyEntry('c1'), historyEntry('c0')] }));
    await user.click(within(panel).getByRole('link'));
    expect(opened).toEqual(['c0']);
  });

  it('leaves e-mail and phone out for a role that may not see them, and says so', async () => {
    const { panel } = await setup(customerPanel({ contactDetailsHidden: true, email: null, phone: null }));
    expect(facts(panel).map((f) => f.split(':')[0])).toEqual(['Channel', 'Started']);
    expect(panel.textContent).toContain('Your role does not see customers’ e-mail addresses and phone numbers.');
  });

  it('adds an unknown customer as a contact, with the name they gave filled in', async () => {
    const added = customerPanel({ unknown: false, email: 'vera@example.com', decision: { kind: 'added', by: { id: 'a1', name: 'Ada' }, at: '2024-05-01T10:00:00.000Z' } });
    const { panel, api, user } = await setup(customerPanel(), { [`POST ${BASE}/customer/contact`]: () => ({ customer: added }) });
    expect(panel.textContent).toContain('Unknown contact');
    expect(panel.textContent).toContain('Add them as a contact, ignore them, or just reply.');
    await user.click(within(panel).getByRole('button', { name: 'Add as contact' }));
    const form = within(panel).getByRole('form', { name: 'Add as contact' });
    const name = within(form).getByRole('textbox', { name: 'Name' }) as HTMLInputElement;
    expect(document.activeElement).toBe(name);
    expect(name.value).toBe('Vera Visitor');
    await user.type(within(form).getByRole('textbox', { name: 'E-mail (optional)' }), 'vera@example.com');
    await user.click(within(form).getByRole('button', { name: 'Add contact' }));
    await settle();
    expect(api.bodies).toEqual([{ call: `POST ${BASE}/customer/contact`, body: { name: 'Vera Visitor', email: 'vera@example.com' } }]);
    expect(within(panel).queryByRole('form')).toBeNull();
    expect(panel.textContent).toContain('Added as a contact by Ada');
    expect(panel.textContent).not.toContain('Unknown contact');
  });

  it('says what is wrong in the contact form and keeps it open', async () => {
    const { panel, api, user } = await setup(customerPanel({ name: null }));
    await user.click(within(panel).getByRole('button', { name: 'Add as contact' }));
    await user.click(within(panel).getByRole('button', { name: 'Add contact' }));
    await settle();
    expect(within(panel).getByRole('alert').textContent).toBe('Name must not be empty.');
    expect(within(panel).getByRole('form', { name: 'Add as contact' })).toBeTruthy();
    expect(api.bodies).toEqual([]);
  });

  it('ignores an unknown customer', async () => {
    const ignored = customerPanel({ unknown: false, decision: { kind: 'ignored', by: { id: 'a1', name: 'Ada' }, at: '2024-05-01T10:00:00.000Z' } });
    const { panel, user } = await setup(customerPanel(), { [`POST ${BASE}/customer/ignore`]: () => ({ customer: ignored }) });
    await user.click(within(panel).getByRole('button', { name: 'Ignore' }));
    await settle();
    expect(panel.textContent).toContain('Ignored by Ada');
    expect(within(panel).queryByRole('button', { name: 'Ignore' })).toBeNull();
  });
});
