import { within } from '@testing-library/dom';
import userEvent from '@testing-library/user-event';
import { signal } from '@preact/signals';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test-support/fakes.ts';
import { render, settle } from '../test-support/render.ts';
import { agentTicket } from '../test-support/tickets.ts';
import { TicketsPanel } from './TicketList.tsx';

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
    const view = await render(<TicketsPanel api={api} conversationIds={signal([])} now={signal(NOW)} onOpen={onOpen} />);
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
    const view = await render(<TicketsPanel api={api} conversationIds={signal([])} now={signal(NOW)} onOpen={() => {}} />);
    unmount = view.unmount;
    await settle();
    expect(view.container.textContent).toContain('No tickets yet.');
  });
});
