import { describe, expect, it } from 'vitest';
import type { ConversationRow, MessageRow } from '../db/schema/index.ts';
import { toAgentMessage, toAgentRead, toAgentSummary, toAgentTyping, toVisitorMessage, toVisitorRead, toVisitorSummary, toVisitorTyping } from './audience.ts';
import { UNMASKED } from './masking/personal-data.ts';
import { CHAT_ENDED, joinedText, leftText, ROUTING_SENDER } from './routing/system-messages.ts';

const row = (over: Partial<MessageRow> = {}): MessageRow => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 3,
  publicSeq: 2,
  senderKind: 'agent',
  senderId: 'a1',
  senderName: 'Ada',
  clientMessageId: 'cm1',
  body: 'hello',
  internal: false,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  attachments: null,
  ...over,
});

const conversation: ConversationRow = {
  id: 'c1',
  workspaceId: 'w',
  appId: 'demo',
  visitorId: 'v1',
  clientConversationId: 'cc1',
  status: 'open',
  lastSeq: 5,
  lastPublicSeq: 3,
  lastMessageAt: new Date('2026-01-01T00:05:00Z'),
  lastPublicMessageAt: new Date('2026-01-01T00:00:00Z'),
  preview: 'INTERNAL preview',
  publicPreview: 'public preview',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  channel: 'chat',
  archivedAt: null,
};

describe('audience serializers', () => {
  it('never give a visitor an internal note', () => {
    expect(toVisitorMessage(row({ internal: true, publicSeq: null }))).toBeUndefined();
    expect(toVisitorMessage(row({ internal: true, publicSeq: 2 }))).toBeUndefined();
  });

  it('number a visitor\'s messages by public seq and leave out the internal flag', () => {
    const message = toVisitorMessage(row())!;
    expect(message.seq).toBe(2);
    expect('internal' in message).toBe(false);
  });

  it('give a visitor the client id only of their own messages', () => {
    expect(toVisitorMessage(row())!.clientMessageId).toBeUndefined();
    expect(toVisitorMessage(row({ senderKind: 'visitor', senderId: 'v1' }))!.clientMessageId).toBe('cm1');
  });

  it("give a visitor a public message's files and never an internal note's", () => {
    const file = { id: 'f1', name: 'photo.png', size: 10, type: 'image/png' };
    const stored = [{ ...file, extra: 'not on the wire' }] as unknown as MessageRow['attachments'];
    expect(toVisitorMessage(row({ attachments: stored }))!.attachments).toEqual([file]);
    expect(toVisitorMessage(row({ internal: true, publicSeq: null, attachments: stored }))).toBeUndefined();
    expect(toAgentMessage(row({ internal: true, attachments: stored }), UNMASKED).attachments).toEqual([file]);
    expect('attachments' in toVisitorMessage(row())!).toBe(false);
  });

  it("tell a visitor what routing's messages say, for their widget to say it in their language", () => {
    const said = (clientMessageId: string, body: string) => toVisitorMessage(row({ senderKind: 'system', senderId: ROUTING_SENDER, senderName: null, clientMessageId, body }))!.event;
    expect(said('resolved-7', CHAT_ENDED)).toEqual({ type: 'ended' });
    expect(said('joined-3b1f', joinedText('Ann Agent'))).toEqual({ type: 'joined', name: 'Ann Agent' });
    expect(said('left-9c2e-12', leftText('Ann (left-handed) joined the conversation.'))).toEqual({ type: 'left', name: 'Ann (left-handed) joined the conversation.' });
    // Only routing's own: not the bot's auto-reply, an agent's or a visitor's words alike.
    expect(toVisitorMessage(row({ senderKind: 'system', senderId: 'bot', clientMessageId: 'resolved-1', body: CHAT_ENDED }))!).not.toHaveProperty('event');
    expect(toVisitorMessage(row({ clientMessageId: 'joined-1', body: joinedText('Mallory') }))!).not.toHaveProperty('event');
    expect(said('joined-1', 'Something else.')).toBeUndefined();
    expect(toAgentMessage(row({ senderKind: 'system', senderId: ROUTING_SENDER, clientMessageId: 'resolved-1', body: CHAT_ENDED }), UNMASKED)).not.toHaveProperty('event');
  });

  it('give agents everything, with the full seq', () => {
    expect(toAgentMessage(row({ internal: true }), UNMASKED)).toMatchObject({ seq: 3, internal: true, body: 'hello' });
  });

  it('show a visitor the public preview and counter, an agent the full ones', () => {
    // The internal note came last: its time shows to agents, never to the visitor.
    expect(toVisitorSummary(conversation)).toMatchObject({ preview: 'public preview', lastSeq: 3, lastMessageAt: '2026-01-01T00:00:00.000Z' });
    expect(JSON.stringify(toVisitorSummary(conversation))).not.toContain('INTERNAL');
    expect(toAgentSummary(conversation, undefined, UNMASKED)).toMatchObject({ preview: 'INTERNAL preview', lastSeq: 5 });
  });
});

describe('typing and read receipts by audience', () => {
  const typing = { kind: 'typing' as const, conversationId: 'c', visitorId: 'v', workspaceId: 'w', state: 'start' as const, author: { kind: 'agent' as const, id: 'a', name: 'Dana' }, internal: false };
  const read = { kind: 'read' as const, conversationId: 'c', visitorId: 'v', workspaceId: 'w', reader: { kind: 'agent' as const, id: 'a' }, seq: 7, publicSeq: 4, forVisitor: true, readAt: 't' };

  it("gives the visitor an agent's public typing only: never an internal note's, never its own", () => {
    expect(toVisitorTyping(typing)).toEqual({ type: 'typing', conversationId: 'c', state: 'start', author: { kind: 'agent', id: 'a', name: 'Dana' } });
    expect(toVisitorTyping({ ...typing, internal: true })).toBeUndefined();
    expect(toVisitorTyping({ ...typing, author: { kind: 'visitor', id: 'v' } })).toBeUndefined();
    expect(toAgentTyping({ ...typing, internal: true })).toMatchObject({ internal: true });
    expect(toAgentTyping(typing)).not.toHaveProperty('internal');
  });

  it('numbers read receipts per audience and tells the visitor only when the public position moved', () => {
    expect(toVisitorRead(read)).toEqual({ type: 'conversation.read', conversationId: 'c', reader: { kind: 'agent', id: 'a' }, seq: 4, readAt: 't' });
    expect(toVisitorRead({ ...read, forVisitor: false })).toBeUndefined();
    expect(toAgentRead(read)).toMatchObject({ seq: 7 });
  });
});
