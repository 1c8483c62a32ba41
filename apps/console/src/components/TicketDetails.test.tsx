import { signal } from '@preact/signals';
import { within } from '@testing-library/dom';
import type { AgentTicket } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../test-support/render.ts';
import { agentTicket } from '../test-support/tickets.ts';
import { TicketDetails } from './TicketDetails.tsx';

let unmount = () => {};
afterEach(() => unmount());

async function show(ticket: AgentTicket) {
  const model = { number: ticket.number, ticket: signal(ticket), status: signal('ready' as const), error: signal(null), busy: signal(false), setStatus: async () => true };
  const view = await render(<TicketDetails model={model} onBack={() => {}} />);
  unmount = view.unmount;
  return within(view.container).getByRole('region', { name: `Ticket #${ticket.number}` });
}

describe('TicketDetails', () => {
  it('links the requester’s e-mail for writing to them', async () => {
    const region = await show(agentTicket(1001));
    expect(within(region).getByRole('link', { name: 'ayse@example.com' }).getAttribute('href')).toBe('mailto:ayse@example.com');
  });

  it('shows a masked e-mail as text, never as a link to the masked address', async () => {
    const region = await show(agentTicket(1002, { requester: { name: 'v**********', email: 'v**********@example.com', emailMasked: true } }));
    expect(within(region).getByText('v**********@example.com')).toBeTruthy();
    expect(within(region).queryByRole('link')).toBeNull();
    expect(region.querySelector('a[href^="mailto:"]')).toBeNull();
  });
});
