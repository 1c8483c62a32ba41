import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import { CloseCode } from '@parley/protocol';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { OpenDatabase } from '../db/database.ts';
import { frameworkErrors, registerErrorHandler } from './errors.ts';
import { agentRoutes } from './routes/agent.ts';
import { agentAdminRoutes } from './routes/agents.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { healthRoutes } from './routes/health.ts';
import { handleProtocols, socketRoutes } from './routes/socket.ts';
import { routingRoutes } from './routes/routing.ts';
import { staticRoutes } from './routes/static.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { templateRoutes } from './routes/templates.ts';
import { workspaceAdminRoutes } from './routes/workspace-admin.ts';
import { viewRoutes } from './routes/views.ts';
import { customerRoutes } from './routes/customers.ts';
import { blockingRoutes } from './routes/blocking.ts';
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
  const app = Fastify({ logger, bodyLimit: 1024 * 1024, forceCloseConnections: true, trustProxy: config.trustProxy, frameworkErrors });
  registerErrorHandler(app);
  // What the API answers is someone's data: no browser cache or proxy keeps it, so on a shared
  // computer the next person finds none of it. A route whose answer may be kept says so itself.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
  // The hard cap sits above the frame limit so that a frame just over the limit is read in full
  // and refused with a clean 1009 close (see the socket route); a frame closed mid-read leaves
  // unread bytes behind, and the TCP reset that follows can hide the close code from the client.
  // After the server's close frame, a client has 5 s to answer before the connection is cut (the
  // socket library's default is 30 s, long for a client that sends garbage and never closes;
  // its option is newer than its published types, hence the separate object).
  const socketOptions = { maxPayload: config.maxFrameBytes * 4, handleProtocols, closeTimeout: 5_000 };
  await app.register(cookie);
  // Answers of 1 KB and more (lists, histories) go out compressed when the browser accepts it;
  // brotli at a quality meant for answers made per request (the build's files come precompressed
  // at the highest). Only over HTTP: frames on the socket are small and many.
  await app.register(compress, { encodings: ['br', 'gzip'], brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } } });
  await app.register(websocket, {
    options: socketOptions,
    // A frame the socket library refuses (over that cap, or breaking the protocol) is an error
    // on the socket after the library has sent its close frame (1009, 1002, 1007): cutting the
    // connection now would reset it before the client reads why, so the close handshake is left
    // to finish (the library ends it after `closeTimeout`). Any other error ends the socket.
    errorHandler(error, socket, request) {
      if ((error as { code?: string }).code?.startsWith('WS_ERR_')) request.log.debug({ err: error }, 'frame refused by the socket library');
      else {
        request.log.error({ err: error }, 'socket error');
        socket.terminate();
      }
    },
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
  await app.register(templateRoutes);
  await app.register(workspaceAdminRoutes);
  await app.register(attachmentRoutes);
  await app.register(routingRoutes);
  await app.register(agentAdminRoutes);
  await app.register(viewRoutes);
  await app.register(customerRoutes);
  await app.register(blockingRoutes);
  await app.register(staticRoutes);
  return app;
}
