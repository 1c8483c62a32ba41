import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import { CloseCode } from '@parley/protocol';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { OpenDatabase } from '../db/database.ts';
import { registerErrorHandler } from './errors.ts';
import { agentRoutes } from './routes/agent.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { healthRoutes } from './routes/health.ts';
import { handleProtocols, socketRoutes } from './routes/socket.ts';
import { staticRoutes } from './routes/static.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { visitorIdentityRoutes } from './routes/visitor-identity.ts';
import { visitorAppRoutes } from './routes/visitor-app.ts';
import { visitorRoutes } from './routes/visitor.ts';
import { servicesPlugin } from './services.ts';

/**
 * Builds the gateway: external plugins (cookies, WebSocket), then the application's services,
 * then the routes. It does not listen; the caller does.
 */
export async function buildGateway({
  config,
  database,
  logger = { level: config.logLevel },
}: {
  config: Config;
  database: OpenDatabase;
  logger?: FastifyServerOptions['logger'];
}): Promise<FastifyInstance> {
  const app = Fastify({ logger, bodyLimit: 1024 * 1024, forceCloseConnections: true, trustProxy: config.trustProxy });
  registerErrorHandler(app);
  await app.register(cookie);
  await app.register(websocket, {
    options: { maxPayload: config.maxFrameBytes, handleProtocols },
    // On shutdown every client is told to come back (1001), so it reconnects to another node
    // or to this one once it has restarted, and resumes where it was.
    preClose(done) {
      for (const client of app.websocketServer.clients) client.close(CloseCode.GOING_AWAY, 'server restarting');
      app.websocketServer.close(() => done());
    },
  });
  await app.register(servicesPlugin, { config, database });
  await app.register(healthRoutes);
  await app.register(agentRoutes);
  await app.register(visitorRoutes);
  await app.register(visitorIdentityRoutes);
  await app.register(visitorAppRoutes);
  await app.register(socketRoutes);
  await app.register(ticketRoutes);
  await app.register(attachmentRoutes);
  await app.register(staticRoutes);
  return app;
}
