import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConversationModel } from '../ConversationModel.ts';
import { createCustomerModel } from '../CustomerModel.ts';
import { fakeApi, fakeClient, summary } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { agentTicket } from '../test-support/tickets.ts';
import { customerPanel } from '../test-support/workspace.ts';
import { createTicketsModel } from '../TicketsModel.ts';
import { ConversationActions } from './ConversationActions.tsx';
import { ConversationView } from './ConversationView.tsx';
import { TicketList, TicketsContext } from './TicketList.tsx';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
let unmount = () => {};
afterEach(() => unmount());

describe('TicketList', () => {
  it('lists tickets with number, subject, status and requester; choosing one opens its conversation', async () => {
    const api = fakeApi({
      'GET /api/agent/tickets?limit=50': () => ({
        tickets: [agentTicket(1002, { subject: 'Brown leaves <b>help</b>', status: 'pending' }), agentTicket(1001, { status: 'closed', lastMessageAt: '2024-05-01T10:00:00.000Z' })],
      }),
    });
    const onOpen = vi.fn();
    const tickets = createTicketsModel({ api });
    const view = await render(<TicketList tickets={tickets} now={signal(NOW)} onOpen={onOpen} />);
    await settle(() => tickets.load());
    unmount = view.unmount;
    await settle();
    const screen = within(view.container);
    const region = screen.getByRole('region', { name: /Tickets/ });
    const links = within(region).getAllByRole('link');
    expect(links.map((a) => a.querySelector('.row__title')!.textContent)).toEqual(['#1002 Brown leaves <b>help</b>', '#1001 Subject 1001']);
    expect(links[0]!.textContent).toContain('Pending · Ayşe Yılmaz <ayse@example.com>');
    expect(links[1]!.textContent).toContain('Closed');
    expect(links[1]!.querySelector('time')!.textContent).toBe('2 h');
    expect(view.container.querySelector('b')).toBeNull();
    expect(links[0]!.getAttribute('href')).toBe('#/conversations/c1002');
    await userEvent.setup().click(links[0]!);
    expect(onOpen).toHaveBeenCalledWith('c1002');
  });

  it('says when there are no tickets yet', async () => {
    const api = fakeApi({ 'GET /api/agent/tickets?limit=50': () => ({ tickets: [] }) });
    const tickets = createTicketsModel({ api });
    const view = await render(<TicketList tickets={tickets} now={signal(NOW)} onOpen={() => {}} />);
    await settle(() => tickets.load());
    unmount = view.unmount;
    await settle();
    expect(view.container.textContent).toContain('No tickets yet.');
  });
});

describe('TicketList with the conversation’s actions', () => {
  it('lists a chat as a ticket as soon as it is converted, and reads the list again', async () => {
    let listed = [agentTicket(1001)];
    const made = agentTicket(1002, { conversationId: 'c1', subject: 'Broken pot', lastMessageAt: '2024-05-01T11:30:00.000Z' });
    const api = fakeApi({
      'GET /api/agent/tickets?limit=50': () => ({ tickets: listed }),
      'GET /api/agent/conversations/c1/customer': () => ({ customer: customerPanel({ email: 'vera@example.com' }) }),
      'POST /api/agent/conversations/c1/ticket': () => ((listed = [made, ...listed]), { ticket: made, duplicate: false }),
    });
    const tickets = createTicketsModel({ api });
    const customer = createCustomerModel({ api, conversationId: 'c1' });
    const view = await render(
      <TicketsContext.Provider value={tickets}>
        <TicketList tickets={tickets} now={signal(NOW)} onOpen={() => {}} />
        <ConversationActions model={customer} title="Vera" onGoToTicket={() => {}} />
      </TicketsContext.Provider>,
    );
    unmount = view.unmount;
    await settle(() => Promise.all([tickets.load(), customer.load()]));
    const screen = within(view.container);
    const region = screen.getByRole('region', { name: /Tickets/ });
    expect(within(region).getAllByRole('link')).toHaveLength(1);

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Convert to ticket' }));
    const dialog = screen.getByRole('dialog', { name: 'Convert the chat with Vera to a ticket' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Subject (optional)' }), 'Broken pot');
    await user.click(within(dialog).getByRole('button', { name: 'Convert to ticket' }));
    await settle();
    expect(within(region).getAllByRole('link').map((a) => a.querySelector('.row__title')!.textContent)).toEqual(['#1002 Broken pot', '#1001 Subject 1001']);
    expect(api.calls.filter((call) => call === 'GET /api/agent/tickets?limit=50')).toHaveLength(2);
    expect(region.querySelector('.count')!.textContent).toBe('2');
    tickets.dispose();
  });

  it('shows a status changed in the ticket panel in the list at once', async () => {
    const api = fakeApi({
      'GET /api/agent/tickets?limit=50': () => ({ tickets: [agentTicket(1001, { conversationId: 'c1' })] }),
      'GET /api/agent/conversations/c1/messages?limit=50': () => ({ messages: [], hasMore: false }),
      'GET /api/agent/conversations/c1': () => ({ conversation: summary('c1') }),
      'GET /api/agent/conversations/c1/customer': () => ({ customer: customerPanel({ ticket: { number: 1001, status: 'open' } }) }),
      'GET /api/agent/tickets/1001': () => ({ ticket: agentTicket(1001, { conversationId: 'c1' }) }),
      'PATCH /api/agent/tickets/1001': (body) => ({ ticket: agentTicket(1001, { conversationId: 'c1', ...(body as object), updatedAt: '2024-05-01T11:45:00.000Z' }) }),
    });
    const tickets = createTicketsModel({ api });
    const conversation = createConversationModel({ api, client: fakeClient(), conversationId: 'c1', me: { id: 'a1' } });
    const view = await render(
      <TicketsContext.Provider value={tickets}>
        <TicketList tickets={tickets} now={signal(NOW)} onOpen={() => {}} />
        <ConversationView model={conversation} api={api} />
      </TicketsContext.Provider>,
    );
    unmount = () => {
      view.unmount();
      conversation.dispose();
    };
    await settle(() => Promise.all([tickets.load(), conversation.load()]));
    await settle();
    const screen = within(view.container);
    const region = screen.getByRole('region', { name: /Tickets/ });
    expect(within(region).getByRole('link').textContent).toContain('Open ·');

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Go to ticket #1001' }));
    await settle();
    await user.selectOptions(within(screen.getByRole('region', { name: 'Ticket #1001' })).getByRole('combobox', { name: 'Status' }), 'pending');
    await settle();
    expect(within(region).getByRole('link').textContent).toContain('Pending ·');
    expect(api.calls.filter((call) => call === 'GET /api/agent/tickets?limit=50')).toHaveLength(1);
    tickets.dispose();
  });
});
