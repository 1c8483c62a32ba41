import type { ConversationSummary, Message } from '@parley/protocol';
import type { ConversationRow, MessageRow } from '../db/schema/index.ts';

// Every payload leaves through one of these serializers. The visitor ones are allowlists: a field
// reaches a visitor only when it is named here, and an internal message never does (DESIGN.md).

/** A message as an agent sees it: everything, with its full seq. */
export function toAgentMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    clientMessageId: row.clientMessageId,
    author: { kind: row.senderKind, id: row.senderId, ...(row.senderName != null && { name: row.senderName }) },
    body: row.body,
    internal: row.internal,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A message as its visitor sees it, numbered by public seq; undefined for an internal note. */
export function toVisitorMessage(row: MessageRow): Message | undefined {
  if (row.internal || row.publicSeq == null) return undefined;
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.publicSeq,
    ...(row.senderKind === 'visitor' && { clientMessageId: row.clientMessageId }),
    author: { kind: row.senderKind, id: row.senderId, ...(row.senderName != null && { name: row.senderName }) },
    body: row.body,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A conversation row in an agent's list. */
export function toAgentSummary(row: ConversationRow, visitor?: { id: string; name: string | null }): ConversationSummary {
  return {
    id: row.id,
    appId: row.appId,
    status: row.status,
    lastSeq: row.lastSeq,
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    preview: row.preview,
    ...(visitor && { visitor: { id: visitor.id, name: visitor.name } }),
  };
}

/** A conversation row in its visitor's list: public counters and preview only. */
export function toVisitorSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    appId: row.appId,
    status: row.status,
    lastSeq: row.lastPublicSeq,
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    preview: row.publicPreview,
    ...(row.clientConversationId != null && { clientConversationId: row.clientConversationId }),
  };
}
