import { describe, expect, it } from 'vitest';
import type { ConversationRow, TicketRow } from '../../db/schema/index.ts';
import { toAgentTicket, toVisitorTicket } from '../audience.ts';
import { UNMASKED } from '../masking/personal-data.ts';

const ticket: TicketRow = {
  id: 't1',
  workspaceId: 'w',
  appId: 'demo',
  number: 1001,
  subject: 'Brown leaves',
  status: 'pending',
  requesterName: 'Ayşe',
  requesterEmail: 'ayse@example.com',
  conversationId: 'c1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

const conversation = {
  id: 'c1',
  workspaceId: 'w',
  appId: 'demo',
  visitorId: 'v1',
  clientConversationId: 'submission-1',
  status: 'open',
  lastSeq: 4,
  lastPublicSeq: 3,
  lastMessageAt: new Date('2026-01-03T00:00:00Z'),
  lastPublicMessageAt: new Date('2026-01-03T00:00:00Z'),
  preview: 'INTERNAL: overwatered',
  publicPreview: 'Let the soil dry out.',
  createdAt: new Date('2026-01-01T00:00:00Z'),
} as ConversationRow;

describe('ticket serializers', () => {
  it('gives a visitor only the allowlisted fields, with the public preview', () => {
    const visible = toVisitorTicket(ticket, conversation);
    expect(visible).toEqual({
      number: 1001,
      subject: 'Brown leaves',
      status: 'pending',
      requester: { name: 'Ayşe', email: 'ayse@example.com' },
      conversationId: 'c1',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-02T00:00:00.000Z',
      lastMessageAt: '2026-01-03T00:00:00.000Z',
      preview: 'Let the soil dry out.',
    });
    expect(JSON.stringify(visible)).not.toContain('INTERNAL');
  });

  it('gives an agent the ids, the visitor, the contact and the full preview', () => {
    expect(toAgentTicket(ticket, conversation, { id: 'v1', name: 'Ayşe', contactId: 'k1' }, UNMASKED)).toMatchObject({
      id: 't1',
      appId: 'demo',
      visitor: { id: 'v1', name: 'Ayşe' },
      contactId: 'k1',
      preview: 'INTERNAL: overwatered',
    });
    expect(toAgentTicket(ticket, conversation, { id: 'v1', name: null }, UNMASKED).contactId).toBeNull();
  });
});
