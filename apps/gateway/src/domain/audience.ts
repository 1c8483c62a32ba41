import type { ConversationSummary, Message, ServerFrameOf } from '@parley/protocol';
import type { ReadEvent, TypingEvent } from '../bus/event-relay.ts';
import type { ConversationRow, MessageRow } from '../db/schema/index.ts';
import type { AgentTicket, VisitorTicket } from '@parley/protocol';
import type { TicketRow } from '../db/schema/index.ts';
import { localPartOf, maskLocalPart, UNMASKED, type Masker } from './masking/personal-data.ts';
import { systemEventOf } from './routing/system-messages.ts';

// Every payload leaves through one of these serializers. The visitor ones are allowlists: a field
// reaches a visitor only when it is named here, and an internal message never does (DESIGN.md).
// The agent ones take the workspace's masker, always (no default, so no agent-bound path can
// forget it): with masking on, free text (bodies, names, file names, previews, subjects) reaches
// agents with personal data masked. Visitors always get their own text as stored, and stored
// text never changes.

/** A message as an agent sees it: everything, with its full seq, masked by the workspace's masker (its files' names too). */
export function toAgentMessage(row: MessageRow, mask: Masker): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    clientMessageId: row.clientMessageId,
    author: { kind: row.senderKind, id: row.senderId, ...(row.senderName != null && { name: mask.text(row.senderName) }) },
    body: mask.text(row.body),
    internal: row.internal,
    createdAt: row.createdAt.toISOString(),
    ...attachmentsOf(row, mask),
  };
}

/** A message as its visitor sees it, numbered by public seq; undefined for an internal note. */
export function toVisitorMessage(row: MessageRow): Message | undefined {
  if (row.internal || row.publicSeq == null) return undefined;
  const event = systemEventOf(row);
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.publicSeq,
    ...(row.senderKind === 'visitor' && { clientMessageId: row.clientMessageId }),
    author: { kind: row.senderKind, id: row.senderId, ...(row.senderName != null && { name: row.senderName }) },
    body: row.body,
    createdAt: row.createdAt.toISOString(),
    // Only here, after the internal check: an internal note's files never reach a visitor.
    ...attachmentsOf(row, UNMASKED),
    ...(event && { event }),
  };
}

/** A message's files, each with exactly `id`, `name` (through the audience's masker), `size` and `type`; nothing when it has none. */
function attachmentsOf(row: MessageRow, mask: Masker): Pick<Message, 'attachments'> {
  if (!row.attachments?.length) return {};
  return { attachments: row.attachments.map((a) => ({ id: a.id, name: mask.text(a.name), size: a.size, type: a.type })) };
}

/** A conversation row in an agent's list, masked by the workspace's masker. */
export function toAgentSummary(row: ConversationRow, visitor: { id: string; name: string | null } | undefined, mask: Masker): ConversationSummary {
  return {
    id: row.id,
    appId: row.appId,
    status: row.status,
    lastSeq: row.lastSeq,
    lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    preview: row.preview == null ? row.preview : mask.preview(row.preview),
    ...(visitor && { visitor: { id: visitor.id, name: visitor.name == null ? null : mask.text(visitor.name) } }),
    ...(row.archivedAt && { archivedAt: row.archivedAt.toISOString() }),
  };
}

/** A conversation row in its visitor's list: public counters and preview only. */
export function toVisitorSummary(row: ConversationRow): ConversationSummary {
  return {
    id: row.id,
    appId: row.appId,
    status: row.status,
    lastSeq: row.lastPublicSeq,
    lastMessageAt: row.lastPublicMessageAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    preview: row.publicPreview,
    ...(row.clientConversationId != null && { clientConversationId: row.clientConversationId }),
  };
}

/** A ticket as its visitor sees it (the portal): the public preview, nothing internal. */
export function toVisitorTicket(ticket: TicketRow, conversation: ConversationRow): VisitorTicket {
  return {
    number: ticket.number,
    subject: ticket.subject,
    status: ticket.status,
    requester: { name: ticket.requesterName, email: ticket.requesterEmail },
    conversationId: ticket.conversationId,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    lastMessageAt: conversation.lastPublicMessageAt?.toISOString() ?? null,
    preview: conversation.publicPreview,
  };
}

/**
 * A ticket as an agent sees it: with its ids, its visitor and the full preview, masked by the
 * workspace's masker. A requester named by their address's local part (a chat converted to a
 * ticket with no name is named so, and its subject says "Chat with" it) has that name masked like
 * the address, wherever it stands: else it would show what masking hides of the address.
 */
export function toAgentTicket(
  ticket: TicketRow,
  conversation: ConversationRow,
  visitor: { id: string; name: string | null; contactId?: string | null },
  mask: Masker,
): AgentTicket {
  const visitorView = toVisitorTicket(ticket, conversation);
  const { name, email } = visitorView.requester;
  const namedByAddress = mask.masks && name !== '' && name === localPartOf(email);
  const text = (value: string) => (namedByAddress ? maskLocalPart(mask.text(value), email) : mask.text(value));
  const shownEmail = mask.text(email);
  return {
    ...visitorView,
    subject: text(visitorView.subject),
    requester: { name: text(name), email: shownEmail, emailMasked: shownEmail !== email },
    preview: conversation.preview == null ? conversation.preview : mask.preview(conversation.preview),
    id: ticket.id,
    appId: ticket.appId,
    visitor: { id: visitor.id, name: visitor.name == null ? null : mask.text(visitor.name) },
    contactId: visitor.contactId ?? null,
  };
}

/** Someone typing, as a visitor may hear of it: only agents in the visitor's own conversation, never an internal note. */
export function toVisitorTyping(event: TypingEvent): ServerFrameOf<'typing'> | undefined {
  if (event.internal || event.author.kind !== 'agent') return undefined;
  const { id, name } = event.author;
  return { type: 'typing', conversationId: event.conversationId, state: event.state, author: { kind: 'agent', id, ...(name && { name }) } };
}

/** Someone typing, as agents see it: with `internal` for an internal note. */
export function toAgentTyping(event: TypingEvent): ServerFrameOf<'typing'> {
  return { type: 'typing', conversationId: event.conversationId, state: event.state, author: event.author, ...(event.internal && { internal: true }) };
}

/** A read receipt as the visitor sees it: in public numbering, and an agent's only when the agents' public position moved. */
export function toVisitorRead(event: ReadEvent): ServerFrameOf<'conversation.read'> | undefined {
  if (!event.forVisitor) return undefined;
  return { type: 'conversation.read', conversationId: event.conversationId, reader: event.reader, seq: event.publicSeq, readAt: event.readAt };
}

/** A read receipt as agents see it, in the agents' numbering. */
export function toAgentRead(event: ReadEvent): ServerFrameOf<'conversation.read'> {
  return { type: 'conversation.read', conversationId: event.conversationId, reader: event.reader, seq: event.seq, readAt: event.readAt };
}
