import { ErrorCode, type AppSettings, type AppSettingsUpdate, type Availability, type VisitorApp } from '@parley/protocol';
import type { NotifyChannel } from '../../bus/bus.ts';
import type { RelayEvent } from '../../bus/event-relay.ts';
import type { Database } from '../../db/database.ts';
import type { ConversationRow } from '../../db/schema/index.ts';
import { AppError, notFound } from '../errors.ts';
import { principalId, type AgentPrincipal, type Principal, type VisitorPrincipal } from '../identity/principal.ts';
import { agentMaySee } from '../routing/routing-access.ts';
import type { ConversationAccess } from './conversation-service.ts';
import { createMessengerRepository } from './messenger-repository.ts';
import { mayWrite, type CommittedBatch } from './message-writer.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the agents see when the visitor ends a conversation (MISSION.md V7). */
export const CUSTOMER_LEFT = 'The customer left the conversation.';
/** The agents' note when a conversation ends because its visitor was blocked. */
export const CUSTOMER_BLOCKED = 'The customer was blocked: the chat ended.';
/** The agents' note when a visitor ends the conversation of their request (a ticket from the web form). */
export const CUSTOMER_CLOSED_REQUEST = 'The customer closed the request.';

/** The sender id of the bot's auto-reply and of the gateway's own notes. */
export const BOT_SENDER = 'bot';
const GATEWAY_SENDER = 'parley';

/** What the widget reads at start, plus the visitor's own name and e-mail (for the pre-chat form). */
export type VisitorAppWithProfile = VisitorApp & { visitor: { name: string | null; email: string | null } };

/**
 * The live side of the messenger: typing, read receipts, ending a conversation, the bot's
 * auto-reply, pre-chat requirements and the app's messenger settings. Every call checks that the
 * principal may touch the conversation; one that is not theirs answers like one that does not
 * exist. Typing and read receipts go to `publish` (every node's sockets); messages the gateway
 * writes go to `onCommitted` like any other.
 */
export function createMessengerService({
  db,
  publish,
  onCommitted,
  channel,
  availability,
  log,
  access,
  onEnded,
  onRequestEnded,
}: {
  db: Database;
  publish: (event: RelayEvent) => void;
  onCommitted: (batches: CommittedBatch[]) => void;
  /** Where writes announce new messages to other nodes (PostgreSQL only). */
  channel?: () => NotifyChannel | undefined;
  availability: (workspaceId: string) => Promise<Availability>;
  log?: { error(obj: unknown, msg?: string): void };
  /** Routing's rules for agents (routing-access.ts); without them every agent of the workspace sees every conversation. */
  access?: ConversationAccess;
  /** Called after a visitor ended a conversation (routing takes a chat nobody had yet out of its queue). */
  onEnded?: (conversationId: string) => void;
  /** Closes the ticket of a request whose conversation the visitor ended (the ticket service). */
  onRequestEnded?: (conversationId: string) => Promise<void>;
}) {
  const repo = createMessengerRepository(db);

  async function accessible(principal: Principal, conversationId: string): Promise<ConversationRow> {
    const conversation = UUID.test(conversationId) ? await repo.findConversation(conversationId) : undefined;
    if (!conversation || !mayWrite(principal, conversation)) throw notFound();
    if (principal.kind === 'agent' && principal.role !== 'admin' && access && !agentMaySee(principal, (await access.views([conversationId])).get(conversationId))) {
      throw notFound();
    }
    return conversation;
  }

  /** Closes a conversation with an internal note for the agents (`why` keys it: one note per end, a retry finds it). */
  async function close(conversation: ConversationRow, why: string, note: string): Promise<void> {
    const batch = await repo.appendSystemMessage(
      { conversationId: conversation.id, clientMessageId: `${why}-${conversation.lastSeq}`, senderId: GATEWAY_SENDER, senderName: null, body: note, internal: true, status: 'closed' },
      channel?.(),
    );
    if (batch) onCommitted([batch]);
    publish({ kind: 'conversation', conversationId: conversation.id });
    onEnded?.(conversation.id);
  }

  async function appOf(appId: string) {
    const app = await repo.app(appId);
    if (!app) throw notFound('app');
    return app;
  }

  function agentApp(agent: AgentPrincipal, appId: string) {
    return appOf(appId).then((app) => {
      if (app.workspaceId !== agent.workspaceId) throw notFound('app');
      return app;
    });
  }

  const settingsOf = (app: AppSettings): AppSettings => ({ preChat: app.preChat, bot: app.bot });

  return {
    /** Relays that the principal started or stopped typing; an internal note's typing reaches agents only. */
    async typing(principal: Principal, input: { conversationId: string; state: 'start' | 'stop'; internal?: boolean | undefined }): Promise<void> {
      if (input.internal && principal.kind !== 'agent') {
        throw new AppError(ErrorCode.FORBIDDEN, 'Only agents write internal notes.', { status: 403 });
      }
      const conversation = await accessible(principal, input.conversationId);
      publish({
        kind: 'typing',
        conversationId: conversation.id,
        visitorId: conversation.visitorId,
        workspaceId: conversation.workspaceId,
        state: input.state,
        author: { kind: principal.kind, id: principalId(principal), ...(principal.name && { name: principal.name }) },
        internal: input.internal ?? false,
      });
    },

    /** Moves the principal's read position forward and tells the other side (and the reader's other tabs). */
    async markRead(principal: Principal, conversationId: string, seq: number): Promise<void> {
      const conversation = await accessible(principal, conversationId);
      const reader = { kind: principal.kind, id: principalId(principal) };
      const read = await repo.markRead(conversation, reader, seq);
      if (!read.advanced) return;
      publish({
        kind: 'read',
        conversationId: conversation.id,
        visitorId: conversation.visitorId,
        workspaceId: conversation.workspaceId,
        reader,
        seq: read.seq,
        publicSeq: read.publicSeq,
        forVisitor: principal.kind === 'visitor' || read.agentsPublicAdvanced,
        readAt: read.readAt.toISOString(),
      });
    },

    /**
     * The visitor leaves a conversation: it is closed, and the agents get a note that the
     * customer left. Ending one that is already closed changes nothing.
     */
    async end(principal: Principal, conversationId: string): Promise<void> {
      if (principal.kind !== 'visitor') {
        throw new AppError(ErrorCode.FORBIDDEN, 'Only the visitor can end a conversation this way.', { status: 403 });
      }
      const conversation = await accessible(principal, conversationId);
      if (conversation.status === 'closed') return;
      // A request's conversation ends with the request: no ticket stays open on a closed conversation.
      if (conversation.channel === 'web_form') await onRequestEnded?.(conversation.id);
      await close(conversation, 'left', conversation.channel === 'web_form' ? CUSTOMER_CLOSED_REQUEST : CUSTOMER_LEFT);
    },

    /**
     * Ends every open chat of a visitor the agents just blocked (their tickets stay as they are), as if they had left: the
     * agents get a note saying why; routing takes a chat nobody had yet out of its queue.
     */
    async endBlocked(workspaceId: string, visitorId: string): Promise<void> {
      for (const conversation of await repo.openChatsOf(workspaceId, visitorId)) await close(conversation, 'blocked', CUSTOMER_BLOCKED);
    },

    /**
     * Refuses a visitor's first message when the app asks for a name or e-mail the visitor has
     * not given yet (`PATCH /api/visitor/me`). Later messages and resends are not checked.
     */
    async checkPreChat(principal: Principal, input: { conversationId?: string | undefined; clientConversationId?: string | undefined }): Promise<void> {
      if (principal.kind !== 'visitor' || input.conversationId !== undefined || input.clientConversationId === undefined) return;
      const app = await repo.app(principal.appId);
      if (!app || (app.preChat.name !== 'required' && app.preChat.email !== 'required')) return;
      if (await repo.hasClientConversation(principal.visitorId, input.clientConversationId)) return;
      const profile = await repo.visitorProfile(principal.visitorId);
      const missing = [app.preChat.name === 'required' && !profile?.name && 'name', app.preChat.email === 'required' && !profile?.email && 'email'].filter(Boolean);
      if (missing.length) {
        throw new AppError(
          ErrorCode.PRECHAT_REQUIRED,
          `This app asks for your ${missing.join(' and ')} before a conversation starts; send ${missing.length > 1 ? 'them' : 'it'} with PATCH /api/visitor/me first.`,
          { status: 400 },
        );
      }
    },

    /** A conversation's row with no access check: for fan-out through the audience serializers only. */
    conversationRow: (id: string) => repo.findConversation(id),

    /** Posts the app's bot auto-reply into conversations a visitor has just started. Never throws. */
    async afterCommit(batches: CommittedBatch[]): Promise<void> {
      for (const { conversation, messages } of batches) {
        const first = messages[0];
        if (first?.seq !== 1 || first.senderKind !== 'visitor') continue;
        try {
          const app = await repo.app(conversation.appId);
          if (!app?.bot.enabled || !app.bot.text) continue;
          const batch = await repo.appendSystemMessage(
            { conversationId: conversation.id, clientMessageId: 'auto-reply', senderId: BOT_SENDER, senderName: app.name, body: app.bot.text, internal: false },
            channel?.(),
          );
          if (batch) onCommitted([batch]);
        } catch (error) {
          log?.error({ err: error, conversationId: conversation.id }, 'bot auto-reply failed');
        }
      }
    },

    /** What the widget reads at start: the app's name, settings, limit, availability and the visitor's own profile. */
    async visitorApp(principal: VisitorPrincipal): Promise<VisitorAppWithProfile> {
      const [app, status, profile] = await Promise.all([appOf(principal.appId), availability(principal.workspaceId), repo.visitorProfile(principal.visitorId)]);
      return {
        name: app.name,
        ...settingsOf(app),
        maxMessageLength: app.maxMessageLength,
        availability: status,
        visitor: { name: profile?.name ?? null, email: profile?.email ?? null },
      };
    },

    /** The apps (products) of the agent's workspace: what the console offers to filter by. */
    apps(agent: AgentPrincipal): Promise<{ id: string; name: string }[]> {
      return repo.appsOf(agent.workspaceId);
    },

    /** An app's messenger settings, for an agent of its workspace. */
    async settings(agent: AgentPrincipal, appId: string): Promise<AppSettings> {
      return settingsOf(await agentApp(agent, appId));
    },

    /** Changes an app's messenger settings; admins only. */
    async updateSettings(agent: AgentPrincipal, appId: string, update: AppSettingsUpdate): Promise<AppSettings> {
      const current = await agentApp(agent, appId);
      if (agent.role !== 'admin') throw new AppError(ErrorCode.FORBIDDEN, 'Only admins change the messenger settings.', { status: 403 });
      const text = update.bot?.text !== undefined ? update.bot.text : current.bot.text;
      if ((update.bot?.enabled ?? current.bot.enabled) && !text) {
        throw new AppError(ErrorCode.INVALID_REQUEST, 'bot.text: the auto-reply needs a text before it can be switched on.', { status: 400 });
      }
      await repo.saveSettings(appId, update);
      return settingsOf(await appOf(appId));
    },
  };
}

/** The messenger service's interface. */
export type MessengerService = ReturnType<typeof createMessengerService>;
