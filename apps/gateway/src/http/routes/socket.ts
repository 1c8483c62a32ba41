import {
  CloseCode,
  ErrorCode,
  MAX_BODY_CHARS,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  SUPPORTED_VERSIONS,
  TOKEN_SUBPROTOCOL_PREFIX,
  type ServerFrame,
} from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Principal } from '../../domain/identity/principal.ts';
import { createConnectionHandler } from '../../socket/connection.ts';
import { SESSION_COOKIE } from '../auth.ts';
import { isConsoleOrigin, originOf } from '../origin.ts';

declare module 'fastify' {
  interface FastifyRequest {
    socketPrincipal?: Principal;
    /** Why a visitor's socket is closed as soon as it opens (blocked), if it is. */
    socketRefusal?: { code: string; message: string } | undefined;
  }
}

type Alive = WebSocket & { parleyAlive?: boolean };

const CORK_LIMIT = 64 * 1024;

function offeredProtocols(request: FastifyRequest): string[] {
  const header = request.headers['sec-websocket-protocol'];
  return typeof header === 'string' ? header.split(',').map((p) => p.trim()) : [];
}

function refuse(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).send({ error: { code, message } });
}

/**
 * The two WebSocket endpoints. Both authenticate in the upgrade request, before any frame:
 * `/ws/visitor` takes the session token from the subprotocol list and checks the Origin against
 * the app's allowed origins; `/ws/agent` takes the console's session cookie and accepts only the
 * console's origin, so a foreign page cannot ride an agent's cookie.
 */
export async function socketRoutes(app: FastifyInstance): Promise<void> {
  const { identity, conversations, messenger, hub, limiter, config } = app.parley;

  async function authenticateVisitor(request: FastifyRequest, reply: FastifyReply) {
    const entry = offeredProtocols(request).find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
    const visitor = entry ? await identity.authenticateVisitor(entry.slice(TOKEN_SUBPROTOCOL_PREFIX.length)) : undefined;
    // A browser always sends Origin on a WebSocket; a page elsewhere is refused. Without one the
    // caller is not a browser (an app), and its bearer token is its only credential anyway.
    const origin = originOf(request);
    if (visitor && origin && !visitor.allowedOrigins.includes(origin)) {
      return refuse(reply, 403, ErrorCode.FORBIDDEN_ORIGIN, `The origin ${origin ?? '(none)'} is not allowed for this app.`);
    }
    // An unknown session still gets its socket, closed at once with 4001, so a browser (which
    // cannot read an HTTP status from a failed upgrade) knows to start a new session.
    request.socketPrincipal = visitor;
    // A blocked visitor, like an unknown session, gets its socket closed at once, after a frame saying why.
    request.socketRefusal = visitor && (await app.parley.blocking.admitVisitor(visitor, request.ip));
  }

  async function authenticateAgent(request: FastifyRequest, reply: FastifyReply) {
    if (!isConsoleOrigin(request, config.consoleOrigins)) {
      return refuse(reply, 403, ErrorCode.FORBIDDEN_ORIGIN, 'The agent socket accepts only the console.');
    }
    const token = request.cookies[SESSION_COOKIE];
    request.socketPrincipal = token ? await identity.authenticateAgent(token) : undefined;
  }

  function attach(socket: Alive, request: FastifyRequest) {
    // Frames sent in one turn of the event loop leave in one write: the TCP socket stays corked
    // until setImmediate, which turns an ack, its fan-out and the list update into one writev.
    // A turn never holds back more than CORK_LIMIT bytes.
    const tcp = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    let corkedBytes = -1;
    const flush = () => {
      if (corkedBytes < 0) return;
      corkedBytes = -1;
      tcp?.uncork();
    };
    const sendText = (text: string) => {
      if (socket.readyState !== socket.OPEN) return;
      // A client that stops reading is cut off before its buffer grows without bound. What this
      // turn holds corked does not count: only what the client has not taken.
      if (socket.bufferedAmount - Math.max(0, corkedBytes) > config.maxBufferedBytes) {
        request.log.warn({ buffered: socket.bufferedAmount }, 'slow consumer cut off');
        socket.terminate();
        return;
      }
      if (tcp && corkedBytes > CORK_LIMIT) flush();
      if (tcp && corkedBytes < 0) {
        corkedBytes = 0;
        tcp.cork();
        setImmediate(flush);
      }
      socket.send(text);
      if (corkedBytes >= 0) corkedBytes += text.length;
    };
    const send = (frame: ServerFrame) => sendText(JSON.stringify(frame));
    socket.on('error', (error) => request.log.debug({ err: error }, 'socket error'));

    const version = Number((request.query as { v?: string }).v);
    if (!SUPPORTED_VERSIONS.includes(version)) {
      send({ type: 'reload', reason: `Protocol version ${Number.isNaN(version) ? '(none)' : version} is no longer supported; reload the page.`, versions: [...SUPPORTED_VERSIONS] });
      socket.close(CloseCode.RELOAD, 'reload');
      return;
    }
    const principal = request.socketPrincipal;
    if (!principal) {
      socket.close(CloseCode.UNAUTHORIZED, 'unauthorized');
      return;
    }
    if (request.socketRefusal) {
      send({ type: 'error', code: request.socketRefusal.code, message: request.socketRefusal.message });
      socket.close(CloseCode.BLOCKED, 'blocked');
      return;
    }

    const handler = createConnectionHandler({ principal, conversations, messenger, limiter, send, log: request.log });
    socket.on('message', (data, isBinary) => {
      if (frameBytes(data) > config.maxFrameBytes) {
        socket.close(CloseCode.FRAME_TOO_LARGE, 'frame too large');
        return;
      }
      void handler.receive(isBinary ? undefined : data.toString());
    });
    socket.parleyAlive = true;
    socket.on('pong', () => (socket.parleyAlive = true));
    const remove = hub.add({ principal, send: sendText, close: (code, reason) => socket.close(code, reason) });
    socket.on('close', remove);
    send({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      versions: [...SUPPORTED_VERSIONS],
      principal: { kind: principal.kind, id: principal.kind === 'visitor' ? principal.visitorId : principal.agentId },
      heartbeatMs: config.heartbeatMs,
      limits: {
        maxMessageLength: principal.kind === 'visitor' ? principal.maxMessageLength : MAX_BODY_CHARS,
        maxFrameBytes: config.maxFrameBytes,
      },
    });
  }

  // Message handlers are attached synchronously in the route handler, so no frame is missed.
  app.get('/ws/visitor', { websocket: true, preValidation: authenticateVisitor }, attach);
  app.get('/ws/agent', { websocket: true, preValidation: authenticateAgent }, attach);

  // Heartbeat: a socket that has not answered the previous ping is dead and is dropped.
  const timer = setInterval(() => {
    for (const client of app.websocketServer.clients as Set<Alive>) {
      if (client.parleyAlive === false) {
        client.terminate();
        continue;
      }
      client.parleyAlive = false;
      client.ping();
    }
  }, config.heartbeatMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

function frameBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** Picks Parley's subprotocol from the client's list; the token entry is never echoed back. */
export function handleProtocols(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}
