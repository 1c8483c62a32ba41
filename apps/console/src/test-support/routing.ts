import type { ConversationRouting, Offer, RoutingAgent, RoutingQueue, RoutingSnapshot } from '@parley/protocol';

/** An agent as routing lists them, Online and connected by default. */
export const routingAgent = (id: string, overrides: Partial<RoutingAgent> = {}): RoutingAgent => ({
  id,
  name: `Agent ${id}`,
  email: `${id}@example.com`,
  role: 'agent',
  status: 'online',
  since: '2024-05-01T10:00:00.000Z',
  load: 0,
  maxChats: 3,
  connected: true,
  queueIds: [],
  ...overrides,
});

/** A queue with its live counts. */
export const routingQueue = (id: string, overrides: Partial<RoutingQueue> = {}): RoutingQueue => ({
  id,
  name: `Queue ${id}`,
  mode: 'offer',
  topN: 1,
  offerTimeoutMs: 30_000,
  waiting: 0,
  online: 0,
  agentIds: [],
  ...overrides,
});

/** An offer of a chat from a queue, unless overridden. */
export const offer = (id: string, overrides: Partial<Offer> = {}): Offer => ({
  id,
  kind: 'chat',
  conversationId: `c-${id}`,
  queueId: 'q1',
  queueName: 'Sales',
  customerName: 'Vera',
  preview: 'Do you ship orchids?',
  arrivedAt: '2024-05-01T10:00:00.000Z',
  createdAt: '2024-05-01T10:00:10.000Z',
  expiresAt: '2024-05-01T10:00:40.000Z',
  ...overrides,
});

/** A conversation's routing, owned by `owner` unless overridden. */
export const conversationRouting = (owner: string | null, overrides: Partial<ConversationRouting> = {}): ConversationRouting => ({
  state: owner ? 'owned' : 'broadcast',
  queueId: 'q1',
  ownerAgentId: owner,
  ownerName: owner ? `Agent ${owner}` : null,
  guests: [],
  wrapUp: null,
  ...overrides,
});

/** A snapshot for agent `a1` with a colleague `a2`, one queue and two wrap-up reasons. */
export const snapshot = (overrides: Partial<RoutingSnapshot> = {}): RoutingSnapshot => ({
  me: routingAgent('a1', { name: 'Ada', queueIds: ['q1'] }),
  agents: [routingAgent('a1', { name: 'Ada', queueIds: ['q1'] }), routingAgent('a2', { name: 'Bob', queueIds: ['q1'] })],
  queues: [routingQueue('q1', { name: 'Sales', waiting: 2, online: 2, agentIds: ['a1', 'a2'] })],
  offers: [],
  wrapUpReasons: [
    { id: 'r1', label: 'Question answered' },
    { id: 'r2', label: 'Order placed' },
  ],
  archiveAfterDays: 7,
  ...overrides,
});
