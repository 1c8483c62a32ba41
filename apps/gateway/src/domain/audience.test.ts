import { describe, expect, it } from 'vitest';
import type { ConversationRow, MessageRow } from '../db/schema/index.ts';
import { toAgentMessage, toAgentSummary, toVisitorMessage, toVisitorSummary } from './audience.ts';

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
  lastMessageAt: new Date('2026-01-01T00:00:00Z'),
  preview: 'INTERNAL preview',
  publicPreview: 'public preview',
  createdAt: new Date('2026-01-01T00:00:00Z'),
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

  it('give agents everything, with the full seq', () => {
    expect(toAgentMessage(row({ internal: true }))).toMatchObject({ seq: 3, internal: true, body: 'hello' });
  });

  it('show a visitor the public preview and counter, an agent the full ones', () => {
    expect(toVisitorSummary(conversation)).toMatchObject({ preview: 'public preview', lastSeq: 3 });
    expect(JSON.stringify(toVisitorSummary(conversation))).not.toContain('INTERNAL');
    expect(toAgentSummary(conversation)).toMatchObject({ preview: 'INTERNAL preview', lastSeq: 5 });
  });
});
