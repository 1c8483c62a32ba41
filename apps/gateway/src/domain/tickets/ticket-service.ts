import { randomUUID } from 'node:crypto';
import { ErrorCode, type AgentTicket, type Message, type TicketCreate, type TicketStatus, type VisitorTicket } from '@parley/protocol';
import type { CommitNotice, Executor } from '../../bus/bus.ts';
import type { Database } from '../../db/database.ts';
import { toAgentTicket, toVisitorMessage, toVisitorTicket } from '../audience.ts';
import type { Masker } from '../masking/personal-data.ts';
import type { ConversationService } from '../conversations/conversation-service.ts';
import type { CommittedBatch } from '../conversations/message-writer.ts';
import { createAttachmentClaims } from '../attachments/attachment-service.ts';
import { AppError, notFound } from '../errors.ts';
import { assertIdentityAllowsWrite, type AgentPrincipal, type VisitorPrincipal } from '../identity/principal.ts';
import { createTicketRepository } from './ticket-repository.ts';

/** Most tickets one list answers. */
export const TICKET_PAGE = 50;

/** A visitor's reply as stored, and the message as the visitor sees it. */
export interface TicketReplyResult {
  messageId: string;
  seq: number;
  duplicate: boolean;
  createdAt: string;
  message: Message;
}

/**
 * Tickets: numbered requests backed by a conversation. The description is the conversation's
 * first message and replies are its later messages, so delivery, history and the audience rules
 * are the conversation's. A ticket belongs to its conversation's visitor; another visitor's
 * ticket answers exactly as a missing one.
 */
export function createTicketService({
  db,
  conversations,
  onCommitted,
  announce,
  clock = () => new Date(),
  masking,
}: {
  db: Database;
  conversations: ConversationService;
  /** Hands a committed first message to the bus, like the message writer does. */
  onCommitted: (batches: CommittedBatch[]) => void;
  /** Announces a new ticket's first message to other nodes from inside its transaction (PostgreSQL bus). */
  announce?: (tx: Executor, notices: CommitNotice[]) => Promise<void>;
  clock?: () => Date;
  /** How a workspace's agents get free text: with personal data masked or not (masking-settings.ts). Required: no agent-bound path may forget it. */
  masking: (workspaceId: string) => Promise<Masker>;
}) {
  const repo = createTicketRepository(db);
  const maskOf = (agent: AgentPrincipal): Promise<Masker> => masking(agent.workspaceId);
  const files = createAttachmentClaims(db);

  async function visitorTicket(principal: VisitorPrincipal, number: number) {
    const found = await repo.findByNumber(principal.workspaceId, number);
    // Not yours answers exactly as not there (DESIGN.md, Audience filtering).
    if (!found || found.conversation.visitorId !== principal.visitorId) throw notFound('ticket');
    return found;
  }

  async function agentTicket(principal: AgentPrincipal, number: number) {
    const found = await repo.findByNumber(principal.workspaceId, number);
    if (!found) throw notFound('ticket');
    return found;
  }

  return {
    /** Creates a ticket from the web form; a resend with the same `clientTicketId` answers the first. */
    async create(principal: VisitorPrincipal, input: TicketCreate): Promise<{ ticket: VisitorTicket; duplicate: boolean }> {
      assertIdentityAllowsWrite(principal);
      const clientTicketId = input.clientTicketId ?? randomUUID();
      // The files are claimed for the description (its client id is the ticket's) before the
      // transaction and stored on it by its insert, like any message's (attachments/).
      const { created } = await files.withFiles(
        { principal, clientMessageId: clientTicketId, internal: false, attachments: input.attachments },
        async (claimed) => {
          const made = await repo.create(
            {
              workspaceId: principal.workspaceId,
              appId: principal.appId,
              visitorId: principal.visitorId,
              subject: input.subject,
              requesterName: input.name,
              requesterEmail: input.email,
              description: input.description,
              clientTicketId,
              attachments: claimed ?? null,
              at: clock(),
            },
            announce,
          );
          return { message: made.description, duplicate: made.duplicate, created: made };
        },
      );
      if (created.duplicate) {
        if (created.ticket.subject !== input.subject || created.description.body !== input.description) {
          throw new AppError(
            ErrorCode.CONFLICT,
            `clientTicketId ${input.clientTicketId} was already used for a different ticket (#${created.ticket.number}); use a new id for a new ticket.`,
            { status: 409 },
          );
        }
      } else {
        await repo.fillVisitor(principal.visitorId, input.name, input.email);
        // After the commit, like every other message: agents see the new conversation arrive live.
        setImmediate(() => onCommitted([{ conversation: created.conversation, messages: [created.description] }]));
      }
      return { ticket: toVisitorTicket(created.ticket, created.conversation), duplicate: created.duplicate };
    },

    /** The visitor's own tickets, most recently active first. */
    async listForVisitor(principal: VisitorPrincipal): Promise<VisitorTicket[]> {
      const rows = await repo.listForVisitor(principal.visitorId, TICKET_PAGE);
      return rows.map((r) => toVisitorTicket(r.ticket, r.conversation));
    },

    /** One of the visitor's tickets with a page of its public messages, oldest first. */
    async getForVisitor(principal: VisitorPrincipal, number: number, page: { beforeSeq?: number | undefined; limit?: number | undefined } = {}) {
      const { ticket, conversation } = await visitorTicket(principal, number);
      const history = await conversations.history(principal, conversation.id, page);
      return { ticket: toVisitorTicket(ticket, conversation), ...history };
    },

    /** The visitor's reply to their ticket: a message in its conversation; reopens the ticket. */
    async reply(
      principal: VisitorPrincipal,
      number: number,
      input: { clientMessageId: string; body: string; attachments?: string[] | undefined },
    ): Promise<TicketReplyResult> {
      assertIdentityAllowsWrite(principal);
      const { ticket } = await visitorTicket(principal, number);
      const sent = await conversations.send({
        principal,
        conversationId: ticket.conversationId,
        clientMessageId: input.clientMessageId,
        body: input.body,
        internal: false,
        attachments: input.attachments,
      });
      if (!sent.duplicate) {
        // The customer answered: the ticket is theirs to wait on again.
        if (ticket.status !== 'open') await repo.setStatus(ticket.id, 'open', clock());
      }
      return {
        messageId: sent.message.id,
        seq: sent.seq,
        duplicate: sent.duplicate,
        createdAt: sent.message.createdAt.toISOString(),
        message: toVisitorMessage(sent.message)!,
      };
    },

    /** The workspace's tickets, optionally of one status, most recently active first. */
    async listForAgent(principal: AgentPrincipal, options: { status?: TicketStatus | undefined; limit?: number | undefined } = {}): Promise<AgentTicket[]> {
      const rows = await repo.listForWorkspace(principal.workspaceId, options.status, options.limit ?? TICKET_PAGE);
      const mask = await maskOf(principal);
      return rows.map((r) => toAgentTicket(r.ticket, r.conversation, r.visitor, mask));
    },

    /** One ticket of the agent's workspace. */
    async getForAgent(principal: AgentPrincipal, number: number): Promise<AgentTicket> {
      const { ticket, conversation, visitor } = await agentTicket(principal, number);
      return toAgentTicket(ticket, conversation, visitor, await maskOf(principal));
    },

    /**
     * Turns a chat the agent may see into a ticket for the customer's e-mail (the web form's
     * ticket model: the conversation is its history). Converting again answers the same ticket.
     */
    async fromChat(principal: AgentPrincipal, conversationId: string, input: { email: string; subject?: string | undefined }): Promise<{ ticket: AgentTicket; duplicate: boolean }> {
      await conversations.readable(principal, conversationId);
      const made = await repo.createForConversation({ workspaceId: principal.workspaceId, conversationId, email: input.email, subject: input.subject, at: clock() });
      if (!made) throw notFound();
      const { ticket, conversation, visitor } = made.found;
      return { ticket: toAgentTicket(ticket, conversation, visitor, await maskOf(principal)), duplicate: made.duplicate };
    },

    /** Closes the request whose conversation its visitor ended ("End chat" in the messenger). */
    async closedByVisitor(conversationId: string): Promise<void> {
      await repo.closeForConversation(conversationId, clock());
    },

    /** Sets a ticket's status (open, pending, closed). */
    async setStatus(principal: AgentPrincipal, number: number, status: TicketStatus): Promise<AgentTicket> {
      const { ticket, conversation, visitor } = await agentTicket(principal, number);
      const updated = ticket.status === status ? ticket : await repo.setStatus(ticket.id, status, clock());
      if (!updated) throw notFound('ticket');
      return toAgentTicket(updated, conversation, visitor, await maskOf(principal));
    },
  };
}

/** The ticket service's interface. */
export type TicketService = ReturnType<typeof createTicketService>;
