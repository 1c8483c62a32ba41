import type { AgentTicket } from '@parley/protocol';

/** A ticket as the agent API answers it. */
export const agentTicket = (number: number, overrides: Partial<AgentTicket> = {}): AgentTicket => ({
  number,
  subject: `Subject ${number}`,
  status: 'open',
  requester: { name: 'Ayşe Yılmaz', email: 'ayse@example.com', emailMasked: false },
  conversationId: `c${number}`,
  createdAt: '2024-05-01T11:00:00.000Z',
  updatedAt: '2024-05-01T11:00:00.000Z',
  lastMessageAt: '2024-05-01T11:00:00.000Z',
  preview: 'preview',
  id: `t${number}`,
  appId: 'demo',
  visitor: { id: 'v1', name: 'Ayşe Yılmaz' },
  contactId: null,
  ...overrides,
});
