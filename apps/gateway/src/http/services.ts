import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createMemoryBus, type Bus } from '../bus/bus.ts';
import { createPostgresBus } from '../bus/postgres-bus.ts';
import { createMemoryRelay, createPostgresRelay, type EventRelay } from '../bus/event-relay.ts';
import type { Config } from '../config.ts';
import type { OpenDatabase } from '../db/database.ts';
import { createAttachmentService, type AttachmentService } from '../domain/attachments/attachment-service.ts';
import { createConversationService, type ConversationService } from '../domain/conversations/conversation-service.ts';
import { createMessengerService, type MessengerService } from '../domain/conversations/messenger-service.ts';
import { createAvailabilityService, PRESENCE_REFRESH_MS, type AvailabilityService } from '../domain/availability.ts';
import { createContactService, type ContactService } from '../domain/identity/contact-service.ts';
import { createIdentityService, type IdentityService } from '../domain/identity/identity-service.ts';
import { createTicketService, type TicketService } from '../domain/tickets/ticket-service.ts';
import { createHub, type Hub } from '../socket/hub.ts';
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
  const conversations = createConversationService({
    db: database.db,
    onCommitted: (batches) => {
      bus?.publish(batches);
      void messenger?.afterCommit(batches);
    },
    channel: () => bus?.channel,
  });
  bus = database.sql
    ? await createPostgresBus({
        sql: database.sql,
        load: (id, from, to) => conversations.committedRange(id, from, to),
        onError: (error) => app.log.error({ err: error }, 'bus delivery failed'),
      })
    : createMemoryBus();
  const hub = createHub({ findVisitor: conversations.findVisitor });
  bus.subscribe(hub.deliver);
  const { relay, availability } = await messengerParts(app, database, hub);
  messenger = createMessengerService({
    db: database.db,
    publish: relay.publish,
    onCommitted: (batches) => bus?.publish(batches),
    channel: () => bus?.channel,
    availability: availability.status,
    log: app.log,
  });
  const changed = messenger;
  relay.subscribe((event) => {
    if (event.kind !== 'conversation') return;
    changed.conversationRow(event.conversationId).then((row) => row && hub.conversationChanged(row), (error) => app.log.error({ err: error }, 'relay delivery failed'));
  });
  app.decorate('parley', {
    config,
    database,
    identity: createIdentityService({ db: database.db }),
    contacts: createContactService({ db: database.db }),
    conversations,
    messenger,
    availability,
    relay,
    tickets: createTicketService({
      db: database.db,
      conversations,
      onCommitted: (batches) => bus?.publish(batches),
      announce: (tx, notices) => bus?.announce?.(tx, notices) ?? Promise.resolve(),
    }),
    attachments: createAttachmentService({ db: database.db, maxBytes: config.maxUploadBytes }),
    hub,
    bus,
    limiter: createRateLimiter({ perSecond: config.rateLimitPerSecond }),
    authLimiter: createRateLimiter({ perSecond: config.authRateLimitPerMinute / 60, burst: config.authRateLimitPerMinute }),
  });
  app.addHook('onClose', async () => {
    await conversations.flushed();
    await bus.close();
  });
});

/**
 * The relay between nodes and the availability service, wired to the hub: agent sockets count
 * towards their workspace's availability; a visitor socket gets the status right after its
 * hello, and again whenever it changes.
 */
async function messengerParts(app: FastifyInstance, database: OpenDatabase, hub: Hub) {
  const onError = (error: unknown) => app.log.error({ err: error }, 'messenger event failed');
  const relay = database.sql ? await createPostgresRelay({ sql: database.sql, onError }) : createMemoryRelay();
  const availability = createAvailabilityService({ db: database.db, onChange: (workspaceId) => relay.publish({ kind: 'availability', workspaceId }) });
  // What this node last told each workspace's visitors, so only changes are sent.
  const told = new Map<string, string>();
  const refresh = (workspaceId: string) =>
    availability.status(workspaceId).then((status) => {
      if (told.get(workspaceId) === status) return;
      told.set(workspaceId, status);
      hub.sendAvailability(workspaceId, status);
    });
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
