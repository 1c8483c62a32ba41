import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createMemoryBus, type Bus } from '../bus/bus.ts';
import { createPostgresBus } from '../bus/postgres-bus.ts';
import type { Config } from '../config.ts';
import type { OpenDatabase } from '../db/database.ts';
import { createConversationService, type ConversationService } from '../domain/conversations/conversation-service.ts';
import { createIdentityService, type IdentityService } from '../domain/identity/identity-service.ts';
import { createHub, type Hub } from '../socket/hub.ts';
import { createRateLimiter, type RateLimiter } from '../socket/rate-limiter.ts';

/** The application's services, built once per gateway and decorated onto Fastify. */
export interface Services {
  config: Config;
  database: OpenDatabase;
  identity: IdentityService;
  conversations: ConversationService;
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
  const conversations = createConversationService({
    db: database.db,
    onCommitted: (batches) => bus?.publish(batches),
    announce: (tx, notices) => bus?.announce?.(tx, notices) ?? Promise.resolve(),
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
  app.decorate('parley', {
    config,
    database,
    identity: createIdentityService({ db: database.db }),
    conversations,
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
