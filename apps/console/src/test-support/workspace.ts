import type { AgentTicket, Block, CustomerHistoryEntry, CustomerPanel, Template } from '@parley/protocol';

/** A template with sensible defaults. */
export const template = (id: string, overrides: Partial<Template> = {}): Template => ({
  id,
  title: `Template ${id}`,
  body: `Text of ${id}`,
  category: null,
  language: 'en',
  createdAt: '2024-05-01T09:00:00.000Z',
  updatedAt: '2024-05-01T09:00:00.000Z',
  ...overrides,
});

/** One of a customer's conversations in the panel's history. */
export const historyEntry = (id: string, overrides: Partial<CustomerHistoryEntry> = {}): CustomerHistoryEntry => ({
  id,
  status: 'closed',
  channel: 'chat',
  startedAt: '2024-04-01T09:00:00.000Z',
  lastMessageAt: '2024-04-01T09:30:00.000Z',
  archivedAt: null,
  owner: { id: 'a2', name: 'Bob' },
  preview: `Last words of ${id}`,
  readable: true,
  ticketNumber: null,
  ...overrides,
});

/** The customer panel of conversation `c1`: an anonymous, unknown visitor unless overridden. */
export const customerPanel = (overrides: Partial<CustomerPanel> = {}): CustomerPanel => ({
  visitorId: 'v1',
  name: 'Vera Visitor',
  email: null,
  phone: null,
  contactDetailsHidden: false,
  verified: false,
  unknown: true,
  decision: null,
  app: { id: 'demo', name: 'Plant Shop' },
  channel: 'chat',
  startedAt: '2024-05-01T09:00:00.000Z',
  attributes: {},
  ticket: null,
  blocked: false,
  history: [historyEntry('c1', { status: 'open', owner: { id: 'a1', name: 'Ada' } })],
  ...overrides,
});

/** A ticket as an agent sees it. */
export const agentTicket = (number: number, overrides: Partial<AgentTicket> = {}): AgentTicket => ({
  id: `t-${number}`,
  number,
  subject: 'Chat with Vera Visitor',
  status: 'open',
  requester: { name: 'Vera Visitor', email: 'vera@example.com', emailMasked: false },
  conversationId: 'c1',
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T10:00:00.000Z',
  lastMessageAt: '2024-05-01T09:30:00.000Z',
  preview: 'Hello',
  appId: 'demo',
  visitor: { id: 'v1', name: 'Vera Visitor' },
  contactId: null,
  ...overrides,
});

/** A block as admins list it. */
export const block = (id: string, overrides: Partial<Block> = {}): Block => ({
  id,
  visitor: { id: `v-${id}`, name: `Visitor ${id}` },
  byIp: false,
  conversationId: `c-${id}`,
  reason: null,
  blockedBy: { id: 'a1', name: 'Ada' },
  createdAt: '2024-05-01T10:00:00.000Z',
  ...overrides,
});
