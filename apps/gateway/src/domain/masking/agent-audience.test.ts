import { describe, expect, it } from 'vitest';
import type { ConversationRow, MessageRow, TicketRow } from '../../db/schema/index.ts';
import { toAgentMessage, toAgentSummary, toAgentTicket, toVisitorMessage, toVisitorSummary, toVisitorTicket } from '../audience.ts';
import { MASKED, UNMASKED } from './personal-data.ts';

const BODY = 'card 4111 1111 1111 1111, mail melissa@gmail.com, phone +447966197542';
const MASKED_BODY = 'card ***************1111, mail m******@gmail.com, phone *********7542';

const message = {
  id: 'm1',
  conversationId: 'c1',
  seq: 3,
  publicSeq: 2,
  senderKind: 'visitor',
  senderId: 'v1',
  senderName: 'melissa@gmail.com',
  clientMessageId: 'cm1',
  body: BODY,
  internal: false,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  attachments: null,
} satisfies MessageRow;

const conversation = {
  id: 'c1',
  workspaceId: 'w',
  appId: 'demo',
  visitorId: 'v1',
  clientConversationId: null,
  status: 'open',
  lastSeq: 3,
  lastPublicSeq: 2,
  lastMessageAt: new Date('2026-01-01T00:00:00Z'),
  preview: BODY,
  publicPreview: BODY,
  createdAt: new Date('2026-01-01T00:00:00Z'),
} as ConversationRow;

const ticket = {
  id: 't1',
  workspaceId: 'w',
  appId: 'demo',
  number: 1001,
  subject: 'Call me on +447966197542',
  status: 'open',
  requesterName: 'Melissa',
  requesterEmail: 'melissa@gmail.com',
  conversationId: 'c1',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
} as TicketRow;

describe('agent serializers with a masker', () => {
  it('mask a message body and its author name for agents', () => {
    const masked = toAgentMessage(message, MASKED);
    expect(masked.body).toBe(MASKED_BODY);
    expect(masked.author.name).toBe('m******@gmail.com');
  });

  it('mask the preview and the visitor name of a conversation summary', () => {
    const summary = toAgentSummary(conversation, { id: 'v1', name: 'melissa@gmail.com' }, MASKED);
    expect(summary.preview).toBe(MASKED_BODY);
    expect(summary.visitor).toEqual({ id: 'v1', name: 'm******@gmail.com' });
  });

  it('mask a ticket’s subject, requester e-mail and preview', () => {
    const view = toAgentTicket(ticket, conversation, { id: 'v1', name: null }, MASKED);
    expect(view).toMatchObject({ subject: 'Call me on *********7542', requester: { name: 'Melissa', email: 'm******@gmail.com', emailMasked: true }, preview: MASKED_BODY });
    expect(JSON.stringify(view)).not.toContain('melissa@gmail.com');
  });

  it('mask a requester named after their address (a chat turned into a ticket with no name) in the name and the subject', () => {
    const named = { ...ticket, subject: 'Chat with visitor.two', requesterName: 'visitor.two', requesterEmail: 'visitor.two@example.com' };
    const view = toAgentTicket(named, conversation, { id: 'v1', name: null }, MASKED);
    expect(view).toMatchObject({ subject: 'Chat with v**********', requester: { name: 'v**********', email: 'v**********@example.com', emailMasked: true } });
    expect(JSON.stringify(view)).not.toContain('visitor.two');
    expect(toAgentTicket(named, conversation, { id: 'v1', name: null }, UNMASKED)).toMatchObject({
      subject: 'Chat with visitor.two',
      requester: { name: 'visitor.two', email: 'visitor.two@example.com', emailMasked: false },
    });
    expect(toVisitorTicket(named, conversation).requester).toEqual({ name: 'visitor.two', email: 'visitor.two@example.com' });
  });

  it('mask the names of a message’s files for agents, and never for its visitor', () => {
    const files = [
      { id: 'f1', name: 'card 4111111111111111.pdf', size: 10, type: 'application/pdf' },
      { id: 'f2', name: 'melissa@gmail.com.png', size: 10, type: 'image/png' },
    ];
    const withFiles = { ...message, attachments: files };
    const names = toAgentMessage(withFiles, MASKED).attachments!.map((a) => a.name);
    expect(names).toEqual(['card ************1111.pdf', 'm******@gmail.com.png']);
    expect(JSON.stringify(toAgentMessage(withFiles, MASKED))).not.toMatch(/4111111111111111|melissa@/);
    expect(toVisitorMessage(withFiles)!.attachments!.map((a) => a.name)).toEqual(files.map((f) => f.name));
  });

  it('give agents the text as stored when the workspace does not mask', () => {
    expect(toAgentMessage(message, UNMASKED).body).toBe(BODY);
    expect(toAgentSummary(conversation, undefined, UNMASKED).preview).toBe(BODY);
    expect(toAgentTicket(ticket, conversation, { id: 'v1', name: null }, UNMASKED).requester.email).toBe('melissa@gmail.com');
  });

  it('never mask what a visitor gets: their own text as they wrote it', () => {
    expect(toVisitorMessage(message)!.body).toBe(BODY);
    expect(toVisitorSummary(conversation).preview).toBe(BODY);
    expect(toVisitorTicket(ticket, conversation).requester.email).toBe('melissa@gmail.com');
  });
});
