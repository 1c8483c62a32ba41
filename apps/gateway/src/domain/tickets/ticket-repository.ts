import { randomUUID } from 'node:crypto';
import type { Attachment } from '@parley/protocol';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { CommitNotice, Executor } from '../../bus/bus.ts';
import type { Database } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import {
  contacts,
  conversations,
  FIRST_TICKET_NUMBER,
  messages,
  ticketCounters,
  tickets,
  visitors,
  type ConversationRow,
  type MessageRow,
  type TicketRow,
} from '../../db/schema/index.ts';

/** A ticket with the conversation that backs it (and so says whose it is). */
export interface TicketWithConversation {
  ticket: TicketRow;
  conversation: ConversationRow;
}

/** A ticket as agents list it: with its visitor's id, name and verified contact. */
export interface TicketForAgent extends TicketWithConversation {
  visitor: { id: string; name: string | null; contactId: string | null };
}

/** What a new ticket is made of; ids and the time are made by the caller. */
export interface NewTicket {
  workspaceId: string;
  appId: string;
  visitorId: string;
  subject: string;
  requesterName: string;
  requesterEmail: string;
  description: string;
  /** The client's id for this submission: the conversation's client id and the first message's. */
  clientTicketId: string;
  /** The files claimed for the description, stored on it (null when none). */
  attachments: Attachment[] | null;
  at: Date;
}

/** What creating a ticket stored: the rows, and whether they were there already (a resend). */
export interface CreatedTicket extends TicketWithConversation {
  description: MessageRow;
  duplicate: boolean;
}

const PREVIEW_CHARS = 140;

/** The queries of the ticket aggregate. Only this module touches the ticket tables. */
export function createTicketRepository(db: Database) {
  /** A visitor's ticket made from a client ticket id, with its first message, if there is one. */
  async function findByClientId(visitorId: string, clientTicketId: string): Promise<Omit<CreatedTicket, 'duplicate'> | undefined> {
    const [row] = await db
      .select({ ticket: tickets, conversation: conversations, description: messages })
      .from(conversations)
      .innerJoin(tickets, eq(tickets.conversationId, conversations.id))
      .innerJoin(messages, and(eq(messages.conversationId, conversations.id), eq(messages.seq, 1)))
      .where(and(eq(conversations.visitorId, visitorId), eq(conversations.clientConversationId, clientTicketId)));
    return row;
  }

  return {
    findByClientId,

    /**
     * Creates a ticket in one transaction: takes the workspace's next number under the counter
     * row's lock, makes the conversation with the description as its first message (seq 1, public
     * seq 1: the conversation is new, so nothing else can write to it yet), then the ticket. On
     * PostgreSQL the new message is announced to the other nodes from inside the transaction, so
     * they hear of it only if it commits. A resend of the same client ticket id returns what the
     * first one made.
     */
    async create(input: NewTicket, announce?: (tx: Executor, notices: CommitNotice[]) => Promise<void>): Promise<CreatedTicket> {
      const before = await findByClientId(input.visitorId, input.clientTicketId);
      if (before) return { ...before, duplicate: true };
      try {
        return await db.transaction(async (tx) => {
          const [counter] = await tx
            .insert(ticketCounters)
            .values({ workspaceId: input.workspaceId, lastNumber: FIRST_TICKET_NUMBER })
            .onConflictDoUpdate({ target: ticketCounters.workspaceId, set: { lastNumber: sql`${ticketCounters.lastNumber} + 1` } })
            .returning({ number: ticketCounters.lastNumber });
          const preview = input.description.slice(0, PREVIEW_CHARS);
          const [conversation] = await tx
            .insert(conversations)
            .values({
              workspaceId: input.workspaceId,
              appId: input.appId,
              visitorId: input.visitorId,
              clientConversationId: input.clientTicketId,
              lastSeq: 1,
              lastPublicSeq: 1,
              lastMessageAt: input.at,
              lastPublicMessageAt: input.at,
              preview,
              publicPreview: preview,
              createdAt: input.at,
              channel: 'web_form',
            })
            .returning();
          const [description] = await tx
            .insert(messages)
            .values({
              id: randomUUID(),
              conversationId: conversation!.id,
              seq: 1,
              publicSeq: 1,
              senderKind: 'visitor',
              senderId: input.visitorId,
              senderName: input.requesterName,
              clientMessageId: input.clientTicketId,
              body: input.description,
              internal: false,
              attachments: input.attachments,
              createdAt: input.at,
            })
            .returning();
          const [ticket] = await tx
            .insert(tickets)
            .values({
              workspaceId: input.workspaceId,
              appId: input.appId,
              number: counter!.number,
              subject: input.subject,
              requesterName: input.requesterName,
              requesterEmail: input.requesterEmail,
              conversationId: conversation!.id,
              createdAt: input.at,
              updatedAt: input.at,
            })
            .returning();
          await announce?.(tx, [{ conversationId: conversation!.id, fromSeq: 1, toSeq: 1 }]);
          return { ticket: ticket!, conversation: conversation!, description: description!, duplicate: false };
        });
      } catch (error) {
        // The same submission twice at once: the conversation's (visitor, client id) is unique,
        // so the second transaction rolled back (its number with it); answer with the first.
        const first = isUniqueViolation(error) ? await findByClientId(input.visitorId, input.clientTicketId) : undefined;
        if (first) return { ...first, duplicate: true };
        throw error;
      }
    },

    /**
     * Turns a chat into a ticket for `email` (chat → ticket): takes the workspace's next number
     * under the counter row's lock and makes the ticket on the conversation, whose messages stay
     * its history. The requester's name is the verified contact's, else the visitor's, else the
     * address's local part; the subject, unless given, is "Chat with <name>". A conversation that
     * is a ticket already answers that ticket (also when two agents convert it at once).
     */
    async createForConversation(input: { workspaceId: string; conversationId: string; email: string; subject?: string | undefined; at: Date }): Promise<{ found: TicketForAgent; duplicate: boolean } | undefined> {
      const existing = async () => {
        const [row] = await db
          .select({ ticket: tickets, conversation: conversations, visitor: { id: visitors.id, name: visitors.name, contactId: visitors.contactId } })
          .from(tickets)
          .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
          .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
          .where(and(eq(tickets.conversationId, input.conversationId), eq(tickets.workspaceId, input.workspaceId)));
        return row;
      };
      const before = await existing();
      if (before) return { found: before, duplicate: true };
      const [source] = await db
        .select({ conversation: conversations, visitor: { id: visitors.id, name: visitors.name, contactId: visitors.contactId }, contactName: contacts.name })
        .from(conversations)
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .leftJoin(contacts, eq(contacts.id, visitors.contactId))
        .where(and(eq(conversations.id, input.conversationId), eq(conversations.workspaceId, input.workspaceId)));
      if (!source) return undefined;
      const name = source.contactName ?? source.visitor.name ?? input.email.split('@')[0]!;
      try {
        const ticket = await db.transaction(async (tx) => {
          const [counter] = await tx
            .insert(ticketCounters)
            .values({ workspaceId: input.workspaceId, lastNumber: FIRST_TICKET_NUMBER })
            .onConflictDoUpdate({ target: ticketCounters.workspaceId, set: { lastNumber: sql`${ticketCounters.lastNumber} + 1` } })
            .returning({ number: ticketCounters.lastNumber });
          const [row] = await tx
            .insert(tickets)
            .values({
              workspaceId: input.workspaceId,
              appId: source.conversation.appId,
              number: counter!.number,
              subject: input.subject ?? `Chat with ${name}`.slice(0, 200),
              requesterName: name.slice(0, 120),
              requesterEmail: input.email,
              conversationId: input.conversationId,
              createdAt: input.at,
              updatedAt: input.at,
            })
            .returning();
          return row!;
        });
        return { found: { ticket, conversation: source.conversation, visitor: source.visitor }, duplicate: false };
      } catch (error) {
        // Converted twice at once: the ticket's conversation is unique, so the second rolled back (its number with it).
        const first = isUniqueViolation(error) ? await existing() : undefined;
        if (first) return { found: first, duplicate: true };
        throw error;
      }
    },

    /** Fills in the visitor's name and e-mail where they are still unknown. */
    async fillVisitor(visitorId: string, name: string, email: string): Promise<void> {
      await db
        .update(visitors)
        .set({ name: sql`coalesce(${visitors.name}, ${name})`, email: sql`coalesce(${visitors.email}, ${email})` })
        .where(eq(visitors.id, visitorId));
    },

    /** A ticket of a workspace by number, whoever's it is. */
    async findByNumber(workspaceId: string, number: number): Promise<TicketForAgent | undefined> {
      const [row] = await db
        .select({ ticket: tickets, conversation: conversations, visitor: { id: visitors.id, name: visitors.name, contactId: visitors.contactId } })
        .from(tickets)
        .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.number, number)));
      return row;
    },

    /** A visitor's tickets, most recently active first. */
    async listForVisitor(visitorId: string, limit: number): Promise<TicketWithConversation[]> {
      return db
        .select({ ticket: tickets, conversation: conversations })
        .from(tickets)
        .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
        .where(eq(conversations.visitorId, visitorId))
        .orderBy(sql`coalesce(${conversations.lastPublicMessageAt}, ${tickets.createdAt}) desc`, desc(tickets.number))
        .limit(limit);
    },

    /** A workspace's tickets, optionally of one status, most recently active first. */
    async listForWorkspace(workspaceId: string, status: TicketRow['status'] | undefined, limit: number): Promise<TicketForAgent[]> {
      return db
        .select({ ticket: tickets, conversation: conversations, visitor: { id: visitors.id, name: visitors.name, contactId: visitors.contactId } })
        .from(tickets)
        .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
        .innerJoin(visitors, eq(visitors.id, conversations.visitorId))
        .where(and(eq(tickets.workspaceId, workspaceId), status ? eq(tickets.status, status) : undefined))
        .orderBy(sql`coalesce(${conversations.lastMessageAt}, ${tickets.createdAt}) desc`, desc(tickets.number))
        .limit(limit);
    },

    /** Sets a ticket's status and moves its `updated_at`; undefined when there is no such ticket. */
    async setStatus(ticketId: string, status: TicketRow['status'], at: Date): Promise<TicketRow | undefined> {
      const [row] = await db.update(tickets).set({ status, updatedAt: at }).where(eq(tickets.id, ticketId)).returning();
      return row;
    },

    /** Closes the ticket of a conversation, if it has one that is not closed. */
    async closeForConversation(conversationId: string, at: Date): Promise<void> {
      await db
        .update(tickets)
        .set({ status: 'closed', updatedAt: at })
        .where(and(eq(tickets.conversationId, conversationId), ne(tickets.status, 'closed')));
    },

    /** Re-reads a ticket's conversation (after a reply moved its counters). */
    async findConversation(id: string): Promise<ConversationRow | undefined> {
      const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
      return row;
    },
  };
}

/** The ticket repository's interface. */
export type TicketRepository = ReturnType<typeof createTicketRepository>;
