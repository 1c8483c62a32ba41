import { CloseCode } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createMemoryBus, type Bus } from '../bus/bus.ts';
import { createPostgresBus } from '../bus/postgres-bus.ts';
import { createMemoryRelay, createPostgresRelay, type EventRelay } from '../bus/event-relay.ts';
import type { Config } from '../config.ts';
import type { OpenDatabase } from '../db/database.ts';
import { createAgentService, endAgentSessions, type AgentService } from '../domain/agents/agent-service.ts';
import { createAttachmentService, type AttachmentService } from '../domain/attachments/attachment-service.ts';
import { createConversationService, type ConversationService } from '../domain/conversations/conversation-service.ts';
import { createMessengerService, type MessengerService } from '../domain/conversations/messenger-service.ts';
import { createAvailabilityService, PRESENCE_REFRESH_MS, type AvailabilityService } from '../domain/availability.ts';
import { createContactService, type ContactService } from '../domain/identity/contact-service.ts';
import { createIdentityService, type IdentityService } from '../domain/identity/identity-service.ts';
import { createTicketService, type TicketService } from '../domain/tickets/ticket-service.ts';
import { createMaskingSettings, type MaskingSettings } from '../domain/masking/masking-settings.ts';
import { createTemplateService, type TemplateService } from '../domain/templates/template-service.ts';
import { createViewService, endDeletedConversation, type ViewService } from '../domain/views/view-service.ts';
import { createCustomerService, type CustomerService } from '../domain/customers/customer-service.ts';
import { createBlockingService, endBlockedSessions, type BlockingService } from '../domain/blocking/blocking-service.ts';
import { createReplyEmailService, type ReplyEmailService } from '../domain/reply-emails/reply-email-service.ts';
import { createJobRunner } from '../domain/routing/job-runner.ts';
import { createRoutingService, type RoutingService } from '../domain/routing/routing-service.ts';
import { createMailer } from '../mail/mailer.ts';
import { createHub, type Hub } from '../socket/hub.ts';
import { createRoutingFanout, type RoutingFanout } from '../socket/routing-fanout.ts';
import { createRateLimiter, type RateLimiter } from '../socket/rate-limiter.ts';

/** The application's services, built once per gateway and decorated onto Fastify. */
export interface Services {
  config: Config;
  database: OpenDatabase;
  identity: IdentityService;
  conversations: ConversationService;
  /** Signed visitor identities (contacts) and the visitor's own profile. */
  contacts: ContactService;
  /** Tickets from the web form, backed by conversations. */
  tickets: TicketService;
  /** Uploaded files: judged by their bytes, stored in the database, read by their conversation's participants. */
  attachments: AttachmentService;
  /** Typing, read receipts, ending conversations, the bot's auto-reply, pre-chat checks, messenger settings. */
  messenger: MessengerService;
  /** Whether anyone can answer a workspace's visitors. */
  availability: AvailabilityService;
  /** Whether each workspace masks personal data for its agents; the admin's setting. */
  masking: MaskingSettings;
  /** Canned replies: admins manage them, agents search and render them. */
  templates: TemplateService;
  /** Agent statuses, queues, offers, ownership, transfer, conference, wrap-up. */
  routing: RoutingService;
  /** Inbox views, the archive, saved views; archive, unarchive, delete. */
  views: ViewService;
  /** The customer panel, unknown contacts, who sees contact details. */
  customers: CustomerService;
  /** Blocked visitors and addresses: refusals, blocking, the admin's list. */
  blocking: BlockingService;
  /** The workspace's team: admins add and remove agents. */
  agents: AgentService;
  /** Sends what routing did to the sockets of every node. */
  routingFanout: RoutingFanout;
  /** Short-lived events (typing, read receipts, status, availability) to every node's sockets. */
  relay: EventRelay;
  hub: Hub;
  bus: Bus;
  limiter: RateLimiter;
  /** Per IP address: sign-ins and new visitor sessions, against guessing and flooding. */
  authLimiter: RateLimiter;
}

declare module 'fastify' {
  interface FastifyInstance {
    parley: Services;
  }
}

/** Builds the services: storage first, then the bus, then the hub that listens to it. */
export const servicesPlugin = fp<{ config: Config; database: OpenDatabase }>(async (app: FastifyInstance, { config, database }) => {
  let bus: Bus | undefined;
  let messenger: MessengerService | undefined;
  let relayRef: EventRelay | undefined;
  let tickets: TicketService | undefined;
  const masking = createMaskingSettings({
    db: database.db,
    announce: (change) => relayRef?.publish({ kind: 'workspace.masking', ...change }),
    onError: (error) => app.log.error({ err: error }, 'masking settings read failed'),
  });
  let fanout: RoutingFanout | undefined;
  const logError = (what: string) => (error: unknown) => app.log.error({ err: error }, what);
  const routing = createRoutingService({
    db: database.db,
    staleAfterMs: config.agentStaleMs,
    channel: () => bus?.channel,
    onCommitted: (batches) => bus?.publish(batches),
    masking: masking.maskerOf,
    archiveAfterMs: config.archiveAfterDays * 86_400_000,
    // Consoles on every node read the row again: it leaves their main views.
    onArchived: (conversationId) => relayRef?.publish({ kind: 'conversation', conversationId }),
  });
  const routed = (work: Promise<Parameters<RoutingFanout['publish']>[0]>) => work.then((events) => fanout?.publish(events), logError('routing failed'));
  const conversations = createConversationService({
    masking: masking.maskerOf,
    db: database.db,
    onCommitted: (batches) => {
      bus?.publish(batches);
      void messenger?.afterCommit(batches);
      // New chats (and resolved ones the visitor wrote to again) were queued by the write: hand them out.
      for (const queueId of new Set(batches.flatMap((b) => (b.enqueued ? [b.enqueued] : [])))) void routed(routing.dispatch(queueId));
      const queued = batches.filter((b) => b.enqueued);
      if (queued.length) void fanout?.publish(queued.map((b) => ({ type: 'changed', workspaceId: b.conversation.workspaceId, conversationId: b.conversation.id })));
      // A reply took a broadcast chat: its queue's other agents lose it.
      const taken = batches.flatMap((b) => (b.taken ? [{ type: 'assigned' as const, workspaceId: b.conversation.workspaceId, conversationId: b.conversation.id, ...b.taken }] : []));
      if (taken.length) void fanout?.publish(taken);
    },
    channel: () => bus?.channel,
    access: { views: routing.views },
    unseenEmailAfterMs: config.unseenEmailAfterMs,
  });
  bus = database.sql
    ? await createPostgresBus({
        sql: database.sql,
        load: (id, from, to) => conversations.committedRange(id, from, to),
        onError: (error) => app.log.error({ err: error }, 'bus delivery failed'),
      })
    : createMemoryBus();
  const hub = createHub({ findVisitor: conversations.findVisitor, maskerFor: masking.maskerFor, views: routing.views, onError: logError('fan-out failed') });
  // An agent's console will need the workspace's masking setting at once: read it now.
  hub.onPeer((peer, added) => {
    if (added && peer.principal.kind === 'agent') masking.warm(peer.principal.workspaceId);
  });
  bus.subscribe(hub.deliver);
  const { relay, availability } = await messengerParts(app, database, hub, config);
  relayRef = relay;
  relay.subscribe((event) => {
    if (event.kind === 'workspace.masking') void masking.changed(event);
  });
  messenger = createMessengerService({
    db: database.db,
    publish: relay.publish,
    onCommitted: (batches) => bus?.publish(batches),
    channel: () => bus?.channel,
    availability: availability.status,
    log: app.log,
    access: { views: routing.views },
    onEnded: (conversationId) => void routed(routing.abandon(conversationId)),
    onRequestEnded: (conversationId) => tickets!.closedByVisitor(conversationId),
  });
  fanout = createRoutingFanout({ hub, relay, routing, onError: logError('routing fan-out failed') });
  const replyEmails = createReplyEmailService({
    db: database.db,
    mailer: createMailer({ smtpUrl: config.smtpUrl, outbox: config.mailOutbox }),
    from: config.mailFrom,
    retryMs: config.mailRetryMs,
    attempts: config.mailAttempts,
    log: app.log,
  });
  routingParts(app, config, routing, fanout, hub, relay, replyEmails);
  const changed = messenger;
  relay.subscribe((event) => {
    if (event.kind !== 'conversation') return;
    changed.conversationRow(event.conversationId).then(
      (row) => {
        if (!row) return;
        if (event.renamed) hub.forgetVisitor(row.visitorId);
        hub.conversationChanged(row);
      },
      (error) => app.log.error({ err: error }, 'relay delivery failed'),
    );
  });
  // A blocked visitor's sockets close on every node.
  relay.subscribe((event) => event.kind === 'visitor.blocked' && endBlockedSessions(event, hub));
  // A deleted conversation leaves the consoles that may hold it, on every node.
  relay.subscribe((event) => event.kind === 'conversation.deleted' && endDeletedConversation(event, hub));
  // A removed agent's consoles close on every node; so do an agent's others after a password change.
  relay.subscribe((event) => event.kind === 'agent.sessions.ended' && endAgentSessions(event, hub));
  const identity = createIdentityService({ db: database.db });
  // A console that authenticated just before its session ended may join the hub just after the
  // sockets were closed: each new one is checked again once it is in.
  hub.onPeer((peer, added) => {
    const { principal } = peer;
    if (!added || principal.kind !== 'agent') return;
    identity.sessionLive(principal.sessionKey).then((live) => live || peer.close(CloseCode.SESSION_ENDED, 'session ended'), logError('session check failed'));
  });
  const customers = createCustomerService({
    db: database.db,
    readable: conversations.readable,
    masking: masking.maskerOf,
    announceRenamed: (conversationId) => relay.publish({ kind: 'conversation', conversationId, renamed: true }),
  });
  app.decorate('parley', {
    config,
    database,
    identity,
    contacts: createContactService({ db: database.db }),
    conversations,
    messenger,
    availability,
    relay,
    routing,
    routingFanout: fanout,
    masking,
    templates: createTemplateService({ db: database.db, conversations, masking: masking.maskerOf, seesContactDetails: customers.seesContactDetails }),
    views: createViewService({
      db: database.db,
      routingViews: routing.views,
      masking: masking.maskerOf,
      readable: conversations.readable,
      announce: (conversationId) => relay.publish({ kind: 'conversation', conversationId }),
      announceDeleted: relay.publish,
    }),
    customers,
    blocking: createBlockingService({ db: database.db, readable: conversations.readable, announce: relay.publish, masking: masking.maskerOf, onBlocked: (workspaceId, visitorId) => messenger.endBlocked(workspaceId, visitorId) }),
    agents: createAgentService({ db: database.db, routing, announce: relay.publish }),
    tickets: (tickets = createTicketService({
      masking: masking.maskerOf,
      db: database.db,
      conversations,
      onCommitted: (batches) => bus?.publish(batches),
      announce: (tx, notices) => bus?.announce?.(tx, notices) ?? Promise.resolve(),
    })),
    attachments: createAttachmentService({ db: database.db, maxBytes: config.maxUploadBytes, maySee: routing.maySee }),
    hub,
    bus,
    limiter: createRateLimiter({ perSecond: config.rateLimitPerSecond }),
    authLimiter: createRateLimiter({ perSecond: config.authRateLimitPerMinute / 60, burst: config.authRateLimitPerMinute }),
  });
  app.addHook('onClose', async () => {
    masking.stop();
    await conversations.flushed();
    await bus.close();
  });
});

/**
 * Routing's time-based work: the durable job runner (offer timeouts, resolved chats going to the
 * archive, the sweep, and reply e-mails: the unseen-replies timers and the sends) on every node,
 * and the heartbeat that tells routing which agents' consoles are connected to this node.
 */
function routingParts(app: FastifyInstance, config: Config, routing: RoutingService, fanout: RoutingFanout, hub: Hub, relay: EventRelay, replyEmails: ReplyEmailService) {
  const onError = (error: unknown) => app.log.error({ err: error }, 'routing job failed');
  const runner = createJobRunner({
    routing,
    handlers: replyEmails.handlers,
    onEvents: (events) => void fanout.publish(events),
    onArchived: (conversationId) => relay.publish({ kind: 'conversation', conversationId }),
    onError,
  });
  // Often enough that a connected console never looks stale between two beats.
  const beat = setInterval(() => routing.seenMany(hub.agentIds()).catch(onError), Math.min(config.heartbeatMs, Math.floor(config.agentStaleMs / 3)));
  beat.unref();
  app.addHook('onReady', async () => runner.start());
  app.addHook('onClose', async () => {
    clearInterval(beat);
    fanout.stop();
    await runner.stop();
    replyEmails.close();
  });
}

/**
 * The relay between nodes and the availability service, wired to the hub: agent sockets count
 * towards their workspace's availability; a visitor socket gets the status right after its
 * hello, and again whenever it changes.
 */
async function messengerParts(app: FastifyInstance, database: OpenDatabase, hub: Hub, config: Config) {
  const onError = (error: unknown) => app.log.error({ err: error }, 'messenger event failed');
  const relay = database.sql ? await createPostgresRelay({ sql: database.sql, onError }) : createMemoryRelay();
  const availability = createAvailabilityService({
    db: database.db,
    staleAfterMs: config.agentStaleMs,
    onChange: (workspaceId) => relay.publish({ kind: 'availability', workspaceId }),
  });
  // What this node last told each workspace's visitors, so only changes are sent.
  const told = new Map<string, string>();
  // One after the other per workspace, so an older reading never overwrites a newer one.
  const refreshing = new Map<string, Promise<void>>();
  const refresh = (workspaceId: string) => {
    const next = (refreshing.get(workspaceId) ?? Promise.resolve()).then(() =>
      availability.status(workspaceId).then((status) => {
        if (told.get(workspaceId) === status) return;
        told.set(workspaceId, status);
        hub.sendAvailability(workspaceId, status);
      }),
    );
    const settled = next.catch(() => {});
    refreshing.set(workspaceId, settled);
    void settled.then(() => refreshing.get(workspaceId) === settled && refreshing.delete(workspaceId));
    return next;
  };
  relay.subscribe((event) => {
    if (event.kind === 'availability') refresh(event.workspaceId).catch(onError);
    else if (event.kind === 'typing' || event.kind === 'read') hub.relay(event);
  });
  hub.onPeer((peer, added) => {
    const { principal } = peer;
    if (principal.kind === 'agent') {
      (added ? availability.agentConnected(principal.workspaceId) : availability.agentDisconnected(principal.workspaceId)).catch(onError);
    } else if (added) {
      // The socket route adds the peer and sends hello in one synchronous step; this answer is
      // asynchronous, so it always follows the hello.
      availability.status(principal.workspaceId).then((status) => hub.sendAvailability(principal.workspaceId, status, [peer]), onError);
    }
  });
  // Confirm this node's agents, and notice nodes that stopped confirming theirs.
  const timer = setInterval(() => {
    availability.refresh().catch(onError);
    for (const workspaceId of told.keys()) refresh(workspaceId).catch(onError);
  }, PRESENCE_REFRESH_MS);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await availability.stop().catch(onError);
    await relay.close();
  });
  return { relay, availability };
}
